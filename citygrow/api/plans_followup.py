"""The follow-up of action plans in the JSON API (issue 7, points 4 and 5): reporting progress on
an action, the plan's timeline, its schedule (the rows of the Gantt table) and the change
measured by a later assessment.

As on the pages (plans.rules, citygrow.plans.views_followup): a plan the caller may not see is
404, one they see but may not act on is 403; writes need a signed-in caller (401) and a
read-write token. What the plan does not allow (a `ServiceError`) is 422 with its message keyed by
the field it is about. Attachments of a progress update are uploaded on the page (multipart
form), not through this API; their download links are listed here.
"""

import datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from citygrow.api.auth import SIGNED_IN
from citygrow.api.common import ANYONE, READ, WRITE, absolute, invalid, not_found
from citygrow.api.plans_core import acting_plan, visible_plan
from citygrow.api.schemas import NO_NUL
from citygrow.assessments.models import Assessment
from citygrow.core.errors import ServiceError
from citygrow.people.rules import may_see_private
from citygrow.plans import followup, services
from citygrow.plans.models import Action, ActionPlan, ActionStatus

router = Router(tags=["action plans"])


def _plan(request: HttpRequest, plan_id: int) -> ActionPlan:
    """The plan if the caller may see it (404 otherwise)."""
    return visible_plan(request, plan_id, missing=_("There is no such action plan."))


def _acting(request: HttpRequest, plan_id: int, perm: str) -> ActionPlan:
    """A write route's plan: see plans_core.acting_plan."""
    return acting_plan(
        request,
        plan_id,
        perm,
        _("You may not do this on this plan."),
        missing=_("There is no such action plan."),
    )


# -- shapes -------------------------------------------------------------------------------------


class AttachmentOut(Schema):
    name: str
    url: str


class UpdateOut(Schema):
    id: int
    action_id: int
    action: str
    reported_on: datetime.date
    text: str
    status: str | None
    progress: int | None
    author: str | None
    attachments: list[AttachmentOut]


class UpdateIn(Schema):
    reported_on: datetime.date
    text: str = Field(..., pattern=NO_NUL, max_length=10_000)
    status: str | None = Field(
        None,
        pattern=NO_NUL,
        description="The name of the new status (e.g. Completed); none: unchanged.",
    )
    progress: int | None = Field(
        None,
        description="The new progress, 0..100; none: unchanged (or the status's default).",
    )


class TimelineEventOut(Schema):
    date: datetime.date
    kind: str
    title: str
    by: str | None
    detail: str
    update: UpdateOut | None


class ScheduleRowOut(Schema):
    number: int
    action_id: int
    title: str
    level: int
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    days: int | None
    progress: float | None
    status: str
    overdue: bool
    soon_due: bool


class ScheduleOut(Schema):
    today: datetime.date
    overall_progress: float | None
    rows: list[ScheduleRowOut]


class AssessmentRef(Schema):
    id: int
    title: str
    assessed_on: datetime.date


class FactorChangeOut(Schema):
    number: int
    heading: str
    before: float | None
    after: float | None
    difference: float | None


class ObjectiveChangeOut(Schema):
    objective_id: int
    title: str
    key_factors: list[FactorChangeOut]


class MeasuredChangeOut(Schema):
    assessment: AssessmentRef | None = Field(
        description="The assessment the plan starts from; null while it has none"
    )
    follow_up: AssessmentRef | None
    objectives: list[ObjectiveChangeOut]


class ChangeIn(Schema):
    assessment_id: int = Field(..., description="A later assessment of the city, same toolkit.")


def _update_out(request: HttpRequest, update: Any, plan_id: int, people: bool) -> dict:
    return {
        "id": update.pk,
        "action_id": update.action_id,
        "action": update.action.title,
        "reported_on": update.reported_on,
        "text": update.text,
        "status": update.status.name if update.status else None,
        "progress": update.progress,
        "author": followup._name(update.author) if people and update.author else None,
        "attachments": [
            {
                "name": item.name,
                "url": absolute(request, reverse("plans:attachment", args=[plan_id, item.pk])),
            }
            for item in update.attachments.all()
        ],
    }


def _ref(assessment: Assessment | None) -> dict | None:
    if assessment is None:
        return None
    return {"id": assessment.pk, "title": assessment.title, "assessed_on": assessment.assessed_on}


def _change_out(plan: ActionPlan) -> dict[str, Any]:
    return {
        "assessment": _ref(plan.assessment),
        "follow_up": _ref(plan.follow_up),
        "objectives": [
            {
                "objective_id": change.objective.pk,
                "title": change.objective.title,
                "key_factors": [
                    {
                        "number": factor.number,
                        "heading": factor.heading,
                        "before": factor.before,
                        "after": factor.after,
                        "difference": factor.difference,
                    }
                    for factor in change.factors
                ],
            }
            for change in followup.measured_change(plan)
        ],
    }


# -- routes -------------------------------------------------------------------------------------


@router.post(
    "/plans/{plan_id}/actions/{action_id}/updates",
    response={**WRITE, 201: UpdateOut},
    auth=SIGNED_IN,
    summary="Report progress on an action",
)
def report_progress(request: HttpRequest, plan_id: int, action_id: int, payload: UpdateIn) -> Any:
    """For the city's officers: a dated update (not in the future) with what happened, and
    optionally the action's new status and progress (0..100). A status with a default progress
    and no progress given clears the action's own progress, so its default counts. Files are
    attached on the page, not here."""
    plan = _acting(request, plan_id, "plans.report_progress")
    action = Action.objects.filter(pk=action_id, plan=plan).select_related("plan__pairing").first()
    if action is None:
        raise not_found(_("There is no such action in this plan."))
    status = None
    if payload.status is not None:
        status = ActionStatus.objects.filter(name=payload.status).first()
        if status is None:
            raise invalid(
                "status", _("There is no such status: %(name)s.") % {"name": payload.status}
            )
    update = services.report_progress(
        action=action,
        reported_on=payload.reported_on,
        text=payload.text,
        status=status,
        progress=payload.progress,
        by=request.user,
    )
    update = (
        type(update)
        .objects.select_related("action", "status", "author")
        .prefetch_related("attachments")
        .get(pk=update.pk)
    )
    return Status(201, _update_out(request, update, plan.pk, True))


@router.get(
    "/plans/{plan_id}/timeline",
    response={**READ, 200: list[TimelineEventOut]},
    openapi_extra=ANYONE,
    summary="The history of a plan, newest first",
)
def get_timeline(request: HttpRequest, plan_id: int) -> Any:
    """Its start, objectives and actions added, versions frozen, endorsements and progress
    updates. Who did what is shown to the plan's team only."""
    plan = _plan(request, plan_id)
    people = may_see_private.test(request.user, plan)
    return [
        {
            "date": event.day,
            "kind": event.kind,
            "title": event.title,
            "by": (event.by or None) if people else None,
            "detail": event.detail,
            "update": _update_out(request, event.update, plan.pk, people) if event.update else None,
        }
        for event in followup.timeline(plan)
    ]


@router.get(
    "/plans/{plan_id}/schedule",
    response={**READ, 200: ScheduleOut},
    openapi_extra=ANYONE,
    summary="The schedule of a plan's actions (the Gantt chart's table)",
)
def get_schedule(request: HttpRequest, plan_id: int) -> Any:
    """Every action in reading order with its level, dates, effective (rolled-up) progress,
    status, and whether it is overdue (end passed, not closed) or due within 30 days."""
    plan = _plan(request, plan_id)
    on = followup.today()
    planned = followup.schedule(plan, on)
    return {
        "today": on,
        "overall_progress": None if planned.overall is None else float(planned.overall),
        "rows": [
            {
                "number": row.number,
                "action_id": action.pk,
                "title": row.label,
                "level": row.level,
                "starts_on": row.start,
                "ends_on": row.end,
                "days": row.days,
                "progress": None if row.progress is None else float(row.progress),
                "status": row.status,
                "overdue": row.overdue,
                "soon_due": action.is_soon_due(on),
            }
            for row, action in zip(planned.table, planned.actions, strict=True)
        ],
    }


@router.get(
    "/plans/{plan_id}/change",
    response={**READ, 200: MeasuredChangeOut},
    openapi_extra=ANYONE,
    summary="The change measured since the plan started",
)
def get_change(request: HttpRequest, plan_id: int) -> Any:
    """Per objective, each key factor's score in the plan's assessment and in the later one,
    and the difference (none until a later assessment is linked)."""
    plan = _plan(request, plan_id)
    return _change_out(plan)


@router.put(
    "/plans/{plan_id}/change",
    response={**WRITE, 200: MeasuredChangeOut},
    auth=SIGNED_IN,
    summary="Link the later assessment that measures the change",
)
def put_change(request: HttpRequest, plan_id: int, payload: ChangeIn) -> Any:
    """For the city's officers: an assessment of the same city, on the same toolkit, submitted
    or later, assessed after the plan's assessment."""
    plan = _acting(request, plan_id, "plans.change_plan")
    later = Assessment.objects.filter(pk=payload.assessment_id).first()
    if later is None or not request.user.has_perm("assessments.view_assessment", later):
        raise invalid("assessment_id", _("There is no such assessment."))
    try:
        services.link_follow_up(plan=plan, assessment=later, by=request.user)
    except ServiceError as error:
        raise invalid("assessment_id", error.message) from None
    return _change_out(
        ActionPlan.objects.with_pairing().select_related("follow_up").get(pk=plan.pk)
    )
