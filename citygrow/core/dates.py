"""Dates of the past as stored and shown: how precise a recorded date is (a day, or a month
when only the month is known; see core.history) and how it reads on a page. Used by the plans'
history and by visit reports."""

import datetime

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from citygrow.core import history


class DatePrecision(models.TextChoices):
    """How precise a date of the plan's history is (core.history): a day, or a month when
    only the month is known (stored as its first day)."""

    DAY = history.Precision.DAY.value, _("day")
    MONTH = history.Precision.MONTH.value, _("month only")


def when(day: datetime.date, precision: str, day_format: str = "j M Y") -> str:
    """A date of the plan's history in words: the day in `day_format` ("4 Dec 2017"), or the
    month alone ("December 2017") when only the month is known."""
    if precision == DatePrecision.MONTH:
        return date_format(day, "YEAR_MONTH_FORMAT")
    return date_format(day, day_format)
