"""Visits of a pairing, their reports and calendar files, driven through the pages.

Around the `people` fixture's Munich (mentor) → Athens (implementing) pairing on theme A:
coordinators and the theme's facilitators (fatima) plan visits and write reports; the
pairing's team sees participants and draft reports; everybody sees the visit and, once
published, its report.
"""

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from citygrow.catalogue.models import KeyFactor
from citygrow.mentoring import services
from citygrow.mentoring.models import (
    Finding,
    Pairing,
    Programme,
    ProgrammeEvent,
    Visit,
    VisitReport,
)
from citygrow.people.models import City, Role
from tests.support.budgets import assert_flat, count_queries
from tests.support.clients import client_as
from tests.support.roles import ROLES, TEAM

WRITERS = {"facilitator", "coordinator"}


@pytest.fixture
def other_pairing(people) -> Pairing:
    return Pairing.objects.get(mentor_city__name="Ghent", implementing_city__name="Helsinki")


@pytest.fixture
def key_factors(pairing) -> list[KeyFactor]:
    return list(services.toolkit_of(pairing.scheme).key_factors.order_by("position"))


def plan(
    pairing: Pairing,
    by,
    *,
    kind="study",
    start=date(2017, 5, 2),
    end=date(2017, 5, 4),
    participants=(),
    agenda="Day 1: city hall",
) -> Visit:
    return services.save_visit(
        pairing=pairing,
        kind=kind,
        starts_on=start,
        ends_on=end,
        agenda=agenda,
        participants=list(participants),
        by=by,
    )


def visit_data(**changes) -> dict:
    data = {
        "kind": "study",
        "starts_on": "2017-05-02",
        "ends_on": "2017-05-04",
        "agenda": "Day 1: city hall\nDay 2: chamber of commerce",
        "participants": [],
    }
    return data | changes


def findings_data(rows: list[dict], initial: int = 0, summary: str = "A good visit.") -> dict:
    """POST data of the report form: the summary and one formset row per dict."""
    data = {
        "summary": summary,
        "findings-TOTAL_FORMS": str(len(rows)),
        "findings-INITIAL_FORMS": str(initial),
        "findings-MIN_NUM_FORMS": "0",
        "findings-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        data[f"findings-{n}-kind"] = row.get("kind", "")
        data[f"findings-{n}-text"] = row.get("text", "")
        data[f"findings-{n}-key_factors"] = [str(pk) for pk in row.get("key_factors", [])]
        if row.get("delete"):
            data[f"findings-{n}-DELETE"] = "on"
    return data


def write_report(visit: Visit, by, key_factors, publish: bool = False) -> VisitReport:
    report = services.save_report(
        visit=visit,
        summary="Munich shows its supplier days.",
        findings=[
            services.FindingIn("strength", "Open supplier days", [key_factors[0].pk]),
            services.FindingIn("barrier", "Tender rules in Greek only", [key_factors[1].pk]),
            services.FindingIn("action", "Translate the tender guide", []),
        ],
        by=by,
    )
    if publish:
        services.publish_report(report=report, by=by)
        report.refresh_from_db()
    return report


# Planning -------------------------------------------------------------------------------------


@pytest.mark.parametrize("planner", ["coordinator", "facilitator"])
def test_a_coordinator_or_the_themes_facilitator_plans_a_visit_end_to_end(
    client, people, pairing, planner
):
    client.force_login(people[planner])
    url = reverse("mentoring:visit_create", args=[pairing.pk])
    page = client.get(url + "?kind=mentoring")
    assert page.status_code == 200
    html = page.content.decode()
    assert re.search(r'<input type="radio" name="kind" value="mentoring"[^>]* checked>', html)
    assert not re.search(r'<input type="radio" name="kind" value="study"[^>]* checked>', html)
    unknown = client.get(url + "?kind=holiday").content.decode()
    assert not re.search(r'<input type="radio" name="kind"[^>]* checked>', unknown)
    assert "Olga (City officer of Athens)" in html
    assert "fatima (Facilitator, Migration Policy Group)" in html
    assert "hugo" not in html  # an officer of Helsinki cannot take part
    assert "hosted by Munich, the mentor city" in html
    assert "hosted by Athens, the implementing city" in html

    response = client.post(
        url, visit_data(participants=[people["officer"].pk, people["facilitator"].pk]), follow=True
    )
    visit = Visit.objects.get()
    assert response.redirect_chain[-1][0] == visit.get_absolute_url()
    assert (visit.kind, visit.starts_on, visit.ends_on) == (
        "study",
        date(2017, 5, 2),
        date(2017, 5, 4),
    )
    assert set(visit.participants.all()) == {people["officer"], people["facilitator"]}
    assert visit.host_city.name == "Munich"
    html = response.content.decode()
    assert "Visit planned." in html
    assert "Study visit to Munich" in html
    assert "Day 2: chamber of commerce" in html
    assert "Olga (City officer of Athens)" in html


@pytest.mark.parametrize(
    "role", ["officer", "other_officer", "mentor", "other_facilitator", "staff", "nobody"]
)
def test_others_may_not_plan_a_visit(client, people, pairing, role):
    client.force_login(people[role])
    url = reverse("mentoring:visit_create", args=[pairing.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, visit_data()).status_code == 403
    assert not Visit.objects.exists()


def test_an_anonymous_visitor_is_asked_to_log_in_and_an_unknown_pairing_is_not_found(
    client, people, pairing
):
    url = reverse("mentoring:visit_create", args=[pairing.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("people:login"))
    client.force_login(people["coordinator"])
    assert client.get(reverse("mentoring:visit_create", args=[9999])).status_code == 404


def test_a_visit_cannot_end_before_it_starts(client, people, pairing):
    client.force_login(people["coordinator"])
    url = reverse("mentoring:visit_create", args=[pairing.pk])
    response = client.post(
        url, visit_data(starts_on="2017-05-04", ends_on="2017-05-02", agenda="Keep this text")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["ends_on"] == [
        "The last day cannot be before the first day."
    ]
    html = response.content.decode()
    assert "The last day cannot be before the first day." in html
    assert "Keep this text" in html  # what was typed is kept
    assert not Visit.objects.exists()


def test_bad_dates_are_a_message_not_an_error(client, people, pairing):
    client.force_login(people["coordinator"])
    url = reverse("mentoring:visit_create", args=[pairing.pk])
    response = client.post(url, visit_data(starts_on="2017-02-30", kind="holiday"))
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"starts_on", "kind"}
    assert not Visit.objects.exists()


def test_a_participant_cannot_be_on_two_overlapping_visits(client, people, pairing):
    olga = people["officer"]
    plan(
        pairing,
        people["coordinator"],
        kind="study",
        start=date(2017, 5, 1),
        end=date(2017, 5, 3),
        participants=[olga],
    )
    client.force_login(people["facilitator"])
    url = reverse("mentoring:visit_create", args=[pairing.pk])
    response = client.post(
        url,
        visit_data(
            kind="mentoring",
            starts_on="2017-05-03",
            ends_on="2017-05-05",
            participants=[olga.pk],
            agenda="Typed agenda",
        ),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors["participants"]
    assert len(errors) == 1
    assert errors[0].startswith("Olga ") and "on the study visit to Munich" in errors[0]
    assert "(May 1, 2017 \N{EN DASH} May 3, 2017)" in errors[0]
    assert errors[0] in response.content.decode()
    assert "Typed agenda" in response.content.decode()
    assert Visit.objects.count() == 1


def test_a_participant_from_outside_the_pairing_is_refused(client, people, pairing):
    client.force_login(people["coordinator"])
    url = reverse("mentoring:visit_create", args=[pairing.pk])
    response = client.post(url, visit_data(participants=[people["other_officer"].pk]))
    assert response.status_code == 400
    assert "participants" in response.context["form"].errors
    assert not Visit.objects.exists()


def test_editing_a_visit_raises_its_sequence(client, people, pairing):
    visit = plan(pairing, people["coordinator"], participants=[people["officer"]])
    assert visit.sequence == 0
    client.force_login(people["facilitator"])
    url = reverse("mentoring:visit_edit", args=[visit.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert form.context["form"].initial["participants"] == [people["officer"].pk]
    assert "Day 1: city hall" in form.content.decode()
    response = client.post(
        url, visit_data(ends_on="2017-05-05", participants=[people["officer"].pk]), follow=True
    )
    assert "Visit changed." in response.content.decode()
    visit.refresh_from_db()
    assert (visit.ends_on, visit.sequence) == (date(2017, 5, 5), 1)
    assert Visit.objects.count() == 1
    ics = Calendar.from_ical(client.get(reverse("mentoring:visit_ics", args=[visit.pk])).content)
    [event] = ics.walk("VEVENT")
    assert event.decoded("SEQUENCE") == 1


def test_editing_is_refused_to_others(client, people, pairing):
    visit = plan(pairing, people["coordinator"])
    for role in ("officer", "mentor", "other_facilitator"):
        client.force_login(people[role])
        url = reverse("mentoring:visit_edit", args=[visit.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, visit_data(ends_on="2017-05-09")).status_code == 403
    visit.refresh_from_db()
    assert visit.ends_on == date(2017, 5, 4)


# The visit's page -----------------------------------------------------------------------------


def test_the_visit_page_is_public_and_names_participants_only_to_the_team(people, pairing):
    visit = plan(pairing, people["coordinator"], participants=[people["officer"]])
    for role in ROLES:
        client = client_as(people, role)
        page = client.get(visit.get_absolute_url())
        assert page.status_code == 200, role
        html = page.content.decode()
        assert "Study visit to Munich" in html
        assert "Day 1: city hall" in html
        assert reverse("mentoring:visit_ics", args=[visit.pk]) in html
        assert ("Olga (City officer of Athens)" in html) == (role in TEAM), role
        edit = reverse("mentoring:visit_edit", args=[visit.pk])
        assert (edit in html) == (role in WRITERS), role
        write = reverse("mentoring:report_edit", args=[visit.pk])
        assert (write in html) == (role in WRITERS), role


def test_the_visit_page_links_its_scheme_and_programme(client, people, pairing):
    visit = plan(pairing, people["coordinator"], kind="mentoring")
    html = client.get(visit.get_absolute_url()).content.decode()
    assert pairing.scheme.get_absolute_url() in html
    assert pairing.scheme.programme.get_absolute_url() in html
    assert "Mentoring visit to Athens" in html
    assert client.get(reverse("mentoring:visit", args=[9999])).status_code == 404


# Reports --------------------------------------------------------------------------------------


def test_the_facilitator_writes_a_report_with_findings_linked_to_key_factors(
    client, people, pairing, key_factors
):
    visit = plan(pairing, people["coordinator"])
    client.force_login(people["facilitator"])
    visit_page = client.get(visit.get_absolute_url()).content.decode()
    assert "Write the report" in visit_page
    url = reverse("mentoring:report_edit", args=[visit.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert f"{key_factors[0].position}. {key_factors[0].heading}" in form.content.decode()
    rows = [
        {"kind": "strength", "text": "Open supplier days", "key_factors": [key_factors[0].pk]},
        {
            "kind": "challenge",
            "text": "Few translated tenders",
            "key_factors": [key_factors[1].pk, key_factors[2].pk],
        },
        {},  # an empty row is skipped
    ]
    response = client.post(url, findings_data(rows), follow=True)
    assert response.redirect_chain[-1][0] == visit.get_absolute_url()
    report = VisitReport.objects.get(visit=visit)
    assert report.status == "draft" and report.summary == "A good visit."
    assert report.author == people["facilitator"]
    findings = list(report.findings.order_by("position"))
    assert [(f.kind, f.text) for f in findings] == [
        ("strength", "Open supplier days"),
        ("challenge", "Few translated tenders"),
    ]
    assert set(findings[1].key_factors.all()) == {key_factors[1], key_factors[2]}
    html = response.content.decode()
    assert "Draft: seen only by the pairing&#x27;s team" in html or (
        "Draft: seen only by the pairing's team" in html
    )
    assert "Strengths" in html and "Challenges" in html and "Barriers" not in html
    anchor = f"{key_factors[0].toolkit.get_absolute_url()}#{key_factors[0].anchor}"
    assert anchor in html
    assert "Edit the report" in html

    # Editing: the stored findings come back, one is deleted, one added.
    form = client.get(url)
    assert form.context["formset"].initial[0]["key_factors"] == [key_factors[0].pk]
    rows = [
        {
            "kind": "strength",
            "text": "Open supplier days",
            "key_factors": [key_factors[0].pk],
            "delete": True,
        },
        {"kind": "challenge", "text": "Few translated tenders"},
        {"kind": "action", "text": "Translate the guide", "key_factors": [key_factors[3].pk]},
    ]
    client.post(url, findings_data(rows, initial=2, summary="Changed."))
    report.refresh_from_db()
    assert report.summary == "Changed."
    assert [(f.kind, f.text) for f in report.findings.order_by("position")] == [
        ("challenge", "Few translated tenders"),
        ("action", "Translate the guide"),
    ]


def test_a_finding_without_a_kind_or_text_is_a_message_and_nothing_is_stored(
    client, people, pairing
):
    visit = plan(pairing, people["coordinator"])
    client.force_login(people["facilitator"])
    url = reverse("mentoring:report_edit", args=[visit.pk])
    response = client.post(url, findings_data([{"text": "No kind given"}, {"kind": "barrier"}]))
    assert response.status_code == 400
    formset = response.context["formset"]
    assert "kind" in formset.forms[0].errors and "text" in formset.forms[1].errors
    assert "No kind given" in response.content.decode()
    assert not VisitReport.objects.exists()


def test_a_key_factor_of_another_toolkit_is_refused(client, people, pairing, toolkit_c):
    visit = plan(pairing, people["coordinator"])
    client.force_login(people["coordinator"])
    other = toolkit_c.key_factors.first()
    url = reverse("mentoring:report_edit", args=[visit.pk])
    response = client.post(
        url, findings_data([{"kind": "barrier", "text": "x", "key_factors": [other.pk]}])
    )
    assert response.status_code == 400
    assert not Finding.objects.exists()


@pytest.mark.parametrize("role", ["officer", "mentor", "other_facilitator", "other_officer"])
def test_others_may_not_write_the_report(client, people, pairing, role):
    visit = plan(pairing, people["coordinator"])
    client.force_login(people[role])
    url = reverse("mentoring:report_edit", args=[visit.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, findings_data([{"kind": "barrier", "text": "x"}])).status_code == 403
    assert not VisitReport.objects.exists()


def test_a_draft_report_is_seen_only_by_the_pairings_team(people, pairing, key_factors):
    visit = plan(pairing, people["coordinator"])
    write_report(visit, people["facilitator"], key_factors)
    for role in ROLES:
        client = client_as(people, role)
        page = client.get(visit.get_absolute_url())
        assert page.status_code == 200, role  # the visit itself stays public
        html = page.content.decode()
        sees = role in TEAM
        assert ("Open supplier days" in html) == sees, role
        assert ("Munich shows its supplier days." in html) == sees, role
        assert ("Draft: seen only by the pairing" in html) == sees, role


def test_publishing_makes_the_report_public_and_final(client, people, pairing, key_factors):
    visit = plan(pairing, people["coordinator"])
    write_report(visit, people["facilitator"], key_factors)
    client.force_login(people["facilitator"])
    page = client.get(visit.get_absolute_url()).content.decode()
    assert reverse("mentoring:report_publish", args=[visit.pk]) in page
    response = client.post(reverse("mentoring:report_publish", args=[visit.pk]), follow=True)
    assert "Report published." in response.content.decode()
    report = VisitReport.objects.get(visit=visit)
    assert report.is_published and report.published_at is not None

    html = Client().get(visit.get_absolute_url()).content.decode()
    assert "Open supplier days" in html and "Tender rules in Greek only" in html
    assert "Recommended actions" in html and "Draft" not in html
    assert f"{key_factors[1].position}. {key_factors[1].heading}" in html

    assert client.get(reverse("mentoring:report_edit", args=[visit.pk])).status_code == 403
    refused = client.post(
        reverse("mentoring:report_edit", args=[visit.pk]),
        findings_data([{"kind": "barrier", "text": "late"}]),
    )
    assert refused.status_code == 403
    assert "Edit the report" not in client.get(visit.get_absolute_url()).content.decode()
    again = client.post(reverse("mentoring:report_publish", args=[visit.pk]), follow=True)
    assert "This report is already published." in again.content.decode()
    assert report.findings.count() == 3


def test_a_report_with_no_findings_cannot_be_published(client, people, pairing):
    visit = plan(pairing, people["coordinator"])
    services.save_report(
        visit=visit, summary="Only a summary.", findings=[], by=people["facilitator"]
    )
    client.force_login(people["coordinator"])
    response = client.post(reverse("mentoring:report_publish", args=[visit.pk]), follow=True)
    assert "Record at least one finding before publishing the report." in response.content.decode()
    assert VisitReport.objects.get().status == "draft"


def test_publishing_without_a_report_is_a_message(client, people, pairing):
    visit = plan(pairing, people["coordinator"])
    client.force_login(people["coordinator"])
    response = client.post(reverse("mentoring:report_publish", args=[visit.pk]), follow=True)
    assert "Write the report before publishing it." in response.content.decode()
    assert not VisitReport.objects.exists()


@pytest.mark.parametrize("role", ["officer", "mentor", "other_facilitator", "nobody"])
def test_others_may_not_publish(client, people, pairing, key_factors, role):
    visit = plan(pairing, people["coordinator"])
    write_report(visit, people["facilitator"], key_factors)
    client.force_login(people[role])
    assert client.post(reverse("mentoring:report_publish", args=[visit.pk])).status_code == 403
    assert Client().post(reverse("mentoring:report_publish", args=[visit.pk])).status_code == 302
    assert client.get(reverse("mentoring:report_publish", args=[visit.pk])).status_code == 405
    assert VisitReport.objects.get().status == "draft"


# Calendars ------------------------------------------------------------------------------------


def test_a_visit_downloads_as_a_calendar_file_without_participants(client, people, pairing):
    visit = plan(
        pairing,
        people["coordinator"],
        participants=[people["officer"], people["facilitator"]],
        agenda="Day 1, city hall; Day 2\nchamber",
    )
    response = client.get(reverse("mentoring:visit_ics", args=[visit.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    assert response["Content-Disposition"].endswith('.ics"')
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["UID"]) == f"{visit.uid}@citygrow"
    assert event.decoded("DTSTART") == date(2017, 5, 2)
    assert event.decoded("DTEND") == date(2017, 5, 5)
    assert str(event["SUMMARY"]) == "Study visit: Athens to Munich"
    assert str(event["LOCATION"]) == "Munich"
    description = str(event["DESCRIPTION"])
    assert description.startswith("Day 1, city hall; Day 2\nchamber")
    assert description.endswith(f"http://testserver{visit.get_absolute_url()}")
    assert str(event["URL"]) == f"http://testserver{visit.get_absolute_url()}"
    for name in ("Olga", "olga", "fatima"):
        assert name.encode() not in response.content
    assert client.get(reverse("mentoring:visit_ics", args=[9999])).status_code == 404


def test_a_city_feed_has_its_visits_and_its_programmes_meetings(
    client, people, pairing, other_pairing
):
    study = plan(pairing, people["coordinator"], participants=[people["officer"]])
    mentoring = plan(
        pairing,
        people["coordinator"],
        kind="mentoring",
        start=date(2017, 9, 11),
        end=date(2017, 9, 12),
    )
    elsewhere = plan(
        other_pairing, people["coordinator"], start=date(2017, 6, 1), end=date(2017, 6, 1)
    )
    programme = Programme.objects.get(slug="test-programme")
    launch = ProgrammeEvent.objects.create(
        programme=programme,
        kind="launch",
        title="Launch meeting",
        place="Brussels",
        starts_on=date(2017, 2, 1),
        ends_on=date(2017, 2, 2),
    )
    other = Programme.objects.create(
        name="Other", slug="other", starts_on=date(2019, 1, 1), ends_on=date(2019, 12, 31)
    )
    ProgrammeEvent.objects.create(
        programme=other,
        kind="final",
        title="Not ours",
        place="Oslo",
        starts_on=date(2019, 5, 1),
        ends_on=date(2019, 5, 1),
    )

    for slug in ("munich", "athens"):
        response = client.get(reverse("mentoring:city_calendar", args=[slug]))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        calendar = Calendar.from_ical(response.content)
        assert slug.title() in str(calendar["X-WR-CALNAME"])
        events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
        assert set(events) == {
            f"{study.uid}@citygrow",
            f"{mentoring.uid}@citygrow",
            f"programme-event-{launch.pk}@citygrow",
        }
        assert f"{elsewhere.uid}@citygrow" not in events
        visit = events[f"{mentoring.uid}@citygrow"]
        assert (visit.decoded("DTSTART"), visit.decoded("DTEND")) == (
            date(2017, 9, 11),
            date(2017, 9, 13),
        )
        assert str(visit["SUMMARY"]) == "Mentoring visit: Munich to Athens"
        meeting = events[f"programme-event-{launch.pk}@citygrow"]
        assert meeting.decoded("DTEND") == date(2017, 2, 3)
        assert str(meeting["LOCATION"]) == "Brussels"
        assert b"Olga" not in response.content and b"olga" not in response.content

    helsinki = Calendar.from_ical(client.get("/cities/helsinki/visits.ics").content)
    assert [str(e["UID"]) for e in helsinki.walk("VEVENT")] == [
        f"{elsewhere.uid}@citygrow",
        f"programme-event-{launch.pk}@citygrow",
    ]
    assert client.get("/cities/atlantis/visits.ics").status_code == 404


def test_a_city_with_no_visits_gets_an_empty_calendar(client, seeded):
    city = City.objects.exclude(pairings_as_mentor__isnull=False).first()
    response = client.get(reverse("mentoring:city_calendar", args=[city.slug]))
    assert response.status_code == 200
    assert Calendar.from_ical(response.content).walk("VEVENT") == []


# Query counts ---------------------------------------------------------------------------------


def add_munich_officers(count: int, start: int = 0) -> list:
    from django.contrib.auth import get_user_model

    munich = City.objects.get(name="Munich")
    made = []
    for n in range(start, start + count):
        person = get_user_model().objects.create_user(f"officer{n}", first_name=f"Max{n}")
        Role.objects.create(user=person, kind="officer", city=munich)
        made.append(person)
    return made


@pytest.mark.parametrize("role", ["anonymous", "coordinator", "officer"])
def test_the_visit_pages_query_count_does_not_grow(people, pairing, key_factors, role):
    client = client_as(people, role)
    visit = plan(pairing, people["coordinator"], participants=add_munich_officers(1))
    write_report(visit, people["facilitator"], key_factors, publish=True)
    url = visit.get_absolute_url()
    client.get(url)
    small = count_queries(client, url)

    visit.participants.add(*add_munich_officers(8, start=1))
    report = visit.report
    for n in range(10):
        finding = Finding.objects.create(
            report=report, kind="challenge", text=f"F{n}", position=5 + n
        )
        finding.key_factors.set(key_factors[:4])
    for n in range(5):  # more visits elsewhere in the pairing
        plan(
            pairing,
            people["coordinator"],
            start=date(2018, 1, 1 + 2 * n),
            end=date(2018, 1, 1 + 2 * n),
        )
    large = count_queries(client, url)
    assert_flat(small, large, budget=12)


def test_the_visit_form_query_count_does_not_grow(client, people, pairing):
    client.force_login(people["coordinator"])
    url = reverse("mentoring:visit_create", args=[pairing.pk])
    add_munich_officers(1)
    client.get(url)
    small = count_queries(client, url)
    add_munich_officers(10, start=1)
    large = count_queries(client, url)
    assert_flat(small, large)


def test_the_city_feeds_query_count_does_not_grow(client, people, pairing):
    officers = add_munich_officers(10)
    plan(pairing, people["coordinator"], participants=officers[:1])
    url = reverse("mentoring:city_calendar", args=["munich"])
    small = count_queries(client, url)
    for n in range(12):
        plan(
            pairing,
            people["coordinator"],
            start=date(2018, 1 + n, 1),
            end=date(2018, 1 + n, 2),
            participants=officers[n % 10 : n % 10 + 1],
            kind="mentoring" if n % 2 else "study",
        )
    ProgrammeEvent.objects.create(
        programme=pairing.scheme.programme,
        kind="conference",
        title="Conference",
        place="Athens",
        starts_on=date(2018, 3, 3),
        ends_on=date(2018, 3, 4),
    )
    large = count_queries(client, url)
    assert len(Calendar.from_ical(client.get(url).content).walk("VEVENT")) == 14
    assert_flat(small, large)
    assert large <= 3


# The permission matrix ------------------------------------------------------------------------

OK, HIDDEN, DENIED, LOGIN, NOT_ALLOWED = 200, 404, 403, 302, 405


def expected_status(route: str, role: str, published: bool) -> int:
    """What a GET of each route gives each role, for a visit whose report is published or a
    draft (see the module's docstring for who is who)."""
    if route in ("mentoring:visit", "mentoring:visit_ics", "mentoring:city_calendar"):
        return OK
    if route == "mentoring:report_publish":
        return NOT_ALLOWED
    if role == "anonymous":
        return LOGIN
    if route in ("mentoring:visit_create", "mentoring:visit_edit"):
        return OK if role in WRITERS else DENIED
    if route == "mentoring:report_edit":
        return OK if role in WRITERS and not published else DENIED
    raise AssertionError(route)


@pytest.mark.parametrize("published", [True, False], ids=["published", "draft"])
def test_the_matrix(people, pairing, key_factors, published):
    visit = plan(pairing, people["coordinator"])
    write_report(visit, people["facilitator"], key_factors, publish=published)
    urls = {
        "mentoring:visit_create": reverse("mentoring:visit_create", args=[pairing.pk]),
        "mentoring:visit": reverse("mentoring:visit", args=[visit.pk]),
        "mentoring:visit_edit": reverse("mentoring:visit_edit", args=[visit.pk]),
        "mentoring:visit_ics": reverse("mentoring:visit_ics", args=[visit.pk]),
        "mentoring:report_edit": reverse("mentoring:report_edit", args=[visit.pk]),
        "mentoring:report_publish": reverse("mentoring:report_publish", args=[visit.pk]),
        "mentoring:city_calendar": reverse("mentoring:city_calendar", args=["athens"]),
    }
    failures = []
    for role in ROLES:
        client = client_as(people, role)
        for route, url in urls.items():
            status = client.get(url).status_code
            if status != expected_status(route, role, published):
                failures.append(f"{role} on {route}: {status}")
    assert not failures, "\n".join(failures)


# A report of the past (issue 13 part 3) -------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "shown"),
    [("2017-06-12", "published on 12 June 2017"), ("2017-06", "published on June 2017")],
)
def test_a_coordinator_publishes_a_report_of_the_past_on_its_day_or_month(
    client, people, pairing, key_factors, given, shown
):
    visit = plan(pairing, people["coordinator"])
    write_report(visit, people["facilitator"], key_factors)
    client.force_login(people["coordinator"])
    page = client.get(visit.get_absolute_url()).content.decode()
    assert "Publishing a report of the past?" in page and 'name="published_on"' in page

    response = client.post(
        reverse("mentoring:report_publish", args=[visit.pk]), {"published_on": given}, follow=True
    )

    assert "Report published." in response.content.decode()
    report = VisitReport.objects.get(visit=visit)
    assert report.published_on == date(2017, 6, 12 if len(given) > 7 else 1)
    assert shown in Client().get(visit.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("2017-13", "“2017-13” is not a date"),
        ("2099-01-01", "The report cannot be published on a date to come"),
        ("2017-04", "A report cannot be published before its visit began (2017-05-02)."),
        ("2017-05-01", "A report cannot be published before its visit began (2017-05-02)."),
    ],
)
def test_a_wrong_publication_date_is_a_message_and_nothing_is_published(
    client, people, pairing, key_factors, given, message
):
    visit = plan(pairing, people["coordinator"])
    write_report(visit, people["facilitator"], key_factors)
    client.force_login(people["coordinator"])
    response = client.post(
        reverse("mentoring:report_publish", args=[visit.pk]), {"published_on": given}, follow=True
    )
    assert message in response.content.decode()
    report = VisitReport.objects.get(visit=visit)
    assert report.status == "draft" and report.published_on is None


def test_a_report_published_today_reads_today(client, people, pairing, key_factors):
    visit = plan(pairing, people["coordinator"])
    write_report(visit, people["facilitator"], key_factors)
    client.force_login(people["facilitator"])
    client.post(reverse("mentoring:report_publish", args=[visit.pk]))
    report = VisitReport.objects.get(visit=visit)
    assert report.published_on == timezone.localdate()
    assert report.published_on_precision == "day"
