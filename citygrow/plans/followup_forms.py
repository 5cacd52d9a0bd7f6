"""The forms of the follow-up pages: a progress update, and the follow-up assessment."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from citygrow.assessments.models import Assessment
from citygrow.plans import followup
from citygrow.plans.models import ActionStatus


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files (none included); each is checked by core.files.check_attachment."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class ProgressUpdateForm(forms.Form):
    reported_on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("When it happened; not in the future."),
    )
    text = forms.CharField(label=_("What happened"), max_length=10_000, widget=forms.Textarea)
    status = forms.ModelChoiceField(
        label=_("New status"),
        queryset=ActionStatus.objects.all(),
        required=False,
        empty_label=_("(unchanged)"),
        help_text=_(
            "A status with a default progress (e.g. Completed: 100 %) sets the action's "
            "progress to it unless you give one."
        ),
    )
    progress = forms.IntegerField(
        label=_("New progress (%)"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("From 0 to 100; empty: unchanged."),
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, Word (.docx), PNG or JPEG files."),
    )

    def clean_reported_on(self) -> Any:
        value = self.cleaned_data["reported_on"]
        if value and value > followup.today():
            raise forms.ValidationError(_("The date of an update cannot be in the future."))
        return value


class FollowUpForm(forms.Form):
    """The later assessment to measure the change with. Any id is accepted here; the service
    refuses a wrong one (another city, another toolkit, not later) with its reason."""

    assessment = forms.IntegerField(label=_("Later assessment"))

    def __init__(self, *args: Any, choices: list[Assessment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        options = [("", "---------")] + [
            (a.pk, f"{a.title} ({a.assessed_on.isoformat()}, {a.get_status_display()})")
            for a in choices
        ]
        self.fields["assessment"].widget = forms.Select(choices=options)
