"""The forms of the edit page of a draft edition (views_authoring.py).

They collect what a person typed; the services (`catalogue.services`, "Authoring") check it
against the toolkit file's specs and show what they refuse on the form (`ServiceError.show_on`),
so the page accepts exactly what a toolkit file does. Lists (sub-items, links, a context
factor's examples) are written one per line.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class LinesField(forms.CharField):
    """A list written one item per line; empty lines are left out."""

    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def validate(self, value: Any) -> None:
        super().validate(value)
        if any("\x00" in line for line in value):
            raise forms.ValidationError(_("Null characters are not allowed."))

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(value)
        return super().prepare_value(value)


def _text(label: Any, *, required: bool = True, rows: int = 3, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}), **kwargs
    )


class VersionedForm(forms.Form):
    """A form of one stored thing: `version` is the version the person's page showed."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def values(self) -> dict[str, Any]:
        """The cleaned values the services change: every field but `version`."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class EditionForm(VersionedForm):
    title = forms.CharField(label=_("Title"), max_length=300)
    source_title = forms.CharField(label=_("Source: title"), max_length=500)
    source_publisher = forms.CharField(label=_("Source: publisher"), max_length=200)
    source_year = forms.IntegerField(
        label=_("Source: year of publication"), min_value=1900, max_value=2100
    )
    source_url = forms.CharField(
        label=_("Source: web address"),
        required=False,
        max_length=500,
        help_text=_("Starting with http:// or https://; may be left empty."),
    )
    credit = _text(_("Credit"), rows=2)
    standard = _text(_("Integrating Cities standard"), rows=3)
    standard_introduction = _text(_("Introduction to the standard"), required=False, rows=4)
    coverage_notes = _text(_("Notes on coverage"), required=False, rows=3)


class TermForm(VersionedForm):
    term = forms.CharField(label=_("Term"), max_length=200)
    definition = _text(_("Definition"), required=False, rows=2)


class KeyFactorForm(VersionedForm):
    heading = forms.CharField(label=_("Heading"), max_length=300)
    summary = _text(_("Summary"), required=False, rows=2)
    why = _text(_("Why it matters"), rows=4)


class GuideQuestionForm(VersionedForm):
    text = _text(_("Question"), rows=2)
    sub_items = LinesField(
        label=_("Sub-items"), required=False, help_text=_("One per line; may be left empty.")
    )
    note = _text(
        _("Editor's note"),
        required=False,
        rows=2,
        help_text=_("Shown to readers with the question, e.g. that a word was restored."),
    )


class ExampleForm(VersionedForm):
    city = forms.ChoiceField(label=_("City"))
    name = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=200,
        help_text=_(
            "The name the source gives the practice, if any. Without one it is called by its "
            "city and key factor."
        ),
    )
    text = _text(_("Text"), rows=4)
    links = LinesField(
        label=_("Links"),
        required=False,
        help_text=_("One web address per line (http:// or https://), or a mailto: link."),
    )
    note = _text(
        _("Editor's note"),
        required=False,
        rows=2,
        help_text=_("Shown to readers with the example, e.g. that a link belongs elsewhere."),
    )

    def __init__(self, *args: Any, cities: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["city"].choices = [("", _("Choose a city")), *cities]  # type: ignore[attr-defined]


class ContextFactorForm(VersionedForm):
    category = forms.CharField(label=_("Category"), max_length=200)
    examples = LinesField(label=_("Examples"), help_text=_("One per line; at least one."))


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("up")), ("down", _("down"))])
    version = forms.IntegerField(min_value=0)


class RemoveForm(forms.Form):
    version = forms.IntegerField(min_value=0)
