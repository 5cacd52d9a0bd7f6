"""Forms of the action plan pages: starting a plan, its objectives, actions and comments.

They check what a person types; the writes go through `citygrow.plans.services`, whose
`ServiceError` the views turn into form errors.
"""

import dataclasses
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from citygrow.assessments.models import Assessment
from citygrow.catalogue.models import KeyFactor
from citygrow.core.errors import ServiceError
from citygrow.plans import services
from citygrow.plans.compare import ACTION_FOLLOW_UP, ACTION_HEAD, ACTION_PLANNING
from citygrow.plans.models import Action, ActionPlan, ActionStatus, Objective


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


class ObjectiveForm(forms.Form):
    """An objective: picked from the suggestions (prefilled) or the city's own."""

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

    def __init__(self, *args: Any, plan: ActionPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
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


class ActionForm(forms.ModelForm):
    """Every field of an action; the sub-action's parent is chosen among the objective's
    actions."""

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

    def __init__(self, *args: Any, objective: Objective, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
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
