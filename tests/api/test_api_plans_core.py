"""Action plans in the API: reading plans and their action trees, starting a plan, objectives,
actions and sub-actions, comments, suggestions, and the refusals (issue 7)."""

import pytest
from django.test import Client

from citygrow.plans import services
from citygrow.plans.models import Action, ActionPlan, Objective, PlanComment
from tests.support.budgets import count_queries
from tests.support.clients import api_client
from tests.support.plans import athens_pairing, endorse

JSON = "application/json"


def error_of(response) -> dict:
    data = response.json()
    assert set(data) == {"detail", "errors"}, data
    return data


def test_the_openapi_document_lists_the_plan_routes(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in [
        "/api/v1/plans",
        "/api/v1/plans/{plan_id}",
        "/api/v1/plans/{plan_id}/suggestions",
        "/api/v1/pairings/{pairing_id}/plan",
        "/api/v1/plans/{plan_id}/objectives",
        "/api/v1/plans/{plan_id}/objectives/{objective_id}",
        "/api/v1/plans/{plan_id}/objectives/{objective_id}/actions",
        "/api/v1/plans/{plan_id}/actions/{action_id}",
        "/api/v1/plans/{plan_id}/comments",
        "/api/v1/plans/{plan_id}/practice-suggestions",
    ]:
        assert path in paths, path


def test_a_draft_is_read_by_its_team_only(client, people, plan):
    for role in ["officer", "mentor", "facilitator", "coordinator"]:
        data = api_client(people[role]).get(f"/api/v1/plans/{plan.pk}").json()
        assert data["status"] == "draft" and data["progress"] == 63.3
        assert data["comments"] == []
    for role in ["other_officer", "other_mentor", "other_facilitator", "staff", "nobody"]:
        assert api_client(people[role]).get(f"/api/v1/plans/{plan.pk}").status_code == 404
        assert api_client(people[role]).get("/api/v1/plans").json() == []
    assert client.get(f"/api/v1/plans/{plan.pk}").status_code == 404
    assert client.get("/api/v1/plans").json() == []


def test_an_endorsed_plan_is_public_without_the_comments(client, people, plan):
    endorse(plan)
    data = client.get(f"/api/v1/plans/{plan.pk}").json()
    assert data["status"] == "endorsed" and data["comments"] is None
    [listed] = client.get("/api/v1/plans").json()
    assert listed["id"] == plan.pk and listed["city"] == "Athens" and listed["progress"] == 63.3


def test_the_plan_comes_with_its_action_tree(client, people, plan):
    data = api_client(people["mentor"]).get(f"/api/v1/plans/{plan.pk}").json()
    shop, languages = data["objectives"]
    assert shop["key_factors"] == [1] and languages["key_factors"] == [2, 3]
    rows = [(a["title"], a["depth"], a["effective_progress"]) for a in shop["actions"]]
    assert rows == [
        ("Map the services", 0, 40.0),
        ("Train the staff", 0, 50.0),
        ("Train the front desk", 1, 50.0),
    ]
    train, desk = shop["actions"][1:]
    assert desk["parent_id"] == train["id"] and train["progress"] is None
    [guide] = languages["actions"]
    assert guide["status"] == "Completed" and guide["effective_progress"] == 100.0
    assert shop["actions"][0]["budget"] in ("5000.00", 5000.0, "5000")


def test_queries_do_not_grow_with_the_plan(people, coordinator, plan):
    def count(path: str) -> int:
        return count_queries(coordinator.api, path)

    count("/api/v1/plans")  # the token's first use is recorded once
    before = count(f"/api/v1/plans/{plan.pk}"), count("/api/v1/plans")
    objective = plan.objectives.first()
    for n in range(4):
        parent = services.save_action(
            plan=plan,
            objective=objective,
            data=services.ActionIn(title=f"A{n}"),
            by=people["officer"],
        )
        services.save_action(
            plan=plan,
            objective=objective,
            parent=parent,
            data=services.ActionIn(title=f"S{n}", progress=n),
            by=people["officer"],
        )
    assert (count(f"/api/v1/plans/{plan.pk}"), count("/api/v1/plans")) == before


def test_the_officer_builds_a_plan_through_the_api(people, athens_assessment):
    client = api_client(people["officer"])
    pairing = athens_pairing()
    response = client.post(
        f"/api/v1/pairings/{pairing.pk}/plan",
        {"assessment_id": athens_assessment.pk, "title": "Athens by API"},
        content_type=JSON,
    )
    assert response.status_code == 201, response.json()
    plan_id = response.json()["id"]
    plan = ActionPlan.objects.get(pk=plan_id)
    assert plan.title == "Athens by API" and plan.pairing == pairing

    offered = client.get(f"/api/v1/plans/{plan_id}/suggestions").json()
    assert offered[0]["key_factors"] == [1] and offered[0]["source"] == "gap"
    assert offered[0]["reason"] == "Scored 0 against a target of 100."

    response = client.post(
        f"/api/v1/plans/{plan_id}/objectives",
        {"title": offered[0]["title"], "key_factors": [1], "source": "gap"},
        content_type=JSON,
    )
    assert response.status_code == 201
    objective_id = response.json()["id"]
    response = client.patch(
        f"/api/v1/plans/{plan_id}/objectives/{objective_id}",
        {"title": "One stop", "key_factors": [1, 4]},
        content_type=JSON,
    )
    assert response.json()["key_factors"] == [1, 4] and response.json()["title"] == "One stop"

    actions = f"/api/v1/plans/{plan_id}/objectives/{objective_id}/actions"
    response = client.post(
        actions,
        {"title": "Parent", "starts_on": "2024-01-01", "ends_on": "2024-06-30", "budget": "10"},
        content_type=JSON,
    )
    assert response.status_code == 201
    parent_id = response.json()["id"]
    response = client.post(
        actions,
        {"title": "Child", "parent_id": parent_id, "progress": 80, "status": "In progress"},
        content_type=JSON,
    )
    assert response.status_code == 201 and response.json()["depth"] == 1
    child_id = response.json()["id"]
    data = client.get(f"/api/v1/plans/{plan_id}").json()
    assert data["objectives"][0]["actions"][0]["effective_progress"] == 80.0
    assert data["progress"] == 80.0

    response = client.patch(
        f"/api/v1/plans/{plan_id}/actions/{child_id}", {"progress": 40}, content_type=JSON
    )
    assert response.status_code == 200 and response.json()["progress"] == 40
    child = Action.objects.get(pk=child_id)
    assert child.title == "Child" and child.status.name == "In progress"
    assert child.parent_id == parent_id

    response = client.post(f"/api/v1/plans/{plan_id}/comments", {"text": "Go"}, content_type=JSON)
    assert response.status_code == 201 and response.json()["author"] == "Olga"

    assert client.delete(f"/api/v1/plans/{plan_id}/actions/{parent_id}").status_code == 204
    assert not Action.objects.filter(plan=plan).exists()
    response = client.delete(f"/api/v1/plans/{plan_id}/objectives/{objective_id}")
    assert response.status_code == 204 and not Objective.objects.filter(plan=plan).exists()


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"starts_on": "2024-05-01", "ends_on": "2024-04-01"}, "ends_on", "The end cannot be"),
        ({"progress": 101}, "progress", "Progress is a percentage"),
        ({"progress": -3}, "progress", "Progress is a percentage"),
        ({"budget": "lots"}, "budget", ""),
        ({"budget": "-1"}, "budget", "The budget cannot be negative."),
        ({"weight": -2}, "weight", "The weight cannot be negative."),
        ({"status": "Sleeping"}, "status", "There is no such status: Sleeping."),
        ({"title": " "}, "title", "Give the action a title."),
        ({"parent_id": 999999}, "parent_id", "This plan has no action 999999."),
        # A NUL character (PostgreSQL refuses it: a 500 before, found by the API fuzzing).
        ({"baseline": "a\x00b"}, "baseline", ""),
        ({"status": "Done\x00"}, "status", ""),
    ],
)
def test_bad_action_input_is_refused(people, plan, body, field, message):
    client = api_client(people["officer"])
    objective = plan.objectives.first()
    before = list(Action.objects.values_list("pk", "title", "progress", "budget"))
    response = client.post(
        f"/api/v1/plans/{plan.pk}/objectives/{objective.pk}/actions",
        {"title": "New", **body},
        content_type=JSON,
    )
    assert response.status_code == 422
    error = error_of(response)
    assert field in error["errors"] and message in error["detail"] + str(error["errors"])
    action = plan.actions.get(title="Map the services")
    response = client.patch(f"/api/v1/plans/{plan.pk}/actions/{action.pk}", body, content_type=JSON)
    assert response.status_code == 422 and field in error_of(response)["errors"]
    assert list(Action.objects.values_list("pk", "title", "progress", "budget")) == before


def test_a_sub_action_of_another_objective_is_refused(people, plan):
    other = plan.objectives.get(title="Speak the languages of newcomers")
    train = plan.actions.get(title="Train the staff")
    response = api_client(people["officer"]).post(
        f"/api/v1/plans/{plan.pk}/objectives/{other.pk}/actions",
        {"title": "X", "parent_id": train.pk},
        content_type=JSON,
    )
    assert response.status_code == 422 and "parent_id" in error_of(response)["errors"]


def test_bad_objectives_are_refused(people, plan):
    client = api_client(people["officer"])
    for body, field in [
        ({"title": "X", "key_factors": [99]}, "key_factors"),
        ({"title": "X", "key_factors": []}, "key_factors"),
        ({"title": " ", "key_factors": [1]}, "title"),
    ]:
        response = client.post(f"/api/v1/plans/{plan.pk}/objectives", body, content_type=JSON)
        assert response.status_code == 422 and field in error_of(response)["errors"], body
    assert plan.objectives.count() == 2


def test_starting_a_plan_is_refused_when_it_should_be(people, plan, athens_assessment):
    pairing = athens_pairing()
    body = {"assessment_id": athens_assessment.pk, "title": "Again"}
    response = api_client(people["officer"]).post(
        f"/api/v1/pairings/{pairing.pk}/plan", body, content_type=JSON
    )
    assert response.status_code == 422
    assert error_of(response)["detail"] == "This pairing already has an action plan."
    for role in ["mentor", "facilitator", "coordinator", "other_officer"]:
        response = api_client(people[role]).post(
            f"/api/v1/pairings/{pairing.pk}/plan", body, content_type=JSON
        )
        assert response.status_code == 403, role
    response = Client().post(f"/api/v1/pairings/{pairing.pk}/plan", body, content_type=JSON)
    assert response.status_code == 401


def test_a_plan_needs_a_submitted_assessment_of_the_city(people, athens_assessment):
    ActionPlan.objects.all().delete()
    response = api_client(people["officer"]).post(
        f"/api/v1/pairings/{athens_pairing().pk}/plan",
        {"assessment_id": 999999, "title": "T"},
        content_type=JSON,
    )
    assert response.status_code == 422 and "assessment_id" in error_of(response)["errors"]
    assert not ActionPlan.objects.exists()


def test_only_the_officers_change_the_plan(client, people, plan):
    objective = plan.objectives.first()
    action = plan.actions.first()
    writes = [
        ("post", f"/api/v1/plans/{plan.pk}/objectives", {"title": "X", "key_factors": [1]}),
        ("patch", f"/api/v1/plans/{plan.pk}/objectives/{objective.pk}", {"title": "X"}),
        ("delete", f"/api/v1/plans/{plan.pk}/objectives/{objective.pk}", None),
        ("post", f"/api/v1/plans/{plan.pk}/objectives/{objective.pk}/actions", {"title": "X"}),
        ("patch", f"/api/v1/plans/{plan.pk}/actions/{action.pk}", {"title": "X"}),
        ("delete", f"/api/v1/plans/{plan.pk}/actions/{action.pk}", None),
    ]
    expected = {"mentor": 403, "facilitator": 403, "coordinator": 403, "other_officer": 404}
    for role, status in expected.items():
        for method, path, body in writes:
            response = getattr(api_client(people[role]), method)(path, body, content_type=JSON)
            assert response.status_code == status, (role, method, path)
    for method, path, body in writes:
        assert getattr(client, method)(path, body, content_type=JSON).status_code == 401
        read_only = api_client(people["officer"], scope="read")
        assert getattr(read_only, method)(path, body, content_type=JSON).status_code == 403
    assert plan.objectives.count() == 2 and plan.actions.count() == 4


def test_the_team_comments_and_others_cannot(people, plan):
    for role in ["mentor", "facilitator"]:
        response = api_client(people[role]).post(
            f"/api/v1/plans/{plan.pk}/comments", {"text": role}, content_type=JSON
        )
        assert response.status_code == 201
    assert PlanComment.objects.filter(plan=plan).count() == 2
    response = api_client(people["officer"]).post(
        f"/api/v1/plans/{plan.pk}/comments", {"text": "  "}, content_type=JSON
    )
    assert response.status_code == 422
    response = api_client(people["other_mentor"]).post(
        f"/api/v1/plans/{plan.pk}/comments", {"text": "x"}, content_type=JSON
    )
    assert response.status_code == 404
    endorse(plan)
    response = api_client(people["other_mentor"]).post(
        f"/api/v1/plans/{plan.pk}/comments", {"text": "x"}, content_type=JSON
    )
    assert response.status_code == 403
    assert (
        api_client(people["other_mentor"]).get(f"/api/v1/plans/{plan.pk}/suggestions").status_code
        == 403
    )
    assert (
        api_client(people["mentor"]).get(f"/api/v1/plans/{plan.pk}/suggestions").status_code == 200
    )
    assert PlanComment.objects.filter(plan=plan).count() == 2


def test_an_unknown_plan_is_not_found(coordinator):
    client = coordinator.api
    assert client.get("/api/v1/plans/999999").status_code == 404
    assert client.get("/api/v1/plans/999999/suggestions").status_code == 404


# -- practices an objective or an action adapts (issue 13 part 5) ---------------------------------


def _published_practice(people, name: str):
    """A practice of Munich (the mentor city) on theme A, published in the library."""
    from citygrow.catalogue.models import Theme
    from citygrow.people.models import City
    from citygrow.practices import services as practice_services

    practice = practice_services.save_contribution(
        city=City.objects.get(name="Munich"),
        data=practice_services.ContributionIn(
            name=name, text="Test text.", themes=[Theme.objects.get(code="A").pk]
        ),
        by=people["coordinator"],
    )
    practice_services.submit_practice(practice=practice, by=people["coordinator"])
    return practice_services.publish_practice(practice=practice, by=people["facilitator"])


def test_objectives_and_actions_cite_the_practices_they_adapt(people, officer, plan):
    desk = _published_practice(people, "Test desk")
    guide = _published_practice(people, "Test guide")
    created = officer.api.post(
        f"/api/v1/plans/{plan.pk}/objectives",
        {"title": "Test objective", "key_factors": [4], "practices": [desk.pk, guide.pk]},
        content_type=JSON,
    )
    assert created.status_code == 201, created.json()
    cited = created.json()["practices"]
    assert [(p["id"], p["title"], p["status"]) for p in cited] == [
        (desk.pk, "Test desk", "published"),
        (guide.pk, "Test guide", "published"),
    ]
    assert cited[0]["url"].endswith(f"/practices/{desk.pk}/")
    objective_id = created.json()["id"]
    objective_path = f"/api/v1/plans/{plan.pk}/objectives/{objective_id}"
    kept = officer.api.patch(objective_path, {"title": "Test renamed"}, content_type=JSON)
    assert [p["id"] for p in kept.json()["practices"]] == [desk.pk, guide.pk]
    cleared = officer.api.patch(objective_path, {"practices": []}, content_type=JSON)
    assert cleared.json()["practices"] == []

    action = officer.api.post(
        f"{objective_path}/actions",
        {"title": "Test action", "practices": [guide.pk]},
        content_type=JSON,
    )
    assert action.status_code == 201 and [p["id"] for p in action.json()["practices"]] == [guide.pk]
    action_path = f"/api/v1/plans/{plan.pk}/actions/{action.json()['id']}"
    kept = officer.api.patch(action_path, {"progress": 10}, content_type=JSON)
    assert [p["id"] for p in kept.json()["practices"]] == [guide.pk]
    whole = officer.api.get(f"/api/v1/plans/{plan.pk}").json()
    [objective] = [o for o in whole["objectives"] if o["id"] == objective_id]
    assert (
        objective["practices"] == [] and objective["actions"][0]["practices"][0]["id"] == guide.pk
    )


def test_a_withdrawn_or_unknown_practice_is_not_cited(people, officer, plan):
    from citygrow.practices import services as practice_services

    gone = _published_practice(people, "Test gone")
    practice_services.withdraw_practice(practice=gone, by=people["facilitator"], reason="Test")
    objective = plan.objectives.first()
    action = plan.actions.first()
    for path, method in [
        (f"/api/v1/plans/{plan.pk}/objectives/{objective.pk}", "patch"),
        (f"/api/v1/plans/{plan.pk}/actions/{action.pk}", "patch"),
        (f"/api/v1/plans/{plan.pk}/objectives/{objective.pk}/actions", "post"),
    ]:
        send = getattr(officer.api, method)
        response = send(path, {"title": "Test", "practices": [gone.pk]}, content_type=JSON)
        assert response.status_code == 422, path
        assert error_of(response)["errors"] == {
            "practices": ["“Test gone” is not in the library (withdrawn or not yet published)."]
        }
        response = send(path, {"title": "Test", "practices": [999999]}, content_type=JSON)
        assert error_of(response)["errors"] == {
            "practices": ["There is no practice 999999 in the library."]
        }
    assert not objective.practices.exists() and not action.practices.exists()
    assert plan.objectives.get(pk=objective.pk).title == objective.title


def test_cited_practices_keep_the_plan_s_query_count(people, coordinator, plan):
    url = f"/api/v1/plans/{plan.pk}"
    count_queries(coordinator.api, url)  # the token's first use is recorded once
    before = count_queries(coordinator.api, url)
    for n in range(3):
        practice = _published_practice(people, f"Test {n}")
        plan.objectives.first().practices.add(practice)
        plan.actions.first().practices.add(practice)
    assert count_queries(coordinator.api, url) == before


def test_the_team_is_offered_practices_to_cite(people, officer, plan):
    desk = _published_practice(people, "Test Munich desk")
    offered = officer.api.get(f"/api/v1/plans/{plan.pk}/practice-suggestions")
    assert offered.status_code == 200, offered.json()
    first = offered.json()[0]
    assert first["reason"].startswith("Suggested by the assessment report for the gap in")
    assert first["key_factors"] == [1]
    assert first["objectives"] == [plan.objectives.get(title="Open a one-stop shop").pk]
    [seen] = [s for s in offered.json() if s["practice"]["id"] == desk.pk]
    assert seen["practice"]["title"] == "Test Munich desk"
    assert seen["reason"] == (
        "A practice of Munich, the mentor city, on the theme: seen on the visits."
    )
    ids = [s["practice"]["id"] for s in offered.json()]
    assert len(ids) == len(set(ids))
    path = f"/api/v1/plans/{plan.pk}/practice-suggestions"
    assert api_client(people["other_mentor"]).get(path).status_code == 404
    endorse(plan)
    assert api_client(people["other_mentor"]).get(path).status_code == 403
    assert Client().get(path).status_code == 401
