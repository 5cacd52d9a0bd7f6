"""Workload and co-financing: the pure computation, the report page, its files, logging days,
the city's rates and the coordinators' overview."""

import csv
import datetime
import io
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from citygrow.mentoring import workload
from citygrow.mentoring.models import Programme, ProgrammeCity, WorkLog
from citygrow.people.models import AuditEntry, City
from tests.support.budgets import count_queries

# The computation ----------------------------------------------------------------------------

days_st = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("366"), places=2)
entries_st = st.lists(st.tuples(st.sampled_from(workload.ACTIVITIES), days_st), max_size=30)
rates_st = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999.99"), places=2)


def compute(**kwargs):
    values = {"planned_days": 30, "day_rate": None, "co_financing": None, "budget": None}
    values.update(kwargs)
    values.setdefault("entries", [])
    return workload.compute(**values)


@given(entries_st)
def test_the_days_per_activity_add_up_to_the_total(entries):
    result = compute(entries=entries)
    assert list(result.days_by_activity) == list(workload.ACTIVITIES)
    assert sum(result.days_by_activity.values(), Decimal(0)) == result.total_days
    assert result.total_days == sum((days for _, days in entries), Decimal(0))
    assert result.remaining_days == 30 - result.total_days


@given(entries_st, rates_st)
def test_the_staff_cost_is_the_days_times_the_rate(entries, rate):
    result = compute(entries=entries, day_rate=rate)
    exact = result.total_days * rate
    assert result.staff_cost == exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert abs(result.staff_cost - exact) <= Decimal("0.005")
    assert result.staff_cost == result.staff_cost.quantize(Decimal("0.01"))


@given(entries_st, days_st, st.integers(min_value=1, max_value=500))
def test_the_percent_of_plan_grows_with_the_days(entries, more, planned):
    before = compute(entries=entries, planned_days=planned)
    after = compute(entries=[*entries, ("meetings", more)], planned_days=planned)
    assert after.percent_of_plan >= before.percent_of_plan
    assert after.remaining_days < before.remaining_days


def test_an_example_with_every_figure():
    result = compute(
        entries=[("preparation", Decimal("2.5")), ("visits", Decimal("3")), ("visits", 1)],
        day_rate=Decimal("312.50"),
        co_financing=Decimal("9000"),
        budget=Decimal("650000"),
    )
    assert result.days_by_activity == {
        "preparation": Decimal("2.5"),
        "visits": Decimal("4"),
        "action_planning": 0,
        "meetings": 0,
    }
    assert result.total_days == Decimal("6.5")
    assert result.remaining_days == Decimal("23.5")
    assert result.percent_of_plan == Decimal("21.7")  # 21.666... half-up to one decimal
    assert result.staff_cost == Decimal("2031.25")
    assert result.co_financing_share == Decimal("1.38")  # 1.3846...
    assert result.covers_co_financing is False
    assert result.co_financing_gap == Decimal("6968.75")


def test_money_rounds_half_up_to_cents():
    result = compute(entries=[("visits", Decimal("0.5"))], day_rate=Decimal("0.01"))
    assert result.staff_cost == Decimal("0.01")  # 0.005 half-up, not to even
    assert workload.money(Decimal("2.675")) == Decimal("2.68")


def test_missing_figures_are_none_not_zero():
    result = compute(entries=[("visits", Decimal("40"))], co_financing=Decimal("100"))
    assert result.staff_cost is None
    assert result.co_financing_share is None
    assert result.covers_co_financing is None
    assert result.co_financing_gap is None
    assert result.remaining_days == Decimal("-10")
    assert result.over_plan and result.days_over_plan == Decimal("10")
    assert result.percent_of_plan == Decimal("133.3")
    covered = compute(entries=[("visits", 1)], day_rate=Decimal("100"), co_financing=Decimal(100))
    assert covered.covers_co_financing is True and covered.co_financing_gap == 0


@pytest.mark.parametrize(
    "bad",
    [
        {"entries": [("visits", Decimal("-1"))]},
        {"day_rate": Decimal("0")},
        {"day_rate": Decimal("-5")},
        {"co_financing": Decimal("-1")},
        {"planned_days": -1},
    ],
)
def test_impossible_figures_are_refused(bad):
    with pytest.raises(ValueError):
        compute(**bad)


# The pages ----------------------------------------------------------------------------------


def url(name: str, city: str = "athens", **kwargs) -> str:
    return reverse(f"mentoring:{name}", kwargs={"slug": "test-programme", "city": city, **kwargs})


def log(client, **data):
    values = {"worked_on": "2017-03-21", "activity": "preparation", "days": "1.5", "note": ""}
    values.update(data)
    return client.post(url("log_work"), {f"log-{k}": v for k, v in values.items()})


@pytest.fixture
def athens(people) -> City:
    return City.objects.get(slug="athens")


def add_entries(people, city: City, count: int) -> None:
    programme = Programme.objects.get(slug="test-programme")
    WorkLog.objects.bulk_create(
        WorkLog(
            programme=programme,
            city=city,
            officer=people["officer"],
            activity=workload.ACTIVITIES[n % 4],
            worked_on=datetime.date(2017, 1, 1) + datetime.timedelta(days=n),
            days=Decimal("0.5"),
        )
        for n in range(count)
    )


def test_an_officer_logs_days_and_sees_them(client, people, athens):
    client.force_login(people["officer"])
    page = client.get(url("workload"))
    assert page.status_code == 200
    assert b"Log days" in page.content and b"No days logged yet." in page.content
    response = log(client, days="2.5", note="Preparing the study visit")
    assert response.status_code == 302 and response["Location"] == url("workload")
    entry = WorkLog.objects.get()
    assert (entry.city, entry.officer, entry.days) == (athens, people["officer"], Decimal("2.5"))
    assert AuditEntry.objects.filter(target_type="mentoring.worklog", action="create").exists()
    page = client.get(url("workload"))
    text = page.content.decode()
    assert "2.5 day(s) of preparation logged." in text
    assert "Preparing the study visit" in text and "Olga" in text and "2017-03-21" in text
    assert "2.5 of 30 planned days (8.3 %)" in text
    assert "750.00 EUR" in text  # 2.5 days at 300


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ("-1", "Days must be more than 0, e.g. 0.5 for half a day."),
        ("0", "Days must be more than 0, e.g. 0.5 for half a day."),
        ("lots", "Enter the days as a number, e.g. 0.5 for half a day."),
        ("367", "One entry cannot have more than 366 days."),
        ("5000", "One entry cannot have more than 366 days."),
        ("0.125", "Give the days with at most two decimals, e.g. 0.25."),
        ("", "This field is required."),
    ],
)
def test_bad_days_are_refused_with_a_message(client, people, days, message):
    client.force_login(people["officer"])
    response = log(client, days=days)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not WorkLog.objects.exists()


def test_a_bad_activity_or_date_is_refused(client, people):
    client.force_login(people["officer"])
    assert log(client, activity="sleeping").status_code == 400
    response = log(client, worked_on="21/03/2017x")
    assert "Enter the date as YYYY-MM-DD" in response.content.decode()
    assert not WorkLog.objects.exists()


def test_only_the_citys_officers_log_days(client, people):
    for role in ("coordinator", "other_officer", "mentor", "facilitator", "nobody"):
        client.force_login(people[role])
        assert log(client).status_code == 403, role
    client.logout()
    assert log(client).status_code == 302
    assert client.get(url("log_work")).status_code == 405
    assert not WorkLog.objects.exists()


def test_the_report_is_private_to_the_city_and_coordinators(client, people):
    expected = {
        "officer": 200,
        "coordinator": 200,
        "other_officer": 403,
        "mentor": 403,
        "other_mentor": 403,
        "facilitator": 403,
        "other_facilitator": 403,
        "staff": 403,
        "nobody": 403,
    }
    for role, status in expected.items():
        client.force_login(people[role])
        for address in (url("workload"), url("workload_export", fmt="csv")):
            assert client.get(address).status_code == status, (role, address)
    client.logout()
    response = client.get(url("workload"))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_coordinator_sees_any_city_but_does_not_log(client, people):
    client.force_login(people["coordinator"])
    for city in ("athens", "helsinki", "munich"):
        page = client.get(url("workload", city=city))
        assert page.status_code == 200
        assert b"Log days" not in page.content
        assert b"Day rate and co-financing" in page.content


def test_unknown_programmes_cities_and_non_partners_are_not_found(client, people):
    client.force_login(people["coordinator"])
    assert client.get(url("workload", city="no-such-city")).status_code == 404
    assert client.get(url("workload", city="rotterdam")).status_code == 404  # not a partner
    address = reverse("mentoring:workload", kwargs={"slug": "nope", "city": "athens"})
    assert client.get(address).status_code == 404
    assert client.get(url("workload_export", fmt="pdf")).status_code == 404
    overview = reverse("mentoring:workload_overview", kwargs={"slug": "nope"})
    assert client.get(overview).status_code == 404


def rates(client, **data):
    return client.post(url("workload_rates"), {f"rates-{k}": v for k, v in data.items()})


def test_the_citys_officer_sets_the_rates(client, people):
    client.force_login(people["officer"])
    response = rates(client, day_rate="312.50", co_financing="9000")
    assert response.status_code == 302
    partner = ProgrammeCity.objects.get(programme__slug="test-programme", city__slug="athens")
    assert (partner.day_rate, partner.co_financing) == (Decimal("312.50"), Decimal("9000"))
    entry = AuditEntry.objects.get(target_type="mentoring.programmecity")
    assert entry.changes["day_rate"] == ["300.00", "312.50"]
    text = client.get(url("workload")).content.decode()
    assert "9,000.00 EUR" in text and "1.38 % of 650,000.00 EUR" in text
    assert "not yet: 9,000.00 EUR to go" in text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"day_rate": "0"}, "The day rate must be more than 0."),
        ({"day_rate": "-300"}, "The day rate must be more than 0."),
        ({"day_rate": "cheap"}, "Enter the day rate as a number of euros"),
        ({"day_rate": "300", "co_financing": "-1"}, "The co-financing cannot be negative."),
    ],
)
def test_bad_rates_are_refused(client, people, data, message):
    client.force_login(people["coordinator"])
    response = rates(client, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    partner = ProgrammeCity.objects.get(programme__slug="test-programme", city__slug="athens")
    assert (partner.day_rate, partner.co_financing) == (Decimal("300"), None)
    assert not AuditEntry.objects.filter(target_type="mentoring.programmecity").exists()


def test_empty_rates_mean_not_set(client, people):
    client.force_login(people["coordinator"])
    assert rates(client, day_rate="", co_financing="").status_code == 302
    text = client.get(url("workload")).content.decode()
    assert "not set: no day rate" in text


def test_others_cannot_set_the_rates(client, people):
    for role in ("other_officer", "mentor", "facilitator", "staff", "nobody"):
        client.force_login(people[role])
        assert rates(client, day_rate="1").status_code == 403, role
    partner = ProgrammeCity.objects.get(programme__slug="test-programme", city__slug="athens")
    assert partner.day_rate == Decimal("300")


# The files ----------------------------------------------------------------------------------


@pytest.fixture
def logged(people, athens):
    programme = Programme.objects.get(slug="test-programme")
    ProgrammeCity.objects.filter(programme=programme, city=athens).update(
        co_financing=Decimal("9000")
    )
    WorkLog.objects.create(
        programme=programme,
        city=athens,
        officer=people["officer"],
        activity="visits",
        worked_on=datetime.date(2017, 5, 2),
        days=Decimal("3"),
        note="=study visit, Munich",
    )
    WorkLog.objects.create(
        programme=programme,
        city=athens,
        officer=people["officer"],
        activity="preparation",
        worked_on=datetime.date(2017, 4, 1),
        days=Decimal("1.5"),
    )


def test_the_csv_has_the_summary_then_the_entries(client, people, logged):
    client.force_login(people["officer"])
    response = client.get(url("workload_export", fmt="csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="test-programme-athens-workload.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [
        ["programme", "Test programme"],
        ["city", "Athens"],
        ["days: Preparation", "1.5"],
        ["days: Visits", "3"],
        ["days: Action planning", "0"],
        ["days: Meetings", "0"],
        ["days logged", "4.5"],
        ["days planned", "30"],
        ["days remaining", "25.5"],
        ["per cent of plan", "15.0"],
        ["day rate (EUR)", "300.00"],
        ["staff cost (EUR)", "1350.00"],
        ["co-financing (EUR)", "9000.00"],
        ["programme budget (EUR)", "650000.00"],
        ["co-financing share of budget (%)", "1.38"],
        ["staff cost covers co-financing", "no"],
        [],
        ["date", "officer", "activity", "days", "note"],
        ["2017-05-02", "Olga", "Visits", "3", "'=study visit, Munich"],
        ["2017-04-01", "Olga", "Preparation", "1.5", ""],
    ]


def test_the_xlsx_has_numbers_and_dates(client, people, logged):
    client.force_login(people["coordinator"])
    response = client.get(url("workload_export", fmt="xlsx"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Summary", "Entries"]
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert summary["city"] == "Athens"
    assert summary["days logged"] == pytest.approx(4.5)
    assert summary["staff cost (EUR)"] == pytest.approx(1350)
    assert summary["co-financing share of budget (%)"] == pytest.approx(1.38)
    assert summary["staff cost covers co-financing"] == "no"
    entries = list(book["Entries"].iter_rows(values_only=True))
    assert entries[0] == ("date", "officer", "activity", "days", "note")
    assert entries[1][0] == datetime.datetime(2017, 5, 2)
    assert entries[1][1:3] == ("Olga", "Visits")
    assert isinstance(entries[1][3], (int, float)) and entries[1][3] == 3
    assert entries[2][3] == pytest.approx(1.5)
    assert len(entries) == 3


def test_a_city_without_rates_exports_empty_figures(client, people):
    ProgrammeCity.objects.filter(city__slug="athens").update(day_rate=None)
    client.force_login(people["officer"])
    text = client.get(url("workload_export", fmt="csv")).content.decode("utf-8-sig")
    assert "staff cost (EUR),\n" in text and "day rate (EUR),\n" in text
    book = load_workbook(io.BytesIO(client.get(url("workload_export", fmt="xlsx")).content))
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert summary["staff cost (EUR)"] is None


# The overview -------------------------------------------------------------------------------


def overview_url() -> str:
    return reverse("mentoring:workload_overview", kwargs={"slug": "test-programme"})


def test_the_overview_lists_every_partner_for_coordinators(client, people, logged):
    client.force_login(people["coordinator"])
    response = client.get(overview_url())
    assert response.status_code == 200
    text = response.content.decode()
    for city in ("Athens", "Ghent", "Helsinki", "Munich"):
        assert f"Workload of {city}" in text
    assert url("workload") in text
    assert "15.0 %" in text and "1,350.00" in text and "9,000.00" in text


def test_the_overview_is_for_coordinators_only(client, people):
    for role in ("officer", "other_officer", "mentor", "facilitator", "staff", "nobody"):
        client.force_login(people[role])
        assert client.get(overview_url()).status_code == 403, role
    client.logout()
    assert client.get(overview_url()).status_code == 302


# Query counts -------------------------------------------------------------------------------


def test_the_report_page_query_count_does_not_grow(officer, people, athens):
    client = officer.web
    add_entries(people, athens, 2)
    few = count_queries(client, url("workload"))
    few_csv = count_queries(client, url("workload_export", fmt="xlsx"))
    add_entries(people, athens, 40)
    assert count_queries(client, url("workload")) == few
    assert count_queries(client, url("workload_export", fmt="xlsx")) == few_csv


def test_the_overview_query_count_does_not_grow(coordinator, people, athens):
    client = coordinator.web
    add_entries(people, athens, 2)
    few = count_queries(client, overview_url())
    programme = Programme.objects.get(slug="test-programme")
    for city in City.objects.exclude(programmes__programme=programme)[:6]:
        ProgrammeCity.objects.create(programme=programme, city=city, day_rate=Decimal("250"))
        add_entries(people, city, 5)
    assert ProgrammeCity.objects.filter(programme=programme).count() == 10
    assert count_queries(client, overview_url()) == few
