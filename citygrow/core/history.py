"""Dates of the past as the record has them, and how long ago something was (issue 13, point 3).

A coordinator entering a programme's history knows some dates to the day ("the Mayor signed on
4 December 2017") and others only to the month ("submitted in November 2017"). A `PastDate`
keeps the day and how precise it is; a month-only date is stored as the first of its month and
stands for the whole month. Two rules follow from that:

- a month-only date is "in the future" only if its month has not begun yet;
- one date is *certainly before* another when the last day it may stand for comes before the
  first day the other may stand for (November 2017 is not certainly before 24 November 2017).

`elapsed` is the wording's arithmetic for how long ago a day was: days under a full month,
whole months under a full year, whole years after. Pure: no Django.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal


class Precision(StrEnum):
    DAY = "day"
    MONTH = "month"


#: The accepted spellings: YYYY-MM-DD, or YYYY-MM when only the month is known.
PATTERN = r"^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$"
_SHAPE = re.compile(PATTERN)


@dataclass(frozen=True)
class PastDate:
    """A day, or a month (stored as its first day) when only the month is known."""

    day: datetime.date
    precision: Precision = Precision.DAY

    @classmethod
    def of(cls, day: datetime.date, precision: str = Precision.DAY) -> PastDate:
        """`day` at `precision` ("day" or "month"; a month moves to its first day). Raises
        ValueError for another precision."""
        kind = Precision(precision)
        return cls(day.replace(day=1) if kind == Precision.MONTH else day, kind)

    @property
    def first(self) -> datetime.date:
        """The first day this date may stand for."""
        return self.day

    @property
    def last(self) -> datetime.date:
        """The last day this date may stand for (the month's last for a month-only date)."""
        if self.precision == Precision.DAY:
            return self.day
        days = calendar.monthrange(self.day.year, self.day.month)[1]
        return self.day.replace(day=days)

    def is_future(self, today: datetime.date) -> bool:
        """Whether it lies wholly after `today` (a month-only date: its month is to come)."""
        return self.first > today

    def is_before(self, other: PastDate) -> bool:
        """Whether it certainly comes before `other` (every day it may stand for does)."""
        return self.last < other.first

    def is_before_day(self, day: datetime.date) -> bool:
        """Whether it certainly comes before `day`."""
        return self.last < day


def parse(text: str) -> PastDate | None:
    """ "2017-12-04" (a day) or "2017-12" (a month); None for anything else ("2017-13",
    "2017-02-30", "December 2017")."""
    text = text.strip()
    if not _SHAPE.match(text):
        return None
    parts = [int(part) for part in text.split("-")]
    try:
        if len(parts) == 2:
            return PastDate(datetime.date(parts[0], parts[1], 1), Precision.MONTH)
        return PastDate(datetime.date(parts[0], parts[1], parts[2]), Precision.DAY)
    except ValueError:
        return None


def iso(date: PastDate) -> str:
    """The spelling `parse` reads back: "2017-12-04", or "2017-12" for a month."""
    if date.precision == Precision.MONTH:
        return date.day.strftime("%Y-%m")
    return date.day.isoformat()


Unit = Literal["day", "month", "year"]


@dataclass(frozen=True)
class Elapsed:
    count: int
    unit: Unit


def elapsed(since: datetime.date, on: datetime.date) -> Elapsed:
    """How long `on` comes after `since`: in days under a full month, in whole months under a
    full year, in whole years after (2708 days: 7 years). A month is full on the same day of
    the next month (31 January to 28 February is 28 days; to 3 March, one month)."""
    days = (on - since).days
    months = (on.year - since.year) * 12 + on.month - since.month - (on.day < since.day)
    if months < 1:
        return Elapsed(max(days, 0), "day")
    if months < 12:
        return Elapsed(months, "month")
    return Elapsed(months // 12, "year")
