"""The API under fuzzing: Schemathesis reads /api/v1/openapi.json from the app, generates valid
and invalid requests for every operation and sends them to the app in-process, as the officer
with a read-write token and as a caller without credentials. No answer may be a 5xx, and each
must have a status the document declares for the operation, with a body its schema allows.

Bounded and deterministic: a fixed number of examples per operation, derandomized."""

from datetime import date

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from citygrow.assessments.models import Answer, Assessment
from citygrow.catalogue.models import GuideQuestion, Toolkit
from citygrow.mentoring.models import Pairing, Visit, VisitReport
from citygrow.people.models import City
from citygrow.people.services import create_token
from citygrow.plans import services as plans_services
from citygrow.practices.models import Practice
from citygrow.reporting import services as reporting_services
from citygrow.survey import services as survey_services
from citygrow.survey.models import Commitment
from tests.support.clients import authorization
from tests.support.plans import assess_athens, athens_pairing, key_factor
from tests.support.survey import open_cycle_for, rate, response_of

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
fuzz = settings(
    max_examples=30,  # 285 cases: 50 examples each took 14 of CI's minutes
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def in_test_transaction():
    """Keep the test's database connection across requests, as Django's test client does: the
    WSGI handler otherwise closes it when a request ends, and the test's transaction with it."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def known(people, in_test_transaction, settings, tmp_path) -> dict[str, list]:
    """Path parameters that name something in the database: a draft of Athens (the officer's
    city) with one answer, a published assessment of Munich, the toolkits, practices and cities.
    (The answer has version 2, so a PUT of it may also meet a conflict.)"""
    toolkit = Toolkit.objects.get(theme__code="A", year=2018)
    draft = Assessment.objects.create(
        city=City.objects.get(name="Athens"), toolkit=toolkit, title="Athens 2026",
        assessed_on=date(2026, 11, 1),
    )  # fmt: skip
    published = Assessment.objects.create(
        city=City.objects.get(name="Munich"), toolkit=toolkit, title="Munich 2025",
        assessed_on=date(2025, 1, 1), status=Assessment.Status.PUBLISHED,
    )  # fmt: skip
    questions = list(GuideQuestion.objects.filter(key_factor__toolkit=toolkit))
    Answer.objects.bulk_create(
        Answer(assessment=published, question=q, value="yes") for q in questions
    )
    Answer.objects.create(assessment=draft, question=questions[0], value="no", version=2)
    # Mentoring: the people fixture's programme and pairings, a visit with a draft report.
    pairings = list(Pairing.objects.values_list("pk", flat=True))
    visit = Visit.objects.create(
        pairing_id=pairings[0], kind="study", starts_on=date(2017, 5, 2), ends_on=date(2017, 5, 4)
    )
    VisitReport.objects.create(visit=visit, summary="Draft")
    # Action plans: Athens's plan with one objective, submitted as version 1 (uploads of signed
    # documents, should one pass, go to a temporary folder).
    settings.MEDIA_ROOT = tmp_path / "media"
    plan = plans_services.start_plan(
        pairing=athens_pairing(), assessment=assess_athens(), title="Plan", by=people["officer"]
    )
    objective = plans_services.save_objective(
        plan=plan, title="One-stop shop", key_factors=[key_factor(1).pk], by=people["officer"]
    )
    action = plans_services.save_action(
        plan=plan,
        objective=objective,
        data=plans_services.ActionIn(title="Open it"),
        by=people["officer"],
    )
    plans_services.freeze(plan=plan, by=people["officer"])
    # Infographics (issue 14): a draft of the Munich → Athens pairing, drawn from its data.
    infographic = reporting_services.start_infographic(
        pairing=athens_pairing(), by=people["facilitator"]
    )
    # The Charter survey (issue 15): cycle "2019", open, Athens's response with PM1 rated (a
    # PUT of it may meet a conflict) and Helsinki's (not the officer's city).
    cycle = open_cycle_for(people)
    survey_response = response_of(cycle, "Athens")
    rate(survey_response, {"PM1": "fully", "BU1": "partly"}, by=people["officer"])
    # Commitments linked to toolkits (issue 15 part 5): BU1 to toolkit A and its key factor 1.
    survey_services.save_links(
        commitment=Commitment.objects.get(questionnaire=cycle.questionnaire_id, code="BU1"),
        links=[(toolkit, [toolkit.key_factors.get(position=1)])],
        by=people["coordinator"],
    )
    cities = list(City.objects.values_list("slug", flat=True))
    return {
        "code": ["A", "C"],
        "year": [2018],
        "practice_id": list(Practice.objects.values_list("pk", flat=True)),
        "slug": [*cities, "test-programme"],  # a city's, or the programme's
        "city": cities,
        "pairing_id": pairings,
        "visit_id": [visit.pk],
        "assessment_id": [draft.pk, published.pk],
        "question_id": [q.pk for q in questions[:3]],
        "value": list(Answer.Value.values),
        "plan_id": [plan.pk],
        "objective_id": [objective.pk],
        "action_id": [action.pk],
        "number": [1],
        "key_factor": [1, 2],  # a key factor's number in an assessment's toolkit
        "infographic_id": [infographic.pk],
        "fmt": ["svg"],  # (the PDF and PNG take a second each: tested in tests/reporting)
        "cycle_id": [cycle.pk],
        "response_id": [survey_response.pk, response_of(cycle, "Helsinki").pk],
        "commitment_code": ["PM1", "SP2"],
        "role_code": ["policy-maker", "buyer"],
        "commitment_id": list(
            Commitment.objects.filter(
                questionnaire=cycle.questionnaire_id, code__in=["PM1", "BU1"]
            ).values_list("pk", flat=True)
        ),
    }


def aim_at_known(case, known: dict[str, list], data) -> None:
    """For about half the cases, as Hypothesis chooses (so shrinking and derandomizing still
    work), replace the generated path parameters by ones that exist, and make an answer's value
    and links valid (its evidence stays as generated): else the fuzzer almost never gets past
    404 and 422, and the full answers go unchecked."""
    if not data.draw(st.booleans(), label="aim at something known"):
        return
    for name in list(case.path_parameters or {}):
        if name in known:
            case.path_parameters[name] = data.draw(st.sampled_from(known[name]), label=name)
    if isinstance(case.body, dict):
        case.body["value"] = data.draw(st.sampled_from(known["value"]), label="value")
        case.body["links"] = ["https://www.cityofathens.gr/"]


@schema.parametrize()
@schema.given(data=st.data())
@fuzz
def test_the_api_keeps_its_documented_promises_to_the_officer(case, data, known, people):
    token, secret = create_token(user=people["officer"], name="fuzz", scope="read-write")
    aim_at_known(case, {**known, "token_id": [token.pk]}, data)  # DELETE may revoke it: fine
    case.call_and_validate(headers=authorization(secret), checks=CHECKS)


@schema.parametrize()
@schema.given(data=st.data())
@fuzz
def test_the_api_keeps_its_documented_promises_to_a_caller_without_credentials(case, data, known):
    # The document lists credentials for the routes that need them, so Schemathesis makes some up.
    if case.headers:
        case.headers.pop("Authorization", None)
    if case.cookies:
        case.cookies.pop("sessionid", None)
    aim_at_known(case, known, data)
    case.call_and_validate(checks=CHECKS)


# -- what the fuzzing found, pinned -----------------------------------------------------------


def test_public_routes_document_that_credentials_are_optional(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {} in paths["/api/v1/toolkits"]["get"]["security"]
    assert {} in paths["/api/v1/assessments/{assessment_id}"]["get"]["security"]
    assert {} not in paths["/api/v1/me"]["get"]["security"]
    assert "401" in paths["/api/v1/toolkits"]["get"]["responses"]


def test_a_parameter_of_the_wrong_type_gets_the_usual_error_shape(client, seeded):
    response = client.get("/api/v1/toolkits/A/notayear")
    assert response.status_code == 422
    assert response.json() == {
        "detail": "The request is not valid.",
        "errors": {
            "year": ["Input should be a valid integer, unable to parse string as an integer"]
        },
    }


@pytest.mark.parametrize("path", ["/api/v1/cities/ath%00ens", "/api/v1/toolkits/A%00/2018"])
def test_a_nul_character_in_a_path_gets_422_not_a_database_error(client, seeded, path):
    assert client.get(path).status_code == 422


@pytest.mark.parametrize(
    ("path", "status"),
    [
        # A toolkit's year is bounded (1990-2100): refused as out of range, not looked up.
        ("/api/v1/toolkits/A/9223372036854775808", 422),
        ("/api/v1/practices/9223372036854775808", 404),
        ("/api/v1/assessments/-9223372036854775809", 404),
    ],
)
def test_ids_beyond_the_database_integers_are_not_found(client, seeded, path, status):
    assert client.get(path).status_code == status
