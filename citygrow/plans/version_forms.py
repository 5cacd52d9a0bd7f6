"""The forms submitting a plan version and recording its endorsement (plans.views_versions).
They check only the shape of the input; the rules (one endorsement per level, the latest
version, the dates, the signed document's type and size) are in plans.services.freeze and
record_endorsement, shared with the API.

Their dates are of the past and may be known to the month only (core.history): "2017-12-04"
or "2017-12", read by `PastDateField` into a `history.PastDate`."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from citygrow.core import history
from citygrow.core.forms import PastDateField
from citygrow.plans.models import Endorsement


class FreezeForm(forms.Form):
    """Submitting the plan for endorsement; the date is for entering past events."""

    submitted_on = PastDateField(
        label=_("Submitted on"),
        required=False,
        help_text=_(
            "Leave empty for today. For a submission of the past: YYYY-MM-DD, or YYYY-MM when "
            "only the month is known."
        ),
    )


class EndorsementForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Level"),
        choices=Endorsement.Level.choices,
        widget=forms.RadioSelect,
    )
    endorsed_by = forms.CharField(
        label=_("Endorsed by"),
        max_length=200,
        help_text=_("The name of the person who signed, or of the body that decided."),
    )
    role = forms.CharField(
        label=_("In the role of"),
        max_length=200,
        help_text=_("For example: Director-General, Mayor, City Council."),
    )
    endorsed_on = PastDateField(label=_("Date of the endorsement"))
    document = forms.FileField(
        label=_("Signed document"),
        help_text=_("A PDF or a Word (.docx) file."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx"}),
    )

    def endorsement(self) -> dict[str, Any]:
        """The cleaned data as `services.record_endorsement` takes it."""
        data = dict(self.cleaned_data)
        endorsed: history.PastDate = data.pop("endorsed_on")
        return {
            **data,
            "endorsed_on": endorsed.day,
            "endorsed_on_precision": endorsed.precision.value,
        }
