"""A plan's history entered as it happened (issue 13, point 3): a version submitted and endorsed
years ago, recorded today with its historical dates (a day, or a month when only the month is
known), shown on the pages and in the PDF and Word files; the refusals ("2017-13", a future
date, a date before the programme, an endorsement before its version); and an overdue action
whose delay reads in months or years rather than in thousands of days."""

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from citygrow.core import history
from citygrow.core.errors import ServiceError
from citygrow.core.history import Elapsed, PastDate, Precision
from citygrow.plans import documents, followup, services
from citygrow.plans.models import Action, ActionPlan, Endorsement, PlanVersion
from tests.support.plans import signed_pdf


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def url(name: str, plan: ActionPlan, *args) -> str:
    return reverse(f"plans:{name}", args=[plan.pk, *args])


def endorse_form(level: str, endorsed_on: str, **changes) -> dict:
    return {
        "level": level,
        "endorsed_by": "Eleni Papadopoulou",
        "role": "Director-General",
        "endorsed_on": endorsed_on,
        "document": signed_pdf(),
        **changes,
    }


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


# The pure rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2017-12-04", PastDate(date(2017, 12, 4), Precision.DAY)),
        ("2017-12", PastDate(date(2017, 12, 1), Precision.MONTH)),
        (" 2017-12 ", PastDate(date(2017, 12, 1), Precision.MONTH)),
        ("2016-02-29", PastDate(date(2016, 2, 29), Precision.DAY)),
        ("2017-13", None),
        ("2017-00", None),
        ("2017-02-30", None),
        ("2017-12-4", None),
        ("December 2017", None),
        ("2017", None),
        ("", None),
        ("٢٠١٧-١٢", None),  # digits of another script are not read as a date
    ],
)
def test_a_past_date_is_read_as_a_day_or_a_month(text, expected):
    assert history.parse(text) == expected


def test_a_month_stands_for_all_its_days():
    february = PastDate.of(date(2016, 2, 17), "month")
    assert february == PastDate(date(2016, 2, 1), Precision.MONTH)
    assert (february.first, february.last) == (date(2016, 2, 1), date(2016, 2, 29))
    assert history.iso(february) == "2016-02"
    assert history.iso(PastDate(date(2016, 2, 17))) == "2016-02-17"
    with pytest.raises(ValueError):
        PastDate.of(date(2016, 2, 17), "week")


def test_a_month_is_certainly_before_a_day_only_when_the_whole_month_is():
    november = PastDate.of(date(2017, 11, 1), "month")
    assert not november.is_before(PastDate(date(2017, 11, 24)))
    assert not PastDate(date(2017, 11, 24)).is_before(november)
    assert november.is_before(PastDate(date(2017, 12, 1)))
    assert PastDate(date(2017, 10, 31)).is_before(november)
    assert not november.is_before_day(date(2017, 11, 30))
    assert november.is_before_day(date(2017, 12, 1))


def test_a_month_is_in_the_future_only_once_it_has_not_begun():
    today = date(2026, 11, 29)
    assert not PastDate.of(date(2026, 11, 1), "month").is_future(today)
    assert PastDate.of(date(2026, 12, 1), "month").is_future(today)
    assert not PastDate(today).is_future(today)
    assert PastDate(today + timedelta(days=1)).is_future(today)


@pytest.mark.parametrize(
    ("since", "on", "expected"),
    [
        (date(2024, 5, 1), date(2024, 5, 1), Elapsed(0, "day")),
        (date(2024, 5, 1), date(2024, 5, 2), Elapsed(1, "day")),
        (date(2024, 1, 31), date(2024, 2, 29), Elapsed(29, "day")),
        (date(2024, 1, 31), date(2024, 3, 1), Elapsed(1, "month")),
        (date(2024, 5, 15), date(2024, 6, 14), Elapsed(30, "day")),
        (date(2024, 5, 15), date(2024, 6, 15), Elapsed(1, "month")),
        (date(2024, 5, 15), date(2025, 5, 14), Elapsed(11, "month")),
        (date(2024, 5, 15), date(2025, 5, 15), Elapsed(1, "year")),
        (date(2019, 6, 30), date(2019, 6, 30) + timedelta(days=2708), Elapsed(7, "year")),
    ],
)
def test_how_long_ago_reads_in_days_then_months_then_years(since, on, expected):
    assert history.elapsed(since, on) == expected


@pytest.mark.parametrize(
    ("since", "on", "words"),
    [
        (date(2025, 1, 14), date(2025, 1, 15), "1 day ago"),
        (date(2024, 12, 31), date(2025, 1, 15), "15 days ago"),
        (date(2024, 12, 15), date(2025, 1, 15), "1 month ago"),
        (date(2024, 9, 1), date(2025, 1, 15), "4 months ago"),
        (date(2024, 1, 15), date(2025, 1, 15), "1 year ago"),
        (date(2018, 6, 30), date(2018, 6, 30) + timedelta(days=2708), "7 years ago"),
    ],
)
def test_the_overdue_wording_counts_in_the_largest_whole_unit(since, on, words):
    assert followup.ago(since, on) == words


# Entering a past version and its endorsements through the pages -------------------------------


@pytest.mark.parametrize("who", ["officer", "coordinator"])
def test_a_past_version_and_its_endorsements_are_recorded_on_their_historical_dates(
    client, people, plan, who
):
    """The city's officers, or a coordinator entering a programme's history."""
    client.force_login(people[who])
    page = client.get(url("detail", plan)).content.decode()
    assert 'name="submitted_on"' in page and "Leave empty for today" in page

    response = client.post(url("freeze", plan), {"submitted_on": "2017-11-24"}, follow=True)
    assert response.redirect_chain[-1][0] == url("version", plan, 1)
    version = PlanVersion.objects.get(plan=plan)
    assert (version.submitted_on, version.submitted_on_precision) == (date(2017, 11, 24), "day")
    assert version.frozen_at.date() == timezone.localdate()  # recorded today
    assert "24 Nov 2017" in response.content.decode()

    response = client.post(url("endorse", plan, 1), endorse_form("administrative", "2017-12"))
    assert response.status_code == 302, response.content.decode()
    response = client.post(
        url("endorse", plan, 1),
        endorse_form("political", "2017-12-14", endorsed_by="Mayor of Athens", role="Mayor"),
    )
    assert response.status_code == 302
    administrative = Endorsement.objects.get(level="administrative")
    assert (administrative.endorsed_on, administrative.endorsed_on_precision) == (
        date(2017, 12, 1),
        "month",
    )
    plan.refresh_from_db()
    assert plan.endorsed_version == version

    for page in (url("detail", plan), url("version", plan, 1)):
        body = client.get(page).content.decode()
        assert "24 Nov 2017" in body
        assert "on December 2017" in body and "1 Dec 2017" not in body
        assert "14 Dec 2017" in body
    timeline = client.get(url("timeline", plan)).content.decode()
    assert '<time datetime="2017-12">December 2017</time>' in timeline
    assert '<time datetime="2017-11-24">24 November 2017</time>' in timeline

    doc = documents.load_document(plan.pk)
    assert doc.submitted == "Version 1, submitted on 24 November 2017"
    assert [e.when for e in doc.endorsements] == ["December 2017", "14 December 2017"]
    word = Document(io.BytesIO(client.get(reverse("plans:docx", args=[plan.pk])).content))
    cells = {cell.text for table in word.tables for row in table.rows for cell in row.cells}
    assert {"December 2017", "14 December 2017"} <= cells
    assert "Version 1, submitted on 24 November 2017" in cells


def test_the_submission_date_defaults_to_today(client, people, plan):
    client.force_login(people["officer"])
    client.post(url("freeze", plan), {"submitted_on": ""})
    version = PlanVersion.objects.get(plan=plan)
    assert (version.submitted_on, version.submitted_on_precision) == (timezone.localdate(), "day")


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("2017-13", "“2017-13” is not a date"),
        ("24/11/2017", "“24/11/2017” is not a date"),
        ("2016-12", "before its programme, Test programme, started on"),
        (
            (timezone.localdate() + timedelta(days=1)).isoformat(),
            "The date of the submission cannot be in the future.",
        ),
    ],
)
def test_a_submission_date_that_cannot_be_is_refused_with_a_message(
    client, people, plan, given, message
):
    client.force_login(people["officer"])
    response = client.post(url("freeze", plan), {"submitted_on": given}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == url("detail", plan)
    assert message in messages_of(response)
    assert not PlanVersion.objects.exists()


def test_an_endorsement_cannot_predate_the_version_it_endorses(client, people, plan):
    client.force_login(people["officer"])
    client.post(url("freeze", plan), {"submitted_on": "2017-11-24"})
    response = client.post(url("endorse", plan, 1), endorse_form("administrative", "2017-11-23"))
    assert response.status_code == 422
    body = response.content.decode()
    assert (
        "An endorsement cannot predate the version it endorses: version 1 was submitted on "
        "24 November 2017." in body
    )
    assert 'value="2017-11-23"' in body  # what was typed stays in the form
    assert not Endorsement.objects.exists()

    # The month of the submission may hold the endorsement: it is not certainly before.
    response = client.post(url("endorse", plan, 1), endorse_form("administrative", "2017-11"))
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("2017-13", "“2017-13” is not a date"),
        ("", "This field is required."),
        (
            (timezone.localdate() + timedelta(days=40)).strftime("%Y-%m"),
            "The date of the endorsement cannot be in the future.",
        ),
    ],
)
def test_an_endorsement_date_that_cannot_be_is_refused_on_the_form(
    client, people, plan, given, message
):
    client.force_login(people["officer"])
    client.post(url("freeze", plan), {"submitted_on": "2017-11-24"})
    response = client.post(url("endorse", plan, 1), endorse_form("political", given))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Endorsement.objects.exists()


def test_a_later_version_cannot_be_dated_before_the_last_one(people, plan):
    officer = people["officer"]
    services.freeze(plan=plan, by=officer, submitted_on=date(2017, 11, 24))
    Action.objects.filter(plan=plan).update(title="Changed")
    with pytest.raises(ServiceError, match="Version 2 cannot be dated before version 1") as error:
        services.freeze(plan=plan, by=officer, submitted_on=date(2017, 11, 23))
    assert error.value.field == "submitted_on"
    with pytest.raises(ServiceError, match="precise"):
        services.freeze(plan=plan, by=officer, submitted_on_precision="week")
    second = services.freeze(
        plan=plan, by=officer, submitted_on=date(2017, 11, 9), submitted_on_precision="month"
    )
    assert (second.number, second.submitted_on) == (2, date(2017, 11, 1))


def test_the_changes_page_dates_the_version_as_it_was_submitted(client, people, plan):
    client.force_login(people["officer"])
    client.post(url("freeze", plan), {"submitted_on": "2018-03"})
    Action.objects.filter(plan=plan).update(title="Changed")
    body = client.get(url("changes", plan)).content.decode()
    assert "compared with the version submitted on March 2018" in body


# Overdue, in months and years -----------------------------------------------------------------


def test_an_action_overdue_for_years_reads_in_years(client, people, plan):
    today = timezone.localdate()
    action = Action.objects.filter(plan=plan, parent__isnull=True).first()
    Action.objects.filter(pk=action.pk).update(
        starts_on=today - timedelta(days=3000), ends_on=today - timedelta(days=2708)
    )
    client.force_login(people["officer"])
    body = client.get(url("detail", plan)).content.decode()
    assert "7 years ago" in body
    assert "2708 days ago" not in body
