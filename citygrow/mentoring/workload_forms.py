"""Forms of the workload pages: logging days, and a city's day rate and co-financing."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from citygrow.mentoring.models import WorkLog

DAYS_MORE_THAN_ZERO = _("Days must be more than 0, e.g. 0.5 for half a day.")
DAYS_AT_MOST = _("One entry cannot have more than 366 days.")
RATE_MORE_THAN_ZERO = _("The day rate must be more than 0.")


class LogWorkForm(forms.Form):
    """Days one officer spent on one activity on one day (or in one stretch)."""

    worked_on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter the date as YYYY-MM-DD, e.g. 2017-03-21.")},
    )
    activity = forms.ChoiceField(label=_("Activity"), choices=WorkLog.Activity.choices)
    days = forms.DecimalField(
        label=_("Days"),
        max_digits=5,
        decimal_places=2,
        help_text=_("In days, e.g. 0.5 for half a day."),
        widget=forms.NumberInput(attrs={"step": "0.25", "min": "0.25", "max": "366"}),
        error_messages={
            "invalid": _("Enter the days as a number, e.g. 0.5 for half a day."),
            "max_digits": DAYS_AT_MOST,
            "max_whole_digits": DAYS_AT_MOST,
            "max_decimal_places": _("Give the days with at most two decimals, e.g. 0.25."),
        },
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("initial", {"worked_on": timezone.localdate(), "days": Decimal("1")})
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def clean_days(self) -> Decimal:
        days: Decimal = self.cleaned_data["days"]
        if not days.is_finite() or days <= 0:
            raise forms.ValidationError(DAYS_MORE_THAN_ZERO)
        if days > 366:
            raise forms.ValidationError(DAYS_AT_MOST)
        return days


class RatesForm(forms.Form):
    """What a day of the city's staff costs, and what the city co-finances."""

    day_rate = forms.DecimalField(
        label=_("Staff day rate (EUR)"),
        required=False,
        max_digits=8,
        decimal_places=2,
        help_text=_("What one day of an officer's work costs the city. Empty: not set."),
        error_messages={
            "invalid": _("Enter the day rate as a number of euros, e.g. 300 or 312.50."),
            "max_digits": _("The day rate can be at most 999,999.99 euros."),
            "max_whole_digits": _("The day rate can be at most 999,999.99 euros."),
            "max_decimal_places": _("Give the day rate in euros and cents, e.g. 312.50."),
        },
    )
    co_financing = forms.DecimalField(
        label=_("Co-financing (EUR)"),
        required=False,
        max_digits=12,
        decimal_places=2,
        help_text=_("What the city brings to the programme's budget. Empty: not set."),
        error_messages={
            "invalid": _("Enter the co-financing as a number of euros, e.g. 9000."),
            "max_digits": _("The co-financing can be at most 9,999,999,999.99 euros."),
            "max_whole_digits": _("The co-financing can be at most 9,999,999,999.99 euros."),
            "max_decimal_places": _("Give the co-financing in euros and cents, e.g. 9000.50."),
        },
    )

    def clean_day_rate(self) -> Decimal | None:
        rate: Decimal | None = self.cleaned_data["day_rate"]
        if rate is not None and (not rate.is_finite() or rate <= 0):
            raise forms.ValidationError(RATE_MORE_THAN_ZERO)
        return rate

    def clean_co_financing(self) -> Decimal | None:
        amount: Decimal | None = self.cleaned_data["co_financing"]
        if amount is not None and (not amount.is_finite() or amount < 0):
            raise forms.ValidationError(_("The co-financing cannot be negative."))
        return amount
