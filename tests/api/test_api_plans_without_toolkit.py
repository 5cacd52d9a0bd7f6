"""A plan on a theme without a toolkit in the API (issue 12, part 2): starting it without an
assessment, objectives without key factors, tying the plan to the city's assessment later, and
tying a visit finding to key factors once a toolkit is published."""

from datetime import date

from citygrow.catalogue.models import KeyFactor
from citygrow.mentoring.models import Finding
from citygrow.plans import services
from citygrow.plans.models import ActionPlan
from tests.support.budgets import assert_flat, count_queries
from tests.support.no_toolkit import FINDING, assess_on, pairing_b, publish_toolkit_b

__all__ = ["pairing_b"]  # the fixture, imported by name

JSON = "application/json"


def put(client, url: str, data: dict):
    return client.put(url, data, content_type=JSON)


def post(client, url: str, data: dict):
    return client.post(url, data, content_type=JSON)


def test_the_openapi_document_lists_the_new_routes(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "put" in paths["/api/v1/plans/{plan_id}/assessment"]
    assert "put" in paths["/api/v1/visits/{visit_id}/report/findings/{number}/key-factors"]


def test_a_plan_starts_without_an_assessment_and_takes_objectives_without_key_factors(
    pairing_b, officer
):
    response = post(officer.api, f"/api/v1/pairings/{pairing_b.pk}/plan", {"title": "On B"})
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["assessment_id"] is None
    plan_id = data["id"]
    offered = officer.api.get(f"/api/v1/plans/{plan_id}/suggestions").json()
    assert next((s["title"], s["key_factors"], s["source"]) for s in offered) == (
        FINDING,
        [],
        "finding",
    )
    response = post(
        officer.api,
        f"/api/v1/plans/{plan_id}/objectives",
        {"title": FINDING, "source": "finding"},
    )
    assert response.status_code == 201 and response.json()["key_factors"] == []
    refused = post(
        officer.api, f"/api/v1/plans/{plan_id}/objectives", {"title": "X", "key_factors": [1]}
    )
    assert refused.status_code == 422
    assert "no published toolkit" in refused.json()["errors"]["key_factors"][0]
    change = officer.api.get(f"/api/v1/plans/{plan_id}/change").json()
    assert change["assessment"] is None and change["objectives"][0]["key_factors"] == []


def test_the_plan_is_tied_to_the_assessment_later_and_measures_the_change(
    pairing_b, officer, coordinator, mentor
):
    plan = services.start_plan(pairing=pairing_b, assessment=None, title="B", by=officer.user)
    objective = services.save_objective(plan=plan, title="Own", key_factors=[], by=officer.user)
    url = f"/api/v1/plans/{plan.pk}/assessment"
    refused = put(officer.api, url, {"assessment_id": 999999})
    assert refused.status_code == 422 and "assessment_id" in refused.json()["errors"]
    toolkit = publish_toolkit_b()
    baseline = assess_on(
        toolkit, officer.user, answers={1: "no", 2: "no"}, assessed_on=date(2024, 6, 1)
    )
    # The coordinator sees the draft but does not change it; Munich's mentor on A does not see it.
    assert put(coordinator.api, url, {"assessment_id": baseline.pk}).status_code == 403
    assert put(mentor.api, url, {"assessment_id": baseline.pk}).status_code == 404
    response = put(officer.api, url, {"assessment_id": baseline.pk})
    assert response.status_code == 200 and response.json()["assessment_id"] == baseline.pk
    again = put(officer.api, url, {"assessment_id": baseline.pk})
    assert again.status_code == 422
    # Once tied, an objective needs a key factor.
    objective_url = f"/api/v1/plans/{plan.pk}/objectives/{objective.pk}"
    refused = officer.api.patch(objective_url, {"key_factors": []}, content_type=JSON)
    assert refused.status_code == 422
    tied = officer.api.patch(objective_url, {"key_factors": [1]}, content_type=JSON)
    assert tied.status_code == 200 and tied.json()["key_factors"] == [1]
    later = assess_on(
        toolkit, officer.user, answers={1: "partly", 2: "no"}, assessed_on=date(2025, 6, 1)
    )
    response = put(officer.api, f"/api/v1/plans/{plan.pk}/change", {"assessment_id": later.pk})
    assert response.status_code == 200
    [change] = response.json()["objectives"]
    assert change["key_factors"][0]["difference"] == 50.0


def test_the_follow_up_of_a_plan_without_assessment_is_refused(pairing_b, officer):
    plan = services.start_plan(pairing=pairing_b, assessment=None, title="B", by=officer.user)
    toolkit = publish_toolkit_b()
    later = assess_on(
        toolkit, officer.user, answers={1: "no", 2: "no"}, assessed_on=date(2025, 1, 1)
    )
    response = put(officer.api, f"/api/v1/plans/{plan.pk}/change", {"assessment_id": later.pk})
    assert response.status_code == 422
    assert "tie it to the city's assessment first" in response.json()["errors"]["assessment_id"][0]


def test_a_finding_is_tied_to_key_factors_once_a_toolkit_exists(pairing_b, facilitator, officer):
    finding = Finding.objects.get(text=FINDING)  # the report's second finding
    url = f"/api/v1/visits/{finding.report.visit_id}/report/findings/2/key-factors"
    before = put(facilitator.api, url, {"key_factors": [1]})
    assert before.status_code == 422
    assert "no published toolkit" in before.json()["errors"]["key_factors"][0]
    toolkit = publish_toolkit_b()
    assert put(officer.api, url, {"key_factors": [1]}).status_code == 403
    unknown = put(facilitator.api, url, {"key_factors": [9]})
    assert unknown.status_code == 422
    response = put(facilitator.api, url, {"key_factors": [2]})
    assert response.status_code == 200
    tied = response.json()["findings"][1]
    assert tied["text"] == FINDING
    assert tied["key_factors"] == [{"number": 2, "heading": "Test factor 2"}]
    assert list(finding.key_factors.all()) == [KeyFactor.objects.get(toolkit=toolkit, position=2)]
    # The report is published (final): a finding with key factors keeps them.
    assert put(facilitator.api, url, {"key_factors": [1]}).status_code == 422
    missing = put(
        facilitator.api, url.replace("/findings/2/", "/findings/4/"), {"key_factors": [1]}
    )
    assert missing.status_code == 404


def test_reading_a_plan_without_assessment_keeps_to_its_budget(pairing_b, officer):
    plan = services.start_plan(pairing=pairing_b, assessment=None, title="B", by=officer.user)
    services.save_objective(plan=plan, title="Own 0", key_factors=[], by=officer.user)
    url = f"/api/v1/plans/{plan.pk}"
    officer.api.get(url)  # the token's first use is recorded once
    small = count_queries(officer.api, url)
    for n in range(1, 8):
        services.save_objective(plan=plan, title=f"Own {n}", key_factors=[], by=officer.user)
    assert_flat(small, count_queries(officer.api, url), budget=20)
    assert ActionPlan.objects.get(pk=plan.pk).assessment is None
