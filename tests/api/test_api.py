"""The JSON API under /api/v1/ and its OpenAPI document."""

import pytest
from django.test import Client

from citygrow.catalogue.models import Toolkit
from citygrow.practices.models import Practice


def test_the_openapi_document_describes_every_route(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = set(response.json()["paths"])
    assert paths == {
        "/api/v1/themes",
        "/api/v1/toolkits",
        "/api/v1/toolkits/{code}/{year}",
        # Toolkit editions (issue 12 part 1)
        "/api/v1/themes/{code}/editions",
        "/api/v1/themes/{code}/editions/{year}",
        "/api/v1/themes/{code}/editions/{year}/upload",
        "/api/v1/themes/{code}/editions/{year}/publish",
        "/api/v1/themes/{code}/compare/{year_a}/{year_b}",
        # Editing a draft edition (issue 12 part 1, citygrow/api/toolkit_authoring.py)
        "/api/v1/toolkits/{code}/{year}/edition",
        "/api/v1/toolkits/{code}/{year}/move",
        "/api/v1/toolkits/{code}/{year}/terms",
        "/api/v1/toolkits/{code}/{year}/terms/{item_id}",
        "/api/v1/toolkits/{code}/{year}/key-factors",
        "/api/v1/toolkits/{code}/{year}/key-factors/{item_id}",
        "/api/v1/toolkits/{code}/{year}/key-factors/{key_factor_id}/questions",
        "/api/v1/toolkits/{code}/{year}/key-factors/{key_factor_id}/questions/{item_id}",
        "/api/v1/toolkits/{code}/{year}/key-factors/{key_factor_id}/examples",
        "/api/v1/toolkits/{code}/{year}/key-factors/{key_factor_id}/examples/{item_id}",
        "/api/v1/toolkits/{code}/{year}/context-factors",
        "/api/v1/toolkits/{code}/{year}/context-factors/{item_id}",
        "/api/v1/practices",
        "/api/v1/practices/{practice_id}",
        "/api/v1/cities",
        "/api/v1/cities/{slug}",
        "/api/v1/me",
        "/api/v1/me/tokens",
        "/api/v1/me/tokens/{token_id}",
        "/api/v1/assessments",
        "/api/v1/assessments/{assessment_id}",
        "/api/v1/assessments/{assessment_id}/answers/{question_id}",
        # The assessment workflow (citygrow/api/assessments.py).
        "/api/v1/assessments/{assessment_id}/copy",
        "/api/v1/assessments/{assessment_id}/key-factors/{key_factor}",
        "/api/v1/assessments/{assessment_id}/context",
        "/api/v1/assessments/{assessment_id}/submit",
        "/api/v1/assessments/{assessment_id}/reopen",
        "/api/v1/assessments/{assessment_id}/review",
        "/api/v1/assessments/{assessment_id}/publish",
        "/api/v1/assessments/{assessment_id}/comments",
        # mentoring (citygrow.api.mentoring; tests/api/test_api_mentoring.py)
        "/api/v1/programmes",
        "/api/v1/programmes/{slug}",
        "/api/v1/programmes/{slug}/schemes/{code}",
        "/api/v1/programmes/{slug}/schemes/{code}/members",
        "/api/v1/programmes/{slug}/schemes/{code}/proposal",
        "/api/v1/programmes/{slug}/schemes/{code}/pairings",
        "/api/v1/pairings/{pairing_id}",
        "/api/v1/pairings/{pairing_id}/visits",
        "/api/v1/visits/{visit_id}",
        "/api/v1/visits/{visit_id}/cancel",
        "/api/v1/visits/{visit_id}/report",
        "/api/v1/visits/{visit_id}/report/publish",
        "/api/v1/programmes/{slug}/workload/{city}",
        "/api/v1/programmes/{slug}/workload/{city}/logs",
        "/api/v1/programmes/{slug}/events",
        "/api/v1/programmes/{slug}/schemes",
        "/api/v1/programmes/{slug}/schemes/{code}/members/{city}",
        "/api/v1/programmes/{slug}/workload/{city}/rates",
        # Action plans: plans, objectives, actions, comments (citygrow/api/plans_core.py).
        "/api/v1/plans",
        "/api/v1/plans/{plan_id}",
        "/api/v1/plans/{plan_id}/suggestions",
        "/api/v1/pairings/{pairing_id}/plan",
        "/api/v1/plans/{plan_id}/objectives",
        "/api/v1/plans/{plan_id}/objectives/{objective_id}",
        "/api/v1/plans/{plan_id}/objectives/{objective_id}/actions",
        "/api/v1/plans/{plan_id}/actions/{action_id}",
        "/api/v1/plans/{plan_id}/comments",
        # Action plans: follow-up (citygrow/api/plans_followup.py).
        "/api/v1/plans/{plan_id}/actions/{action_id}/updates",
        "/api/v1/plans/{plan_id}/timeline",
        "/api/v1/plans/{plan_id}/schedule",
        "/api/v1/plans/{plan_id}/change",
        # A plan without a toolkit (issue 12 part 2): tying a plan and a finding later
        "/api/v1/plans/{plan_id}/assessment",
        "/api/v1/visits/{visit_id}/report/findings/{number}/key-factors",
        # Action plans: versions and endorsements (citygrow/api/plans_versions.py).
        "/api/v1/plans/{plan_id}/versions",
        "/api/v1/plans/{plan_id}/versions/{number}",
        "/api/v1/plans/{plan_id}/versions/{number}/endorsements",
        "/api/v1/plans/{plan_id}/changes",
        # Action plans: actions export and import (citygrow/api/plans_documents.py).
        "/api/v1/plans/{plan_id}/actions.csv",
        "/api/v1/plans/{plan_id}/actions.xlsx",
        "/api/v1/plans/{plan_id}/actions-import",
        # Cities' key figures (citygrow/api/cities.py, issue 13).
        "/api/v1/cities/{slug}/figures",
        "/api/v1/indicators",
        # Contributed practices and their adoptions (citygrow/api/practices.py, issue 13).
        "/api/v1/cities/{slug}/practices",
        "/api/v1/cities/{slug}/adopted-practices",
        "/api/v1/practices/{practice_id}/submit",
        "/api/v1/practices/{practice_id}/return",
        "/api/v1/practices/{practice_id}/publish",
        "/api/v1/practices/{practice_id}/withdraw",
        "/api/v1/practices/{practice_id}/comments",
        "/api/v1/practices/{practice_id}/attachments",
        "/api/v1/practices/{practice_id}/attachments/{attachment_id}",
        "/api/v1/practices/{practice_id}/adoptions",
        "/api/v1/plans/{plan_id}/practice-suggestions",
        # The pairing page's data (citygrow/api/pairings.py, issue 14).
        "/api/v1/pairings",
        "/api/v1/pairings/{pairing_id}/story",
        # Attendance of a programme's events by city (citygrow/api/mentoring.py, issue 14).
        "/api/v1/programmes/{slug}/events/{event_id}/attendance",
        # Infographics and a programme's deliverables (citygrow/api/infographics.py,
        # deliverables.py; issue 14).
        "/api/v1/infographics",
        "/api/v1/pairings/{pairing_id}/infographics",
        "/api/v1/infographics/{infographic_id}",
        "/api/v1/infographics/{infographic_id}/publish",
        "/api/v1/infographics/{infographic_id}/versions",
        "/api/v1/infographics/{infographic_id}/files/{fmt}",
        "/api/v1/programmes/{slug}/deliverables",
        # The Charter questionnaire's editions (citygrow/api/survey.py, issue 15).
        "/api/v1/charter/questionnaires",
        "/api/v1/charter/questionnaires/{questionnaire_id}",
        "/api/v1/charter/questionnaires/{questionnaire_id}/file",
        # The Charter's signatories (citygrow/api/cities.py, signatories.py; issue 15).
        "/api/v1/cities/{slug}/charter",
        "/api/v1/charter/signatories",
        # Survey cycles and the cities' responses (citygrow/api/survey_cycles.py, issue 15).
        "/api/v1/charter/cycles",
        "/api/v1/charter/cycles/{cycle_id}",
        "/api/v1/charter/cycles/{cycle_id}/invitations",
        "/api/v1/charter/responses/{response_id}",
        "/api/v1/charter/responses/{response_id}/commitments/{commitment_code}",
        "/api/v1/charter/responses/{response_id}/roles/{role_code}/note",
        "/api/v1/charter/responses/{response_id}/submit",
        "/api/v1/charter/responses/{response_id}/return",
        "/api/v1/charter/responses/{response_id}/accept",
        "/api/v1/charter/responses/{response_id}/start-from-previous",
        "/api/v1/charter/responses/{response_id}/publish",
        "/api/v1/charter/responses/{response_id}/unpublish",
        "/api/v1/charter/cycles/{cycle_id}/results",
        "/api/v1/charter/cycles/{cycle_id}/results/publish",
        "/api/v1/charter/cycles/{cycle_id}/results/withdraw",
        "/api/v1/charter/cycles/{cycle_id}/answers/{fmt}",
        "/api/v1/charter/cycles/{cycle_id}/results/{fmt}",
        "/api/v1/charter/responses/{response_id}/results",
        "/api/v1/charter/responses/{response_id}/results/pdf",
        # Commitments linked to toolkits (citygrow/api/survey_links.py, issue 15 part 5).
        "/api/v1/charter/commitments/{commitment_id}/links",
        "/api/v1/charter/responses/{response_id}/suggestions",
    }


def test_themes_say_which_have_content(client, seeded):
    themes = {t["code"]: t for t in client.get("/api/v1/themes").json()}
    assert themes["A"]["current_edition"] == 2018
    assert themes["B"] == {
        "code": "B",
        "title": "Promoting appropriate migrant participation in local labour markets through "
        "partnerships",
        "current_edition": None,
        "editions": [],
    }


def test_toolkits_list_the_editions_with_counts(client, seeded):
    data = client.get("/api/v1/toolkits").json()
    assert [(t["theme"], t["year"], t["key_factors"], t["practices"]) for t in data] == [
        ("A", 2018, 7, 12),
        ("C", 2018, 9, 21),
    ]
    assert data[0]["url"] == "http://testserver/toolkits/A/2018/"


def test_one_toolkit_comes_with_its_full_nested_content(client, seeded):
    data = client.get("/api/v1/toolkits/A/2018").json()
    assert data["standard"].startswith("The city ensures")
    assert data["source"]["publisher"] == "EUROCITIES"
    assert len(data["key_factors"]) == 7
    first = data["key_factors"][0]
    assert first["guide_questions"][0]["sub_items"][0].startswith("the number of immigrants")
    assert first["examples"][0]["city"] == "Munich"
    assert first["examples"][0]["country"] == "DE"
    assert len(data["context_factors"]) == 10
    assert len(data["terms"]) == 5


def test_an_unknown_toolkit_is_a_404(client, seeded):
    assert client.get("/api/v1/toolkits/A/1999").status_code == 404
    assert client.get("/api/v1/toolkits/A/notayear").status_code == 422


def test_practices_have_the_same_filters_and_search_as_the_page(client, toolkit_a):
    assert client.get("/api/v1/practices").json()["count"] == 33
    data = client.get("/api/v1/practices", {"toolkit": toolkit_a.pk, "city": "london"}).json()
    assert data["count"] == 3
    assert {p["city"] for p in data["results"]} == {"London"}
    assert client.get("/api/v1/practices", {"country": "AT"}).json()["count"] == 4
    searched = client.get("/api/v1/practices", {"q": "Phönix"}).json()
    assert [p["title"] for p in searched["results"]] == ["Munich: Engagement with stakeholders"]
    second = client.get("/api/v1/practices", {"page": 2}).json()
    assert (second["page"], second["pages"], len(second["results"])) == (2, 2, 13)


def test_bad_practice_filters_get_a_422_with_messages(client, seeded):
    response = client.get("/api/v1/practices", {"city": "atlantis", "q": "x" * 500})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["city"] == ["There is no such city."]
    assert "at most 200 characters" in errors["q"][0]
    assert client.get("/api/v1/practices", {"toolkit": "abc"}).status_code == 422
    assert client.get("/api/v1/practices", {"q": "?!%"}).json()["count"] == 0


def test_one_practice(client, toolkit_a):
    practice = Practice.objects.get(toolkit=toolkit_a, key_factor__position=1)
    data = client.get(f"/api/v1/practices/{practice.pk}").json()
    assert data["city"] == "Munich"
    assert data["toolkit"] == {"theme": "A", "year": 2018, "title": toolkit_a.title}
    assert data["key_factor"] == {"number": 1, "heading": "Mapping and needs assessment"}
    assert data["links"] == ["https://bit.ly/2PlzCtg"]
    assert client.get("/api/v1/practices/999999").status_code == 404


def test_cities(client, seeded):
    cities = client.get("/api/v1/cities").json()
    assert (cities["count"], cities["page"], cities["pages"]) == (22, 1, 1)
    assert len(cities["results"]) == 22
    munich = client.get("/api/v1/cities/munich").json()
    assert munich["country"] == {"code": "DE", "name": "Germany"}
    assert munich["population"] is None
    assert munich["charter_signatory"] is None
    assert client.get("/api/v1/cities/atlantis").status_code == 404


def test_drafts_are_hidden_from_the_public_api(toolkit_a, staff_client):
    client = Client()
    Toolkit.objects.filter(pk=toolkit_a.pk).update(status=Toolkit.Status.DRAFT)
    assert client.get("/api/v1/toolkits/A/2018").status_code == 404
    assert client.get("/api/v1/practices").json()["count"] == 21
    assert staff_client.get("/api/v1/toolkits/A/2018").status_code == 200


def test_every_schema_of_the_api_has_its_own_name():
    """The OpenAPI document names a schema by its class name: two classes of one name would
    describe each other's responses (and the fuzzing would find responses 'violating' them)."""
    from ninja import Schema

    import citygrow.api.api  # noqa: F401 (loads every router module)

    def subclasses(cls: type) -> list[type]:
        return [cls, *(sub for child in cls.__subclasses__() for sub in subclasses(child))]

    ours = [c for c in subclasses(Schema) if c.__module__.startswith("citygrow.")]
    names: dict[str, list[str]] = {}
    for schema in ours:
        names.setdefault(schema.__name__, []).append(schema.__module__)
    assert {name: where for name, where in names.items() if len(set(where)) > 1} == {}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/themes/A/compare/2018/99999999999999999999",
        "/api/v1/toolkits/A/99999999999999999999",
        "/api/v1/themes/A/editions/99999999999999999999/publish",
    ],
)
def test_a_year_out_of_range_in_a_path_is_refused_not_a_server_error(seeded, path):
    """Found by the fuzzing: a year too large for the database gave a 500 on SQLite."""
    client = Client()
    response = client.post(path) if path.endswith("/publish") else client.get(path)
    assert response.status_code in (401, 422)
