"""The forms of the Charter survey's pages: the questionnaire upload, opening and changing a
cycle, inviting cities, a commitment's rating (with its extra questions), a role's note, and
returning a response. The API checks a rating with `RatingForm` too."""

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from citygrow.core.forms import LinksField
from citygrow.people.models import City
from citygrow.survey.models import Commitment, CommitmentAnswer, ExtraQuestion, Questionnaire
from citygrow.survey.services import EXTRA_TEXT_MAX, UPLOAD_MAX_BYTES


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Questionnaire file (YAML)"),
        help_text=_(
            "A file in the questionnaire file format (docs/questionnaire-format.md), at most "
            "512 KiB. It is loaded as a new edition: give it an edition label of its own."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,text/yaml"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too big: a questionnaire file is at most 512 KiB."), code="too_big"
            )
        return upload


class DateInput(forms.DateInput):
    input_type = "date"


#: Cycles are dated within these years (a typing slip like 9999 is refused, not stored).
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _sane(day: datetime.date) -> datetime.date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise forms.ValidationError(
            _("Give a date between %(first)d and %(last)d."),
            params={"first": FIRST_YEAR, "last": LAST_YEAR},
        )
    return day


class CycleForm(forms.Form):
    """A cycle's title and dates (opening one also names it and its edition)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    opens_on = forms.DateField(label=_("Opens on"), widget=DateInput)
    closes_on = forms.DateField(
        label=_("Closes on"),
        widget=DateInput,
        help_text=_("Cities that have not submitted are reminded by e-mail a week before."),
    )

    def clean_opens_on(self) -> datetime.date:
        return _sane(self.cleaned_data["opens_on"])

    def clean_closes_on(self) -> datetime.date:
        return _sane(self.cleaned_data["closes_on"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("A cycle closes on or after the day it opens."))
        return data


class OpenCycleForm(CycleForm):
    label = forms.SlugField(
        label=_("Cycle"),
        max_length=40,
        help_text=_('How the network names it, e.g. "2019". Letters, digits and hyphens.'),
    )
    questionnaire = forms.ModelChoiceField(
        label=_("Questionnaire edition"),
        queryset=Questionnaire.objects.filter(status=Questionnaire.Status.PUBLISHED),
        empty_label=None,
    )
    invite_signatories = forms.BooleanField(
        label=_("Invite every Charter signatory"),
        required=False,
        initial=True,
        help_text=_("Other cities can be invited from the cycle's page."),
    )

    field_order = ["label", "title", "questionnaire", "opens_on", "closes_on"]


class InviteForm(forms.Form):
    cities = forms.ModelMultipleChoiceField(
        label=_("Cities to invite"),
        help_text=_("Charter signatories not invited yet."),
        queryset=City.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, cycle: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["cities"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = City.objects.signatories().exclude(charter_responses__cycle=cycle)


class RatingForm(forms.Form):
    """One commitment's rating, evidence and links, with the commitment's extra questions as
    fields `x-<code>` (see `rating_form`); `extra` gives their answers as the service takes
    them."""

    rating = forms.ChoiceField(
        label=_("How far does the city deliver it?"),
        choices=CommitmentAnswer.Rating.choices,
        widget=forms.RadioSelect,
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What shows it: decisions, programmes, figures."),
    )
    links = LinksField(label=_("Links"), required=False, help_text=_("One web address per line."))
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, commitment: Commitment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commitment = commitment
        self.extra_questions = list(commitment.questions.all())
        for question in self.extra_questions:
            self.fields[f"x-{question.code}"] = _extra_field(question)

    @property
    def extra(self) -> dict[str, Any]:
        """The answers to the extra questions (needs `is_valid()`); empty ones left out."""
        result: dict[str, Any] = {}
        for question in self.extra_questions:
            value = self.cleaned_data.get(f"x-{question.code}")
            if value is None or value == "":
                continue
            if question.kind == ExtraQuestion.Kind.YES_NO:
                value = value == "yes"
            elif question.kind == ExtraQuestion.Kind.NUMBER:
                value = int(value) if value == int(value) else float(value)
            result[question.code] = value
        return result

    def extra_fields(self) -> list[Any]:
        """The bound fields of the extra questions, for the template."""
        return [self[f"x-{question.code}"] for question in self.extra_questions]


def _extra_field(question: ExtraQuestion) -> forms.Field:
    label = question.text
    if question.kind == ExtraQuestion.Kind.YES_NO:
        return forms.ChoiceField(
            label=label,
            required=False,
            choices=[("", _("not answered")), ("yes", _("Yes")), ("no", _("No"))],
        )
    if question.kind == ExtraQuestion.Kind.NUMBER:
        return forms.DecimalField(
            label=label, required=False, max_digits=15, decimal_places=4, min_value=-1e11
        )
    if question.kind == ExtraQuestion.Kind.CHOICE:
        return forms.ChoiceField(
            label=label,
            required=False,
            choices=[("", _("not answered")), *[(c, c) for c in question.choices]],
        )
    return forms.CharField(
        label=label, required=False, max_length=EXTRA_TEXT_MAX, widget=forms.Textarea({"rows": 2})
    )


def extra_initial(answer: CommitmentAnswer | None) -> dict[str, Any]:
    """A stored rating's extra answers as the form's initial values."""
    if answer is None:
        return {}
    initial: dict[str, Any] = {}
    for code, value in answer.extra.items():
        initial[f"x-{code}"] = ("yes" if value else "no") if isinstance(value, bool) else value
    return initial


class RoleNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note on this role"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Anything the ratings do not say: context, plans, what is missing."),
    )
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("What should the city change?"),
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
