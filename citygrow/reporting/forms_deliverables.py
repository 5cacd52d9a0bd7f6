"""The form of what a programme promised to deliver: one row per kind of deliverable, then rows
for other outputs (`DeliverableFormSet`).

A row's kind comes from its place in the formset, not from the data sent: the first rows are the
kinds the platform counts (`KINDS`, in that order), every row after them is an "other output". A
row whose count is empty is not promised and is not stored; a row with words or links but no
count is refused, so that nothing typed is dropped without a word.
"""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from citygrow.core.forms import LinksField
from citygrow.reporting.models import Deliverable
from citygrow.reporting.services import DeliverableIn

#: The rows every programme has, in order: each kind but "other", which may have many rows.
KINDS = [kind for kind in Deliverable.Kind if kind != Deliverable.Kind.OTHER]
#: Empty rows for other outputs, below those recorded.
EXTRA_OTHER = 2
#: The most rows of other outputs.
MAX_OTHER = 20

MAX_PROMISED = 10_000

COUNT_ERRORS = {
    "required": _("Give how many were promised (0 or more), or empty the whole row."),
    "invalid": _("Enter a whole number, 0 or more (for example 8), or leave it empty."),
    "min_value": _("A promised count cannot be negative: enter 0 or more, or leave it empty."),
    "max_value": _("A promised count is at most %(limit_value)s."),
}


class DeliverableRowForm(forms.Form):
    """One promise: how many, in the programme's own words, and (for videos and other outputs)
    where each one is published."""

    promised = forms.IntegerField(
        label=_("Promised"),
        required=False,
        min_value=0,
        max_value=MAX_PROMISED,
        error_messages=COUNT_ERRORS,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 5, "autocomplete": "off"}),
        help_text=_("How many. Empty: not promised."),
    )
    note = forms.CharField(
        label=_("In the programme's own words"),
        required=False,
        max_length=300,
        help_text=_("For example “8 local implementation strategies”."),
    )
    links = LinksField(
        label=_("Links, one per line"),
        required=False,
        help_text=_("Where each one is published; each link counts as one delivered."),
    )

    def __init__(self, *args: Any, kind: str, number: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = Deliverable.Kind(kind)
        self.number = number
        self.is_linked = self.kind in Deliverable.LINKED
        if not self.is_linked:
            del self.fields["links"]

    @property
    def title(self) -> str:
        """The row's name: its kind, or "Other output N"."""
        if self.kind == Deliverable.Kind.OTHER:
            return str(_("Other output %(number)s") % {"number": self.number})
        return str(self.kind.label)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        typed = cleaned.get("note") or cleaned.get("links")
        if cleaned.get("promised") is None and typed and "promised" not in self.errors:
            self.add_error("promised", COUNT_ERRORS["required"])
        return cleaned

    def row(self) -> DeliverableIn | None:
        """The promise (None: not promised), once the form is valid."""
        promised = self.cleaned_data.get("promised")
        if promised is None:
            return None
        return DeliverableIn(
            kind=self.kind.value,
            promised=promised,
            note=self.cleaned_data.get("note", ""),
            links=self.cleaned_data.get("links", []) if self.is_linked else [],
        )


class BaseDeliverableFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs(index)
        if index is not None and index < len(KINDS):
            kwargs["kind"] = KINDS[index]
        else:
            kwargs["kind"] = Deliverable.Kind.OTHER
            kwargs["number"] = 0 if index is None else index - len(KINDS) + 1
        return kwargs

    @property
    def fixed_rows(self) -> list[DeliverableRowForm]:
        return self.forms[: len(KINDS)]

    @property
    def other_rows(self) -> list[DeliverableRowForm]:
        return self.forms[len(KINDS) :]

    def clean(self) -> None:
        if self.total_form_count() < len(KINDS):
            raise forms.ValidationError(_("The form is incomplete: reload the page."))

    def rows(self) -> list[DeliverableIn]:
        """The promises, in the form's order, once the formset is valid."""
        return [row for form in self.forms if (row := form.row()) is not None]


DeliverableFormSet = cast(
    type[BaseDeliverableFormSet],
    forms.formset_factory(
        DeliverableRowForm,
        formset=BaseDeliverableFormSet,
        extra=EXTRA_OTHER,
        max_num=len(KINDS) + MAX_OTHER,
        validate_max=True,
        absolute_max=len(KINDS) + MAX_OTHER,
    ),
)


def initial_rows(deliverables: list[Deliverable]) -> list[dict[str, Any]]:
    """The formset's initial data: a row per kind of `KINDS` (empty when not promised), then the
    other outputs recorded."""
    by_kind = {d.kind: d for d in deliverables if d.kind != Deliverable.Kind.OTHER}
    others = [d for d in deliverables if d.kind == Deliverable.Kind.OTHER]

    def values(deliverable: Deliverable | None) -> dict[str, Any]:
        if deliverable is None:
            return {}
        return {
            "promised": deliverable.promised,
            "note": deliverable.note,
            "links": list(deliverable.links),
        }

    return [values(by_kind.get(kind)) for kind in KINDS] + [values(d) for d in others]
