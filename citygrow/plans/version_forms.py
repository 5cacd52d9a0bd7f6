"""The form recording an endorsement of a plan version (plans.views_versions). It checks only
the shape of the input; the rules (one endorsement per level, the latest version, the date, the
signed document's type and size) are in plans.services.record_endorsement, shared with the
API."""

from django import forms
from django.utils.translation import gettext_lazy as _

from citygrow.plans.models import Endorsement

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


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
    endorsed_on = forms.DateField(label=_("Date of the endorsement"), widget=DATE)
    document = forms.FileField(
        label=_("Signed document"),
        help_text=_("A PDF or a Word (.docx) file."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx"}),
    )
