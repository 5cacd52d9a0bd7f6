"""What changes an action plan's content: starting it, its objectives and its actions.

Views and the API call these; each checks its input, raises `PlanError` with a message for the
person (never a server error), writes in one transaction, records the change in the audit trail
and marks the plan's content as changed (which makes the working copy a new draft once a
version has been frozen: see plans.versions). Permissions are checked by the callers
(plans.rules).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citygrow.assessments.insights import results_of
from citygrow.assessments.models import Assessment
from citygrow.catalogue.models import KeyFactor
from citygrow.mentoring.models import Finding, Pairing
from citygrow.mentoring.services import toolkit_of
from citygrow.people import audit
from citygrow.people.models import AuditEntry
from citygrow.plans import rollup
from citygrow.plans.models import Action, ActionPlan, ActionStatus, Objective

#: The statuses a fresh site has (made by the plans migration 0002 and `seed`), with the
#: progress each implies when none is reported. Coordinators edit them in the admin.
DEFAULT_STATUSES = [
    # name, default progress, closed
    ("Not started", 0, False),
    ("In progress", None, False),
    ("Delayed", None, False),
    ("Completed", 100, True),
    ("Cancelled", None, True),
]


def ensure_default_statuses() -> int:
    """Create the default statuses that are missing (by name); returns how many were made.

    Migration 0002 makes them on a new database; `seed` calls this too, so that a database
    emptied since (tests that flush it, a reset) gets them back. Existing ones are left as
    they are."""
    made = 0
    for position, (name, progress, closed) in enumerate(DEFAULT_STATUSES, start=1):
        _status, created = ActionStatus.objects.get_or_create(
            name=name,
            defaults={"default_progress": progress, "is_closed": closed, "position": position},
        )
        made += created
    return made


class PlanError(Exception):
    """A request the plan does not allow; `message` says why. `field` names the form field it
    is about, when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _changed(plan: ActionPlan) -> None:
    plan.content_changed_at = timezone.now()
    plan.save(update_fields=["content_changed_at", "updated_at"])


# Starting a plan ----------------------------------------------------------------------------


def assessments_to_start_from(pairing: Pairing) -> list[Assessment]:
    """The implementing city's assessments on the scheme's toolkit that a plan can start from:
    submitted or later (a draft is unfinished), newest first."""
    toolkit = toolkit_of(pairing.scheme)
    if toolkit is None:
        return []
    return list(
        Assessment.objects.filter(city=pairing.implementing_city_id, toolkit=toolkit)
        .exclude(status=Assessment.Status.DRAFT)
        .order_by("-assessed_on", "-pk")
    )


@transaction.atomic
def start_plan(*, pairing: Pairing, assessment: Assessment, title: str, by: Any) -> ActionPlan:
    """Start the implementing city's plan in `pairing`, from `assessment`."""
    if ActionPlan.objects.filter(pairing=pairing).exists():
        raise PlanError(_("This pairing already has an action plan."))
    if assessment.pk not in {a.pk for a in assessments_to_start_from(pairing)}:
        raise PlanError(
            _("A plan starts from a submitted assessment of %(city)s on the scheme's toolkit.")
            % {"city": pairing.implementing_city},
            "assessment",
        )
    title = title.strip()
    if not title:
        raise PlanError(_("Give the plan a title."), "title")
    plan = ActionPlan.objects.create(
        pairing=pairing, assessment=assessment, title=title, created_by=_person(by)
    )
    audit.record(
        actor=by, action=AuditEntry.Action.CREATE, target=plan, city=pairing.implementing_city
    )
    return plan


def _person(by: Any) -> Any:
    return by if getattr(by, "is_authenticated", False) else None


# Objectives offered from the gaps and the findings -------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """An objective the plan could take up."""

    title: str
    key_factors: tuple[int, ...]
    """Key factor ids."""
    source: str
    """An `Objective.Source` value."""
    reason: str
    """Where it comes from, in words (with the figures for a gap)."""


def suggestions(plan: ActionPlan) -> list[Suggestion]:
    """Objectives offered to the city: one per gap of the assessment (largest first), then one
    per barrier, challenge or recommended action in the published or draft reports of the
    pairing's visits. Key factors already covered by an objective are not offered again."""
    taken = set(
        Objective.key_factors.through.objects.filter(objective__plan=plan).values_list(
            "keyfactor_id", flat=True
        )
    )
    factors = {
        kf.position: kf for kf in KeyFactor.objects.filter(toolkit=plan.assessment.toolkit_id)
    }
    offered: list[Suggestion] = []
    result = results_of([plan.assessment], plan.assessment.toolkit_id)[plan.assessment.pk]
    for gap in result.gaps:
        factor = factors.get(gap.key)
        if factor is None or factor.pk in taken:
            continue
        offered.append(
            Suggestion(
                title=_("Improve: %(heading)s") % {"heading": factor.heading},
                key_factors=(factor.pk,),
                source=Objective.Source.GAP,
                reason=_("Scored %(score)s against a target of %(target)s.")
                % {"score": _figure(gap.score), "target": _figure(gap.target)},
            )
        )
    findings = (
        Finding.objects.filter(
            report__visit__pairing=plan.pairing_id,
            kind__in=[Finding.Kind.BARRIER, Finding.Kind.CHALLENGE, Finding.Kind.ACTION],
        )
        .select_related("report__visit")
        .prefetch_related("key_factors")
        .order_by("report__visit__starts_on", "position", "pk")
    )
    for finding in findings:
        ids = tuple(kf.pk for kf in finding.key_factors.all())
        offered.append(
            Suggestion(
                title=finding.text[:300],
                key_factors=ids,
                source=Objective.Source.FINDING,
                reason=_("%(kind)s found on the %(visit)s.")
                % {"kind": finding.get_kind_display(), "visit": finding.report.visit},
            )
        )
    return offered


def _figure(value: float | None) -> str:
    return "\N{EN DASH}" if value is None else f"{round(value, 1):g}"


# Objectives ---------------------------------------------------------------------------------


def _key_factors(plan: ActionPlan, ids: Iterable[int]) -> list[KeyFactor]:
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise PlanError(_("Tie the objective to at least one key factor."), "key_factors")
    found = list(KeyFactor.objects.filter(pk__in=ids, toolkit=plan.assessment.toolkit_id))
    if len(found) != len(ids):
        raise PlanError(
            _("Choose key factors of the toolkit the plan's assessment is on."), "key_factors"
        )
    return found


@transaction.atomic
def save_objective(
    *,
    plan: ActionPlan,
    title: str,
    description: str = "",
    key_factors: Sequence[int],
    source: str = Objective.Source.OWN,
    by: Any,
    objective: Objective | None = None,
) -> Objective:
    """Add an objective to `plan`, or change `objective`."""
    title = title.strip()
    if not title:
        raise PlanError(_("Say what the objective is."), "title")
    if source not in Objective.Source.values:
        raise PlanError(_("Unknown source of an objective."), "source")
    chosen = _key_factors(plan, key_factors)
    creating = objective is None
    if objective is None:
        objective = Objective(plan=plan, position=plan.objectives.count() + 1, source=source)
    objective.title, objective.description = title, description
    objective.save()
    objective.key_factors.set(chosen)
    audit.record(
        actor=by,
        action=AuditEntry.Action.CREATE if creating else AuditEntry.Action.CHANGE,
        target=objective,
        city=plan.pairing.implementing_city,
    )
    _changed(plan)
    return objective


@transaction.atomic
def delete_objective(*, objective: Objective, by: Any) -> None:
    """Remove an objective with its actions (and their progress updates)."""
    plan = objective.plan
    audit.record(
        actor=by,
        action=AuditEntry.Action.DELETE,
        target=objective,
        city=plan.pairing.implementing_city,
    )
    objective.delete()
    _changed(plan)


# Actions ------------------------------------------------------------------------------------


@dataclass
class ActionIn:
    """An action's fields as given by a form, the API or an import row."""

    title: str
    description: str = ""
    lead: str = ""
    partners: str = ""
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    budget: Decimal | None = None
    funding: str = ""
    indicator: str = ""
    baseline: str = ""
    target: str = ""
    risks: str = ""
    status: ActionStatus | None = None
    progress: int | None = None
    weight: Decimal | None = None


def check_action(data: ActionIn) -> None:
    """Refuse what an action cannot be; raises PlanError naming the field."""
    if not data.title.strip():
        raise PlanError(_("Give the action a title."), "title")
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        raise PlanError(_("The end cannot be before the start."), "ends_on")
    if data.progress is not None and not 0 <= data.progress <= 100:
        raise PlanError(_("Progress is a percentage, from 0 to 100."), "progress")
    if data.budget is not None and data.budget < 0:
        raise PlanError(_("The budget cannot be negative."), "budget")
    if data.weight is not None and data.weight < 0:
        raise PlanError(_("The weight cannot be negative."), "weight")


@transaction.atomic
def save_action(
    *,
    plan: ActionPlan,
    objective: Objective,
    data: ActionIn,
    by: Any,
    parent: Action | None = None,
    action: Action | None = None,
) -> Action:
    """Add an action under `objective` (and under `parent`, as a sub-action), or change
    `action`."""
    check_action(data)
    if objective.plan_id != plan.pk:
        raise PlanError(_("That objective belongs to another plan."), "objective")
    if parent is not None:
        if parent.plan_id != plan.pk or parent.objective_id != objective.pk:
            raise PlanError(_("A sub-action belongs to an action of the same objective."), "parent")
        ancestor: Action | None = parent
        while ancestor is not None:
            if action is not None and ancestor.pk == action.pk:
                raise PlanError(_("An action cannot be part of itself."), "parent")
            ancestor = ancestor.parent
    creating = action is None
    if action is None:
        action = Action(plan=plan, position=plan.actions.count() + 1)
    action.objective, action.parent = objective, parent
    for name, value in vars(data).items():
        setattr(action, name, value.strip() if isinstance(value, str) else value)
    action.save()
    audit.record(
        actor=by,
        action=AuditEntry.Action.CREATE if creating else AuditEntry.Action.CHANGE,
        target=action,
        city=plan.pairing.implementing_city,
    )
    _changed(plan)
    return action


@transaction.atomic
def delete_action(*, action: Action, by: Any) -> None:
    """Remove an action with its sub-actions and their progress updates."""
    plan = action.plan
    audit.record(
        actor=by,
        action=AuditEntry.Action.DELETE,
        target=action,
        city=plan.pairing.implementing_city,
    )
    action.delete()
    _changed(plan)


# Progress -----------------------------------------------------------------------------------


def progress_of(actions: Sequence[Action]) -> rollup.Rollup:
    """The rolled-up progress of a plan's actions (all of them, statuses selected)."""
    statuses = {a.status_id: a.status for a in actions if a.status_id}
    return rollup.roll_up(
        [
            rollup.Action(
                id=a.pk,
                parent_id=a.parent_id,
                progress=a.progress,
                weight=a.weight,
                status=str(a.status_id) if a.status_id else None,
            )
            for a in actions
        ],
        [
            rollup.Status(key=str(key), default_progress=status.default_progress)
            for key, status in statuses.items()
        ],
    )
