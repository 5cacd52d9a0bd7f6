"""Forms of the action plan pages: starting a plan, its objectives, actions and comments.

They check what a person types; the writes go through `citygrow.plans.services`, whose
`ServiceError` the views turn into form errors.
"""

import dataclasses
import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from citygrow.assessments.models import Assessment
from citygrow.catalogue.models import KeyFactor
from citygrow.core.errors import ServiceError
from citygrow.plans import services
from citygrow.plans.compare import ACTION_FOLLOW_UP, ACTION_HEAD, ACTION_PLANNING
from citygrow.plans.models import Action, ActionPlan, ActionStatus, Objective
from citygrow.practices.models import Practice

#: A practice's address in the library (".../practices/12/"), or its number at the start of a
#: line ("12", "#12", "12 Munich: Welcome desks" as the form shows cited ones back).
_ADDRESS = re.compile(r"/practices/(\d+)(?:/|$)")
_NUMBER = re.compile(r"^#?(\d+)(?:\s|$)")


def practice_lines(text: str) -> list[int]:
    """The practice ids in `text`, one practice a line (its number or its library address);
    raises ValidationError naming the first line that is neither."""
    ids = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        found = _ADDRESS.search(line) or _NUMBER.match(line)
        if found is None:
            raise forms.ValidationError(
                _(
                    "Line %(line)s: write a practice's number or its address in the library "
                    "(such as /practices/12/)."
                ),
                params={"line": number},
                code="practice_line",
            )
        ids.append(int(found.group(1)))
    return ids


def practice_line(practice: Practice) -> str:
    """How a cited practice is shown back in the text field: its number and title."""
    return f"{practice.pk} {practice.title} ({practice.city.name})"


def _offer_label(suggestion: services.PracticeSuggestion) -> str:
    """A practice offered, with its city (unless its title starts with it) and its reason."""
    practice = suggestion.practice
    title = practice.title
    if not title.startswith(practice.city.name):
        title = f"{title} ({practice.city.name})"
    return _("%(title)s. %(reason)s") % {"title": title, "reason": suggestion.reason}


class PracticesMixin(forms.Form):
    """The practices an objective or action adapts: those offered to the plan
    (`services.practice_suggestions`) as checkboxes with their reason, and any other practice of
    the library by number or address, one a line. `practice_ids()` gives them all."""

    suggested = forms.TypedMultipleChoiceField(
        label=_("Practices offered to this plan that it adapts"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Suggested by the assessment report for its gaps, and the mentor city's practices "
            "seen on the visits."
        ),
    )
    practices = forms.CharField(
        label=_("Other practices of the library it adapts"),
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One a line: the practice's number or its address in the library (such as "
            "/practices/12/)."
        ),
    )

    def _offer_practices(
        self,
        offered: Sequence[services.PracticeSuggestion],
        cited: Sequence[Practice] | None,
        reader: Any,
    ) -> None:
        """Offer `offered`; an existing objective or action's `cited` practices are ticked
        among them, and the others are listed in the text field. `reader`: who fills the form
        in (the practices listed are shown back only if they may read them)."""
        self.reader = reader
        field = self.fields["suggested"]
        field.choices = [(s.practice.pk, _offer_label(s)) for s in offered]
        if not offered:
            del self.fields["suggested"]
        if cited is not None and not self.is_bound:
            shown = {s.practice.pk for s in offered}
            self.initial.setdefault("suggested", [p.pk for p in cited if p.pk in shown])
            self.initial.setdefault(
                "practices", "\n".join(practice_line(p) for p in cited if p.pk not in shown)
            )

    def clean_practices(self) -> list[int]:
        return practice_lines(self.cleaned_data.get("practices", ""))

    def practice_ids(self) -> list[int]:
        """Every practice cited, ticked then listed, each once."""
        ids = [*self.cleaned_data.get("suggested", []), *self.cleaned_data.get("practices", [])]
        return list(dict.fromkeys(ids))

    def listed_practices(self) -> list[Practice]:
        """The practices the text field names that exist, to show each back with its title
        (one query)."""
        try:
            if self.is_bound:
                ids = practice_lines(self.data.get(self.add_prefix("practices"), ""))
            else:
                ids = practice_lines(str(self.initial.get("practices", "")))
        except forms.ValidationError:
            return []
        found = (
            Practice.objects.visible_to(self.reader)
            .filter(pk__in=ids)
            .select_related("city", "key_factor")
        )
        by_id = {p.pk: p for p in found}
        return [by_id[pk] for pk in dict.fromkeys(ids) if pk in by_id]


class StartForm(forms.Form):
    """Start a plan from one of the city's submitted assessments, or (always offered) from the
    visits' findings and the city's own objectives, without an assessment yet."""

    assessment = forms.ModelChoiceField(
        label=_("Assessment it starts from"),
        queryset=Assessment.objects.none(),
        required=False,
        empty_label=_("None yet: start from the visits' findings and our own objectives"),
        help_text=_(
            "The plan's objectives are offered from this assessment's gaps. Without one, they "
            "are offered from the visits' findings; tie the plan to an assessment later."
        ),
    )
    title = forms.CharField(label=_("Title"), max_length=200)

    def __init__(self, *args: Any, assessments: list[Assessment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not assessments:
            del self.fields["assessment"]
            return
        field = self.fields["assessment"]
        field.queryset = Assessment.objects.filter(pk__in=[a.pk for a in assessments]).order_by(
            "-assessed_on", "-pk"
        )
        field.label_from_instance = lambda a: f"{a.title} ({a.assessed_on:%d %b %Y})"
        if not self.is_bound:
            self.initial.setdefault("assessment", assessments[0].pk)


class TieForm(forms.Form):
    """Tie a plan started without an assessment to the city's assessment."""

    assessment = forms.ModelChoiceField(
        label=_("The city's assessment"),
        queryset=Assessment.objects.none(),
        empty_label=None,
        help_text=_(
            "Its gaps are then offered as objectives, each objective is tied to its key "
            "factors, and a later assessment measures the change."
        ),
    )

    def __init__(self, *args: Any, assessments: list[Assessment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assessment"]
        field.queryset = Assessment.objects.filter(pk__in=[a.pk for a in assessments]).order_by(
            "-assessed_on", "-pk"
        )
        field.label_from_instance = lambda a: f"{a.title} ({a.assessed_on:%d %b %Y})"


class PlanForm(forms.ModelForm):
    """The plan's title and summary."""

    class Meta:
        model = ActionPlan
        fields = ["title", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}


class KeyFactorChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: KeyFactor) -> str:
        return f"{obj.position}. {obj.heading}"


class ObjectiveForm(PracticesMixin, forms.Form):
    """An objective: picked from the suggestions (prefilled) or the city's own, with the
    practices it adapts."""

    title = forms.CharField(label=_("Objective"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=10_000, widget=forms.Textarea
    )
    key_factors = KeyFactorChoice(
        label=_("Key factors"),
        queryset=KeyFactor.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The key factors of the toolkit this objective should improve."),
        error_messages={"required": _("Tie the objective to at least one key factor.")},
    )
    source = forms.ChoiceField(
        choices=Objective.Source.choices, initial=Objective.Source.OWN, widget=forms.HiddenInput
    )

    field_order = ["title", "description", "key_factors", "suggested", "practices", "source"]

    def __init__(
        self,
        *args: Any,
        plan: ActionPlan,
        offered: Sequence[services.PracticeSuggestion] = (),
        cited: Sequence[Practice] | None = None,
        reader: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._offer_practices(offered, cited, reader)
        toolkit = services.toolkit_of_plan(plan)
        if toolkit is None:
            # The theme has no published toolkit: objectives are saved without key factors.
            del self.fields["key_factors"]
            return
        field = self.fields["key_factors"]
        field.queryset = KeyFactor.objects.filter(toolkit=toolkit).order_by("position")
        if not plan.has_assessment:
            field.required = False
            field.help_text = _(
                "Optional until the plan is tied to the city's assessment: the key factors of "
                "%(toolkit)s this objective should improve."
            ) % {"toolkit": toolkit}


class ActionForm(PracticesMixin, forms.ModelForm):
    """Every field of an action; the sub-action's parent is chosen among the objective's
    actions; the practices it adapts."""

    parent = forms.ModelChoiceField(
        label=_("Part of"),
        queryset=Action.objects.none(),
        required=False,
        empty_label=_("(none: a top-level action)"),
        help_text=_("Make this a sub-action of another action of the same objective."),
    )

    class Meta:
        model = Action
        fields = [
            *ACTION_HEAD,
            "parent",
            *ACTION_PLANNING,
            *ACTION_FOLLOW_UP,
            "weight",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "partners": forms.Textarea(attrs={"rows": 2}),
            "risks": forms.Textarea(attrs={"rows": 2}),
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "progress": _("0 to 100. Empty: the status's default progress, if it has one."),
            "starts_on": _("As YYYY-MM-DD."),
            "ends_on": _("As YYYY-MM-DD; not before the start."),
        }

    def __init__(
        self,
        *args: Any,
        objective: Objective,
        offered: Sequence[services.PracticeSuggestion] = (),
        cited: Sequence[Practice] | None = None,
        reader: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._offer_practices(offered, cited, reader)
        parents = Action.objects.filter(objective=objective).order_by("position", "pk")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["status"].queryset = ActionStatus.objects.order_by("position", "name")
        self.fields["status"].empty_label = _("(no status)")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        try:
            services.check_action(self.action_in())
        except ServiceError as error:
            error.show_on(self)
        return data

    def action_in(self) -> services.ActionIn:
        """The cleaned fields as the services take them."""
        data = self.cleaned_data
        return services.ActionIn(
            **{
                name: data.get(name) if data.get(name) is not None else default
                for name, default in _ACTION_DEFAULTS.items()
            }
        )


#: What a field the form leaves empty is for the services: "" for text, else None.
_ACTION_DEFAULTS: dict[str, Any] = {
    field.name: "" if field.type == "str" else None
    for field in dataclasses.fields(services.ActionIn)
}


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Your comment"), max_length=5_000, widget=forms.Textarea)
