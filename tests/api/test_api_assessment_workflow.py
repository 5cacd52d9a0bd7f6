"""The assessment workflow through the API (citygrow/api/assessments.py): start, copy into a new
round, notes and targets, context, submit, reopen, review, publish and the review's comments,
for the people who may and those who may not, as the pages decide."""

from datetime import date

import pytest
from django.test import Client

from citygrow.assessments import services
from citygrow.assessments.models import Answer, Assessment, Comment, ContextNote, FactorNote
from citygrow.catalogue.models import ContextFactor, GuideQuestion, Toolkit
from citygrow.people.models import AuditEntry
from tests.support.assessments import start_athens
from tests.support.budgets import assert_flat, count_queries
from tests.support.clients import api_client
from tests.support.plans import key_factor

JSON = "application/json"
ASSESSMENTS = "/api/v1/assessments"
OFFICERS_PUBLISH = "Only the city's officers publish its assessment."
OFFICERS_REOPEN = "Only the city's officers return its assessment to draft."
NO_KEY_FACTOR_42 = "The assessment's toolkit has no key factor 42."


def post(client: Client, url: str, data: dict | None = None):
    return client.post(url, data or {}, content_type=JSON)


def put(client: Client, url: str, data: dict):
    return client.put(url, data, content_type=JSON)


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    data = response.json()
    assert set(data) <= {"detail", "errors"} and "detail" in data, data
    return data


def status_of(assessment: Assessment) -> str:
    assessment.refresh_from_db()
    return assessment.status


@pytest.fixture
def draft(people, toolkit_a) -> Assessment:
    """Athens's draft "Athens 2024" on toolkit A, with the first question answered "yes"."""
    assessment = start_athens(people, toolkit_a)
    question = GuideQuestion.objects.filter(key_factor__toolkit=toolkit_a).first()
    Answer.objects.create(assessment=assessment, question=question, value="yes")
    return assessment


@pytest.fixture
def submitted(draft, people) -> Assessment:
    services.submit(assessment=draft, by=people["officer"])
    return draft


@pytest.fixture
def reviewed(submitted, people) -> Assessment:
    services.mark_reviewed(assessment=submitted, by=people["facilitator"])
    return submitted


@pytest.fixture
def published(reviewed, people) -> Assessment:
    services.publish(assessment=reviewed, by=people["officer"])
    return reviewed


def start_body(**changes) -> dict:
    return {"city": "athens", "theme": "A", "toolkit_year": 2018, **changes}


# -- starting ----------------------------------------------------------------------------------


def test_an_officer_starts_an_assessment_of_their_city(people, officer):
    response = post(officer.api, ASSESSMENTS, start_body(assessed_on="2026-03-01"))
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["city"], data["theme"], data["toolkit_year"], data["status"]) == (
        "Athens", "A", 2018, "draft",
    )  # fmt: skip
    assert (data["title"], data["assessed_on"]) == ("Self-assessment 2026", "2026-03-01")
    assert (data["answered"], data["total"]) == (0, 24)
    assessment = Assessment.objects.get(pk=data["id"])
    assert assessment.created_by == people["officer"]
    assert AuditEntry.objects.filter(
        action="create", target_type="assessments.assessment", target_id=str(assessment.pk)
    ).exists()


def test_starting_with_a_title_of_ones_own(officer):
    response = post(officer.api, ASSESSMENTS, start_body(title="Athens, second look"))
    assert response.status_code == 201, response.content
    assert response.json()["title"] == "Athens, second look"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"toolkit_year": 1999},
            "toolkit_year",
            "Theme A has no published edition of 1999 (it has: 2018).",
        ),
        ({"theme": "B"}, "theme", "Theme B has no published toolkit to assess."),
        (
            {"city": "helsinki"},
            "city",
            "You start assessments only of a city you are an officer of.",
        ),
        (
            {"city": "atlantis"},
            "city",
            "You start assessments only of a city you are an officer of.",
        ),
        ({"title": ""}, "title", "This field is required."),
        ({"title": "Athens\x00"}, "title", None),
        ({"assessed_on": "yesterday"}, "assessed_on", None),
        ({"toolkit_year": 99999}, "toolkit_year", None),
        ({"theme": "a\x00"}, "theme", None),
    ],
)
def test_starting_with_bad_input_is_refused_clearly(officer, changes, field, message):
    data = error_of(post(officer.api, ASSESSMENTS, start_body(**changes)), 422)
    assert field in data["errors"], data
    if message:
        assert data["detail"] == message
        assert data["errors"][field] == [message]
    assert not Assessment.objects.exists()


def test_a_draft_toolkit_edition_is_not_assessed(officer, toolkit_a):
    Toolkit.objects.filter(pk=toolkit_a.pk).update(status=Toolkit.Status.DRAFT)
    data = error_of(post(officer.api, ASSESSMENTS, start_body()), 422)
    assert data["detail"] == "Theme A has no published toolkit to assess."


def test_only_officers_start_assessments(mentor, coordinator, nobody, officer, people):
    for person in (mentor, coordinator, nobody):
        data = error_of(post(person.api, ASSESSMENTS, start_body()), 403)
        assert data["detail"] == "Only a city's officers start its assessments."
    assert post(Client(), ASSESSMENTS, start_body()).status_code == 401
    read_only = api_client(people["officer"], scope="read")
    assert post(read_only, ASSESSMENTS, start_body()).status_code == 403
    assert not Assessment.objects.exists()


# -- copying into a new round ------------------------------------------------------------------


def test_an_officer_copies_a_published_assessment_into_a_new_round(published, officer):
    services_note = FactorNote.objects.create(
        assessment=published, key_factor=key_factor(2), note="Slow", target=60
    )
    response = post(
        officer.api, f"{ASSESSMENTS}/{published.pk}/copy", {"assessed_on": "2026-05-01"}
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["title"], data["assessed_on"], data["status"]) == (
        "Athens 2024 (new round)", "2026-05-01", "draft",
    )  # fmt: skip
    assert data["answered"] == 1
    assert data["key_factors"][1]["note"] == services_note.note
    copy = Assessment.objects.get(pk=data["id"])
    assert copy.based_on == published
    assert status_of(published) == "published"


def test_copying_with_a_title_and_bad_input(draft, officer):
    url = f"{ASSESSMENTS}/{draft.pk}/copy"
    response = post(officer.api, url, {"title": "Round two"})
    assert response.status_code == 201
    assert response.json()["title"] == "Round two"
    assert error_of(post(officer.api, url, {"title": " "}), 422)["errors"] == {
        "title": ["This field is required."]
    }
    assert "title" in error_of(post(officer.api, url, {"title": "x\x00"}), 422)["errors"]


def test_only_the_city_s_officers_copy_and_outsiders_do_not_see_a_draft(
    draft, published_elsewhere, mentor, other_officer, nobody
):
    data = error_of(post(mentor.api, f"{ASSESSMENTS}/{draft.pk}/copy"), 403)
    assert data["detail"] == "Only the city's officers copy its assessments."
    assert post(other_officer.api, f"{ASSESSMENTS}/{draft.pk}/copy").status_code == 404
    assert post(nobody.api, f"{ASSESSMENTS}/{published_elsewhere.pk}/copy").status_code == 403
    assert post(Client(), f"{ASSESSMENTS}/{draft.pk}/copy").status_code == 401
    assert Assessment.objects.count() == 2


@pytest.fixture
def published_elsewhere(people, toolkit_a) -> Assessment:
    """Athens's published assessment of an earlier year, which everyone sees."""
    assessment = start_athens(people, toolkit_a)
    Assessment.objects.filter(pk=assessment.pk).update(
        status=Assessment.Status.PUBLISHED, assessed_on=date(2020, 1, 1)
    )
    return assessment


# -- the workflow ------------------------------------------------------------------------------


def test_the_whole_workflow_from_draft_to_public(draft, officer, facilitator):
    url = f"{ASSESSMENTS}/{draft.pk}"
    response = post(officer.api, f"{url}/submit")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "submitted"
    assert data["submitted_at"] is not None
    assert len(data["unanswered"]) == 23 and data["unanswered"][0] == "1.2"

    response = post(facilitator.api, f"{url}/review")
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["unanswered"][0]) == ("reviewed", "1.2")

    assert Client().get(url).status_code == 404  # not public until published
    response = post(officer.api, f"{url}/publish")
    assert response.status_code == 200, response.content
    assert response.json()["published_at"] is not None
    assert Client().get(url).json()["status"] == "published"
    changes = AuditEntry.objects.filter(
        target_type="assessments.assessment", target_id=str(draft.pk), changes__has_key="status"
    ).values_list("changes__status", flat=True)
    assert sorted(map(tuple, changes)) == [
        ("draft", "submitted"), ("reviewed", "published"), ("submitted", "reviewed"),
    ]  # fmt: skip


def test_an_officer_returns_a_submitted_or_reviewed_assessment_to_draft(
    submitted, officer, facilitator
):
    url = f"{ASSESSMENTS}/{submitted.pk}"
    response = post(officer.api, f"{url}/reopen")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "draft"
    post(officer.api, f"{url}/submit")
    post(facilitator.api, f"{url}/review")
    assert post(officer.api, f"{url}/reopen").json()["status"] == "draft"


def test_coordinators_also_mark_an_assessment_reviewed(submitted, coordinator):
    response = post(coordinator.api, f"{ASSESSMENTS}/{submitted.pk}/review")
    assert response.status_code == 200
    assert status_of(submitted) == "reviewed"


@pytest.mark.parametrize(
    ("fixture", "step", "person", "status", "detail"),
    [
        ("draft", "submit", "mentor", 403, "Only the city's officers submit its assessment."),
        ("draft", "submit", "facilitator", 403, "Only the city's officers submit its assessment."),
        ("draft", "submit", "other_officer", 404, None),
        ("draft", "submit", "nobody", 404, None),
        (
            "submitted", "submit", "officer", 403,
            "Only a draft can be submitted. This assessment is submitted for review.",
        ),
        (
            "submitted", "review", "officer", 403,
            "Only the theme's facilitators and coordinators mark an assessment reviewed.",
        ),
        ("submitted", "review", "other_facilitator", 404, None),
        (
            "draft", "review", "facilitator", 403,
            "Only a submitted assessment can be marked reviewed. This assessment is draft.",
        ),
        (
            "reviewed", "review", "facilitator", 403,
            "Only a submitted assessment can be marked reviewed. This assessment is reviewed.",
        ),
        (
            "submitted", "publish", "officer", 403,
            "Only a reviewed assessment can be published. This assessment is submitted for "
            "review.",
        ),
        ("reviewed", "publish", "facilitator", 403, OFFICERS_PUBLISH),
        (
            "draft", "reopen", "officer", 403,
            "Only a submitted or reviewed assessment can be reopened. This assessment is draft.",
        ),
        (
            "published", "reopen", "officer", 403,
            "Only a submitted or reviewed assessment can be reopened. This assessment is "
            "published.",
        ),
        ("published", "reopen", "nobody", 403, OFFICERS_REOPEN),
        ("submitted", "reopen", "mentor", 403, OFFICERS_REOPEN),
    ],
)  # fmt: skip
def test_a_step_refused_says_whether_the_person_or_the_status_is_why(
    request, people, fixture, step, person, status, detail
):
    assessment = request.getfixturevalue(fixture)
    before = status_of(assessment)
    response = post(api_client(people[person]), f"{ASSESSMENTS}/{assessment.pk}/{step}")
    data = error_of(response, status)
    if detail:
        assert data["detail"] == detail
    assert status_of(assessment) == before


def test_a_step_needs_credentials_and_a_read_write_token(draft, people):
    url = f"{ASSESSMENTS}/{draft.pk}/submit"
    assert post(Client(), url).status_code == 401
    assert post(api_client(people["officer"], scope="read"), url).status_code == 403
    assert status_of(draft) == "draft"


def test_an_assessment_that_does_not_exist_is_not_found(officer, seeded):
    for step in ("submit", "reopen", "review", "publish", "copy"):
        assert post(officer.api, f"{ASSESSMENTS}/987654/{step}").status_code == 404, step
    comment = {"key_factor": 1, "text": "Hello"}
    assert post(officer.api, f"{ASSESSMENTS}/987654/comments", comment).status_code == 404
    assert put(officer.api, f"{ASSESSMENTS}/987654/context", {"context": {}}).status_code == 404
    assert put(officer.api, f"{ASSESSMENTS}/987654/key-factors/1", {}).status_code == 404
    assert officer.api.get(f"{ASSESSMENTS}/987654/comments").status_code == 404


def test_a_step_on_a_path_that_is_not_one_is_not_found(draft, officer):
    assert post(officer.api, f"{ASSESSMENTS}/{draft.pk}/approve").status_code == 404


# -- key factor notes and targets --------------------------------------------------------------


def test_an_officer_writes_a_key_factor_s_note_and_target_with_conflict_protection(
    draft, officer, people
):
    url = f"{ASSESSMENTS}/{draft.pk}/key-factors/2"
    response = put(officer.api, url, {"note": "Slow start", "target": 60})
    assert response.status_code == 200, response.content
    assert response.json() == {
        "key_factor": 2, "heading": key_factor(2).heading, "note": "Slow start", "target": 60,
        "version": 1,
    }  # fmt: skip
    response = put(officer.api, url, {"note": "Faster now", "target": 70, "version": 1})
    assert response.json()["version"] == 2
    stale = put(officer.api, url, {"note": "Overwrite", "target": 10, "version": 1})
    assert stale.status_code == 409
    assert stale.json()["current"]["note"] == "Faster now"
    note = FactorNote.objects.get(assessment=draft, key_factor=key_factor(2))
    assert (note.note, note.target, note.version) == ("Faster now", 70, 2)
    report = officer.api.get(f"{ASSESSMENTS}/{draft.pk}").json()
    assert (report["key_factors"][1]["note"], report["key_factors"][1]["target"]) == (
        "Faster now", 70.0,
    )  # fmt: skip
    assert AuditEntry.objects.filter(target_type="assessments.factornote").count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [({"target": 101}, "target"), ({"target": -1}, "target"), ({"note": "\x00"}, "note")],
)
def test_a_bad_note_is_refused_and_nothing_is_stored(draft, officer, body, field):
    data = error_of(put(officer.api, f"{ASSESSMENTS}/{draft.pk}/key-factors/1", body), 422)
    assert field in data["errors"]
    assert not FactorNote.objects.exists()


def test_a_note_on_a_key_factor_the_toolkit_lacks_is_not_found(draft, officer):
    response = put(officer.api, f"{ASSESSMENTS}/{draft.pk}/key-factors/99", {"note": "?"})
    assert response.status_code == 404


def test_notes_change_only_on_a_draft_and_only_by_the_city_s_officers(
    submitted, draft_of_helsinki, officer, mentor, other_officer
):
    url = f"{ASSESSMENTS}/{submitted.pk}/key-factors/1"
    data = error_of(put(officer.api, url, {"note": "Late"}), 403)
    assert data["detail"].startswith("Only a draft's answers, notes, targets and context change.")
    assert put(mentor.api, url, {"note": "Mine"}).status_code == 403
    assert put(other_officer.api, url, {"note": "Mine"}).status_code == 404
    assert not FactorNote.objects.exists()


@pytest.fixture
def draft_of_helsinki(people, toolkit_a) -> Assessment:
    return services.start_assessment(
        city=people["other_officer"].roles.get().city,
        toolkit=toolkit_a,
        title="Helsinki",
        assessed_on=date(2024, 1, 1),
        by=people["other_officer"],
    )


# -- context -----------------------------------------------------------------------------------


def test_an_officer_says_which_context_factors_apply(draft, officer, toolkit_a):
    first, second = ContextFactor.objects.filter(toolkit=toolkit_a)[:2]
    url = f"{ASSESSMENTS}/{draft.pk}/context"
    body = {"context": {first.category: "Little power", second.category: "No data"}}
    response = put(officer.api, url, body)
    assert response.status_code == 200, response.content
    assert response.json() == body
    response = put(officer.api, url, {"context": {second.category: "Some data now"}})
    assert response.json() == {"context": {second.category: "Some data now"}}
    assert officer.api.get(f"{ASSESSMENTS}/{draft.pk}").json()["context"] == {
        second.category: "Some data now"
    }
    assert ContextNote.objects.count() == 1


def test_bad_context_is_refused_and_what_was_stored_is_kept(draft, officer, toolkit_a):
    factor = ContextFactor.objects.filter(toolkit=toolkit_a).first()
    url = f"{ASSESSMENTS}/{draft.pk}/context"
    put(officer.api, url, {"context": {factor.category: "Kept"}})
    data = error_of(put(officer.api, url, {"context": {"Weather": "Hot"}}), 422)
    assert data["errors"] == {"context.Weather": ["The toolkit has no context factor “Weather”."]}
    data = error_of(put(officer.api, url, {"context": {factor.category: ""}}), 422)
    assert data["errors"] == {
        f"context.{factor.category}": ["Say how this factor affects the city, or untick it."]
    }
    error_of(put(officer.api, url, {"context": {factor.category: "a\x00"}}), 422)
    error_of(put(officer.api, url, {"context": "all of them"}), 422)
    assert list(ContextNote.objects.values_list("explanation", flat=True)) == ["Kept"]


def test_only_the_city_s_officers_change_the_context_of_a_draft(draft, mentor, people):
    url = f"{ASSESSMENTS}/{draft.pk}/context"
    assert put(mentor.api, url, {"context": {}}).status_code == 403
    assert put(Client(), url, {"context": {}}).status_code == 401
    assert put(api_client(people["officer"], "read"), url, {"context": {}}).status_code == 403


# -- the review's comments ---------------------------------------------------------------------


def test_the_team_comments_on_a_submitted_assessment_and_reads_the_comments(
    submitted, mentor, facilitator, officer
):
    url = f"{ASSESSMENTS}/{submitted.pk}/comments"
    response = post(mentor.api, url, {"key_factor": 2, "text": "Ask Munich about this."})
    assert response.status_code == 201, response.content
    assert response.json()["key_factor"] == 2
    assert response.json()["author"] == "mia"
    assert post(facilitator.api, url, {"key_factor": 1, "text": "Fine."}).status_code == 201
    comments = officer.api.get(url).json()
    assert [(c["key_factor"], c["text"]) for c in comments] == [
        (2, "Ask Munich about this."), (1, "Fine."),
    ]  # fmt: skip
    assert (
        AuditEntry.objects.filter(target_type="assessments.comment", action="create").count() == 2
    )


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"key_factor": 2, "text": ""}, "text", "This field is required."),
        ({"key_factor": 2, "text": "   "}, "text", "This field is required."),
        ({"key_factor": 2, "text": "a\x00b"}, "text", None),
        ({"key_factor": 2, "text": "x" * 5001}, "text", None),
        ({"key_factor": 42, "text": "Hm"}, "key_factor", NO_KEY_FACTOR_42),
        ({"key_factor": 2}, "text", None),
        ({"text": "Hm"}, "key_factor", None),
    ],
)  # fmt: skip
def test_a_bad_comment_is_refused_clearly(submitted, mentor, body, field, message):
    response = post(mentor.api, f"{ASSESSMENTS}/{submitted.pk}/comments", body)
    data = error_of(response, 422)
    assert field in data["errors"], data
    if message:
        assert data["errors"][field] == [message]
    assert not Comment.objects.exists()


def test_comments_are_made_while_under_review_by_the_team_only(
    draft, people, mentor, officer, other_mentor, nobody
):
    url = f"{ASSESSMENTS}/{draft.pk}/comments"
    body = {"key_factor": 1, "text": "Early"}
    data = error_of(post(mentor.api, url, body), 403)
    assert data["detail"] == (
        "Comments are made on a submitted or reviewed assessment. This assessment is draft."
    )
    services.submit(assessment=draft, by=people["officer"])
    assert post(other_mentor.api, url, body).status_code == 404
    assert post(nobody.api, url, body).status_code == 404
    assert post(Client(), url, body).status_code == 401
    assert post(api_client(people["mentor"], "read"), url, body).status_code == 403
    assert not Comment.objects.exists()


def test_once_published_the_comments_stay_with_the_team(published, officer, nobody, mentor):
    url = f"{ASSESSMENTS}/{published.pk}/comments"
    assert officer.api.get(url).status_code == 200
    assert mentor.api.get(url).status_code == 200
    data = error_of(nobody.api.get(url), 403)
    assert data["detail"] == "The review's comments stay with the city's team."
    assert Client().get(url).status_code == 401
    data = error_of(post(mentor.api, url, {"key_factor": 1, "text": "Late"}), 403)
    assert data["detail"] == (
        "Comments are made on a submitted or reviewed assessment. This assessment is published."
    )


def test_reading_the_comments_takes_as_many_queries_however_many_there_are(
    submitted, coordinator, people
):
    url = f"{ASSESSMENTS}/{submitted.pk}/comments"
    count_queries(coordinator.api, url)  # the token's first use is recorded once

    def comment(count: int) -> None:
        for n in range(count):
            services.add_comment(
                assessment=submitted,
                key_factor=key_factor(1 + n % 3),
                text=f"Comment {n}",
                by=people["mentor" if n % 2 else "facilitator"],
            )

    comment(1)
    small = count_queries(coordinator.api, url)
    comment(12)
    assert_flat(small, count_queries(coordinator.api, url), budget=6)


def test_the_openapi_document_describes_the_workflow(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    summaries = {
        step: paths[f"/api/v1/assessments/{{assessment_id}}/{step}"]["post"]["summary"]
        for step in ("submit", "reopen", "review", "publish", "copy")
    }
    assert summaries["reopen"] == "Return a submitted or reviewed assessment to draft"
    assert paths["/api/v1/assessments"]["post"]["summary"] == "Start an assessment"
    conflict = paths["/api/v1/assessments/{assessment_id}/key-factors/{key_factor}"]["put"]
    assert "409" in conflict["responses"]
    assert {} not in paths["/api/v1/assessments/{assessment_id}/comments"]["get"]["security"]
