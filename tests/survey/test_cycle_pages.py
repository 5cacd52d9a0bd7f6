"""The survey's cycle pages (issue 15 part 3): opening and changing a cycle and inviting cities,
the cycle's page per person, a city's response and answering it (with htmx and without, two
officers at once, after the close), the workflow (submit, return, accept), starting from the
previous cycle, and publishing a city's answers.

Around the `people` fixture: Olga (`officer`) answers for Athens, Hugo (`other_officer`) for
Helsinki, Cora (`coordinator`) runs the survey; `colleague` (Costas) is a second officer of
Athens, for two people answering at once. Cycle "2019" (`cycle`) is open from a month ago to a
month from now and invites Athens and Helsinki (tests/support/survey.py). Who gets which status
code on which route is tests/site/test_permissions.py's business; here, what each person sees.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from citygrow.people.models import City, Role
from citygrow.survey import services
from citygrow.survey.models import (
    CharterRole,
    CommitmentAnswer,
    Cycle,
    Questionnaire,
    Response,
    RoleNote,
)
from citygrow.survey.questionnaire_file import parse_questionnaire
from tests.support.budgets import count_queries
from tests.support.clients import web_client
from tests.support.survey import commitment, open_cycle_for, rate, response_of

HTMX = {"HX-Request": "true"}
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)

#: A small edition with one extra question of each kind, on commitment Q1.
WITH_QUESTIONS = """\
format: 1
edition: {label: small-2030, year: 2030, status: published}
title: A small questionnaire
source: {title: The Charter, publisher: EUROCITIES, year: 2010, credit: Summaries.}
scale: {fully: 100, partly: 50, not_at_all: 0}
roles:
  - {code: policy-maker, title: The city as a policy-maker}
commitments:
  - code: Q1
    role: policy-maker
    text: Communicate the commitment.
    summary: true
    questions:
      - {code: plan, kind: yes_no, text: Is there a written plan?}
      - {code: budget, kind: number, text: How much is spent each year?}
      - {code: channel, kind: choice, text: Through which channel?, choices: [press, website]}
      - {code: who, kind: text, text: Who leads it?}
  - code: Q2
    role: policy-maker
    text: Engage the communities.
    summary: false
"""


# -- fixtures and helpers -----------------------------------------------------------------------


@pytest.fixture
def cycle(people) -> Cycle:
    return open_cycle_for(people)


@pytest.fixture
def athens(cycle) -> Response:
    return response_of(cycle, "Athens")


@pytest.fixture
def colleague(people, django_user_model):
    user = django_user_model.objects.create_user(
        "costas", first_name="Costas", password="pass-1234-word"
    )
    Role.objects.create(user=user, kind="officer", city=City.objects.get(name="Athens"))
    return web_client(user)


def html_of(response) -> str:
    return response.content.decode()


def text_of(response) -> str:
    """The page's text, without tags and with spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html_of(response)).split())


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def rating_url(response: Response, code: str) -> str:
    c = commitment(response.cycle, code)
    return reverse("survey:rating_save", args=[response.pk, c.pk])


def rating_data(
    response: Response,
    code: str,
    rating: str,
    *,
    evidence: str = "",
    links: str = "",
    version: str = "",
    **extra: str,
) -> dict[str, str]:
    """What the commitment's form posts (`extra`: question code -> value)."""
    prefix = f"c{commitment(response.cycle, code).pk}"
    data = {
        f"{prefix}-rating": rating,
        f"{prefix}-evidence": evidence,
        f"{prefix}-links": links,
        f"{prefix}-version": version,
    }
    data.update({f"{prefix}-x-{name}": value for name, value in extra.items()})
    return data


def version_in(html: str, response: Response, code: str) -> str:
    """The version a commitment's form carries ("" when none)."""
    prefix = f"c{commitment(response.cycle, code).pk}"
    match = re.search(rf'<input type="hidden" name="{prefix}-version"( value="(\d+)")?', html)
    assert match, f"no version field for {code}"
    return match.group(2) or ""


def checked_rating(html: str, response: Response, code: str) -> str | None:
    prefix = f"c{commitment(response.cycle, code).pk}"
    match = re.search(rf'name="{prefix}-rating" value="(\w+)"[^>]* checked', html)
    return match.group(1) if match else None


def action_url(response: Response, action: str) -> str:
    return reverse("survey:response_action", args=[response.pk, action])


def answer_page(response: Response) -> str:
    return reverse("survey:response_answer", args=[response.pk])


def close(cycle: Cycle) -> None:
    Cycle.objects.filter(pk=cycle.pk).update(opens_on=TODAY - 60 * DAY, closes_on=TODAY - DAY)


def make_signatories(*names: str) -> None:
    City.objects.update(charter_signatory=False, charter_signed_on=None, charter_signed_by="")
    City.objects.filter(name__in=names).update(charter_signatory=True)


def open_data(**changes: str) -> dict[str, str]:
    data = {
        "label": "2021",
        "title": "Integrating Cities survey 2021",
        "questionnaire": str(Questionnaire.objects.get(label="charter-2010").pk),
        "opens_on": str(TODAY),
        "closes_on": str(TODAY + 30 * DAY),
        "invite_signatories": "on",
    }
    data.update(changes)
    return data


# -- the Charter page lists the cycles ---------------------------------------------------------


def test_the_charter_page_lists_the_cycles_newest_first_with_phase_and_response_rate(
    people, client, coordinator
):
    older = open_cycle_for(
        people, label="2017", opens_on=TODAY - 400 * DAY, closes_on=TODAY - 300 * DAY
    )
    newer = open_cycle_for(people, label="2019")
    rate(response_of(newer), {"PM1": "fully"}, by=people["officer"])
    services.submit_response(response=response_of(newer), by=people["officer"])
    upcoming = open_cycle_for(
        people, label="2021", opens_on=TODAY + 10 * DAY, closes_on=TODAY + 40 * DAY
    )

    page = text_of(client.get("/charter/"))
    assert "Survey cycles" in page
    positions = [page.index(f"({c.label})") for c in (upcoming, newer, older)]
    assert positions == sorted(positions), "not newest first"
    assert f"({newer.label}) · open until" in page
    assert "1 of 2 responded" in page
    assert f"({older.label}) · closed on" in page
    assert f"({upcoming.label}) · opens on" in page
    assert "Open a cycle" not in page
    assert "Open a cycle" in text_of(coordinator.web.get("/charter/"))


# -- opening a cycle ----------------------------------------------------------------------------


def test_a_coordinator_opens_a_cycle_inviting_the_signatories(people, coordinator):
    open_cycle_for(people, label="2019")  # loads the edition; a cycle of its own
    make_signatories("Ghent", "Munich")
    page = coordinator.web.get("/charter/cycles/new/")
    assert page.status_code == 200
    assert 'type="date"' in html_of(page)

    done = coordinator.web.post("/charter/cycles/new/", open_data(), follow=True)
    cycle = Cycle.objects.get(label="2021")
    assert done.redirect_chain == [(f"/charter/cycles/{cycle.pk}/", 302)]
    assert "The cycle 2021 is opened; 2 cities are invited." in messages_of(done)
    assert sorted(cycle.responses.values_list("city__name", flat=True)) == ["Ghent", "Munich"]
    assert (cycle.created_by, cycle.closes_on) == (people["coordinator"], TODAY + 30 * DAY)
    assert "Ghent" in text_of(done)


def test_a_cycle_opened_without_inviting_the_signatories_invites_no_city(people, coordinator):
    open_cycle_for(people, label="2019")
    make_signatories("Ghent")
    data = open_data()
    del data["invite_signatories"]
    coordinator.web.post("/charter/cycles/new/", data)
    assert not Cycle.objects.get(label="2021").responses.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"closes_on": str(TODAY - DAY)},
            "A cycle closes on or after the day it opens.",
        ),
        ({"label": "2019"}, "There is already a cycle called “2019”."),
        ({"label": "twenty one!"}, "Enter a valid “slug”"),
        ({"opens_on": "9999-01-01"}, "Give a date between 2000 and 2100."),
        ({"opens_on": "yesterday"}, "Enter a valid date."),
    ],
)
def test_bad_input_when_opening_a_cycle_is_shown_and_nothing_is_stored(
    people, coordinator, changes, message
):
    open_cycle_for(people, label="2019")
    page = coordinator.web.post("/charter/cycles/new/", open_data(**changes))
    assert page.status_code == 400
    assert message in html_of(page)
    assert list(Cycle.objects.values_list("label", flat=True)) == ["2019"]


def test_only_coordinators_open_a_cycle(people, client, officer):
    open_cycle_for(people, label="2019")
    assert client.get("/charter/cycles/new/")["Location"].startswith("/accounts/login/")
    assert officer.web.post("/charter/cycles/new/", open_data()).status_code == 403
    assert not Cycle.objects.filter(label="2021").exists()


# -- the cycle's page ---------------------------------------------------------------------------


def test_the_public_sees_the_cycle_and_its_response_rate_but_no_city(client, nobody, cycle):
    for reader in (client, nobody.web):
        page = reader.get(cycle.get_absolute_url())
        assert page.status_code == 200
        text = text_of(page)
        assert cycle.title in text
        assert "The commitments of the Integrating Cities Charter (charter-2010)" in text
        assert "open until" in text
        assert "0 of 2 responded" in text
        assert "Athens" not in text and "Helsinki" not in text
        assert "Invite more cities" not in text


def test_an_officer_sees_their_own_city_s_response_with_a_link_to_answer_it(officer, cycle):
    athens = response_of(cycle)
    html = html_of(officer.web.get(cycle.get_absolute_url()))
    assert "Athens" in html and "Helsinki" not in html
    assert re.search(rf'href="{answer_page(athens)}">Answer<', html)
    assert "Invite more cities" not in html


def test_the_officer_s_link_says_continue_then_view(people, officer, cycle):
    athens = response_of(cycle)
    rate(athens, {"PM1": "partly"}, by=people["officer"])
    assert re.search(r">Continue<", html_of(officer.web.get(cycle.get_absolute_url())))
    services.submit_response(response=athens, by=people["officer"])
    html = html_of(officer.web.get(cycle.get_absolute_url()))
    assert re.search(rf'href="{athens.get_absolute_url()}">View<', html)


def test_a_coordinator_sees_every_invited_city_with_its_status_and_the_forms(
    people, coordinator, cycle
):
    rate(response_of(cycle, "Helsinki"), {"PM1": "fully"}, by=people["other_officer"])
    City.objects.filter(name="Munich").update(charter_signatory=True)
    page = coordinator.web.get(cycle.get_absolute_url())
    html = html_of(page)
    rows = re.findall(r'<tr><th scope="row"><a href="([^"]+)">(\w+)</a></th><td>([^<]+)<', html)
    assert rows == [
        (response_of(cycle, "Athens").get_absolute_url(), "Athens", "invited"),
        (response_of(cycle, "Helsinki").get_absolute_url(), "Helsinki", "in progress"),
    ]
    assert "Invite more cities" in html and "Change the title and dates" in html
    invitable = re.findall(r'name="cities" value="\d+"[^>]*>\s*(\w+)', html)
    assert invitable == ["Munich"]  # signatories not invited yet


@pytest.mark.parametrize(
    ("opens", "closes", "phase"),
    [(10, 20, "opens on"), (-20, -10, "closed on"), (-1, 0, "open until")],
)
def test_the_cycle_page_says_where_the_cycle_stands(client, people, opens, closes, phase):
    cycle = open_cycle_for(people, opens_on=TODAY + opens * DAY, closes_on=TODAY + closes * DAY)
    page = html_of(client.get(cycle.get_absolute_url()))
    assert re.search(rf'<strong id="phase">{phase} ', page)


def test_a_coordinator_extends_a_cycle(coordinator, cycle):
    done = coordinator.web.post(
        reverse("survey:cycle_edit", args=[cycle.pk]),
        {
            "title": "Survey 2019, extended",
            "opens_on": str(cycle.opens_on),
            "closes_on": "2099-01-31",
        },
        follow=True,
    )
    assert "The cycle's title and dates are saved." in messages_of(done)
    cycle.refresh_from_db()
    assert (cycle.title, cycle.closes_on) == ("Survey 2019, extended", datetime.date(2099, 1, 31))


def test_a_cycle_closing_before_it_opens_is_refused_with_a_message(coordinator, cycle):
    page = coordinator.web.post(
        reverse("survey:cycle_edit", args=[cycle.pk]),
        {"title": "Changed", "opens_on": "2020-05-01", "closes_on": "2020-04-01"},
    )
    assert page.status_code == 400
    assert "A cycle closes on or after the day it opens." in html_of(page)
    cycle.refresh_from_db()
    assert cycle.title == "Integrating Cities survey 2019"


def test_officers_and_anonymous_visitors_do_not_change_a_cycle(client, officer, cycle):
    url = reverse("survey:cycle_edit", args=[cycle.pk])
    data = {"title": "Mine", "opens_on": "2020-01-01", "closes_on": "2020-02-01"}
    assert officer.web.post(url, data).status_code == 403
    assert client.post(url, data)["Location"].startswith("/accounts/login/")
    invite = reverse("survey:cycle_invite", args=[cycle.pk])
    munich = City.objects.get(name="Munich")
    assert officer.web.post(invite, {"cities": [munich.pk]}).status_code == 403
    cycle.refresh_from_db()
    assert cycle.title == "Integrating Cities survey 2019"
    assert cycle.responses.count() == 2


def test_a_coordinator_invites_more_signatories(coordinator, cycle):
    City.objects.filter(name__in=["Munich", "Ghent"]).update(charter_signatory=True)
    cities = City.objects.filter(name__in=["Munich", "Ghent"])
    done = coordinator.web.post(
        reverse("survey:cycle_invite", args=[cycle.pk]),
        {"cities": [c.pk for c in cities]},
        follow=True,
    )
    assert "2 cities are invited." in messages_of(done)
    assert cycle.responses.count() == 4
    assert "Munich" in text_of(done)


def test_inviting_into_a_closed_cycle_or_no_city_is_refused_with_a_message(coordinator, cycle):
    url = reverse("survey:cycle_invite", args=[cycle.pk])
    empty = coordinator.web.post(url, {})
    assert empty.status_code == 400
    assert "This field is required." in html_of(empty)
    vienna = City.objects.get(name="Vienna")
    not_signatory = coordinator.web.post(url, {"cities": [vienna.pk]})
    assert not_signatory.status_code == 400
    assert "Select a valid choice." in html_of(not_signatory)
    close(cycle)
    munich = City.objects.get(name="Munich")
    munich.charter_signatory = True
    munich.save(update_fields=["charter_signatory"])
    closed = coordinator.web.post(url, {"cities": [munich.pk]})
    assert closed.status_code == 400
    assert "This cycle is closed: no city can be invited into it any more." in html_of(closed)
    assert cycle.responses.count() == 2


# -- a city's response --------------------------------------------------------------------------


def test_the_response_page_shows_every_commitment_by_role_with_its_rating(people, officer, athens):
    services.save_rating(
        response=athens,
        commitment=commitment(athens.cycle, "PM2"),
        rating="partly",
        evidence="An equality plan, 2018.",
        links=["https://example.org/plan"],
        extra={},
        seen_version=None,
        by=people["officer"],
    )
    services.save_role_note(
        response=athens,
        role=CharterRole.objects.get(questionnaire=athens.cycle.questionnaire, code="employer"),
        note="Recruitment is being reviewed.",
        seen_version=None,
        by=people["officer"],
    )
    page = officer.web.get(athens.get_absolute_url())
    assert page.status_code == 200
    text = text_of(page)
    assert "Athens: Integrating Cities survey 2019" in text
    assert text.index("The city as a policy-maker") < text.index("The city as a buyer")
    pm2 = re.search(r"PM2</span>.*?</article>", html_of(page), re.S).group(0)
    assert "Partly" in pm2 and "An equality plan, 2018." in pm2
    assert 'href="https://example.org/plan"' in pm2
    assert "Our summary, not the Charter's wording" in pm2
    assert text.count("not rated") == 10
    assert "Recruitment is being reviewed." in text
    assert "1 of 11 commitments" in text


def test_a_response_is_hidden_from_other_cities_and_the_public(
    client, other_officer, nobody, athens
):
    for reader in (client, other_officer.web, nobody.web):
        assert reader.get(athens.get_absolute_url()).status_code == 404
        assert reader.get(answer_page(athens)).status_code == 404


def test_the_coordinator_reads_a_response_but_does_not_answer_it(coordinator, athens):
    page = html_of(coordinator.web.get(athens.get_absolute_url()))
    assert "Athens" in page
    assert answer_page(athens) not in page
    assert "Accept" not in page  # not submitted yet
    assert coordinator.web.get(answer_page(athens)).status_code == 403


# -- answering ----------------------------------------------------------------------------------


def test_the_answer_page_has_a_form_per_commitment_and_role_and_explains_the_scale(officer, athens):
    page = officer.web.get(answer_page(athens))
    html = html_of(page)
    assert page.status_code == 200
    assert len(re.findall(r'<form id="commitment-\d+" class="question"', html)) == 11
    assert len(re.findall(r'<form id="role-note-\d+"', html)) == 4
    text = text_of(page)
    assert "0 of 11 commitments rated" in text
    assert "Fully scores 100, partly 50, not at all 0." in text
    assert "“don't know” scores 0 and is counted as a data gap" in text
    assert "“Not applicable” is left out of the scores" in text
    assert "Start from our" not in text  # no previous cycle


def test_an_htmx_rating_returns_the_saved_form_and_the_progress(officer, athens):
    page = officer.web.post(
        rating_url(athens, "SP1"),
        rating_data(
            athens, "SP1", "partly", evidence="Language courses.", links="https://example.org/a"
        ),
        headers=HTMX,
    )
    html = html_of(page)
    assert page.status_code == 200
    assert html.lstrip().startswith(f'<form id="commitment-{commitment(athens.cycle, "SP1").pk}"')
    assert '<span class="save-state" role="status">Saved</span>' in html
    assert checked_rating(html, athens, "SP1") == "partly"
    assert version_in(html, athens, "SP1") == "1"
    progress = re.search(r'<div id="progress"[^>]*hx-swap-oob="true">(.*?)</div>', html, re.S)
    assert progress and "1 of 11 commitments rated" in progress.group(1)
    answer = CommitmentAnswer.objects.get(response=athens)
    assert (answer.rating, answer.evidence, answer.links) == (
        "partly",
        "Language courses.",
        ["https://example.org/a"],
    )
    athens.refresh_from_db()
    assert athens.status == Response.Status.DRAFT


def test_a_rating_without_htmx_goes_back_to_the_commitment_on_the_page(officer, athens):
    page = officer.web.post(rating_url(athens, "EM2"), rating_data(athens, "EM2", "fully"))
    pk = commitment(athens.cycle, "EM2").pk
    assert page.status_code == 302
    assert page["Location"] == f"{answer_page(athens)}#commitment-{pk}"
    html = html_of(officer.web.get(page["Location"]))
    assert checked_rating(html, athens, "EM2") == "fully"
    assert "1 of 11 commitments rated" in html


def test_the_stored_form_comes_back_on_get(people, officer, athens):
    rate(athens, {"BU1": "dont_know"}, by=people["officer"])
    html = html_of(officer.web.get(rating_url(athens, "BU1"), headers=HTMX))
    assert checked_rating(html, athens, "BU1") == "dont_know"
    assert version_in(html, athens, "BU1") == "1"


def test_when_two_officers_rate_one_commitment_the_second_is_told_and_nothing_is_lost(
    officer, colleague, athens
):
    url = rating_url(athens, "PM1")
    officer.web.post(url, rating_data(athens, "PM1", "not_at_all"), headers=HTMX)
    seen = version_in(html_of(officer.web.get(answer_page(athens))), athens, "PM1")
    first = officer.web.post(
        url, rating_data(athens, "PM1", "fully", evidence="Olga's", version=seen)
    )
    assert first.status_code == 302
    second = colleague.post(url, rating_data(athens, "PM1", "partly", version=seen))
    assert second.status_code == 409
    html = html_of(second)
    assert "Olga changed this rating at" in html
    assert re.search(r'<strong class="their-rating">Fully</strong> — Olga&#x27;s', html)
    assert checked_rating(html, athens, "PM1") == "partly"  # what Costas chose stays on screen
    assert version_in(html, athens, "PM1") == "2"  # re-based on Olga's
    answer = CommitmentAnswer.objects.get(response=athens)
    assert (answer.rating, answer.evidence, answer.version) == ("fully", "Olga's", 2)

    with_htmx = colleague.post(
        url, rating_data(athens, "PM1", "partly", version=seen), headers=HTMX
    )
    assert "Olga changed this rating at" in html_of(with_htmx)
    assert "Saved" not in html_of(with_htmx)
    assert CommitmentAnswer.objects.get(response=athens).rating == "fully"

    again = colleague.post(url, rating_data(athens, "PM1", "partly", version="2"), headers=HTMX)
    assert "Saved" in html_of(again)
    assert CommitmentAnswer.objects.get(response=athens).rating == "partly"


def test_a_first_rating_saved_twice_at_once_is_a_conflict_too(officer, colleague, athens):
    url = rating_url(athens, "PM3")
    officer.web.post(url, rating_data(athens, "PM3", "fully"))
    late = colleague.post(url, rating_data(athens, "PM3", "not_at_all"))  # saw no rating
    assert late.status_code == 409
    assert CommitmentAnswer.objects.get(response=athens).rating == "fully"


def test_a_rating_after_the_close_is_refused_with_a_message_and_nothing_is_stored(officer, athens):
    close(athens.cycle)
    page = officer.web.get(answer_page(athens))
    assert "This cycle closed on" in text_of(page)
    refused = officer.web.post(rating_url(athens, "PM1"), rating_data(athens, "PM1", "fully"))
    assert refused.status_code == 400
    assert "answers can no longer change" in html_of(refused)
    with_htmx = officer.web.post(
        rating_url(athens, "PM1"), rating_data(athens, "PM1", "fully"), headers=HTMX
    )
    assert "answers can no longer change" in html_of(with_htmx)
    assert "Saved" not in html_of(with_htmx)
    assert not CommitmentAnswer.objects.exists()


def test_before_the_cycle_opens_the_answer_page_says_so(people, officer):
    cycle = open_cycle_for(people, opens_on=TODAY + 5 * DAY, closes_on=TODAY + 30 * DAY)
    athens = response_of(cycle)
    assert "This cycle opens on" in text_of(officer.web.get(answer_page(athens)))
    officer.web.post(rating_url(athens, "PM1"), rating_data(athens, "PM1", "fully"))
    assert not CommitmentAnswer.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rating": "excellent"}, "Select a valid choice. excellent is not one of"),
        ({"rating": ""}, "This field is required."),
        ({"links": "not a link"}, "“not a link” is not a web address"),
        ({"evidence": "x" * 10_001}, "Ensure this value has at most 10000 characters"),
    ],
)
def test_bad_ratings_are_refused_with_a_message(officer, athens, changes, message):
    data = {"rating": "fully", **changes}
    rating = data.pop("rating")
    page = officer.web.post(rating_url(athens, "PM1"), rating_data(athens, "PM1", rating, **data))
    assert page.status_code == 400
    assert message in html_of(page)
    assert not CommitmentAnswer.objects.exists()


def test_a_commitment_of_another_edition_is_not_found(people, officer, athens):
    other = services.load_questionnaire(
        document=parse_questionnaire(WITH_QUESTIONS, source="t.yaml"), source="t.yaml"
    ).questionnaire
    foreign = other.commitments.get(code="Q1")
    url = reverse("survey:rating_save", args=[athens.pk, foreign.pk])
    assert officer.web.post(url, {}).status_code == 404


def test_extra_questions_are_asked_stored_and_shown(people, officer):
    edition = services.load_questionnaire(
        document=parse_questionnaire(WITH_QUESTIONS, source="t.yaml"), source="t.yaml"
    ).questionnaire
    City.objects.filter(name="Athens").update(charter_signatory=True)
    cycle = services.open_cycle(
        questionnaire=edition,
        label="small",
        title="Small survey",
        opens_on=TODAY,
        closes_on=TODAY + DAY,
        cities=City.objects.filter(name="Athens"),
        by=people["coordinator"],
    )
    athens = response_of(cycle)
    form = html_of(officer.web.get(answer_page(athens)))
    assert "Is there a written plan?" in form and "Through which channel?" in form
    assert "0 of 2 commitments rated" in form

    bad = officer.web.post(
        rating_url(athens, "Q1"), rating_data(athens, "Q1", "fully", budget="lots")
    )
    assert bad.status_code == 400 and "Enter a number." in html_of(bad)
    officer.web.post(
        rating_url(athens, "Q1"),
        rating_data(athens, "Q1", "fully", plan="yes", budget="1500", channel="press", who="Ana"),
    )
    answer = CommitmentAnswer.objects.get(response=athens)
    assert answer.extra == {"plan": True, "budget": 1500, "channel": "press", "who": "Ana"}

    again = html_of(officer.web.get(answer_page(athens)))
    prefix = f"c{commitment(cycle, 'Q1').pk}"
    assert '<option value="yes" selected>' in again
    assert f'name="{prefix}-x-budget" value="1500"' in again
    shown = text_of(officer.web.get(athens.get_absolute_url()))
    assert "Is there a written plan? Yes" in shown
    assert "How much is spent each year? 1500" in shown
    assert "Through which channel? press" in shown
    q2 = re.search(
        r"Q2</span> Engage the communities\.(.*?)</h3>",
        html_of(officer.web.get(athens.get_absolute_url())),
        re.S,
    )
    assert q2 and "Our summary" not in q2.group(1)


def test_a_role_note_saves_with_htmx_and_without(officer, athens):
    role = CharterRole.objects.get(questionnaire=athens.cycle.questionnaire, code="buyer")
    url = reverse("survey:role_note_save", args=[athens.pk, role.pk])
    saved = officer.web.post(url, {f"r{role.pk}-note": "Tenders reviewed."}, headers=HTMX)
    assert '<span class="save-state" role="status">Saved</span>' in html_of(saved)
    assert f'name="r{role.pk}-version" value="1"' in html_of(saved)
    back = officer.web.post(
        url, {f"r{role.pk}-note": "Tenders rewritten.", f"r{role.pk}-version": "1"}
    )
    assert back["Location"] == f"{answer_page(athens)}#role-note-{role.pk}"
    note = RoleNote.objects.get(response=athens, role=role)
    assert (note.note, note.version) == ("Tenders rewritten.", 2)

    stale = officer.web.post(url, {f"r{role.pk}-note": "Old view.", f"r{role.pk}-version": "1"})
    assert stale.status_code == 409
    assert "changed this note at" in html_of(stale)
    assert RoleNote.objects.get(response=athens, role=role).note == "Tenders rewritten."
    too_long = officer.web.post(url, {f"r{role.pk}-note": "x" * 10_001, f"r{role.pk}-version": "2"})
    assert too_long.status_code == 400
    assert "at most 10000 characters" in html_of(too_long)


# -- the workflow -------------------------------------------------------------------------------


def test_submit_return_change_resubmit_accept(people, officer, coordinator, athens):
    rate(athens, {"PM1": "fully", "PM2": "partly"}, by=people["officer"])
    page = officer.web.get(athens.get_absolute_url())
    assert re.search(r'<button type="submit">Submit</button>', html_of(page))

    submitted = officer.web.post(action_url(athens, "submit"), follow=True)
    assert any(
        "Submitted with 9 commitments not rated (PM3, SP1" in m for m in messages_of(submitted)
    )
    athens.refresh_from_db()
    assert athens.status == "submitted"
    assert officer.web.get(answer_page(athens)).status_code == 403  # frozen while read

    no_note = coordinator.web.post(action_url(athens, "return"), {"note": "  "})
    assert no_note.status_code == 400
    assert "This field is required." in html_of(no_note)
    returned = coordinator.web.post(
        action_url(athens, "return"), {"note": "Add evidence for PM1."}, follow=True
    )
    assert "Returned to the city for changes." in messages_of(returned)
    athens.refresh_from_db()
    assert (athens.status, athens.return_note) == ("returned", "Add evidence for PM1.")

    seen = html_of(officer.web.get(athens.get_absolute_url()))
    assert "Add evidence for PM1." in seen and "returned for changes" in seen
    officer.web.post(
        rating_url(athens, "PM1"),
        rating_data(athens, "PM1", "fully", evidence="Council decision 12/2019", version="1"),
    )
    officer.web.post(action_url(athens, "submit"))
    athens.refresh_from_db()
    assert athens.status == "submitted"

    assert "Accept" in html_of(coordinator.web.get(athens.get_absolute_url()))
    accepted = coordinator.web.post(action_url(athens, "accept"), follow=True)
    assert "Accepted: the response counts in the cycle's results." in messages_of(accepted)
    athens.refresh_from_db()
    assert (athens.status, athens.decided_by) == ("accepted", people["coordinator"])
    assert (
        CommitmentAnswer.objects.get(response=athens, commitment__code="PM1").evidence
        == "Council decision 12/2019"
    )


def test_a_refused_step_is_a_message_not_an_error(people, officer, coordinator, athens):
    nothing = officer.web.post(action_url(athens, "submit"), follow=True)
    assert "Rate at least one commitment before you submit." in messages_of(nothing)
    assert nothing.redirect_chain[-1][0] == athens.get_absolute_url()
    rate(athens, {"PM1": "fully"}, by=people["officer"])
    close(athens.cycle)
    late = officer.web.post(action_url(athens, "submit"), follow=True)
    assert any("answers can no longer change" in m for m in messages_of(late))
    athens.refresh_from_db()
    assert athens.status == "draft"
    assert "Submit</button>" not in html_of(officer.web.get(athens.get_absolute_url()))


def test_each_step_checks_its_permission(people, officer, other_officer, coordinator, athens):
    rate(athens, {"PM1": "fully"}, by=people["officer"])
    assert coordinator.web.post(action_url(athens, "submit")).status_code == 403
    assert other_officer.web.post(action_url(athens, "submit")).status_code == 404
    assert officer.web.post(action_url(athens, "accept")).status_code == 403  # not submitted
    assert coordinator.web.post(action_url(athens, "publish")).status_code == 403
    assert officer.web.post(action_url(athens, "delete")).status_code == 404
    services.submit_response(response=athens, by=people["officer"])
    assert officer.web.post(action_url(athens, "accept")).status_code == 403
    assert officer.web.post(action_url(athens, "return"), {"note": "x"}).status_code == 403
    athens.refresh_from_db()
    assert athens.status == "submitted"


def test_a_city_starts_from_its_previous_cycle_s_answers(people, officer):
    earlier = open_cycle_for(
        people, label="2017", opens_on=TODAY - 400 * DAY, closes_on=TODAY + DAY
    )
    old = response_of(earlier)
    rate(old, {"PM1": "fully", "SP2": "not_applicable"}, by=people["officer"])
    services.submit_response(response=old, by=people["officer"])
    close(earlier)
    athens = response_of(open_cycle_for(people, label="2019"))

    page = officer.web.get(answer_page(athens))
    assert "Start from our 2017 answers" in text_of(page)
    done = officer.web.post(action_url(athens, "start-from-previous"), follow=True)
    assert done.redirect_chain[-1][0] == answer_page(athens)
    assert "2 ratings copied from your previous answers: check each one." in messages_of(done)
    copied = dict(
        CommitmentAnswer.objects.filter(response=athens).values_list("commitment__code", "rating")
    )
    assert copied == {"PM1": "fully", "SP2": "not_applicable"}
    assert checked_rating(html_of(done), athens, "PM1") == "fully"
    assert "Start from our" not in text_of(done)  # once something is rated


def test_starting_with_no_previous_cycle_is_a_message(officer, athens):
    done = officer.web.post(action_url(athens, "start-from-previous"), follow=True)
    assert "This city has no response in an earlier cycle to start from." in messages_of(done)
    assert not CommitmentAnswer.objects.exists()


def test_published_answers_are_public_only_once_accepted(
    people, client, officer, coordinator, athens
):
    rate(athens, {"PM1": "fully"}, by=people["officer"])
    page = text_of(officer.web.get(athens.get_absolute_url()))
    assert "show publicly only once the coordinators accept the response" in page
    published = officer.web.post(action_url(athens, "publish"), follow=True)
    assert any("once the coordinators accept" in m for m in messages_of(published))
    athens.refresh_from_db()
    assert athens.answers_public
    assert "Keep our answers private" in text_of(published)
    assert client.get(athens.get_absolute_url()).status_code == 404

    services.submit_response(response=athens, by=people["officer"])
    services.accept_response(response=athens, by=people["coordinator"])
    public = client.get(athens.get_absolute_url())
    assert public.status_code == 200
    assert "Fully" in text_of(public)
    assert "Keep our answers private" not in text_of(public)
    assert client.get(answer_page(athens)).status_code == 403

    officer.web.post(action_url(athens, "unpublish"))
    athens.refresh_from_db()
    assert not athens.answers_public
    assert client.get(athens.get_absolute_url()).status_code == 404


# -- query budgets ------------------------------------------------------------------------------


def test_the_cycle_page_s_queries_do_not_grow_with_the_cities_invited(coordinator, officer, cycle):
    small = count_queries(coordinator.web, cycle.get_absolute_url())
    small_officer = count_queries(officer.web, cycle.get_absolute_url())
    more = ["Munich", "Ghent", "Barcelona", "Dresden"]
    City.objects.filter(name__in=more).update(charter_signatory=True)
    services.invite(
        cycle=cycle,
        cities=City.objects.filter(name__in=more),
        by=coordinator.user,
    )
    assert cycle.responses.count() == 6
    large = count_queries(coordinator.web, cycle.get_absolute_url())
    assert large == small <= 9, large.sql
    assert count_queries(officer.web, cycle.get_absolute_url()) == small_officer <= 8


def test_the_charter_page_s_queries_do_not_grow_with_the_cycles(people, client):
    open_cycle_for(people, label="2019")
    small = count_queries(client, "/charter/")
    for year in (2011, 2013, 2015):
        open_cycle_for(
            people, label=str(year), opens_on=datetime.date(year, 1, 1),
            closes_on=datetime.date(year, 2, 1),
        )  # fmt: skip
    assert count_queries(client, "/charter/") == small <= 7


def test_the_answer_and_response_pages_queries_do_not_grow_with_the_ratings(
    people, officer, athens
):
    rate(athens, {"PM1": "fully"}, by=people["officer"])
    answer_small = count_queries(officer.web, answer_page(athens))
    response_small = count_queries(officer.web, athens.get_absolute_url())
    rate(
        athens,
        {code: "partly" for code in ("PM2", "PM3", "SP1", "SP2", "EM1", "EM2", "EM3", "BU1")},
        by=people["officer"],
    )
    for role in CharterRole.objects.filter(questionnaire=athens.cycle.questionnaire):
        services.save_role_note(
            response=athens, role=role, note="A note.", seen_version=None, by=people["officer"]
        )
    answer_large = count_queries(officer.web, answer_page(athens))
    assert answer_large == answer_small <= 13, answer_large.sql
    response_large = count_queries(officer.web, athens.get_absolute_url())
    assert response_large == response_small <= 13, response_large.sql
