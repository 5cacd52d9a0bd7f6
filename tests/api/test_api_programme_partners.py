"""The programme's deliverables in the API (issue 14, part 4): its partner cities with their
roles (whether or not in a scheme), the co-financing target against the pledges, and each
event's attendance by city, recorded with PUT /api/v1/programmes/{slug}/events/{id}/attendance.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from citygrow.mentoring.models import EventAttendance, Programme, ProgrammeCity, ProgrammeEvent
from citygrow.people.models import AuditEntry, City
from tests.support.budgets import assert_flat, count_queries
from tests.support.clients import api_client, bearer
from tests.support.roles import PEOPLE

PROGRAMME = "/api/v1/programmes/test-programme"
JSON = "application/json"


def error_of(response) -> dict:
    data = response.json()
    assert set(data) == {"detail", "errors"}, data
    return data


def city(name: str) -> City:
    return City.objects.get(name=name)


@pytest.fixture
def event(people) -> ProgrammeEvent:
    return ProgrammeEvent.objects.create(
        programme=Programme.objects.get(slug="test-programme"),
        kind="launch",
        title="Launch meeting",
        place="Brussels",
        starts_on=date(2017, 2, 1),
        ends_on=date(2017, 2, 2),
    )


def attendance(event: ProgrammeEvent) -> str:
    return f"{PROGRAMME}/events/{event.pk}/attendance"


def test_the_programme_lists_its_partners_and_the_co_financing(client, people):
    programme = Programme.objects.get(slug="test-programme")
    programme.co_financing_target = Decimal("50000")
    programme.save()
    ProgrammeCity.objects.create(programme=programme, city=city("Lisbon"))
    ProgrammeCity.objects.filter(city__name="Athens").update(co_financing=Decimal("20000"))
    data = client.get(PROGRAMME).json()
    assert data["co_financing_target"] == "50000.00"
    assert data["co_financing"] == {
        "target": "50000.00",
        "pledged": None,
        "pledging": None,
        "gap": None,
    }  # the sum of the pledges is for coordinators
    partners = {p["city"]["slug"]: p for p in data["partners"]}
    assert partners["lisbon"]["schemes"] == []
    assert partners["munich"]["schemes"] == [{"scheme": "A", "role": "mentor"}]
    assert partners["athens"]["co_financing"] is None  # private to Athens and coordinators

    as_coordinator = Client(headers=bearer(people["coordinator"])).get(PROGRAMME).json()
    assert as_coordinator["co_financing"] == {
        "target": "50000.00",
        "pledged": "20000.00",
        "pledging": 1,
        "gap": "30000.00",
    }
    as_officer = Client(headers=bearer(people["officer"])).get(PROGRAMME).json()
    shown = {p["city"]["slug"]: p["co_financing"] for p in as_officer["partners"]}
    assert shown["athens"] == "20000.00" and shown["munich"] is None


def test_the_target_is_set_through_the_api_and_a_negative_one_refused(people):
    coordinator = api_client(people["coordinator"])
    changed = coordinator.patch(PROGRAMME, {"co_financing_target": "75000"}, content_type=JSON)
    assert changed.status_code == 200, changed.content
    assert changed.json()["co_financing_target"] == "75000.00"
    refused = coordinator.patch(PROGRAMME, {"co_financing_target": "-5"}, content_type=JSON)
    assert refused.status_code == 422
    assert "cannot be negative" in error_of(refused)["errors"]["co_financing_target"][0]
    cleared = coordinator.patch(PROGRAMME, {"co_financing_target": None}, content_type=JSON)
    assert cleared.json()["co_financing_target"] is None


def test_the_coordinator_puts_an_events_attendance_by_city(people, event):
    EventAttendance.objects.create(event=event, city=city("Ghent"), people=9)
    response = api_client(people["coordinator"]).put(
        attendance(event),
        {"cities": [{"city": "munich", "count": 4}, {"city": "athens", "count": 0},
                    {"city": "helsinki", "count": None}]},
        content_type=JSON,
    )  # fmt: skip
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["id"] == event.pk
    assert data["attendance"] is None and data["total"] == 4
    assert [(row["city"]["slug"], row["count"]) for row in data["cities"]] == [
        ("athens", 0),
        ("munich", 4),
    ]  # Ghent, left out, is no longer known
    assert AuditEntry.objects.filter(action="change", target_id=str(event.pk)).count() == 1
    shown = Client().get(PROGRAMME).json()["events"][0]
    assert shown["total"] == 4 and len(shown["cities"]) == 2


def test_the_total_stays_unless_sent(people, event):
    event.attendance = 40
    event.save()
    coordinator = api_client(people["coordinator"])
    body = {"cities": [{"city": "munich", "count": 4}]}
    assert coordinator.put(attendance(event), body, content_type=JSON).json()["total"] == 40
    body["total"] = None
    data = coordinator.put(attendance(event), body, content_type=JSON).json()
    assert (data["attendance"], data["total"]) == (None, 4)


@pytest.mark.parametrize(
    "body,field,message",
    [
        ({"cities": [{"city": "munich", "count": -2}]}, "city_", "cannot be negative"),
        ({"cities": [{"city": "lisbon", "count": 2}]}, "cities", "not a partner city"),
        ({"cities": [{"city": "munich", "count": 1}, {"city": "munich", "count": 2}]},
         "cities", "only once"),
        ({"cities": [{"city": "munich", "count": 5}], "total": 3}, "total", "more than the total"),
        ({"cities": [], "total": -1}, "total", "cannot be negative"),
    ],
)  # fmt: skip
def test_bad_attendance_is_refused_and_nothing_stored(people, event, body, field, message):
    EventAttendance.objects.create(event=event, city=city("Ghent"), people=9)
    response = api_client(people["coordinator"]).put(attendance(event), body, content_type=JSON)
    assert response.status_code == 422, response.content
    data = error_of(response)
    assert message in data["detail"]
    assert any(name.startswith(field) for name in data["errors"]), data
    assert list(EventAttendance.objects.values_list("city__name", "people")) == [("Ghent", 9)]


def test_a_count_that_is_not_a_number_is_refused(people, event):
    response = api_client(people["coordinator"]).put(
        attendance(event), {"cities": [{"city": "munich", "count": "many"}]}, content_type=JSON
    )
    assert response.status_code == 422
    assert not EventAttendance.objects.exists()


@pytest.mark.parametrize("role", [role for role in PEOPLE if role != "coordinator"])
def test_only_coordinators_put_attendance(people, event, role):
    body = {"cities": [{"city": "munich", "count": 4}]}
    response = api_client(people[role]).put(attendance(event), body, content_type=JSON)
    assert response.status_code == 403
    anonymous = Client().put(attendance(event), body, content_type=JSON)
    assert anonymous.status_code == 401
    read_only = api_client(people["coordinator"], "read")
    assert read_only.put(attendance(event), body, content_type=JSON).status_code == 403
    assert not EventAttendance.objects.exists()


def test_an_unknown_event_is_not_found(people, event):
    response = api_client(people["coordinator"]).put(
        f"{PROGRAMME}/events/{event.pk + 100}/attendance", {"cities": []}, content_type=JSON
    )
    assert response.status_code == 404


def test_the_programme_keeps_to_a_query_budget(people, event):
    client = Client(headers=bearer(people["coordinator"]))
    client.get(PROGRAMME)  # the token's first use is recorded once
    small = count_queries(client, PROGRAMME)
    programme = Programme.objects.get(slug="test-programme")
    for name in ["Lisbon", "Riga"]:
        ProgrammeCity.objects.create(programme=programme, city=city(name), co_financing=1)
    more = ProgrammeEvent.objects.create(
        programme=programme, kind="final", title="Final", place="Athens",
        starts_on=date(2018, 11, 1), ends_on=date(2018, 11, 1),
    )  # fmt: skip
    for target in (event, more):
        for name in ["Munich", "Lisbon", "Riga"]:
            EventAttendance.objects.create(event=target, city=city(name), people=2)
    assert_flat(small, count_queries(client, PROGRAMME), budget=20)
