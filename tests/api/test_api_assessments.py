"""Assessments through the API: reading them, and answering with a token."""

from datetime import date

import pytest
from django.test import Client

from citygrow.assessments.models import Answer, Assessment
from citygrow.catalogue.models import GuideQuestion, Toolkit
from citygrow.people.models import City
from tests.support.clients import bearer


@pytest.fixture
def draft(people) -> Assessment:
    return Assessment.objects.create(
        city=City.objects.get(name="Athens"),
        toolkit=Toolkit.objects.get(theme__code="A"),
        title="Athens 2026",
        assessed_on=date(2026, 11, 1),
    )


def first_question(assessment: Assessment) -> GuideQuestion:
    return GuideQuestion.objects.filter(key_factor__toolkit=assessment.toolkit_id).first()


def test_an_officer_answers_through_the_api_and_reads_the_scores(draft, people):
    headers = bearer(people["officer"])
    question = first_question(draft)
    url = f"/api/v1/assessments/{draft.pk}/answers/{question.pk}"
    response = Client().put(
        url, {"value": "partly", "links": ["https://athens.gr/plan"]},
        content_type="application/json", headers=headers,
    )  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 1
    data = Client().get(f"/api/v1/assessments/{draft.pk}", headers=headers).json()
    assert data["key_factors"][0]["score"] == 50.0
    assert data["key_factors"][0]["answers"][0]["value"] == "partly"
    assert data["answered"] == 1 and data["total"] == 24


def test_a_stale_version_gets_409_with_the_current_answer(draft, people):
    question = first_question(draft)
    Answer.objects.create(assessment=draft, question=question, value="yes", version=3)
    response = Client().put(
        f"/api/v1/assessments/{draft.pk}/answers/{question.pk}",
        {"value": "no", "version": 2},
        content_type="application/json",
        headers=bearer(people["officer"]),
    )
    assert response.status_code == 409
    assert response.json()["current"]["value"] == "yes"
    assert Answer.objects.get(assessment=draft, question=question).value == "yes"


def test_bad_answers_get_422_and_a_read_token_403(draft, people):
    question = first_question(draft)
    url = f"/api/v1/assessments/{draft.pk}/answers/{question.pk}"
    response = Client().put(
        url, {"value": "maybe", "links": ["javascript:alert(1)"]},
        content_type="application/json", headers=bearer(people["officer"]),
    )  # fmt: skip
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"value", "links"}
    response = Client().put(
        url, {"value": "yes"}, content_type="application/json",
        headers=bearer(people["officer"], scope="read"),
    )  # fmt: skip
    assert response.status_code == 403
    assert not Answer.objects.exists()


def test_others_cannot_answer_and_outsiders_do_not_see_the_draft(draft, people):
    question = first_question(draft)
    url = f"/api/v1/assessments/{draft.pk}/answers/{question.pk}"
    put = {"data": {"value": "yes"}, "content_type": "application/json"}
    assert Client().put(url, headers=bearer(people["mentor"]), **put).status_code == 403
    assert Client().put(url, headers=bearer(people["other_officer"]), **put).status_code == 404
    assert Client().get(f"/api/v1/assessments/{draft.pk}").status_code == 404
    assert Client().get("/api/v1/assessments").json()["results"] == []
    mine = Client().get("/api/v1/assessments", headers=bearer(people["mentor"])).json()
    assert [a["title"] for a in mine["results"]] == ["Athens 2026"]


def test_a_question_of_another_toolkit_is_not_found(draft, people):
    other = GuideQuestion.objects.filter(key_factor__toolkit__theme__code="C").first()
    response = Client().put(
        f"/api/v1/assessments/{draft.pk}/answers/{other.pk}",
        {"value": "yes"}, content_type="application/json", headers=bearer(people["officer"]),
    )  # fmt: skip
    assert response.status_code == 404


def test_an_assessment_comes_with_its_comparison_and_what_to_learn(draft, people):
    munich = Assessment.objects.create(
        city=City.objects.get(name="Munich"), toolkit=draft.toolkit, title="Munich",
        assessed_on=date(2025, 1, 1), status=Assessment.Status.PUBLISHED,
    )  # fmt: skip
    questions = GuideQuestion.objects.filter(key_factor__toolkit=draft.toolkit_id)
    Answer.objects.bulk_create(
        Answer(assessment=munich, question=q, value="yes") for q in questions
    )
    Answer.objects.create(assessment=draft, question=questions.first(), value="no")
    data = Client().get(f"/api/v1/assessments/{draft.pk}", headers=bearer(people["officer"])).json()
    assert data["compared"]["network_cities"] == 1
    assert data["compared"]["network_mean"]["1"] == 100.0
    assert data["gaps"] == [1]
    assert data["learn"][0]["mentors"] == [
        {"city": "Munich", "score": 100.0, "assessment_id": munich.pk}
    ]
    assert len(data["learn"][0]["practices"]) == 1  # the toolkit's example on it, from Munich
