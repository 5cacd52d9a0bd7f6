"""Forms for planning a visit and writing its report. They read the input; the rules of the
data (dates in order, who may take part, overlapping visits) are checked by mentoring.services,
whose messages the views put back on these forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Prefetch, QuerySet
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from citygrow.catalogue.models import KeyFactor
from citygrow.core.forms import PastDateField
from citygrow.mentoring.models import Finding, Pairing, Visit
from citygrow.mentoring.services import eligible_participants
from citygrow.people.models import Role, User


def person_label(person: User) -> str:
    """A person's name and what they are (officer of which city, facilitator of which
    organisation, coordinator), so two Annas can be told apart. Expects `roles` prefetched
    with their city and organisation (see `with_roles`)."""
    name = person.get_full_name() or person.username
    roles = [role.describe() for role in person.roles.all() if role.kind != Role.Kind.MENTOR]
    return f"{name} ({'; '.join(roles)})" if roles else name


def with_roles(people: QuerySet[User]) -> QuerySet[User]:
    """`people` with what `person_label` reads, in one more query."""
    roles = Role.objects.select_related("city", "organisation").order_by("kind", "pk")
    return people.prefetch_related(Prefetch("roles", queryset=roles))


class ParticipantField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return person_label(obj)


def participant_choices(pairing: Pairing) -> QuerySet[User]:
    """The people who may take part in the pairing's visits, with their roles."""
    return with_roles(eligible_participants(pairing))


class VisitForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of visit"),
        choices=Visit.Kind.choices,
        widget=forms.RadioSelect,
    )
    starts_on = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Last day"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The same as the first day for a one-day visit."),
    )
    agenda = forms.CharField(
        label=_("Agenda"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What the visit covers, day by day. Public: shown on the visit's page."),
    )
    participants = ParticipantField(
        label=_("Participants"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Officers of the two cities, the scheme's facilitators and the coordinators. "
            "Their names are shown only to the pairing's team."
        ),
    )

    def __init__(self, *args: Any, pairing: Pairing, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["participants"]
        assert isinstance(field, ParticipantField)
        field.queryset = participant_choices(pairing)


class CancelVisitForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the visit is cancelled"),
        max_length=1_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Public: shown with the visit on its page, the scheme's page and in calendars, "
            'e.g. "Postponed to the autumn: the city hall was closed".'
        ),
        error_messages={"required": _("Say why the visit is cancelled.")},
    )


class ReportPublishForm(forms.Form):
    """Publishing a report; the date is for a report of the past a coordinator enters."""

    published_on = PastDateField(
        label=_("Published on"),
        required=False,
        help_text=_(
            "Leave empty for today. For a report of the past: YYYY-MM-DD, or YYYY-MM when only "
            "the month is known."
        ),
    )


class ReportForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the visit showed, in a few sentences."),
    )


def key_factor_choices(key_factors: list[KeyFactor]) -> list[tuple[int, str]]:
    return [(factor.pk, f"{factor.position}. {factor.heading}") for factor in key_factors]


class FindingForm(forms.Form):
    """One finding. An empty row is skipped (the formset's extra rows are for adding)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Choose…")), *Finding.Kind.choices])
    text = forms.CharField(
        label=_("Finding"), max_length=5_000, widget=forms.Textarea(attrs={"rows": 3})
    )
    key_factors = forms.TypedMultipleChoiceField(
        label=_("Key factors it is about"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, key_factors: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["key_factors"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = key_factors


class TieFindingForm(forms.Form):
    """The key factors a finding kept without them is about (see services.tie_finding)."""

    key_factors = forms.TypedMultipleChoiceField(
        label=_("Key factors it is about"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one key factor.")},
    )

    def __init__(self, *args: Any, key_factors: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["key_factors"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = key_factors


FindingFormSet = formset_factory(
    FindingForm, extra=3, can_delete=True, can_delete_extra=False, max_num=100, validate_max=True
)
