"""A city's workload in a programme: days logged against the plan, staff cost and co-financing.

Pure computation and file rendering, no Django: the views and services hand in plain values
(services.workload_of loads them). Money is Decimal, rounded to cents half-up; a figure that
cannot be known (no day rate, no budget) is None, never 0, so a report says "not set" rather
than showing a false zero.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]

from citygrow.publishing.tables import defuse

ACTIVITIES: tuple[str, ...] = ("preparation", "visits", "action_planning", "meetings")
"""The activities officers log days for, in the order reports list them (WorkLog.Activity)."""

CENT = Decimal("0.01")
TENTH = Decimal("0.1")
HUNDRED = Decimal(100)


def money(value: Decimal) -> Decimal:
    """Rounded to cents, half-up (as accounts are)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def trim(value: Decimal) -> Decimal:
    """The same number without trailing zeros and in plain notation: 2.50 -> 2.5, 30 -> 30."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


@dataclass(frozen=True)
class Entry:
    """Days logged for one activity (one work log row, or a sum of rows)."""

    activity: str
    days: Decimal


@dataclass(frozen=True)
class Workload:
    """What a city has logged in a programme, set against its plan and its pledge."""

    planned_days: Decimal
    days_by_activity: dict[str, Decimal]
    """Every activity of ACTIVITIES (0 when none logged), then any other activity logged."""
    total_days: Decimal
    remaining_days: Decimal
    """Planned minus logged; negative when the city worked more than planned."""
    percent_of_plan: Decimal | None
    """Logged days in per cent of the plan, to one decimal; None when nothing is planned."""
    day_rate: Decimal | None
    staff_cost: Decimal | None
    """Logged days times the day rate, in cents; None when the city has no day rate."""
    co_financing: Decimal | None
    budget: Decimal | None
    co_financing_share: Decimal | None
    """The co-financing in per cent of the programme budget, to two decimals; None when either
    is not set."""
    covers_co_financing: bool | None
    """Whether the staff cost reaches the co-financing pledged; None when either is not set."""

    @property
    def over_plan(self) -> bool:
        return self.remaining_days < 0

    @property
    def days_over_plan(self) -> Decimal:
        return -self.remaining_days if self.remaining_days < 0 else Decimal(0)

    @property
    def co_financing_gap(self) -> Decimal | None:
        """The co-financing not yet matched by staff cost (0 when it is); None when unknown."""
        if self.staff_cost is None or self.co_financing is None:
            return None
        return max(self.co_financing - self.staff_cost, Decimal(0))


def compute(
    *,
    planned_days: Decimal | int,
    day_rate: Decimal | None,
    co_financing: Decimal | None,
    budget: Decimal | None,
    entries: Iterable[Entry | tuple[str, Decimal]],
    activities: Sequence[str] = ACTIVITIES,
) -> Workload:
    """The workload of one city from its plan, rates and log entries.

    Raises ValueError for figures the data never holds (the database refuses them): negative
    days or plan, a day rate that is not more than 0, a negative co-financing or budget.
    """
    planned = Decimal(planned_days)
    if planned < 0:
        raise ValueError("planned days cannot be negative")
    if day_rate is not None and day_rate <= 0:
        raise ValueError("the day rate must be more than 0")
    if co_financing is not None and co_financing < 0:
        raise ValueError("the co-financing cannot be negative")
    if budget is not None and budget < 0:
        raise ValueError("the budget cannot be negative")
    by_activity: dict[str, Decimal] = {activity: Decimal(0) for activity in activities}
    for item in entries:
        activity, days = (item.activity, item.days) if isinstance(item, Entry) else item
        if days < 0:
            raise ValueError("days cannot be negative")
        by_activity[activity] = by_activity.get(activity, Decimal(0)) + days
    by_activity = {activity: trim(days) for activity, days in by_activity.items()}
    total = trim(sum(by_activity.values(), Decimal(0)))
    percent = (
        (total * HUNDRED / planned).quantize(TENTH, rounding=ROUND_HALF_UP) if planned else None
    )
    cost = money(total * day_rate) if day_rate is not None else None
    share = (
        (co_financing * HUNDRED / budget).quantize(CENT, rounding=ROUND_HALF_UP)
        if co_financing is not None and budget
        else None
    )
    covers = cost >= co_financing if cost is not None and co_financing is not None else None
    return Workload(
        planned_days=trim(planned),
        days_by_activity=by_activity,
        total_days=total,
        remaining_days=trim(planned - total),
        percent_of_plan=percent,
        day_rate=money(day_rate) if day_rate is not None else None,
        staff_cost=cost,
        co_financing=money(co_financing) if co_financing is not None else None,
        budget=money(budget) if budget is not None else None,
        co_financing_share=share,
        covers_co_financing=covers,
    )


# Files --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogLine:
    """One work log entry as a report shows it."""

    worked_on: datetime.date
    officer: str
    activity: str
    """The activity's label, as the reader reads it."""
    days: Decimal
    note: str = ""


@dataclass(frozen=True)
class Report:
    """Everything a workload file holds, as plain values."""

    programme: str
    city: str
    workload: Workload
    lines: Sequence[LogLine]
    activity_labels: Mapping[str, str]
    """Label of each activity code; a code without one is shown as it is."""


ENTRY_COLUMNS = ["date", "officer", "activity", "days", "note"]


def summary_rows(report: Report) -> list[tuple[str, Any]]:
    """(label, value) of the summary, values as numbers or None when not set."""
    load = report.workload
    rows: list[tuple[str, Any]] = [("programme", report.programme), ("city", report.city)]
    rows += [
        (f"days: {report.activity_labels.get(code, code)}", days)
        for code, days in load.days_by_activity.items()
    ]
    rows += [
        ("days logged", load.total_days),
        ("days planned", load.planned_days),
        ("days remaining", load.remaining_days),
        ("per cent of plan", load.percent_of_plan),
        ("day rate (EUR)", load.day_rate),
        ("staff cost (EUR)", load.staff_cost),
        ("co-financing (EUR)", load.co_financing),
        ("programme budget (EUR)", load.budget),
        ("co-financing share of budget (%)", load.co_financing_share),
        (
            "staff cost covers co-financing",
            None
            if load.covers_co_financing is None
            else ("yes" if load.covers_co_financing else "no"),
        ),
    ]
    return rows


def _entry_row(line: LogLine) -> list[Any]:
    return [
        line.worked_on,
        defuse(line.officer),
        defuse(line.activity),
        trim(line.days),
        defuse(line.note),
    ]


def to_csv(report: Report) -> str:
    """The report as CSV: the summary (label, value), an empty line, then the entries.

    Dates are ISO 8601, numbers have a point for decimals, and a figure not set is empty.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for label, value in summary_rows(report):
        writer.writerow([label, "" if value is None else defuse(value)])
    writer.writerow([])
    writer.writerow(ENTRY_COLUMNS)
    for line in report.lines:
        row = _entry_row(line)
        row[0] = line.worked_on.isoformat()
        writer.writerow(row)
    return buffer.getvalue()


def to_xlsx(report: Report) -> bytes:
    """The report as a workbook: a "Summary" sheet and an "Entries" sheet, with dates as
    dates and days and money as numbers."""
    workbook = Workbook()
    summary = workbook.active
    summary.title = "Summary"
    for label, value in summary_rows(report):
        summary.append([label, defuse(value)])
        cell = summary.cell(row=summary.max_row, column=2)
        if isinstance(value, Decimal):
            cell.number_format = "#,##0.00" if "EUR" in label else "0.##"
    summary.column_dimensions["A"].width = 36
    summary.column_dimensions["B"].width = 20
    entries = workbook.create_sheet("Entries")
    entries.append(ENTRY_COLUMNS)
    for line in report.lines:
        entries.append(_entry_row(line))
        entries.cell(row=entries.max_row, column=1).number_format = "yyyy-mm-dd"
        entries.cell(row=entries.max_row, column=4).number_format = "0.00"
    for column, width in zip("ABCDE", (12, 24, 18, 8, 48), strict=True):
        entries.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
