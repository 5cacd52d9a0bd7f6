"""Correcting visits on the pages: a visit outside its programme or twice on the same days is
refused; a visit called off is cancelled (kept, marked cancelled, also in calendars); one
entered by mistake is deleted with its draft report, after which its pairing can go.

Around the `people` fixture's Munich (mentor) → Athens (implementing) pairing on theme A of
"Test programme" (1 January 2017 to 31 December 2018)."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from citygrow.core.errors import ServiceError
from citygrow.mentoring import services
from citygrow.mentoring.models import Finding, Pairing, Visit, VisitReport
from citygrow.people.models import AuditEntry
from tests.demo.test_demo_programme import seed_demo
from tests.mentoring.test_mentoring_visits import plan, visit_data, write_report
from tests.support.budgets import assert_flat, count_queries
from tests.support.clients import client_as

REFUSED = ("officer", "mentor", "other_facilitator", "staff", "nobody")


@pytest.fixture
def key_factors(pairing):
    return list(services.toolkit_of(pairing.scheme).key_factors.order_by("position"))


@pytest.fixture
def visit(pairing, people) -> Visit:
    return plan(pairing, people["coordinator"], participants=[people["officer"]])


def cancel_url(visit: Visit) -> str:
    return reverse("mentoring:visit_cancel", args=[visit.pk])


def delete_url(visit: Visit) -> str:
    return reverse("mentoring:visit_delete", args=[visit.pk])


# Dates: within the programme, once per kind ----------------------------------------------------


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "field"),
    [
        ("2031-05-01", "2031-05-02", "starts_on"),
        ("2016-12-31", "2017-01-02", "starts_on"),
        ("2018-12-30", "2019-01-02", "ends_on"),
    ],
)
def test_a_visit_outside_its_programme_is_refused_on_the_page(
    client, people, pairing, starts_on, ends_on, field
):
    client.force_login(people["coordinator"])
    url = reverse("mentoring:visit_create", args=[pairing.pk])
    response = client.post(
        url, visit_data(starts_on=starts_on, ends_on=ends_on, agenda="Keep this agenda")
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors[field] == [
        "A visit must lie within its programme's dates: Test programme runs Jan. 1, 2017 "
        "\N{EN DASH} Dec. 31, 2018. Check the dates, or the programme's, if they are wrong."
    ]
    assert "Keep this agenda" in response.content.decode()
    assert not Visit.objects.exists()


def test_a_visit_on_the_programmes_first_and_last_days_is_accepted(people, pairing):
    plan(pairing, people["coordinator"], start=date(2017, 1, 1), end=date(2017, 1, 1))
    plan(pairing, people["coordinator"], start=date(2018, 12, 31), end=date(2018, 12, 31))
    assert Visit.objects.count() == 2


def test_a_second_visit_of_the_same_kind_on_overlapping_days_is_refused(
    client, people, pairing, visit
):
    client.force_login(people["facilitator"])
    response = client.post(
        reverse("mentoring:visit_create", args=[pairing.pk]),
        visit_data(starts_on="2017-05-04", ends_on="2017-05-06"),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["starts_on"] == [
        "This pairing already has a study visit on overlapping days (May 2, 2017 \N{EN DASH} "
        "May 4, 2017). Change that visit instead, or cancel it first."
    ]
    assert Visit.objects.count() == 1
    # Another kind, another pairing, or the next days are fine.
    plan(pairing, people["coordinator"], kind="mentoring")
    plan(pairing, people["coordinator"], start=date(2017, 5, 5), end=date(2017, 5, 6))
    assert Visit.objects.count() == 3


def test_a_visit_does_not_clash_with_itself_when_changed(client, people, visit):
    client.force_login(people["coordinator"])
    response = client.post(
        reverse("mentoring:visit_edit", args=[visit.pk]),
        visit_data(starts_on="2017-05-03", ends_on="2017-05-05", participants=[]),
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.ends_on == date(2017, 5, 5)


# Cancelling -------------------------------------------------------------------------------------


@pytest.mark.parametrize("planner", ["coordinator", "facilitator"])
def test_a_planner_cancels_a_visit_with_the_reason_and_it_stays_marked(
    client, people, pairing, visit, planner
):
    client.force_login(people[planner])
    page = client.get(visit.get_absolute_url()).content.decode()
    assert cancel_url(visit) in page and delete_url(visit) in page
    form = client.get(cancel_url(visit))
    assert form.status_code == 200
    assert "Why the visit is cancelled" in form.content.decode()

    empty = client.post(cancel_url(visit), {"reason": "   "})
    assert empty.status_code == 400
    assert empty.context["form"].errors["reason"]
    visit.refresh_from_db()
    assert not visit.is_cancelled

    response = client.post(
        cancel_url(visit), {"reason": "Postponed: the city hall was closed"}, follow=True
    )
    assert response.redirect_chain[-1][0] == visit.get_absolute_url()
    html = response.content.decode()
    assert "The visit is cancelled. It stays on record." in html
    assert "This visit was cancelled on" in html
    assert "Postponed: the city hall was closed" in html
    assert reverse("mentoring:visit_edit", args=[visit.pk]) not in html  # no longer changed
    assert cancel_url(visit) not in html
    visit.refresh_from_db()
    assert visit.is_cancelled and visit.sequence == 1
    assert visit.cancel_reason == "Postponed: the city hall was closed"
    entry = AuditEntry.objects.filter(target_type="mentoring.visit", action="change").get()
    assert entry.actor == people[planner]
    assert entry.changes == {
        "status": ["planned", "cancelled"],
        "cancel_reason": ["", "Postponed: the city hall was closed"],
    }
    scheme = client.get(pairing.scheme.get_absolute_url()).content.decode()
    assert f"{visit}</a> (cancelled)" in scheme
    again = client.get(cancel_url(visit)).content.decode()
    assert "This visit was cancelled on" in again and "<form" not in again.split("<main")[-1]


def test_a_cancelled_visit_is_public_with_its_reason(people, visit):
    services.cancel_visit(visit=visit, reason="Strike at the airport", by=people["coordinator"])
    html = Client().get(visit.get_absolute_url()).content.decode()
    assert "Strike at the airport" in html
    title = html.split("<title>")[1].split("</title>")[0]
    assert "Study visit: Athens → Munich (cancelled)" in title


def test_cancelling_is_for_those_who_plan_visits(people, visit):
    for role in REFUSED:
        client = client_as(people, role)
        assert client.get(cancel_url(visit)).status_code == 403, role
        assert client.post(cancel_url(visit), {"reason": "No"}).status_code == 403, role
        assert cancel_url(visit) not in client.get(visit.get_absolute_url()).content.decode()
    assert Client().post(cancel_url(visit), {"reason": "No"}).status_code == 302
    visit.refresh_from_db()
    assert not visit.is_cancelled


def test_a_cancelled_visit_frees_its_days_and_its_participants(people, pairing, visit):
    services.cancel_visit(visit=visit, reason="Postponed", by=people["coordinator"])
    again = plan(pairing, people["coordinator"], participants=[people["officer"]])
    assert again.pk != visit.pk


def test_a_cancelled_visit_can_no_longer_be_changed_or_reported(people, visit, key_factors):
    services.cancel_visit(visit=visit, reason="Postponed", by=people["coordinator"])
    with pytest.raises(ServiceError, match="cancelled, so it can no longer be changed"):
        services.save_visit(
            pairing=visit.pairing,
            kind="study",
            starts_on=date(2017, 6, 1),
            ends_on=date(2017, 6, 1),
            agenda="",
            participants=[],
            by=people["coordinator"],
            visit=visit,
        )
    with pytest.raises(ServiceError, match="it has no report to write"):
        write_report(visit, people["facilitator"], key_factors)
    with pytest.raises(ServiceError, match="already cancelled"):
        services.cancel_visit(visit=visit, reason="Twice", by=people["coordinator"])
    with pytest.raises(ServiceError, match="Keep the reason to 1000 characters"):
        services.cancel_visit(visit=visit, reason="x" * 1_001, by=people["coordinator"])


def test_a_cancelled_visits_draft_report_is_not_published(people, visit, key_factors):
    report = write_report(visit, people["facilitator"], key_factors)
    services.cancel_visit(visit=visit, reason="Postponed", by=people["coordinator"])
    client = client_as(people, "facilitator")
    html = client.get(visit.get_absolute_url()).content.decode()
    assert reverse("mentoring:report_publish", args=[visit.pk]) not in html
    client.post(reverse("mentoring:report_publish", args=[visit.pk]))
    report.refresh_from_db()
    assert not report.is_published


def test_a_cancelled_visit_is_cancelled_in_the_calendar_files(client, people, visit):
    services.cancel_visit(visit=visit, reason="Postponed to the autumn", by=people["coordinator"])
    for url in (
        reverse("mentoring:visit_ics", args=[visit.pk]),
        reverse("mentoring:city_calendar", args=["munich"]),
    ):
        [event] = Calendar.from_ical(client.get(url).content).walk("VEVENT")
        assert str(event["STATUS"]) == "CANCELLED"
        assert event.decoded("SEQUENCE") == 1
        assert str(event["SUMMARY"]) == "Cancelled: Study visit: Athens to Munich"
        assert str(event["DESCRIPTION"]).startswith("Cancelled: Postponed to the autumn")


def test_a_standing_visit_has_no_status_in_the_calendar(client, visit):
    [event] = Calendar.from_ical(
        client.get(reverse("mentoring:visit_ics", args=[visit.pk])).content
    ).walk("VEVENT")
    assert "STATUS" not in event


# Deleting ---------------------------------------------------------------------------------------


def test_a_coordinator_deletes_a_mistaken_visit_and_then_the_mistaken_pairing(
    client, people, pairing, visit, key_factors
):
    write_report(visit, people["facilitator"], key_factors)  # a draft, with 3 findings
    client.force_login(people["coordinator"])
    remove = reverse("mentoring:pairing_remove", args=[pairing.pk])
    page = client.get(remove).content.decode()
    assert "This pairing cannot be removed now." in page
    assert f"{delete_url(visit)}?back=pairing" in page
    assert "admin/" not in page.split("<main")[-1].split("</main>")[0]

    confirm = client.get(f"{delete_url(visit)}?back=pairing").content.decode()
    assert "Its draft report goes with it: the summary and 3 findings." in confirm
    assert remove in confirm  # the way back
    response = client.post(f"{delete_url(visit)}?back=pairing", follow=True)
    assert response.redirect_chain[-1][0] == remove
    html = response.content.decode()
    assert f"The visit “{visit}” was deleted." in html
    assert "This pairing cannot be removed now." not in html
    assert not Visit.objects.exists()
    assert not VisitReport.objects.exists() and not Finding.objects.exists()
    deleted = AuditEntry.objects.filter(action="delete")
    assert {entry.target_type for entry in deleted} == {
        "mentoring.visit",
        "mentoring.visitreport",
    }
    assert deleted.get(target_type="mentoring.visitreport").changes == {"findings": [3, 0]}

    removed = client.post(remove, follow=True)
    assert "was removed" in removed.content.decode()
    assert not Pairing.objects.filter(pk=pairing.pk).exists()


def test_a_deleted_visit_without_report_returns_to_the_scheme(client, people, pairing, visit):
    client.force_login(people["facilitator"])
    confirm = client.get(delete_url(visit)).content.decode()
    assert "The visit has no report, so nothing else is lost." in confirm
    assert cancel_url(visit) in confirm  # the other way out
    response = client.post(delete_url(visit))
    assert response["Location"] == f"{pairing.scheme.get_absolute_url()}#pairings"
    assert not Visit.objects.exists()


def test_a_visit_whose_report_is_published_is_not_deleted(
    client, people, pairing, visit, key_factors
):
    write_report(visit, people["facilitator"], key_factors, publish=True)
    client.force_login(people["coordinator"])
    page = client.get(delete_url(visit)).content.decode()
    assert "This visit cannot be deleted." in page
    assert "If the visit did not take place as planned, cancel it instead" in page
    assert cancel_url(visit) in page
    assert 'type="submit">Delete the visit' not in page
    response = client.post(delete_url(visit), follow=True)
    assert "Its report is published" in response.content.decode()
    assert Visit.objects.filter(pk=visit.pk).exists()
    assert VisitReport.objects.filter(visit=visit).exists()
    assert not AuditEntry.objects.filter(action="delete").exists()


def test_deleting_is_for_those_who_plan_visits(people, visit):
    for role in REFUSED:
        client = client_as(people, role)
        assert client.get(delete_url(visit)).status_code == 403, role
        assert client.post(delete_url(visit)).status_code == 403, role
        assert delete_url(visit) not in client.get(visit.get_absolute_url()).content.decode()
    assert Client().post(delete_url(visit)).status_code == 302
    assert Visit.objects.filter(pk=visit.pk).exists()


def test_a_cancelled_visit_can_still_be_deleted_when_entered_by_mistake(people, visit):
    services.cancel_visit(visit=visit, reason="Wrong pairing", by=people["coordinator"])
    client = client_as(people, "coordinator")
    assert "cancelled" in client.get(delete_url(visit)).content.decode()
    client.post(delete_url(visit))
    assert not Visit.objects.exists()


# Query budgets ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["mentoring:visit_cancel", "mentoring:visit_delete"])
def test_the_correction_pages_query_count_does_not_grow(people, pairing, key_factors, name):
    client = client_as(people, "coordinator")
    visit = plan(pairing, people["coordinator"], participants=[people["officer"]])
    write_report(visit, people["facilitator"], key_factors)
    url = reverse(name, args=[visit.pk])
    client.get(url)
    small = count_queries(client, url)
    for n in range(10):
        Finding.objects.create(report=visit.report, kind="challenge", text=f"F{n}", position=5 + n)
        plan(
            pairing,
            people["coordinator"],
            start=date(2018, 1, 1 + 2 * n),
            end=date(2018, 1, 1 + 2 * n),
        )
    large = count_queries(client, url)
    assert_flat(small, large, budget=8)


# The demo ---------------------------------------------------------------------------------------


def test_the_demo_visits_keep_to_the_rules(db):
    """The demo's visits lie within their programme and are never twice of a kind on the same
    days: each saved again as it is passes the checks."""
    seed_demo()
    visits = list(Visit.objects.select_related("pairing__scheme__programme"))
    assert len(visits) >= 3
    for visit in visits:
        programme = visit.pairing.scheme.programme
        assert programme.starts_on <= visit.starts_on <= visit.ends_on <= programme.ends_on
        services.save_visit(
            pairing=visit.pairing,
            kind=visit.kind,
            starts_on=visit.starts_on,
            ends_on=visit.ends_on,
            agenda=visit.agenda,
            participants=list(visit.participants.all()),
            by=None,
            visit=visit,
        )
