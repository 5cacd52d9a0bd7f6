import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from citygrow.assessments.models import Answer, Assessment
from citygrow.catalogue.models import Toolkit
from citygrow.core.forms import LinksField
from citygrow.people.models import City


class ToolkitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Toolkit) -> str:
        return f"{obj.theme.code}. {obj.title} ({obj.year})"


class StartForm(forms.ModelForm):
    """Start an assessment of one of the person's cities against a published toolkit."""

    toolkit = ToolkitChoiceField(
        label=_("Toolkit"), queryset=Toolkit.objects.none(), empty_label=None
    )

    class Meta:
        model = Assessment
        fields = ["city", "toolkit", "title", "assessed_on"]
        widgets = {"assessed_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, cities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = City.objects.filter(pk__in=cities)
        self.fields["city"].empty_label = None
        self.fields["toolkit"].queryset = Toolkit.objects.published().select_related("theme")
        self.fields["assessed_on"].initial = timezone.localdate()
        self.fields["title"].initial = _("Self-assessment %(year)d") % {
            "year": timezone.localdate().year
        }


class CopyForm(forms.Form):
    title = forms.CharField(label=_("Title of the new assessment"), max_length=200)
    assessed_on = forms.DateField(
        label=_("Date of the assessment"), widget=forms.DateInput(attrs={"type": "date"})
    )


class AnswerForm(forms.Form):
    value = forms.ChoiceField(
        label=_("Answer"), choices=Answer.Value.choices, widget=forms.RadioSelect
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What shows it: documents, decisions, figures."),
    )
    links = LinksField(label=_("Links"), required=False, help_text=_("One web address per line."))
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class FactorNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note on this key factor"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    target = forms.IntegerField(
        label=_("Target score"),
        min_value=0,
        max_value=100,
        initial=100,
        help_text=_("From 0 to 100; 100 is the standard. Below it, the key factor is a gap."),
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), max_length=5_000, widget=forms.Textarea(attrs={"rows": 3})
    )


def context_form_class(factors: Any) -> type[forms.Form]:
    """A form with, per context factor, "applies" and how it affects the city."""
    fields: dict[str, forms.Field] = {}
    for factor in factors:
        fields[f"applies_{factor.pk}"] = forms.BooleanField(label=factor.category, required=False)
        fields[f"explanation_{factor.pk}"] = forms.CharField(
            label=_("How “%(category)s” affects the city") % {"category": factor.category},
            required=False,
            max_length=10_000,
            widget=forms.Textarea(attrs={"rows": 2}),
        )

    def clean(self: forms.Form) -> dict[str, Any]:
        data = super(type(self), self).clean()
        for factor in factors:
            if data.get(f"applies_{factor.pk}") and not data.get(f"explanation_{factor.pk}"):
                self.add_error(
                    f"explanation_{factor.pk}",
                    _("Say how this factor affects the city, or untick it."),
                )
        return data

    return type("ContextForm", (forms.Form,), {**fields, "clean": clean})


def today() -> datetime.date:
    return timezone.localdate()
