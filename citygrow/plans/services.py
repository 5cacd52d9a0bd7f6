"""Every write to an action plan: starting it, its title and summary, its objectives and
actions, comments, versions and endorsements, progress updates, the follow-up assessment, and
the import of actions.

Views and the API call these (never the models' save); each is keyword-only, checks its input,
raises `ServiceError` with a message for the person (never a server error), writes in one
transaction and records the change in the audit trail. A change of content marks the plan's
content as changed (which makes the working copy a new draft once a version has been frozen:
see plans.versions); progress is not content. Permissions are checked by the callers
(plans.rules). What reads, computes and parses stays in plans.versions, plans.followup and
plans.transfer.

`at` is the moment recorded (the audit trail, when a record was made, what "not in the future"
is checked against); by default, now. The demo (citygrow.demo.plan) passes its own dates.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.base import File
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from citygrow.assessments.insights import practices_to_read, results_of
from citygrow.assessments.models import Assessment
from citygrow.catalogue.models import KeyFactor, Toolkit
from citygrow.core import files, history
from citygrow.core.errors import ServiceError
from citygrow.core.moments import stamp
from citygrow.mentoring.models import Finding, Pairing
from citygrow.mentoring.services import toolkit_of
from citygrow.people import audit
from citygrow.people.models import AuditEntry
from citygrow.plans import followup, transfer, versions
from citygrow.plans.models import (
    Action,
    ActionPlan,
    ActionStatus,
    Attachment,
    DatePrecision,
    Endorsement,
    Objective,
    PlanComment,
    PlanVersion,
    ProgressUpdate,
    when,
)
from citygrow.practices.models import Practice

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


# The moment recorded --------------------------------------------------------------------------


def _today(at: datetime.datetime | None) -> datetime.date:
    """The local date of `at` (today by default): what "not in the future" is checked against."""
    return timezone.localdate(at) if at is not None else followup.today()


def _record(
    *,
    by: Any,
    action: str,
    target: models.Model,
    plan: ActionPlan,
    at: datetime.datetime | None,
    changes: dict[str, Any] | None = None,
) -> None:
    """The audit entry of a change to `plan` (its implementing city's), dated `at`."""
    audit.record(
        actor=by,
        action=action,
        target=target,
        city=plan.pairing.implementing_city,
        changes=changes,
        at=at,
    )


def _save(plan: ActionPlan, at: datetime.datetime | None, *fields: str) -> None:
    """Save `fields` of `plan`, with its `updated_at`."""
    plan.save(update_fields=[*fields, "updated_at"])
    stamp(plan, at, "updated_at")


def _changed(plan: ActionPlan, at: datetime.datetime | None) -> None:
    plan.content_changed_at = at or timezone.now()
    _save(plan, at, "content_changed_at")


# Starting a plan ----------------------------------------------------------------------------


def assessments_to_start_from(pairing: Pairing) -> list[Assessment]:
    """The implementing city's assessments on the scheme's toolkit that a plan can start from
    (or be tied to later): submitted or later (a draft is unfinished), newest first. Empty when
    the theme has no published toolkit or the city has not submitted an assessment on it."""
    toolkit = toolkit_of(pairing.scheme)
    if toolkit is None:
        return []
    return list(
        Assessment.objects.filter(city=pairing.implementing_city_id, toolkit=toolkit)
        .exclude(status=Assessment.Status.DRAFT)
        .select_related("toolkit")
        .order_by("-assessed_on", "-pk")
    )


def toolkit_of_plan(plan: ActionPlan) -> Toolkit | None:
    """The toolkit whose key factors the plan's objectives are tied to: its assessment's;
    before it has one, the scheme's toolkit (its edition, else the theme's newest published
    one), so that objectives can be tied to key factors as soon as a toolkit exists. None
    when the theme has no published toolkit."""
    if plan.assessment_id is not None:
        return plan.assessment.toolkit  # type: ignore[union-attr]
    return toolkit_of(plan.pairing.scheme)


def _starting_assessment(pairing: Pairing, assessment: Assessment) -> Assessment:
    """`assessment`, if a plan of `pairing` can start from it (or be tied to it)."""
    if assessment.pk not in {a.pk for a in assessments_to_start_from(pairing)}:
        raise ServiceError(
            _("A plan starts from a submitted assessment of %(city)s on the scheme's toolkit.")
            % {"city": pairing.implementing_city},
            "assessment",
        )
    return assessment


@transaction.atomic
def start_plan(
    *,
    pairing: Pairing,
    assessment: Assessment | None,
    title: str,
    by: Any,
    summary: str = "",
    at: datetime.datetime | None = None,
) -> ActionPlan:
    """Start the implementing city's plan in `pairing`, from `assessment`; or, with None,
    from the visits' findings and the city's own objectives (the theme has no toolkit yet, or
    the city has not assessed itself: `tie_to_assessment` ties it to one later)."""
    if ActionPlan.objects.filter(pairing=pairing).exists():
        raise ServiceError(_("This pairing already has an action plan."))
    if assessment is not None:
        _starting_assessment(pairing, assessment)
    title = title.strip()
    if not title:
        raise ServiceError(_("Give the plan a title."), "title")
    plan = ActionPlan.objects.create(
        pairing=pairing,
        assessment=assessment,
        title=title,
        summary=summary,
        created_by=_person(by),
    )
    stamp(plan, at, "created_at", "updated_at")
    _record(by=by, action=AuditEntry.Action.CREATE, target=plan, plan=plan, at=at)
    return plan


@transaction.atomic
def tie_to_assessment(
    *, plan: ActionPlan, assessment: Assessment, by: Any, at: datetime.datetime | None = None
) -> ActionPlan:
    """Tie a plan started without an assessment to the city's baseline assessment, once the
    city has submitted one on the scheme's toolkit: its gaps are then offered as objectives,
    its key factors required of objectives, and the change can be measured with a later
    assessment. Refused when the plan has one already, or when an objective is tied to key
    factors of another toolkit (edition) than the assessment's."""
    plan = ActionPlan.objects.select_for_update(of=("self",)).with_pairing().get(pk=plan.pk)
    if plan.assessment_id is not None:
        raise ServiceError(
            _("This plan already starts from %(assessment)s.") % {"assessment": plan.assessment},
            "assessment",
        )
    _starting_assessment(plan.pairing, assessment)
    tie = (
        Objective.key_factors.through.objects.filter(objective__plan=plan)
        .exclude(keyfactor__toolkit=assessment.toolkit_id)
        .select_related("objective")
        .first()
    )
    if tie is not None:
        other = tie.objective
        raise ServiceError(
            _(
                "The objective “%(title)s” is tied to key factors of another toolkit than the "
                "assessment's (%(toolkit)s): tie it to this toolkit's key factors first."
            )
            % {"title": other.title, "toolkit": assessment.toolkit},
            "assessment",
        )
    plan.assessment = assessment
    _save(plan, at, "assessment")
    _record(
        by=by,
        action=AuditEntry.Action.CHANGE,
        target=plan,
        plan=plan,
        at=at,
        changes={"assessment": [None, str(assessment.pk)]},
    )
    return plan


@transaction.atomic
def save_plan(
    *, plan: ActionPlan, title: str, summary: str, by: Any, at: datetime.datetime | None = None
) -> ActionPlan:
    """Change the plan's title and summary (the form has checked them)."""
    plan.title, plan.summary = title, summary
    _save(plan, at, "title", "summary")
    _record(by=by, action=AuditEntry.Action.CHANGE, target=plan, plan=plan, at=at)
    _changed(plan, at)
    return plan


@transaction.atomic
def add_comment(
    *, plan: ActionPlan, text: str, by: Any, at: datetime.datetime | None = None
) -> PlanComment:
    """The team's comment on the plan; refused when empty."""
    text = text.strip()
    if not text:
        raise ServiceError(_("Write a comment."), "text")
    comment = PlanComment.objects.create(plan=plan, author=by, text=text)
    stamp(comment, at, "created_at")
    _record(by=by, action=AuditEntry.Action.CREATE, target=comment, plan=plan, at=at)
    return comment


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
    """Objectives offered to the city: one per gap of the assessment (largest first; none
    while the plan has no assessment), then one per barrier, challenge or recommended action in
    the published or draft reports of the pairing's visits, with those of its key factors that
    are in the plan's toolkit (none while the theme has no toolkit). Key factors already
    covered by an objective are not offered again as gaps."""
    toolkit = toolkit_of_plan(plan)
    factors = (
        {kf.position: kf for kf in KeyFactor.objects.filter(toolkit=toolkit)} if toolkit else {}
    )
    known = {kf.pk for kf in factors.values()}
    offered: list[Suggestion] = []
    if plan.assessment is not None:
        taken = set(
            Objective.key_factors.through.objects.filter(objective__plan=plan).values_list(
                "keyfactor_id", flat=True
            )
        )
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
        ids = tuple(kf.pk for kf in finding.key_factors.all() if kf.pk in known)
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


# Practices offered to cite ------------------------------------------------------------------


@dataclass(frozen=True)
class PracticeSuggestion:
    """A library practice the plan could say it adapts, and why it is offered."""

    practice: Practice
    reason: str
    """Why it is offered, in words."""
    key_factors: tuple[int, ...]
    """The key factor ids it is offered for (a gap's; those the practice illustrates)."""
    objectives: tuple[int, ...]
    """The ids of the plan's objectives tied to those key factors: where it fits."""


def practice_suggestions(plan: ActionPlan, user: Any) -> list[PracticeSuggestion]:
    """The practices offered to the plan's objectives and actions, each once, in this order:

    - for each gap of the plan's assessment (largest first), the practices its assessment
      report suggests reading (assessments.insights: "practices to read", best first); none
      while the plan has no assessment;
    - the practices seen on the visits: the mentor city's published practices on the plan's
      theme (its examples in the plan's toolkit, see `toolkit_of_plan`, and the practices it
      contributed that serve the theme).

    Only practices `user` may cite (`Practice.objects.citable`). A fixed number of queries.
    """
    fits: dict[int, set[int]] = {}
    for objective_id, factor_id in Objective.key_factors.through.objects.filter(
        objective__plan=plan
    ).values_list("objective_id", "keyfactor_id"):
        fits.setdefault(factor_id, set()).add(objective_id)

    def fitting(factor_ids: Iterable[int]) -> tuple[int, ...]:
        return tuple(sorted({o for f in factor_ids for o in fits.get(f, ())}))

    offered: dict[int, PracticeSuggestion] = {}
    assessment = plan.assessment
    if assessment is not None:
        report = practices_to_read(assessment)
        candidates = [p for _factor, practices in report for p in practices]
        citable = set(
            Practice.objects.citable(user)
            .filter(pk__in=[p.pk for p in candidates])
            .values_list("pk", flat=True)
        )
        for factor, practices in report:
            for practice in practices:
                if practice.pk in citable and practice.pk not in offered:
                    offered[practice.pk] = PracticeSuggestion(
                        practice=practice,
                        reason=_("Suggested by the assessment report for the gap in “%(heading)s”.")
                        % {"heading": factor.heading},
                        key_factors=(factor.pk,),
                        objectives=fitting([factor.pk]),
                    )
    pairing = plan.pairing
    toolkit = toolkit_of_plan(plan)
    on_theme = models.Q(
        origin=Practice.Origin.CONTRIBUTED,
        pk__in=Practice.themes.through.objects.filter(theme=pairing.theme_id).values("practice"),
    )
    if toolkit is not None:
        on_theme |= models.Q(origin=Practice.Origin.TOOLKIT, toolkit=toolkit)
    seen = (
        Practice.objects.citable(user)
        .filter(on_theme, city=pairing.mentor_city_id)
        .select_related("city", "key_factor")
        .prefetch_related("key_factors")
        .order_by("origin", "key_factor__position", "position", "pk")
    )
    for practice in seen:
        if practice.pk in offered:
            continue
        factors = (
            (practice.key_factor_id,)
            if practice.key_factor_id is not None
            else tuple(kf.pk for kf in practice.key_factors.all())
        )
        offered[practice.pk] = PracticeSuggestion(
            practice=practice,
            reason=_("A practice of %(city)s, the mentor city, on the theme: seen on the visits.")
            % {"city": practice.city.name},
            key_factors=factors,
            objectives=fitting(factors),
        )
    return list(offered.values())


# Objectives ---------------------------------------------------------------------------------


def _key_factors(plan: ActionPlan, ids: Iterable[int]) -> list[KeyFactor]:
    """The key factors `ids` of the plan's toolkit (see `toolkit_of_plan`). None is allowed
    while the plan has no assessment (an objective from a finding or the city's own, tied to
    key factors later); once it has one, at least one is required."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        if plan.assessment_id is None:
            return []
        raise ServiceError(_("Tie the objective to at least one key factor."), "key_factors")
    toolkit = toolkit_of_plan(plan)
    if toolkit is None:
        raise ServiceError(
            _(
                "The scheme's theme has no published toolkit yet: save the objective without "
                "key factors and tie it to them once there is one."
            ),
            "key_factors",
        )
    found = list(KeyFactor.objects.filter(pk__in=ids, toolkit=toolkit))
    if len(found) != len(ids):
        message = (
            _("Choose key factors of the toolkit the plan's assessment is on.")
            if plan.assessment_id is not None
            else _("Choose key factors of the scheme's toolkit (%(toolkit)s).")
            % {"toolkit": toolkit}
        )
        raise ServiceError(message, "key_factors")
    return found


def cited_practices(ids: Iterable[int], by: Any, kept: Iterable[int] = ()) -> list[Practice]:
    """The practices `ids` that an objective or action says it adapts: each must be a
    published practice of the library that `by` may read (a withdrawn one, a draft
    contribution or a draft edition's example cannot be newly cited). Those in `kept` (what
    the objective or action cites already) stay cited even if withdrawn since: a plan's
    history is not rewritten, and editing its text is not refused. In the order given."""
    ids = list(dict.fromkeys(ids))
    kept = set(kept)
    found = {p.pk: p for p in Practice.objects.filter(pk__in=kept & set(ids))}
    found.update({p.pk: p for p in Practice.objects.visible_to(by).filter(pk__in=ids)})
    citable = set(Practice.objects.citable(by).filter(pk__in=ids).values_list("pk", flat=True))
    for pk in ids:
        practice = found.get(pk)
        if practice is None:
            raise ServiceError(
                _("There is no practice %(id)s in the library.") % {"id": pk}, "practices"
            )
        if pk not in citable and pk not in kept:
            raise ServiceError(
                _("“%(practice)s” is not in the library (withdrawn or not yet published).")
                % {"practice": practice.title},
                "practices",
            )
    return [found[pk] for pk in ids]


def _already_cited(item: Objective | Action | None) -> set[int]:
    if item is None or item.pk is None:
        return set()
    return set(item.practices.values_list("pk", flat=True))


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
    practices: Sequence[int] | None = None,
    at: datetime.datetime | None = None,
) -> Objective:
    """Add an objective to `plan`, or change `objective`. `practices` are the library's
    practices it adapts (see `cited_practices`); None leaves them as they are."""
    title = title.strip()
    if not title:
        raise ServiceError(_("Say what the objective is."), "title")
    if source not in Objective.Source.values:
        raise ServiceError(_("Unknown source of an objective."), "source")
    chosen = _key_factors(plan, key_factors)
    cited = None if practices is None else cited_practices(practices, by, _already_cited(objective))
    creating = objective is None
    if objective is None:
        objective = Objective(plan=plan, position=plan.objectives.count() + 1, source=source)
    objective.title, objective.description = title, description
    objective.save()
    objective.key_factors.set(chosen)
    if cited is not None:
        objective.practices.set(cited)
    _record(
        by=by,
        action=AuditEntry.Action.CREATE if creating else AuditEntry.Action.CHANGE,
        target=objective,
        plan=plan,
        at=at,
    )
    _changed(plan, at)
    return objective


@transaction.atomic
def delete_objective(*, objective: Objective, by: Any, at: datetime.datetime | None = None) -> None:
    """Remove an objective with its actions (and their progress updates)."""
    plan = objective.plan
    _record(by=by, action=AuditEntry.Action.DELETE, target=objective, plan=plan, at=at)
    objective.delete()
    _changed(plan, at)


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
    """Refuse what an action cannot be; raises ServiceError naming the field."""
    if not data.title.strip():
        raise ServiceError(_("Give the action a title."), "title")
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        raise ServiceError(_("The end cannot be before the start."), "ends_on")
    if data.progress is not None and not 0 <= data.progress <= 100:
        raise ServiceError(_("Progress is a percentage, from 0 to 100."), "progress")
    if data.budget is not None and data.budget < 0:
        raise ServiceError(_("The budget cannot be negative."), "budget")
    if data.weight is not None and data.weight < 0:
        raise ServiceError(_("The weight cannot be negative."), "weight")


@transaction.atomic
def save_action(
    *,
    plan: ActionPlan,
    objective: Objective,
    data: ActionIn,
    by: Any,
    parent: Action | None = None,
    action: Action | None = None,
    practices: Sequence[int] | None = None,
    at: datetime.datetime | None = None,
) -> Action:
    """Add an action under `objective` (and under `parent`, as a sub-action), or change
    `action`. `practices` are the library's practices it adapts (see `cited_practices`); None
    leaves them as they are."""
    check_action(data)
    cited = None if practices is None else cited_practices(practices, by, _already_cited(action))
    if objective.plan_id != plan.pk:
        raise ServiceError(_("That objective belongs to another plan."), "objective")
    if parent is not None:
        if parent.plan_id != plan.pk or parent.objective_id != objective.pk:
            raise ServiceError(
                _("A sub-action belongs to an action of the same objective."), "parent"
            )
        ancestor: Action | None = parent
        while ancestor is not None:
            if action is not None and ancestor.pk == action.pk:
                raise ServiceError(_("An action cannot be part of itself."), "parent")
            ancestor = ancestor.parent
    creating = action is None
    if action is None:
        action = Action(plan=plan, position=plan.actions.count() + 1)
    action.objective, action.parent = objective, parent
    for name, value in vars(data).items():
        setattr(action, name, value.strip() if isinstance(value, str) else value)
    action.save()
    if cited is not None:
        action.practices.set(cited)
    _record(
        by=by,
        action=AuditEntry.Action.CREATE if creating else AuditEntry.Action.CHANGE,
        target=action,
        plan=plan,
        at=at,
    )
    _changed(plan, at)
    return action


@transaction.atomic
def delete_action(*, action: Action, by: Any, at: datetime.datetime | None = None) -> None:
    """Remove an action with its sub-actions and their progress updates."""
    plan = action.plan
    _record(by=by, action=AuditEntry.Action.DELETE, target=action, plan=plan, at=at)
    action.delete()
    _changed(plan, at)


@transaction.atomic
def import_actions(
    *, plan: ActionPlan, parsed: transfer.Parsed, by: Any, at: datetime.datetime | None = None
) -> dict[str, int]:
    """Write the rows of a checked file (plans.transfer.parse): create the new actions, update
    the changed ones (parents before their sub-actions); rows that change nothing are not
    written. Returns the counts of created, updated and unchanged actions."""
    if parsed.errors:
        raise ValueError("A file with errors is not imported.")
    objectives = {o.pk: o for o in Objective.objects.filter(plan=plan)}
    statuses = {s.pk: s for s in ActionStatus.objects.all()}
    by_ref = {row.ref: row for row in parsed.rows if row.ref}
    refs = {e.ref: e.id for e in transfer.known_for(plan).actions.values()}
    stored = Action.objects.filter(plan=plan).in_bulk(list(refs.values()))
    saved: dict[str, Action] = {}
    done: set[int] = set()

    def save(row: transfer.Row) -> Action | None:
        if id(row) in done:
            return saved.get(row.ref)
        done.add(id(row))
        parent = None
        if row.parent_ref is not None:
            if row.parent_ref in by_ref:
                parent = save(by_ref[row.parent_ref])
            else:
                parent = stored[refs[row.parent_ref]]
        if row.change == "unchanged":
            assert row.existing is not None  # an unchanged row is one that exists (transfer.parse)
            action = stored[row.existing.id]
        else:
            assert row.objective_id is not None  # a row without one is an error (transfer.parse)
            values = dict(row.values)
            values["status"] = statuses.get(values.pop("status_id"))
            action = save_action(
                plan=plan,
                objective=objectives[row.objective_id],
                data=ActionIn(**values),
                by=by,
                parent=parent,
                action=stored[row.existing.id] if row.existing else None,
                at=at,
            )
        if row.ref:
            saved[row.ref] = action
        return action

    for row in parsed.rows:
        save(row)
    return parsed.counts


# Versions and endorsements ------------------------------------------------------------------


def _past(day: datetime.date, precision: str, field: str) -> history.PastDate:
    """`day` at `precision`, or a ServiceError about `field` for an unknown precision."""
    try:
        return history.PastDate.of(day, precision)
    except ValueError:
        raise ServiceError(
            _("Say how precise the date is: a day, or a month only."), f"{field}_precision"
        ) from None


def _when(date: history.PastDate) -> str:
    return when(date.day, date.precision, "j F Y")


@transaction.atomic
def freeze(
    *,
    plan: ActionPlan,
    by: Any,
    at: datetime.datetime | None = None,
    submitted_on: datetime.date | None = None,
    submitted_on_precision: str = DatePrecision.DAY,
) -> PlanVersion:
    """Submit the working copy for endorsement: a new version numbered after the last one,
    submitted on `submitted_on` (the day of `at` by default; someone entering past events gives
    the day it happened, or its month with `submitted_on_precision="month"`). Refused
    when the plan has no objective, or has not changed since the last version; and a date in
    the future, before the programme's start or before the last version's submission."""
    ActionPlan.objects.select_for_update().filter(pk=plan.pk).first()  # one freeze at a time
    today = _today(at)
    submitted = _past(submitted_on or today, submitted_on_precision, "submitted_on")
    if submitted.is_future(today):
        raise ServiceError(_("The date of the submission cannot be in the future."), "submitted_on")
    programme = plan.pairing.scheme.programme
    if submitted.is_before_day(programme.starts_on):
        raise ServiceError(
            _(
                "The plan cannot have been submitted before its programme, %(programme)s, "
                "started on %(date)s."
            )
            % {
                "programme": programme.name,
                "date": formats.date_format(programme.starts_on, "j F Y"),
            },
            "submitted_on",
        )
    content = versions.snapshot(plan)
    if not content["objectives"]:
        raise ServiceError(_("Add at least one objective before submitting the plan."))
    last = versions.latest_version(plan)
    if last is not None and last.snapshot == content:
        raise ServiceError(
            _(
                "Nothing has changed since version %(number)s was submitted; there is no new "
                "version to submit."
            )
            % {"number": last.number}
        )
    if last is not None and submitted.is_before(last.submitted):
        raise ServiceError(
            _("Version %(number)s cannot be dated before version %(last)s, submitted on %(date)s.")
            % {"number": last.number + 1, "last": last.number, "date": _when(last.submitted)},
            "submitted_on",
        )
    version = PlanVersion.objects.create(
        plan=plan,
        number=(last.number if last else 0) + 1,
        snapshot=content,
        frozen_by=_person(by),
        submitted_on=submitted.day,
        submitted_on_precision=submitted.precision.value,
    )
    stamp(version, at, "frozen_at")
    _record(by=by, action=AuditEntry.Action.CREATE, target=version, plan=plan, at=at)
    return version


@transaction.atomic
def record_endorsement(
    *,
    version: PlanVersion,
    level: str,
    endorsed_by: str,
    role: str,
    endorsed_on: datetime.date,
    document: Any,
    by: Any,
    at: datetime.datetime | None = None,
    endorsed_on_precision: str = DatePrecision.DAY,
) -> Endorsement:
    """Record the administrative or political endorsement of `version` with its signed
    document, endorsed on `endorsed_on` (the day, or its month with
    `endorsed_on_precision="month"`). Refused (ServiceError, with the field): a level endorsed
    already, a version that is not the latest one, a date in the future or before the version
    was submitted, a missing name or role, a document that is not a PDF or a Word file, or is
    too large. With both levels, the version becomes the plan's endorsed version, in the same
    transaction."""
    plan = ActionPlan.objects.select_for_update().get(pk=version.plan_id)
    if level not in Endorsement.Level.values:
        raise ServiceError(_("Choose the level: administrative or political."), "level")
    last = versions.latest_version(plan)
    if last is None or last.pk != version.pk:
        raise ServiceError(
            _(
                "Version %(number)s is not the latest one: endorse version %(latest)s, the one "
                "submitted last."
            )
            % {"number": version.number, "latest": last.number if last else "?"}
        )
    earlier = Endorsement.objects.filter(version=version, level=level).first()
    if earlier is not None:
        raise ServiceError(
            _(
                "Version %(number)s is already endorsed at the %(level)s level by %(by)s on "
                "%(date)s."
            )
            % {
                "number": version.number,
                "level": earlier.get_level_display().lower(),
                "by": earlier.endorsed_by,
                "date": earlier.endorsed_when("DATE_FORMAT"),
            },
            "level",
        )
    endorsed_by, role = endorsed_by.strip(), role.strip()
    if not endorsed_by:
        raise ServiceError(_("Say who endorsed the plan."), "endorsed_by")
    if not role:
        raise ServiceError(_("Say in what role they endorsed it."), "role")
    if endorsed_on is None:
        raise ServiceError(_("Give the date of the endorsement."), "endorsed_on")
    endorsed = _past(endorsed_on, endorsed_on_precision, "endorsed_on")
    if endorsed.is_future(_today(at)):
        raise ServiceError(_("The date of the endorsement cannot be in the future."), "endorsed_on")
    if endorsed.is_before(version.submitted):
        raise ServiceError(
            _(
                "An endorsement cannot predate the version it endorses: version %(number)s was "
                "submitted on %(date)s."
            )
            % {"number": version.number, "date": _when(version.submitted)},
            "endorsed_on",
        )
    if document is None:
        raise ServiceError(_("Attach the signed document."), "document")
    extension = versions.document_kind(document, versions.upload_size(document))
    endorsement = Endorsement(
        version=version,
        level=level,
        endorsed_by=endorsed_by[:200],
        role=role[:200],
        endorsed_on=endorsed.day,
        endorsed_on_precision=endorsed.precision.value,
        recorded_by=_person(by),
    )
    endorsement.document.save(
        f"version-{version.number}-{level}{extension}", File(document), save=False
    )
    try:
        with transaction.atomic():
            endorsement.save()
    except IntegrityError:
        endorsement.document.delete(save=False)
        raise ServiceError(
            _("Version %(number)s was endorsed at this level meanwhile.")
            % {"number": version.number},
            "level",
        ) from None
    stamp(endorsement, at, "recorded_at")
    _record(by=by, action=AuditEntry.Action.CREATE, target=endorsement, plan=plan, at=at)
    levels = set(Endorsement.objects.filter(version=version).values_list("level", flat=True))
    if levels == set(Endorsement.Level.values):
        plan.endorsed_version = version
        _save(plan, at, "endorsed_version")
        if PlanVersion.plan.is_cached(version):
            version.plan.endorsed_version = version
    return endorsement


# Follow-up ----------------------------------------------------------------------------------


@transaction.atomic
def report_progress(
    *,
    action: Action,
    reported_on: datetime.date,
    text: str,
    by: Any,
    status: ActionStatus | None = None,
    progress: int | None = None,
    attachments: Sequence[UploadedFile] = (),
    at: datetime.datetime | None = None,
) -> ProgressUpdate:
    """Record a dated progress update on `action`, with its attachments, and set the action's
    status and progress to the new ones when given.

    A new status with a default progress (e.g. "Completed", 100) and no progress given clears
    the action's own progress, so that the roll-up takes the status's default (an action marked
    completed counts as 100 %, whatever it had before). A new status without a default keeps
    the action's progress. An action with sub-actions takes its progress from them, so none
    is reported on it. The plan's content is not changed (no new draft version).
    """
    text = text.strip()
    if not text:
        raise ServiceError(_("Say what happened."), "text")
    if reported_on > _today(at):
        raise ServiceError(_("The date of an update cannot be in the future."), "reported_on")
    if progress is not None and not 0 <= progress <= 100:
        raise ServiceError(_("Progress is a percentage, from 0 to 100."), "progress")
    if progress is not None and action.children.exists():
        raise ServiceError(
            _("This action's progress is rolled up from its sub-actions; report it on them."),
            "progress",
        )
    kinds = [files.check_attachment(upload) for upload in attachments]
    update = ProgressUpdate.objects.create(
        action=action,
        reported_on=reported_on,
        text=text,
        status=status,
        progress=progress,
        author=_person(by),
    )
    stamp(update, at, "created_at")
    for upload, kind in zip(attachments, kinds, strict=True):
        attachment = Attachment(update=update, name=files.attachment_name(upload, kind))
        upload.seek(0)
        attachment.file.save(files.stored_name(kind), upload, save=False)
        attachment.save()
    fields = []
    if status is not None:
        action.status = status
        fields.append("status")
        if progress is None and status.default_progress is not None:
            action.progress = None
            fields.append("progress")
    if progress is not None:
        action.progress = progress
        fields.append("progress")
    if fields:
        action.save(update_fields=sorted(set(fields)))
    _record(
        by=by,
        action=AuditEntry.Action.CREATE,
        target=update,
        plan=action.plan,
        at=at,
        changes={name: [None, str(getattr(action, name))] for name in sorted(set(fields))},
    )
    return update


@transaction.atomic
def link_follow_up(
    *, plan: ActionPlan, assessment: Assessment, by: Any, at: datetime.datetime | None = None
) -> ActionPlan:
    """Measure the plan's change with `assessment` (see plans.followup.follow_up_choices)."""
    followup.check_follow_up(plan, assessment)
    before = plan.follow_up_id
    plan.follow_up = assessment
    _save(plan, at, "follow_up")
    _record(
        by=by,
        action=AuditEntry.Action.CHANGE,
        target=plan,
        plan=plan,
        at=at,
        changes={"follow_up": [before and str(before), str(assessment.pk)]},
    )
    return plan
