"""The follow-up of action plans in the API: progress updates, timeline, schedule, measured
change (citygrow/api/plans_followup.py)."""

from datetime import date

import pytest

from citygrow.plans import followup, services
from citygrow.plans.models import Action, ActionStatus, ProgressUpdate
from tests.support.budgets import assert_flat, count_queries
from tests.support.clients import bearer
from tests.support.plans import assess_athens

TODAY = date(2025, 1, 15)


@pytest.fixture(autouse=True)
def fixed_day(monkeypatch):
    monkeypatch.setattr(followup, "today", lambda: TODAY)


def action(title: str) -> Action:
    return Action.objects.get(title=title)


def test_reporting_progress(client, people, plan):
    client.force_login(people["officer"])
    map_ = action("Map the services")
    url = f"/api/v1/plans/{plan.pk}/actions/{map_.pk}/updates"
    response = client.post(
        url,
        {"reported_on": "2025-01-10", "text": "Mapped.", "status": "Completed"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["progress"], body["attachments"]) == ("Completed", None, [])
    map_.refresh_from_db()
    assert map_.progress is None and map_.status.name == "Completed"
    schedule = client.get(f"/api/v1/plans/{plan.pk}/schedule").json()
    rows = {row["title"]: row for row in schedule["rows"]}
    assert rows["Map the services"]["progress"] == 100
    assert rows["Map the services"]["overdue"] is False  # closed
    assert schedule["overall_progress"] == 83.3


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"progress": 101}, "progress"),
        ({"progress": -5}, "progress"),
        ({"reported_on": "2025-02-01"}, "reported_on"),
        ({"status": "Sleeping"}, "status"),
        ({"text": " "}, "text"),
    ],
)
def test_bad_updates_are_422(client, people, plan, data, field):
    client.force_login(people["officer"])
    map_ = action("Map the services")
    payload = {"reported_on": "2025-01-10", "text": "Mapped.", **data}
    response = client.post(
        f"/api/v1/plans/{plan.pk}/actions/{map_.pk}/updates",
        payload,
        content_type="application/json",
    )
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("mentor", 403), ("other_officer", 404), ("nobody", 404), ("coordinator", 403)],
)
def test_only_the_city_officers_report(client, people, plan, who, status):
    client.force_login(people[who])
    map_ = action("Map the services")
    response = client.post(
        f"/api/v1/plans/{plan.pk}/actions/{map_.pk}/updates",
        {"reported_on": "2025-01-10", "text": "x"},
        content_type="application/json",
    )
    assert response.status_code == status


def test_anonymous_and_read_only_tokens_may_not_write(client, people, plan):
    map_ = action("Map the services")
    url = f"/api/v1/plans/{plan.pk}/actions/{map_.pk}/updates"
    payload = {"reported_on": "2025-01-10", "text": "x"}
    assert client.post(url, payload, content_type="application/json").status_code == 401
    read_only = bearer(people["officer"], scope="read")
    response = client.post(url, payload, content_type="application/json", headers=read_only)
    assert response.status_code == 403


def test_the_timeline_and_schedule(client, people, plan):
    map_ = action("Map the services")
    services.report_progress(action=map_, reported_on=date(2024, 8, 1), text="Early.", by=None)
    services.report_progress(action=map_, reported_on=date(2025, 1, 2), text="Late.", by=None)
    client.force_login(people["mentor"])
    events = client.get(f"/api/v1/plans/{plan.pk}/timeline").json()
    updates = [e["update"]["text"] for e in events if e["kind"] == "update"]
    assert updates == ["Late.", "Early."]
    assert [e["date"] for e in events] == sorted((e["date"] for e in events), reverse=True)
    schedule = client.get(f"/api/v1/plans/{plan.pk}/schedule").json()
    assert [(r["title"], r["level"], r["overdue"]) for r in schedule["rows"]] == [
        ("Map the services", 0, True),
        ("Train the staff", 0, False),
        ("Train the front desk", 1, False),
        ("Publish a guide", 0, False),
    ]
    # A draft plan does not exist for others.
    client.logout()
    assert client.get(f"/api/v1/plans/{plan.pk}/timeline").status_code == 404
    assert client.get(f"/api/v1/plans/{plan.pk}/schedule").status_code == 404


def test_the_measured_change(client, people, plan):
    later = assess_athens({1: "yes", 2: "yes", 3: "partly"}, assessed_on=date(2025, 5, 1))
    earlier = assess_athens(assessed_on=date(2024, 1, 1))
    client.force_login(people["officer"])
    url = f"/api/v1/plans/{plan.pk}/change"
    assert client.get(url).json()["follow_up"] is None
    refused = client.put(url, {"assessment_id": earlier.pk}, content_type="application/json")
    assert refused.status_code == 422
    assert "after the plan's assessment" in refused.json()["errors"]["assessment_id"][0]
    response = client.put(url, {"assessment_id": later.pk}, content_type="application/json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["follow_up"]["id"] == later.pk
    figures = {
        o["title"]: [
            (f["number"], f["before"], f["after"], f["difference"]) for f in o["key_factors"]
        ]
        for o in body["objectives"]
    }
    assert figures == {
        "Open a one-stop shop": [(1, 0, 100, 100)],
        "Speak the languages of newcomers": [(2, 50, 100, 50), (3, 100, 50, -50)],
    }
    client.force_login(people["mentor"])
    assert client.get(url).status_code == 200
    assert (
        client.put(url, {"assessment_id": later.pk}, content_type="application/json").status_code
        == 403
    )


def test_the_schedule_keeps_its_query_count(client, people, plan):
    client.force_login(people["officer"])
    url = f"/api/v1/plans/{plan.pk}/schedule"
    small = count_queries(client, url)
    for n in range(5):
        services.save_action(
            plan=plan,
            objective=plan.objectives.first(),
            data=services.ActionIn(
                title=f"More {n}",
                ends_on=date(2025, 1, n + 1),
                status=ActionStatus.objects.first(),
            ),
            by=None,
        )
    assert_flat(small, count_queries(client, url))
