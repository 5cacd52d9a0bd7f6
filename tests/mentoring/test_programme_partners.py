"""The programme page's deliverables (issue 14, part 4): the partner cities whether or not they
are in a scheme, the co-financing target against what the cities pledged, and each event's
attendance by city, recorded by coordinators on a page per event.

The `people` fixture's "Test programme" has Munich, Ghent, Athens and Helsinki in scheme A; the
tests add Lisbon as a partner city in no scheme.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from citygrow.core.errors import ServiceError
from citygrow.mentoring import services
from citygrow.mentoring.models import EventAttendance, Programme, ProgrammeCity, ProgrammeEvent
from citygrow.people.models import AuditEntry, City
from tests.support.budgets import assert_flat, count_queries
from tests.support.clients import client_as
from tests.support.roles import ROLES

PAGE = reverse("front:programme", args=["test-programme"])


def city(name: str) -> City:
    return City.objects.get(name=name)


def programme() -> Programme:
    return Programme.objects.get(slug="test-programme")


def partner(name: str) -> ProgrammeCity:
    return ProgrammeCity.objects.get(programme__slug="test-programme", city__name=name)


@pytest.fixture
def event(people) -> ProgrammeEvent:
    return ProgrammeEvent.objects.create(
        programme=programme(),
        kind="launch",
        title="Launch meeting",
        place="Brussels",
        starts_on=date(2017, 2, 1),
        ends_on=date(2017, 2, 2),
    )


def attendance_url(event: ProgrammeEvent) -> str:
    return reverse("mentoring:event_attendance", args=["test-programme", event.pk])


def field(name: str) -> str:
    return f"city_{city(name).pk}"


# The partner cities ---------------------------------------------------------------------------


def test_a_partner_city_in_no_scheme_is_listed_as_such(client, people):
    ProgrammeCity.objects.create(programme=programme(), city=city("Lisbon"))
    page = client.get(PAGE).content.decode()
    assert "Lisbon" in page
    assert "not in a scheme yet" in page
    assert "A. " in page and "mentor" in page  # the cities in scheme A keep their roles


# The co-financing target -------------------------------------------------------------------


def test_the_coordinator_sets_the_target_and_sees_it_against_the_pledges(people):
    for name, amount in [("Munich", "20000"), ("Athens", "15000.50")]:
        ProgrammeCity.objects.filter(pk=partner(name).pk).update(co_financing=Decimal(amount))
    coordinator = client_as(people, "coordinator")
    edit = reverse("mentoring:programme_edit", args=["test-programme"])
    form = coordinator.get(edit).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["organisations"] = []
    data["co_financing_target"] = "50000"
    response = coordinator.post(edit, data)
    assert response.status_code == 302, response.context["form"].errors
    assert programme().co_financing_target == Decimal("50000")
    assert AuditEntry.objects.filter(
        action="change", target_type__icontains="programme", changes__has_key="co_financing_target"
    ).exists()
    page = coordinator.get(PAGE).content.decode()
    assert "EUR 50,000.00" in page
    assert "EUR 35,000.50, from 2 of 4 partner cities" in page
    assert "not yet: EUR 14,999.50 to go" in page


def test_a_negative_target_is_refused_with_a_message(people):
    coordinator = client_as(people, "coordinator")
    edit = reverse("mentoring:programme_edit", args=["test-programme"])
    form = coordinator.get(edit).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(organisations=[], co_financing_target="-1")
    response = coordinator.post(edit, data)
    assert response.status_code == 200  # the form page, as the programme form always did
    assert "cannot be negative" in response.content.decode()
    assert programme().co_financing_target is None


@pytest.mark.parametrize("role", ROLES)
def test_pledges_are_shown_to_those_who_see_the_citys_workload(people, role):
    ProgrammeCity.objects.filter(pk=partner("Athens").pk).update(co_financing=Decimal("12345"))
    Programme.objects.filter(slug="test-programme").update(co_financing_target=Decimal("90000"))
    page = client_as(people, role).get(PAGE).content.decode()
    assert "EUR 90,000.00" in page  # the target is public, like the budget
    sees_athens = role in {"officer", "coordinator"}
    assert ("EUR 12,345.00" in page) == sees_athens
    assert ("Pledged by the partner cities" in page) == (role == "coordinator")


# Attendance by city -----------------------------------------------------------------------


def test_the_coordinator_records_attendance_by_city(people, event):
    coordinator = client_as(people, "coordinator")
    page = coordinator.get(attendance_url(event))
    assert page.status_code == 200
    for name in ["Athens", "Ghent", "Helsinki", "Munich"]:
        assert f'name="{field(name)}"' in page.content.decode()
    response = coordinator.post(
        attendance_url(event), {field("Munich"): "4", field("Athens"): "3", field("Ghent"): "0"}
    )
    assert response.status_code == 302
    assert dict(EventAttendance.objects.values_list("city__name", "people")) == {
        "Munich": 4,
        "Athens": 3,
        "Ghent": 0,
    }
    entry = AuditEntry.objects.get(action="change", target_id=str(event.pk))
    assert entry.changes["attendance of Munich"] == [None, "4"]
    shown = coordinator.get(PAGE).content.decode()
    assert "7 people" in shown and "figures added up)" in shown
    assert "Munich: 4 people" in shown and "Athens: 3 people" in shown
    assert "Did not attend:" in shown and "Ghent" in shown


def test_the_total_stays_when_it_was_recorded_and_empty_means_unknown(people, event):
    event.attendance = 60
    event.save()
    EventAttendance.objects.create(event=event, city=city("Helsinki"), people=2)
    coordinator = client_as(people, "coordinator")
    response = coordinator.post(
        attendance_url(event), {"total": "60", field("Munich"): "5", field("Helsinki"): ""}
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.attendance == 60
    assert dict(EventAttendance.objects.values_list("city__name", "people")) == {"Munich": 5}
    page = client_as(people, "anonymous").get(PAGE).content.decode()
    assert "60 people" in page and "Munich: 5 people" in page
    assert "added up" not in page


@pytest.mark.parametrize(
    "value,message",
    [
        ("-3", "cannot be negative"),
        ("three", "Enter a whole number of people"),
        ("2.5", "Enter a whole number of people"),
    ],
)
def test_a_bad_count_is_refused_and_what_was_typed_stays(people, event, value, message):
    EventAttendance.objects.create(event=event, city=city("Ghent"), people=1)
    coordinator = client_as(people, "coordinator")
    response = coordinator.post(
        attendance_url(event), {field("Munich"): value, field("Athens"): "3"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'value="3"' in page  # nothing typed is lost
    assert dict(EventAttendance.objects.values_list("city__name", "people")) == {"Ghent": 1}


def test_a_total_below_the_cities_sum_is_refused(people, event):
    coordinator = client_as(people, "coordinator")
    response = coordinator.post(
        attendance_url(event), {"total": "5", field("Munich"): "4", field("Athens"): "3"}
    )
    assert response.status_code == 400
    assert "add up to 7 people, more than the total of 5" in response.content.decode()
    assert not EventAttendance.objects.exists()


def test_the_service_refuses_a_city_that_is_not_a_partner(people, event):
    with pytest.raises(ServiceError, match="partner cities"):
        services.save_attendance(
            event=event, counts={city("Lisbon").pk: 2}, total=None, by=people["coordinator"]
        )
    with pytest.raises(ServiceError, match="negative"):
        services.save_attendance(
            event=event, counts={city("Munich").pk: -1}, total=None, by=people["coordinator"]
        )
    assert not EventAttendance.objects.exists()


def test_saving_the_same_figures_twice_changes_nothing(people, event):
    counts = {city("Munich").pk: 2}
    by = people["coordinator"]
    assert services.save_attendance(event=event, counts=counts, total=None, by=by)
    assert services.save_attendance(event=event, counts=counts, total=None, by=by) == {}
    assert AuditEntry.objects.filter(target_id=str(event.pk), action="change").count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_only_coordinators_record_attendance(people, event, role):
    client = client_as(people, role)
    expected = {"anonymous": 302, "coordinator": 200}.get(role, 403)
    assert client.get(attendance_url(event)).status_code == expected
    posted = client.post(attendance_url(event), {field("Munich"): "4"})
    assert posted.status_code == {"coordinator": 302}.get(role, expected)
    assert EventAttendance.objects.exists() == (role == "coordinator")


def test_an_event_of_another_programme_is_not_found(people, event):
    other = Programme.objects.create(
        name="Other", slug="other", starts_on=date(2017, 1, 1), ends_on=date(2017, 12, 31)
    )
    address = reverse("mentoring:event_attendance", args=[other.slug, event.pk])
    assert client_as(people, "coordinator").get(address).status_code == 404


# Query budgets ------------------------------------------------------------------------------


def test_the_programme_page_and_the_attendance_page_keep_to_a_query_budget(people, event):
    coordinator = client_as(people, "coordinator")
    addresses = [PAGE, attendance_url(event)]
    before = [count_queries(coordinator, address) for address in addresses]
    for name in ["Lisbon", "Riga", "Utrecht"]:
        ProgrammeCity.objects.create(
            programme=programme(), city=city(name), co_financing=Decimal("1000")
        )
    for day in (3, 4):
        more = ProgrammeEvent.objects.create(
            programme=programme(),
            kind="conference",
            title=f"Conference {day}",
            place="Athens",
            starts_on=date(2017, 6, day),
            ends_on=date(2017, 6, day),
        )
        for name in ["Munich", "Lisbon", "Riga"]:
            EventAttendance.objects.create(event=more, city=city(name), people=day)
    for name in ["Athens", "Utrecht"]:
        EventAttendance.objects.create(event=event, city=city(name), people=1)
    after = [count_queries(coordinator, address) for address in addresses]
    for small, large in zip(before, after, strict=True):
        assert_flat(small, large, budget=20)
