"""Following a plan up (issue 7, points 4 and 5): progress updates with their attachments, the
plan's timeline, its schedule (Gantt chart and table), overdue and soon-due actions, the
e-mail reminders, and the change measured by a later assessment.

Progress is not content: reporting it never marks the plan's content changed (so it never makes
a new draft version). This module reads and checks; the writes (reporting progress, linking the
later assessment) are in plans.services.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from citygrow.assessments.insights import results_of
from citygrow.assessments.models import Assessment
from citygrow.core import history
from citygrow.core.errors import ServiceError
from citygrow.people.models import AuditEntry, Role
from citygrow.plans import gantt, models
from citygrow.plans.models import (
    Action,
    ActionPlan,
    Endorsement,
    Objective,
    PlanVersion,
    ProgressUpdate,
    progress_of,
)

#: An action ending within this many days (and not closed) is "soon due".
SOON_DAYS = models.SOON_DAYS


def today() -> datetime.date:
    """The local date: what "overdue" is measured against."""
    return timezone.localdate()


# Overdue and soon-due actions -----------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """An action that is overdue or soon due."""

    action: Action
    overdue: bool
    days: int
    """Days past the end (overdue) or left until it (soon due)."""

    @property
    def ago(self) -> str:
        """How long ago an overdue action ended, in words: "3 days ago", "4 months ago",
        "7 years ago" (see `ago`)."""
        assert self.action.ends_on is not None
        return ago(self.action.ends_on, self.action.ends_on + datetime.timedelta(days=self.days))


def ago(day: datetime.date, on: datetime.date) -> str:
    """How long before `on` `day` was, in words: in days under a full month, in months under a
    full year, in years after ("overdue for 2708 days" reads "7 years ago")."""
    spent = history.elapsed(day, on)
    if spent.unit == "year":
        return ngettext("%(count)d year ago", "%(count)d years ago", spent.count) % {
            "count": spent.count
        }
    if spent.unit == "month":
        return ngettext("%(count)d month ago", "%(count)d months ago", spent.count) % {
            "count": spent.count
        }
    return ngettext("%(count)d day ago", "%(count)d days ago", spent.count) % {"count": spent.count}


def due_actions(actions: Iterable[Action], on: datetime.date) -> tuple[list[Due], list[Due]]:
    """(overdue, soon due) among `actions` (statuses selected), each by end date."""
    overdue, soon = [], []
    for action in actions:
        if action.is_overdue(on):
            overdue.append(Due(action, True, (on - action.ends_on).days))  # type: ignore[operator]
        elif action.is_soon_due(on):
            soon.append(Due(action, False, (action.ends_on - on).days))  # type: ignore[operator]
    key = lambda due: (due.action.ends_on, due.action.pk)  # noqa: E731
    return sorted(overdue, key=key), sorted(soon, key=key)


def _due_filter(on: datetime.date) -> Q:
    """Actions that may be overdue or soon due on `on`, in the database."""
    return Q(ends_on__lte=on + datetime.timedelta(days=SOON_DAYS)) & (
        Q(status__isnull=True) | Q(status__is_closed=False)
    )


def due_for_city(user: Any, city_id: int, on: datetime.date | None = None) -> list[Due]:
    """The overdue and soon-due actions of the plans of `city_id` that `user` may see as one of
    the plan's team (officers, mentors, facilitators, coordinators: people.access), overdue
    first. For the city's page; one query (none for an anonymous visitor)."""
    from citygrow.people.rules import roles_of

    if not getattr(user, "is_authenticated", False):
        return []
    roles = roles_of(user)
    if not roles.any:
        return []
    on = on or today()
    actions = [
        action
        for action in Action.objects.filter(
            _due_filter(on), plan__pairing__implementing_city=city_id
        )
        .select_related("status", "plan__pairing")
        .order_by("ends_on", "pk")
        if roles.may_see_private(city_id, action.plan.pairing.theme_id)
    ]
    overdue, soon = due_actions(actions, on)
    return overdue + soon


# The schedule ---------------------------------------------------------------------------------


def plan_actions(plan: ActionPlan) -> list[Action]:
    """The plan's actions in reading order: by objective, each action followed by its
    sub-actions (depth first); each with `level` set (0 for a top-level action). One query."""
    actions = list(
        Action.objects.filter(plan=plan)
        .select_related("status", "objective")
        .order_by("objective__position", "objective_id", "position", "pk")
    )
    children: dict[int | None, list[Action]] = defaultdict(list)
    for action in actions:
        children[action.parent_id].append(action)
    ordered: list[Action] = []

    def walk(action: Action, level: int) -> None:
        action.level = level  # type: ignore[attr-defined]
        ordered.append(action)
        for child in children.get(action.pk, []):
            walk(child, level + 1)

    for action in children.get(None, []):
        walk(action, 0)
    return ordered


@dataclass
class Schedule:
    """What the schedule shows: the chart's rows and table, and the due actions."""

    actions: list[Action]
    rows: list[gantt.GanttRow]
    table: list[gantt.GanttTableRow]
    overdue: list[Due]
    soon: list[Due]
    overall: Any = None


def schedule(plan: ActionPlan, on: datetime.date | None = None) -> Schedule:
    """The plan's actions as Gantt rows (indented by level, effective progress from the
    roll-up, overdue flagged) with their table, and the overdue and soon-due actions."""
    on = on or today()
    actions = plan_actions(plan)
    progress = progress_of(actions)
    rows = [
        gantt.GanttRow(
            label=action.title,
            level=action.level,  # type: ignore[attr-defined]
            start=action.starts_on,
            end=action.ends_on,
            progress=progress.progress(action.pk),
            status=str(action.status) if action.status else "",
            overdue=action.is_overdue(on),
        )
        for action in actions
    ]
    overdue, soon = due_actions(actions, on)
    return Schedule(
        actions=actions,
        rows=rows,
        table=gantt.gantt_table(rows),
        overdue=overdue,
        soon=soon,
        overall=progress.overall,
    )


def month_names() -> list[str]:
    """The month names of the chart, short, in the active language."""
    from django.utils.dates import MONTHS_3

    return [str(MONTHS_3[number]).capitalize() for number in range(1, 13)]


def chart(plan: ActionPlan, rows: Sequence[gantt.GanttRow], on: datetime.date) -> str:
    """The plan's Gantt chart as SVG, with translated labels."""
    return gantt.gantt_chart(
        rows,
        title=_("Schedule of the actions of %(plan)s") % {"plan": plan.title},
        today=on,
        month_names=month_names(),
        today_label=_("Today"),
    )


# Progress updates -----------------------------------------------------------------------------

# The timeline ---------------------------------------------------------------------------------


@dataclass
class Event:
    """One thing that happened to the plan."""

    day: datetime.date
    at: datetime.datetime | None
    """The moment, when known (for ordering events of the same day)."""
    kind: str
    """"created", "objective", "action", "version", "endorsement", "update"."""
    title: str
    by: str = ""
    detail: str = ""
    update: ProgressUpdate | None = None
    url: str = ""
    precision: str = models.DatePrecision.DAY
    """How precise `day` is: a day, or a month only (core.history)."""

    @property
    def when(self) -> str:
        """The day in words ("4 December 2017"), or the month alone ("December 2017")."""
        return models.when(self.day, self.precision, "j F Y")

    @property
    def iso(self) -> str:
        """The day for a `<time datetime>`: "2017-12-04", or "2017-12" for a month."""
        return history.iso(history.PastDate.of(self.day, self.precision))


def _day(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


def _name(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def timeline(plan: ActionPlan) -> list[Event]:
    """The plan's history, newest first: its start, the objectives and actions added (from the
    audit trail), the versions frozen, the endorsements and the progress updates. A fixed
    number of queries (six), whatever the size of the plan."""
    events = [
        Event(
            day=_day(plan.created_at),
            at=plan.created_at,
            kind="created",
            title=(
                _("Plan started from %(assessment)s") % {"assessment": plan.assessment}
                if plan.assessment is not None
                else _("Plan started from the visits' findings, before any assessment")
            ),
            by=_name(plan.created_by),
        )
    ]
    labels = {"plans.objective": "objective", "plans.action": "action"}
    ids_of = {
        "plans.objective": Objective.objects.filter(plan=plan),
        "plans.action": Action.objects.filter(plan=plan),
    }
    condition = Q()
    for target_type, queryset in ids_of.items():
        condition |= Q(
            target_type=target_type,
            target_id__in=queryset.annotate(text_id=Cast("pk", CharField())).values("text_id"),
        )
    entries = AuditEntry.objects.filter(condition, action=AuditEntry.Action.CREATE)
    for entry in entries:
        kind = labels[entry.target_type]
        title = (
            _("Objective added: %(title)s") if kind == "objective" else _("Action added: %(title)s")
        ) % {"title": entry.target_repr}
        events.append(
            Event(day=_day(entry.at), at=entry.at, kind=kind, title=title, by=entry.actor_name)
        )
    for version in PlanVersion.objects.filter(plan=plan).select_related("frozen_by"):
        events.append(
            Event(
                day=version.submitted_on,
                at=version.frozen_at,
                kind="version",
                title=_("Version %(number)s frozen for endorsement") % {"number": version.number},
                by=_name(version.frozen_by),
                precision=version.submitted_on_precision,
            )
        )
    for endorsement in Endorsement.objects.filter(version__plan=plan).select_related("version"):
        events.append(
            Event(
                day=endorsement.endorsed_on,
                at=endorsement.recorded_at,
                kind="endorsement",
                title=_("%(level)s endorsement of version %(number)s")
                % {"level": endorsement.get_level_display(), "number": endorsement.version.number},
                detail=_("%(name)s, %(role)s")
                % {"name": endorsement.endorsed_by, "role": endorsement.role},
                precision=endorsement.endorsed_on_precision,
            )
        )
    updates = (
        ProgressUpdate.objects.filter(action__plan=plan)
        .select_related("action", "status", "author")
        .prefetch_related("attachments")
    )
    for update in updates:
        events.append(
            Event(
                day=update.reported_on,
                at=update.created_at,
                kind="update",
                title=_("Progress on %(action)s") % {"action": update.action.title},
                by=_name(update.author),
                detail=update.text,
                update=update,
            )
        )
    epoch = datetime.datetime.min.replace(tzinfo=datetime.UTC)
    events.sort(key=lambda event: (event.day, event.at or epoch), reverse=True)
    return events


# Measured change ------------------------------------------------------------------------------


def follow_up_choices(plan: ActionPlan) -> list[Assessment]:
    """The assessments the plan's change can be measured with: of the same city on the same
    toolkit, submitted or later, assessed after the plan's assessment; newest first. None
    while the plan has no assessment (there is nothing to measure from)."""
    start = plan.assessment
    if start is None:
        return []
    return list(
        Assessment.objects.filter(
            city=start.city_id, toolkit=start.toolkit_id, assessed_on__gt=start.assessed_on
        )
        .exclude(status=Assessment.Status.DRAFT)
        .select_related("toolkit__theme")
        .order_by("-assessed_on", "-pk")
    )


def check_follow_up(plan: ActionPlan, assessment: Assessment) -> None:
    """Refuse (ServiceError) an assessment the plan's change cannot be measured with (see
    `follow_up_choices`)."""
    start = plan.assessment
    if start is None:
        raise ServiceError(
            _(
                "This plan has no assessment to measure from yet: tie it to the city's "
                "assessment first, on the plan's page."
            ),
            "assessment",
        )
    if assessment.city_id != start.city_id:
        raise ServiceError(
            _("Choose an assessment of %(city)s, the plan's city.") % {"city": start.city},
            "assessment",
        )
    if assessment.toolkit_id != start.toolkit_id:
        raise ServiceError(
            _("Choose an assessment on the toolkit the plan started from (%(toolkit)s).")
            % {"toolkit": start.toolkit},
            "assessment",
        )
    if assessment.status == Assessment.Status.DRAFT:
        raise ServiceError(_("Choose a submitted assessment, not a draft."), "assessment")
    if assessment.assessed_on <= start.assessed_on:
        raise ServiceError(
            _("Choose an assessment made after the plan's assessment (%(date)s).")
            % {"date": start.assessed_on.isoformat()},
            "assessment",
        )


@dataclass(frozen=True)
class FactorChange:
    number: int
    heading: str
    before: float | None
    after: float | None

    @property
    def difference(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return round(self.after - self.before, 1)


@dataclass
class ObjectiveChange:
    objective: Objective
    factors: list[FactorChange] = field(default_factory=list)


def measured_change(plan: ActionPlan) -> list[ObjectiveChange]:
    """Per objective, the score of each of its key factors in the plan's assessment and in the
    follow-up (None when a key factor has no score), and the difference. Empty when no
    follow-up is linked. A fixed number of queries."""
    objectives = list(Objective.objects.filter(plan=plan).prefetch_related("key_factors"))
    start, later = plan.assessment, plan.follow_up
    if start is None or later is None:
        return [ObjectiveChange(objective) for objective in objectives]
    results = results_of([start, later], start.toolkit_id)

    def score(assessment_id: int, position: int) -> float | None:
        try:
            value = results[assessment_id].factor(position).score
        except KeyError:
            return None
        return None if value is None else round(value, 1)

    changes = []
    for objective in objectives:
        factors = sorted(objective.key_factors.all(), key=lambda factor: factor.position)
        changes.append(
            ObjectiveChange(
                objective,
                [
                    FactorChange(
                        number=factor.position,
                        heading=factor.heading,
                        before=score(start.pk, factor.position),
                        after=score(later.pk, factor.position),
                    )
                    for factor in factors
                ],
            )
        )
    return changes


# Reminders ------------------------------------------------------------------------------------


@dataclass
class Reminder:
    """The e-mail one officer gets: their overdue and soon-due actions, by plan."""

    officer: Any
    overdue: list[Due] = field(default_factory=list)
    soon: list[Due] = field(default_factory=list)


def reminders(on: datetime.date | None = None) -> list[Reminder]:
    """One reminder per officer (active user with an officer role for a city that has a plan
    with overdue or soon-due actions, and an e-mail address). Two queries."""
    on = on or today()
    actions = list(
        Action.objects.filter(_due_filter(on))
        .select_related("status", "plan__pairing__implementing_city")
        .order_by("ends_on", "pk")
    )
    overdue, soon = due_actions(actions, on)
    by_city: dict[int, tuple[list[Due], list[Due]]] = defaultdict(lambda: ([], []))
    for due in overdue:
        by_city[due.action.plan.pairing.implementing_city_id][0].append(due)
    for due in soon:
        by_city[due.action.plan.pairing.implementing_city_id][1].append(due)
    if not by_city:
        return []
    result: dict[int, Reminder] = {}
    roles = (
        Role.objects.filter(kind=Role.Kind.OFFICER, city__in=list(by_city), user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id", "city_id")
    )
    for role in roles:
        reminder = result.setdefault(role.user_id, Reminder(role.user))
        city_overdue, city_soon = by_city[role.city_id]
        reminder.overdue.extend(city_overdue)
        reminder.soon.extend(city_soon)
    return list(result.values())
