"""The life of a self-assessment: draft → submitted → reviewed → published, comments during the
review, reopening, and copying into a new round.

Around the `people` fixture: Olga is an officer of Athens, the mentor mentors Athens on theme A,
the facilitator facilitates A. Status codes per role and route are in
tests/site/test_permissions.py.
"""

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from citygrow.assessments import services
from citygrow.assessments.models import Answer, Assessment, Comment, ContextNote, FactorNote
from citygrow.catalogue.models import ContextFactor, GuideQuestion, KeyFactor
from tests.support.roles import PEOPLE, TEAM


@pytest.fixture
def submitted(people, draft) -> Assessment:
    answer(draft, people["officer"], except_numbers=())
    services.submit(assessment=draft, by=people["officer"])
    return draft


@pytest.fixture
def reviewed(people, submitted) -> Assessment:
    services.mark_reviewed(assessment=submitted, by=people["facilitator"])
    return submitted


@pytest.fixture
def published(people, reviewed) -> Assessment:
    services.publish(assessment=reviewed, by=people["officer"])
    return reviewed


def questions(assessment: Assessment) -> list[GuideQuestion]:
    return list(
        GuideQuestion.objects.filter(key_factor__toolkit=assessment.toolkit).order_by(
            "key_factor__position", "position"
        )
    )


def number(q: GuideQuestion) -> str:
    return f"{q.key_factor.position}.{q.position}"


def answer(assessment: Assessment, by, *, except_numbers: tuple[str, ...]) -> None:
    """Answer "yes" to every question but those numbered in `except_numbers`."""
    for q in questions(assessment):
        if number(q) not in except_numbers:
            services.save_answer(
                assessment=assessment,
                question=q,
                value="yes",
                evidence=f"Evidence for {number(q)}",
                links=["https://example.org/plan"],
                seen_version=None,
                by=by,
            )


def factor(assessment: Assessment, position: int) -> KeyFactor:
    return KeyFactor.objects.get(toolkit=assessment.toolkit, position=position)


def transition(assessment: Assessment, action: str) -> str:
    return reverse("assessments:transition", args=[assessment.pk, action])


def messages(html: str) -> list[str]:
    return re.findall(r'<p class="message [^"]*">(.*?)</p>', html, re.S)


def section(html: str, anchor: str) -> str:
    """The report's section of one key factor."""
    start = html.index(f'<section id="{anchor}"')
    return html[start : html.index("</section>", start)]


def test_a_draft_with_unanswered_questions_can_be_submitted_and_the_message_lists_them(
    client, people, draft
):
    answer(draft, people["officer"], except_numbers=("1.2", "5.3", "7.2"))
    client.force_login(people["officer"])
    response = client.post(transition(draft, "submit"), follow=True)
    assert messages(response.content.decode()) == [
        "Submitted with 3 unanswered question(s): 1.2; 5.3; 7.2."
    ]
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.SUBMITTED
    assert draft.submitted_at is not None


def test_a_fully_answered_draft_is_submitted_for_review(client, people, draft):
    answer(draft, people["officer"], except_numbers=())
    client.force_login(people["officer"])
    response = client.post(transition(draft, "submit"), follow=True)
    assert messages(response.content.decode()) == ["Submitted for review."]


@pytest.mark.parametrize(("role", "position"), [("mentor", 1), ("facilitator", 3)])
def test_the_mentor_and_the_facilitator_comment_on_a_key_factor_and_it_shows_on_the_report(
    client, people, submitted, role, position
):
    kf = factor(submitted, position)
    client.force_login(people[role])
    response = client.post(
        reverse("assessments:comment_add", args=[submitted.pk, kf.pk]),
        {"text": f"Which buyers were asked? ({role})"},
        follow=True,
    )
    assert response.redirect_chain == [(f"/assessments/{submitted.pk}/#{kf.anchor}", 302)]
    html = response.content.decode()
    assert messages(html) == ["Comment added."]
    assert f"Which buyers were asked? ({role})" in section(html, kf.anchor)
    assert people[role].username in section(html, kf.anchor)
    assert "Which buyers were asked?" not in section(html, factor(submitted, 2).anchor)

    client.force_login(people["officer"])
    seen = client.get(submitted.get_absolute_url()).content.decode()
    assert f"Which buyers were asked? ({role})" in section(seen, kf.anchor)


def test_commenting_on_a_draft_is_refused(client, people, draft):
    kf = factor(draft, 1)
    client.force_login(people["mentor"])
    response = client.post(
        reverse("assessments:comment_add", args=[draft.pk, kf.pk]), {"text": "Too early"}
    )
    assert response.status_code == 403
    with pytest.raises(services.AssessmentError, match="submitted"):
        services.add_comment(assessment=draft, key_factor=kf, text="Too early", by=people["mentor"])
    assert not Comment.objects.exists()


def test_only_the_facilitator_marks_a_submitted_assessment_reviewed(client, people, submitted):
    client.force_login(people["officer"])
    assert client.post(transition(submitted, "review")).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.SUBMITTED

    client.force_login(people["facilitator"])
    response = client.post(transition(submitted, "review"), follow=True)
    assert messages(response.content.decode()) == ["Marked as reviewed."]
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.REVIEWED
    assert submitted.reviewed_by == people["facilitator"]


def test_the_officer_publishes_a_reviewed_assessment(client, people, reviewed):
    client.force_login(people["officer"])
    response = client.post(transition(reviewed, "publish"), follow=True)
    assert messages(response.content.decode()) == [
        "Published: the assessment is now public and frozen."
    ]
    reviewed.refresh_from_db()
    assert reviewed.status == Assessment.Status.PUBLISHED
    assert reviewed.published_at is not None


def test_only_a_reviewed_assessment_can_be_published(people, submitted):
    with pytest.raises(services.AssessmentError, match="reviewed"):
        services.publish(assessment=submitted, by=people["officer"])
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.SUBMITTED


def test_a_published_assessment_is_read_by_anonymous_visitors(published):
    response = Client().get(published.get_absolute_url())
    assert response.status_code == 200
    assert "Athens: Athens 2024" in response.content.decode()
    assert "Not published" not in response.content.decode()


def test_a_published_assessment_is_listed_for_everyone_and_a_draft_only_for_its_team(
    client, people, published
):
    other = services.start_assessment(
        city=published.city,
        toolkit=published.toolkit,
        title="Athens 2025 draft",
        assessed_on=date(2025, 5, 1),
        by=people["officer"],
    )
    assert "Athens 2024" in Client().get("/assessments/").content.decode()
    assert "Athens 2025 draft" not in Client().get("/assessments/").content.decode()
    for role in PEOPLE:
        client.force_login(people[role])
        html = client.get("/assessments/").content.decode()
        assert f'href="{published.get_absolute_url()}">Athens 2024<' in html, role
        team = role in TEAM
        assert (f'href="{other.get_absolute_url()}"' in html) == team, role


def test_a_published_assessment_is_frozen(client, people, published):
    q = questions(published)[0]
    kf = factor(published, 1)
    client.force_login(people["officer"])
    assert client.get(reverse("assessments:answer", args=[published.pk])).status_code == 403
    response = client.post(
        reverse("assessments:answer_save", args=[published.pk, q.pk]),
        {f"q{q.pk}-value": "no", f"q{q.pk}-version": "1"},
    )
    assert response.status_code == 403
    officer = people["officer"]
    with pytest.raises(services.AssessmentError, match="published"):
        services.save_answer(
            assessment=published,
            question=q,
            value="no",
            evidence="",
            links=[],
            seen_version=1,
            by=officer,
        )
    with pytest.raises(services.AssessmentError):
        services.save_factor_note(
            assessment=published, key_factor=kf, note="", target=5, by=officer
        )
    with pytest.raises(services.AssessmentError):
        services.save_context(assessment=published, explanations={}, by=officer)
    with pytest.raises(services.AssessmentError):
        services.return_to_draft(assessment=published, by=officer)
    with pytest.raises(services.AssessmentError):
        services.add_comment(assessment=published, key_factor=kf, text="Late", by=officer)
    assert set(Answer.objects.values_list("value", flat=True)) == {"yes"}
    assert Assessment.objects.get().status == Assessment.Status.PUBLISHED


def test_reopening_returns_a_submitted_assessment_to_draft(client, people, submitted):
    client.force_login(people["officer"])
    response = client.post(transition(submitted, "reopen"), follow=True)
    assert messages(response.content.decode()) == ["Reopened as a draft."]
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.DRAFT
    assert client.get(reverse("assessments:answer", args=[submitted.pk])).status_code == 200


def test_copying_makes_a_new_draft_with_the_same_answers_notes_targets_and_context(
    client, people, draft
):
    officer = people["officer"]
    answer(draft, officer, except_numbers=("2.1",))
    services.save_factor_note(
        assessment=draft, key_factor=factor(draft, 3), note="Slow", target=60, by=officer
    )
    context = ContextFactor.objects.filter(toolkit=draft.toolkit).first()
    services.save_context(assessment=draft, explanations={context.pk: "Small firms"}, by=officer)
    services.submit(assessment=draft, by=officer)
    services.mark_reviewed(assessment=draft, by=people["facilitator"])
    services.publish(assessment=draft, by=officer)

    client.force_login(officer)
    response = client.post(
        reverse("assessments:copy", args=[draft.pk]),
        {"title": "Athens 2026", "assessed_on": "2026-05-01"},
    )
    copy = Assessment.objects.exclude(pk=draft.pk).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:answer", args=[copy.pk])
    assert (copy.title, copy.assessed_on, copy.status, copy.based_on) == (
        "Athens 2026",
        date(2026, 5, 1),
        Assessment.Status.DRAFT,
        draft,
    )

    def answers(a):
        return sorted(a.answers.values_list("question_id", "value", "evidence", "links"))

    assert len(answers(copy)) == 23
    assert answers(copy) == answers(draft)
    assert list(FactorNote.objects.filter(assessment=copy).values_list("note", "target")) == [
        ("Slow", 60)
    ]
    assert list(
        ContextNote.objects.filter(assessment=copy).values_list("context_factor", "explanation")
    ) == [(context.pk, "Small firms")]
    assert "23 of 24 questions answered" in client.get(response["Location"]).content.decode()


def test_an_unknown_action_is_not_found(client, people, draft):
    client.force_login(people["officer"])
    assert client.post(f"/assessments/{draft.pk}/frobnicate/").status_code == 404
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.DRAFT
