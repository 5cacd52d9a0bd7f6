"""Answering a self-assessment: starting one, saving answers with htmx and without, two officers
saving at once, evidence and links, key factor notes and targets, context, and the audit trail.

Around the `people` fixture: Olga is an officer of Athens; `colleague` (Costas) is a second
officer of Athens, for two people answering at the same time. Who gets which status code on
which route is tests/site/test_permissions.py's business, not this module's.
"""

import re
from datetime import date

import pytest
from django.urls import reverse

from citygrow.assessments import services
from citygrow.assessments.models import Answer, Assessment, ContextNote, FactorNote
from citygrow.catalogue.models import ContextFactor, GuideQuestion, KeyFactor, Toolkit
from citygrow.people.models import AuditEntry, City, Role

HTMX = {"HX-Request": "true"}


@pytest.fixture
def athens(seeded) -> City:
    return City.objects.get(name="Athens")


@pytest.fixture
def colleague(people, athens, django_user_model):
    user = django_user_model.objects.create_user(
        "costas", first_name="Costas", password="pass-1234-word"
    )
    Role.objects.create(user=user, kind="officer", city=athens)
    return user


def question(toolkit: Toolkit, number: str) -> GuideQuestion:
    """The guide question numbered like "1.2" (key factor 1, question 2)."""
    factor, position = number.split(".")
    return GuideQuestion.objects.get(
        key_factor__toolkit=toolkit, key_factor__position=factor, position=position
    )


def answer_url(assessment: Assessment, q: GuideQuestion) -> str:
    return reverse("assessments:answer_save", args=[assessment.pk, q.pk])


def answer_data(
    q: GuideQuestion, value: str, *, evidence: str = "", links: str = "", version: str = ""
) -> dict[str, str]:
    """What the question's form posts."""
    return {
        f"q{q.pk}-value": value,
        f"q{q.pk}-evidence": evidence,
        f"q{q.pk}-links": links,
        f"q{q.pk}-version": version,
    }


def version_in(html: str, q: GuideQuestion) -> str:
    """The version the question's form carries ("" when it carries none)."""
    match = re.search(rf'<input type="hidden" name="q{q.pk}-version"( value="(\d+)")?', html)
    assert match, f"no version field for question {q.pk}"
    return match.group(2) or ""


def checked_value(html: str, q: GuideQuestion) -> str | None:
    """The answer ticked in the question's form."""
    match = re.search(rf'name="q{q.pk}-value" value="(\w+)"[^>]* checked', html)
    return match.group(1) if match else None


def alert(html: str) -> str:
    match = re.search(r'role="alert">(.*?)</div>', html, re.S)
    assert match, "no alert on the page"
    return re.sub(r"<[^>]+>", "", match.group(1))


def select(html: str, name: str) -> str:
    return re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)


def test_an_officer_starts_an_assessment_and_lands_on_the_questionnaire(
    client, people, athens, toolkit_a
):
    client.force_login(people["officer"])
    response = client.post(
        "/assessments/new/",
        {
            "city": athens.pk,
            "toolkit": toolkit_a.pk,
            "title": "Athens 2024",
            "assessed_on": "2024-05-01",
        },
        follow=True,
    )
    assessment = Assessment.objects.get()
    assert response.redirect_chain == [(f"/assessments/{assessment.pk}/answer/", 302)]
    assert (assessment.city, assessment.toolkit, assessment.title) == (
        athens,
        toolkit_a,
        "Athens 2024",
    )
    assert assessment.assessed_on == date(2024, 5, 1)
    assert assessment.status == Assessment.Status.DRAFT
    assert assessment.created_by == people["officer"]
    assert "0 of 24 questions answered" in response.content.decode()


def test_the_start_form_offers_only_the_officers_cities_and_published_toolkits(
    client, people, toolkit_a, toolkit_c
):
    Toolkit.objects.filter(pk=toolkit_c.pk).update(status=Toolkit.Status.DRAFT)
    client.force_login(people["officer"])
    html = client.get("/assessments/new/").content.decode()
    cities = re.findall(r"<option[^>]*>([^<]*)</option>", select(html, "city"))
    toolkits = re.findall(r'<option value="(\d+)"', select(html, "toolkit"))
    assert cities == ["Athens"]
    assert toolkits == [str(toolkit_a.pk)]


def test_a_city_that_is_not_the_officers_own_is_refused_with_a_form_error(
    client, people, toolkit_a
):
    helsinki = City.objects.get(name="Helsinki")
    client.force_login(people["officer"])
    response = client.post(
        "/assessments/new/",
        {"city": helsinki.pk, "toolkit": toolkit_a.pk, "title": "T", "assessed_on": "2024-05-01"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Assessment.objects.exists()


def test_a_toolkit_that_is_not_published_cannot_be_chosen(client, people, athens, toolkit_c):
    Toolkit.objects.filter(pk=toolkit_c.pk).update(status=Toolkit.Status.DRAFT)
    client.force_login(people["officer"])
    response = client.post(
        "/assessments/new/",
        {"city": athens.pk, "toolkit": toolkit_c.pk, "title": "T", "assessed_on": "2024-05-01"},
    )
    assert "Select a valid choice" in response.content.decode()
    assert not Assessment.objects.exists()


def test_an_htmx_answer_returns_the_saved_form_and_the_progress(client, people, draft):
    q = question(draft.toolkit, "1.2")
    client.force_login(people["officer"])
    response = client.post(answer_url(draft, q), answer_data(q, "partly"), headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<form id="question-{q.pk}"' in html
    assert '<span class="save-state" role="status">Saved</span>' in html
    assert checked_value(html, q) == "partly"
    assert version_in(html, q) == "1"
    progress = re.search(r'<div id="progress"[^>]*hx-swap-oob="true">(.*?)</div>', html, re.S)
    assert progress, "no out-of-band progress element"
    assert "1 of 24 questions answered" in progress.group(1)
    assert Answer.objects.get(assessment=draft, question=q).value == "partly"


def test_an_answer_without_htmx_goes_back_to_the_question_on_the_questionnaire(
    client, people, draft
):
    q = question(draft.toolkit, "2.3")
    client.force_login(people["officer"])
    response = client.post(answer_url(draft, q), answer_data(q, "yes", evidence="A plan"))
    assert response.status_code == 302
    assert response["Location"] == f"/assessments/{draft.pk}/answer/#question-{q.pk}"
    html = client.get(response["Location"]).content.decode()
    assert checked_value(html, q) == "yes"
    assert "1 of 24 questions answered" in html


def test_changing_an_answer_needs_the_version_the_form_carries(client, people, draft):
    q = question(draft.toolkit, "1.1")
    client.force_login(people["officer"])
    client.post(answer_url(draft, q), answer_data(q, "no"), headers=HTMX)
    seen = version_in(client.get(f"/assessments/{draft.pk}/answer/").content.decode(), q)
    assert seen == "1"

    blind = client.post(answer_url(draft, q), answer_data(q, "yes"), headers=HTMX)
    assert "Saved" not in blind.content.decode()
    assert Answer.objects.get(question=q).value == "no"

    client.post(answer_url(draft, q), answer_data(q, "yes", version=seen), headers=HTMX)
    answer = Answer.objects.get(question=q)
    assert (answer.value, answer.version) == ("yes", 2)


def test_when_two_officers_change_one_answer_the_second_is_told_and_nothing_is_lost(
    client, people, colleague, draft
):
    q = question(draft.toolkit, "3.1")
    services.save_answer(
        assessment=draft,
        question=q,
        value="no",
        evidence="",
        links=[],
        seen_version=None,
        by=people["officer"],
    )
    olga, costas = client, type(client)()
    olga.force_login(people["officer"])
    costas.force_login(colleague)
    page = f"/assessments/{draft.pk}/answer/"
    assert version_in(olga.get(page).content.decode(), q) == "1"
    assert version_in(costas.get(page).content.decode(), q) == "1"

    olga.post(
        answer_url(draft, q),
        answer_data(q, "partly", evidence="Olga's evidence", version="1"),
        headers=HTMX,
    )
    refused = costas.post(
        answer_url(draft, q), answer_data(q, "yes", evidence="Costas", version="1"), headers=HTMX
    )

    html = refused.content.decode()
    assert refused.status_code == 200
    assert "Saved" not in html
    told = alert(html)
    assert "Olga changed this answer" in told
    assert "Their answer: Partly" in told
    assert checked_value(html, q) == "yes", "Costas's answer stays in his form, unsaved"
    answer = Answer.objects.get(question=q)
    assert (answer.value, answer.evidence, answer.updated_by) == (
        "partly",
        "Olga's evidence",
        people["officer"],
    )

    again = costas.post(
        answer_url(draft, q),
        answer_data(q, "yes", evidence="Costas", version=version_in(html, q)),
        headers=HTMX,
    )
    assert "Saved" in again.content.decode()
    answer.refresh_from_db()
    assert (answer.value, answer.evidence, answer.updated_by, answer.version) == (
        "yes",
        "Costas",
        colleague,
        3,
    )


def test_without_htmx_a_conflicting_save_gets_409_and_keeps_the_first_answer(
    client, people, colleague, draft
):
    q = question(draft.toolkit, "3.2")
    for value, person, version in (("no", people["officer"], None), ("yes", people["officer"], 1)):
        services.save_answer(
            assessment=draft,
            question=q,
            value=value,
            evidence="",
            links=[],
            seen_version=version,
            by=person,
        )
    client.force_login(colleague)
    response = client.post(answer_url(draft, q), answer_data(q, "no", version="1"))
    assert response.status_code == 409
    told = alert(response.content.decode())
    assert "Olga changed this answer" in told
    assert "Their answer: Yes" in told
    assert Answer.objects.get(question=q).value == "yes"


def test_a_version_for_a_question_not_answered_yet_is_not_a_server_error(client, people, draft):
    """A stale or tampered form names a version, but the question has no answer."""
    q = question(draft.toolkit, "1.3")
    client.force_login(people["officer"])
    response = client.post(answer_url(draft, q), answer_data(q, "yes", version="1"), headers=HTMX)
    assert response.status_code == 200
    assert f'<form id="question-{q.pk}"' in response.content.decode()


def test_keep_their_answer_shows_the_stored_answer(client, people, colleague, draft):
    q = question(draft.toolkit, "4.1")
    services.save_answer(
        assessment=draft,
        question=q,
        value="partly",
        evidence="Olga's evidence",
        links=[],
        seen_version=None,
        by=people["officer"],
    )
    client.force_login(colleague)
    conflict = client.post(answer_url(draft, q), answer_data(q, "no"), headers=HTMX)
    assert "Keep their answer" in conflict.content.decode()

    response = client.get(answer_url(draft, q), headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert checked_value(html, q) == "partly"
    assert "Olga&#x27;s evidence" in html
    assert version_in(html, q) == "1"
    assert 'role="alert"' not in html


def test_two_first_answers_at_the_same_moment_the_second_gets_the_conflict(
    client, people, colleague, draft
):
    q = question(draft.toolkit, "5.1")
    olga, costas = client, type(client)()
    olga.force_login(people["officer"])
    costas.force_login(colleague)
    first = olga.post(answer_url(draft, q), answer_data(q, "yes"), headers=HTMX)
    second = costas.post(answer_url(draft, q), answer_data(q, "no"), headers=HTMX)
    assert "Saved" in first.content.decode()
    assert "Olga changed this answer" in alert(second.content.decode())
    assert Answer.objects.get(question=q).value == "yes"
    with pytest.raises(services.Conflict):
        services.save_answer(
            assessment=draft,
            question=q,
            value="no",
            evidence="",
            links=[],
            seen_version=None,
            by=colleague,
        )


def test_a_question_of_another_toolkit_is_not_found(client, people, draft, toolkit_c):
    foreign = question(toolkit_c, "1.1")
    client.force_login(people["officer"])
    response = client.post(answer_url(draft, foreign), answer_data(foreign, "yes"), headers=HTMX)
    assert response.status_code == 404
    with pytest.raises(services.AssessmentError):
        services.save_answer(
            assessment=draft,
            question=foreign,
            value="yes",
            evidence="",
            links=[],
            seen_version=None,
            by=people["officer"],
        )
    assert not Answer.objects.exists()


def test_an_invalid_value_is_refused_and_nothing_is_stored(client, people, draft):
    q = question(draft.toolkit, "1.1")
    client.force_login(people["officer"])
    response = client.post(answer_url(draft, q), answer_data(q, "maybe"), headers=HTMX)
    assert "Select a valid choice" in response.content.decode()
    assert "Saved" not in response.content.decode()
    assert client.post(answer_url(draft, q), answer_data(q, "maybe")).status_code == 400
    assert not Answer.objects.exists()


@pytest.mark.parametrize("link", ["javascript:alert(1)", "ftp://x", "www.example.org"])
def test_links_that_are_not_web_addresses_are_refused_and_nothing_is_stored(
    client, people, draft, link
):
    q = question(draft.toolkit, "1.1")
    client.force_login(people["officer"])
    response = client.post(
        answer_url(draft, q),
        answer_data(q, "yes", links=f"https://example.org\n{link}"),
        headers=HTMX,
    )
    html = response.content.decode()
    assert f"“{link}” is not a web address starting with http:// or https://." in html
    assert not Answer.objects.exists()


def test_web_addresses_are_stored_one_per_line(client, people, draft):
    q = question(draft.toolkit, "1.1")
    client.force_login(people["officer"])
    links = "https://example.org/plan\n\n http://athens.gr/data \n"
    client.post(answer_url(draft, q), answer_data(q, "yes", links=links), headers=HTMX)
    assert Answer.objects.get().links == ["https://example.org/plan", "http://athens.gr/data"]


def test_more_than_twenty_links_are_refused(client, people, draft):
    q = question(draft.toolkit, "1.1")
    client.force_login(people["officer"])
    links = "\n".join(f"https://example.org/{n}" for n in range(21))
    response = client.post(answer_url(draft, q), answer_data(q, "yes", links=links), headers=HTMX)
    assert "At most 20 links." in response.content.decode()
    assert not Answer.objects.exists()

    twenty = "\n".join(f"https://example.org/{n}" for n in range(20))
    client.post(answer_url(draft, q), answer_data(q, "yes", links=twenty), headers=HTMX)
    assert len(Answer.objects.get().links) == 20


def test_evidence_with_a_script_is_stored_as_text_and_shown_escaped_on_the_report(
    client, people, draft
):
    q = question(draft.toolkit, "1.1")
    evidence = "<script>alert('x')</script> council decision"
    client.force_login(people["officer"])
    client.post(answer_url(draft, q), answer_data(q, "yes", evidence=evidence), headers=HTMX)
    assert Answer.objects.get().evidence == evidence
    html = client.get(draft.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; council decision" in html
    assert "<script>alert" not in html


def test_a_key_factor_note_and_target_are_stored_and_shown_on_the_report(client, people, draft):
    factor = KeyFactor.objects.get(toolkit=draft.toolkit, position=2)
    url = reverse("assessments:factor_save", args=[draft.pk, factor.pk])
    client.force_login(people["officer"])
    response = client.post(
        url,
        {f"kf{factor.pk}-note": "Procurement rules change in 2025.", f"kf{factor.pk}-target": 60},
    )
    assert response.status_code == 302
    note = FactorNote.objects.get(assessment=draft, key_factor=factor)
    assert (note.note, note.target) == ("Procurement rules change in 2025.", 60)
    html = client.get(draft.get_absolute_url()).content.decode()
    section = html[html.index('id="key-factor-2"') :]
    section = section[: section.index("</section>")]
    assert "Procurement rules change in 2025." in section
    assert "target: 60" in section


def test_with_htmx_a_key_factor_note_returns_its_form_saved(client, people, draft):
    factor = KeyFactor.objects.get(toolkit=draft.toolkit, position=1)
    url = reverse("assessments:factor_save", args=[draft.pk, factor.pk])
    client.force_login(people["officer"])
    response = client.post(
        url, {f"kf{factor.pk}-note": "", f"kf{factor.pk}-target": "75"}, headers=HTMX
    )
    html = response.content.decode()
    assert f'<form id="note-{factor.pk}"' in html
    assert '<span class="save-state" role="status">Saved</span>' in html
    assert FactorNote.objects.get().target == 75


def test_a_key_factor_of_another_toolkit_is_not_found(client, people, draft, toolkit_c):
    foreign = KeyFactor.objects.get(toolkit=toolkit_c, position=1)
    client.force_login(people["officer"])
    response = client.post(
        reverse("assessments:factor_save", args=[draft.pk, foreign.pk]),
        {f"kf{foreign.pk}-note": "", f"kf{foreign.pk}-target": "50"},
    )
    assert response.status_code == 404
    assert not FactorNote.objects.exists()


@pytest.mark.parametrize("target", ["101", "-1"])
def test_a_target_outside_0_to_100_is_refused(client, people, draft, target):
    factor = KeyFactor.objects.get(toolkit=draft.toolkit, position=2)
    url = reverse("assessments:factor_save", args=[draft.pk, factor.pk])
    data = {f"kf{factor.pk}-note": "n", f"kf{factor.pk}-target": target}
    client.force_login(people["officer"])
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Ensure this value is" in response.content.decode()
    htmx = client.post(url, data, headers=HTMX).content.decode()
    assert "Ensure this value is" in htmx
    assert "Saved" not in htmx
    assert not FactorNote.objects.exists()


def test_a_ticked_context_factor_needs_an_explanation(client, people, draft):
    factor = ContextFactor.objects.filter(toolkit=draft.toolkit).first()
    client.force_login(people["officer"])
    response = client.post(
        reverse("assessments:context_save", args=[draft.pk]),
        {f"applies_{factor.pk}": "on", f"explanation_{factor.pk}": ""},
    )
    assert response.status_code == 400
    assert "Say how this factor affects the city, or untick it." in response.content.decode()
    assert not ContextNote.objects.exists()


def test_a_context_factor_with_an_explanation_is_stored_and_shown_in_the_report(
    client, people, draft
):
    factors = list(ContextFactor.objects.filter(toolkit=draft.toolkit))
    ticked, unticked = factors[0], factors[1]
    client.force_login(people["officer"])
    response = client.post(
        reverse("assessments:context_save", args=[draft.pk]),
        {
            f"applies_{ticked.pk}": "on",
            f"explanation_{ticked.pk}": "Few migrants own firms large enough to bid.",
            f"explanation_{unticked.pk}": "Not ticked, so not kept.",
        },
    )
    assert response.status_code == 302
    note = ContextNote.objects.get()
    assert (note.context_factor, note.explanation) == (
        ticked,
        "Few migrants own firms large enough to bid.",
    )
    html = client.get(draft.get_absolute_url()).content.decode()
    context = html[html.index('id="context-h"') :]
    assert "Few migrants own firms large enough to bid." in context
    assert "Not ticked, so not kept." not in html


def test_answers_cannot_change_once_submitted(client, people, draft):
    q = question(draft.toolkit, "1.1")
    services.save_answer(
        assessment=draft,
        question=q,
        value="no",
        evidence="",
        links=[],
        seen_version=None,
        by=people["officer"],
    )
    services.submit(assessment=draft, by=people["officer"])
    submitted = Assessment.objects.get(pk=draft.pk)
    with pytest.raises(services.AssessmentError, match="submitted"):
        services.save_answer(
            assessment=submitted,
            question=q,
            value="yes",
            evidence="",
            links=[],
            seen_version=1,
            by=people["officer"],
        )
    client.force_login(people["officer"])
    response = client.post(answer_url(draft, q), answer_data(q, "yes", version="1"), headers=HTMX)
    assert response.status_code == 403
    assert Answer.objects.get().value == "no"


def test_every_answer_save_is_audited_with_the_city(client, people, athens, draft):
    q = question(draft.toolkit, "1.1")
    client.force_login(people["officer"])
    client.post(answer_url(draft, q), answer_data(q, "no"), headers=HTMX)
    client.post(answer_url(draft, q), answer_data(q, "yes", version="1"), headers=HTMX)
    entries = AuditEntry.objects.filter(target_type="assessments.answer").order_by("pk")
    assert [(e.action, e.actor, e.city) for e in entries] == [
        ("create", people["officer"], athens),
        ("change", people["officer"], athens),
    ]
    assert entries[1].changes == {"value": ["no", "yes"]}
