"""Action plans in the JSON API: the plans, their objectives and actions (with the rolled-up
progress), starting a plan, the objectives offered from the gaps and findings, and the team's
comments (issue 7).

The rules are those of the pages (citygrow.plans.rules): an endorsed plan is public, a draft is
seen by the pairing's team only (404 to anyone else); the implementing city's officers start and
change it; the team (mentors and facilitators included) comments. Writes go through
`citygrow.plans.services`; what the data does not allow (a `PlanError`) is 422 with the
service's message under the field it is about, and nothing is stored. Key factors are given by
their number (position) in the plan's toolkit; statuses by name.
"""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from citygrow.api.auth import SIGNED_IN, require_write
from citygrow.api.schemas import ErrorOut
from citygrow.catalogue.models import KeyFactor
from citygrow.mentoring.models import Pairing
from citygrow.people import audit
from citygrow.people.models import AuditEntry
from citygrow.plans import services
from citygrow.plans.models import Action, ActionPlan, ActionStatus, Objective, PlanComment
from citygrow.plans.views_plans import plan_contents, plan_queryset, plans_visible_to

router = Router(tags=["action plans"])

#: An id or number as the database stores it (larger ones are refused with 422, not a 500).
Id = Annotated[int, Field(ge=-2_147_483_648, le=2_147_483_647)]

#: For the routes open to anyone (see citygrow.api.api.ANYONE).
ANYONE = {"security": [{}]}
READ = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


# Schemas --------------------------------------------------------------------------------------


class PlanSummary(Schema):
    id: int
    title: str
    city: str
    mentor_city: str
    programme: str
    theme: str
    pairing_id: int
    status: str = Field(description="endorsed or draft")
    progress: float | None = Field(description="Overall rolled-up progress, 0..100")
    url: str


class ActionOut(Schema):
    id: int
    objective_id: int
    parent_id: int | None
    depth: int = Field(description="0 for a top-level action, 1 for its sub-actions, ...")
    title: str
    description: str
    lead: str
    partners: str
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    budget: Decimal | None
    funding: str
    indicator: str
    baseline: str
    target: str
    risks: str
    status: str | None
    progress: int | None = Field(description="As reported; None when not")
    weight: Decimal | None
    effective_progress: float = Field(
        description="Rolled up from the sub-actions, else the progress, else the status's"
    )


class ObjectiveOut(Schema):
    id: int
    title: str
    description: str
    source: str
    key_factors: list[int]
    actions: list[ActionOut] = Field(description="In tree order: each action, then its sub-actions")


class CommentOut(Schema):
    id: int
    author: str | None
    text: str
    created_at: datetime.datetime


class PlanOut(PlanSummary):
    summary: str
    assessment_id: int
    objectives: list[ObjectiveOut]
    comments: list[CommentOut] | None = Field(
        description="The team's comments; null for those outside the team"
    )


class PlanIn(Schema):
    assessment_id: Id
    title: str = Field(max_length=200)


class ObjectiveIn(Schema):
    title: str = Field(max_length=300)
    description: str = Field("", max_length=10_000)
    key_factors: list[Id] = Field(description="Key factor numbers in the plan's toolkit")
    source: Objective.Source = Objective.Source.OWN


class ObjectivePatch(Schema):
    title: str | None = Field(None, max_length=300)
    description: str | None = Field(None, max_length=10_000)
    key_factors: list[Id] | None = None


class ActionFields(Schema):
    description: str = Field("", max_length=10_000)
    lead: str = Field("", max_length=200)
    partners: str = Field("", max_length=2_000)
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    budget: Decimal | None = Field(None, max_digits=12, decimal_places=2)
    funding: str = Field("", max_length=200)
    indicator: str = Field("", max_length=300)
    baseline: str = Field("", max_length=100)
    target: str = Field("", max_length=100)
    risks: str = Field("", max_length=2_000)
    status: str | None = Field(None, description="A status's name, e.g. Completed")
    progress: int | None = Field(None, ge=-32768, le=32767, description="0..100")
    weight: Decimal | None = Field(None, max_digits=7, decimal_places=2)
    parent_id: Id | None = Field(None, description="The action this is a sub-action of")


class ActionCreate(ActionFields):
    title: str = Field(max_length=300)


class ActionPatch(ActionFields):
    title: str | None = Field(None, max_length=300)


class CommentIn(Schema):
    text: str = Field(max_length=5_000)


class SuggestionOut(Schema):
    title: str
    key_factors: list[int]
    source: str
    reason: str


# Helpers --------------------------------------------------------------------------------------


#: The API's names of the fields the services name otherwise.
RENAMED = {"parent": "parent_id", "assessment": "assessment_id"}


def _refused(error: services.PlanError) -> Status:
    key = RENAMED.get(error.field or "", error.field)
    return Status(422, {"detail": error.message, "errors": {key: [error.message]} if key else {}})


def _forbidden(message: str) -> Status:
    return Status(403, {"detail": message})


def _visible_plan(request: HttpRequest, plan_id: int) -> ActionPlan:
    plan = get_object_or_404(plan_queryset(), pk=plan_id)
    if not request.user.has_perm("plans.view_plan", plan):
        raise Http404
    return plan


def _summary(request: HttpRequest, plan: ActionPlan, progress: Decimal | None) -> dict[str, Any]:
    pairing = plan.pairing
    return {
        "id": plan.pk,
        "title": plan.title,
        "city": pairing.implementing_city.name,
        "mentor_city": pairing.mentor_city.name,
        "programme": pairing.scheme.programme.name,
        "theme": pairing.scheme.theme.code,
        "pairing_id": pairing.pk,
        "status": "endorsed" if plan.is_endorsed else "draft",
        "progress": None if progress is None else float(progress),
        "url": request.build_absolute_uri(plan.get_absolute_url()),
    }


def _plan_out(request: HttpRequest, plan: ActionPlan) -> dict[str, Any]:
    blocks, result = plan_contents(plan)
    comments = None
    if request.user.has_perm("plans.comment_plan", plan):
        comments = [
            {
                "id": c.pk,
                "author": (c.author.get_full_name() or c.author.username) if c.author else None,
                "text": c.text,
                "created_at": c.created_at,
            }
            for c in PlanComment.objects.filter(plan=plan).select_related("author")
        ]
    return {
        **_summary(request, plan, result.overall),
        "summary": plan.summary,
        "assessment_id": plan.assessment_id,
        "objectives": [
            {
                "id": block.objective.pk,
                "title": block.objective.title,
                "description": block.objective.description,
                "source": block.objective.source,
                "key_factors": sorted(kf.position for kf in block.objective.key_factors.all()),
                "actions": [_action_out(row.action, row.depth, row.progress) for row in block.rows],
            }
            for block in blocks
        ],
        "comments": comments,
    }


def _action_out(action: Action, depth: int, progress: Decimal) -> dict[str, Any]:
    return {
        **{
            name: getattr(action, name)
            for name in [
                "id",
                "objective_id",
                "parent_id",
                "title",
                "description",
                "lead",
                "partners",
                "starts_on",
                "ends_on",
                "budget",
                "funding",
                "indicator",
                "baseline",
                "target",
                "risks",
                "progress",
                "weight",
            ]
        },
        "depth": depth,
        "status": action.status.name if action.status_id else None,
        "effective_progress": float(progress),
    }


def _changer(request: HttpRequest, plan_id: int) -> ActionPlan | Status:
    require_write(request)
    plan = _visible_plan(request, plan_id)
    if not request.user.has_perm("plans.change_plan", plan):
        return _forbidden(_("Only the city's officers change its action plan."))
    return plan


def _key_factor_ids(plan: ActionPlan, numbers: list[int]) -> list[int] | Status:
    found = dict(
        KeyFactor.objects.filter(
            toolkit=plan.assessment.toolkit_id, position__in=numbers
        ).values_list("position", "pk")
    )
    unknown = [n for n in numbers if n not in found]
    if unknown:
        message = _("The plan's toolkit has no key factor %(number)s.") % {"number": unknown[0]}
        return Status(422, {"detail": message, "errors": {"key_factors": [message]}})
    return [found[n] for n in numbers]


# Reads ----------------------------------------------------------------------------------------


@router.get(
    "/plans",
    response={200: list[PlanSummary], 401: ErrorOut},
    openapi_extra=ANYONE,
    summary="Action plans",
)
def list_plans(request: HttpRequest) -> list[dict[str, Any]]:
    """The endorsed plans (public), and the drafts the caller's team may see."""
    plans = (
        plans_visible_to(request.user)
        .select_related(
            "pairing__scheme__programme",
            "pairing__scheme__theme",
            "pairing__implementing_city",
            "pairing__mentor_city",
            "endorsed_version",
        )
        .prefetch_related(Prefetch("actions", queryset=Action.objects.select_related("status")))
        .order_by("pairing__implementing_city__name", "-created_at")
    )
    return [
        _summary(request, plan, services.progress_of(list(plan.actions.all())).overall)
        for plan in plans
    ]


@router.get(
    "/plans/{plan_id}",
    response={200: PlanOut, **READ},
    openapi_extra=ANYONE,
    summary="One action plan with its objectives and actions",
)
def get_plan(request: HttpRequest, plan_id: int) -> Any:
    """The actions of each objective come in tree order, each with its depth, its parent and
    its effective (rolled-up) progress."""
    return _plan_out(request, _visible_plan(request, plan_id))


@router.get(
    "/plans/{plan_id}/suggestions",
    response={200: list[SuggestionOut], 403: ErrorOut, **READ},
    auth=SIGNED_IN,
    summary="Objectives offered from the assessment's gaps and the visits' findings",
)
def list_suggestions(request: HttpRequest, plan_id: int) -> Any:
    """For the plan's team. Key factors already covered by an objective are not offered."""
    plan = _visible_plan(request, plan_id)
    if not request.user.has_perm("plans.comment_plan", plan):
        return _forbidden(_("Only the city's team sees what the plan is offered."))
    offered = services.suggestions(plan)
    positions = dict(
        KeyFactor.objects.filter(toolkit=plan.assessment.toolkit_id).values_list("pk", "position")
    )
    return [
        {
            "title": s.title,
            "key_factors": [positions[pk] for pk in s.key_factors if pk in positions],
            "source": s.source,
            "reason": s.reason,
        }
        for s in offered
    ]


# Writes ---------------------------------------------------------------------------------------


@router.post(
    "/pairings/{pairing_id}/plan",
    response={**WRITE, 201: PlanOut},
    auth=SIGNED_IN,
    summary="Start the action plan of a pairing's implementing city",
)
def start_plan(request: HttpRequest, pairing_id: int, payload: PlanIn) -> Any:
    """For the implementing city's officers, from a submitted assessment of the city on the
    scheme's toolkit. One plan per pairing."""
    require_write(request)
    pairing = get_object_or_404(Pairing, pk=pairing_id)
    if not request.user.has_perm("plans.add_plan", pairing):
        return _forbidden(_("Only the implementing city's officers start its action plan."))
    assessment = next(
        (a for a in services.assessments_to_start_from(pairing) if a.pk == payload.assessment_id),
        None,
    )
    if assessment is None:
        message = _(
            "A plan starts from a submitted assessment of %(city)s on the scheme's toolkit."
        )
        message %= {"city": pairing.implementing_city}
        return Status(422, {"detail": message, "errors": {"assessment_id": [message]}})
    try:
        plan = services.start_plan(
            pairing=pairing, assessment=assessment, title=payload.title, by=request.user
        )
    except services.PlanError as error:
        return _refused(error)
    return Status(201, _plan_out(request, _visible_plan(request, plan.pk)))


@router.post(
    "/plans/{plan_id}/objectives",
    response={**WRITE, 201: ObjectiveOut},
    auth=SIGNED_IN,
    summary="Add an objective to a plan",
)
def add_objective(request: HttpRequest, plan_id: int, payload: ObjectiveIn) -> Any:
    """For the city's officers: tied to one or more key factors, by number."""
    plan = _changer(request, plan_id)
    if isinstance(plan, Status):
        return plan
    ids = _key_factor_ids(plan, payload.key_factors)
    if isinstance(ids, Status):
        return ids
    try:
        objective = services.save_objective(
            plan=plan,
            title=payload.title,
            description=payload.description,
            key_factors=ids,
            source=payload.source,
            by=request.user,
        )
    except services.PlanError as error:
        return _refused(error)
    return Status(201, _objective_out(plan, objective.pk))


def _objective_out(plan: ActionPlan, objective_id: int) -> dict[str, Any]:
    blocks, _result = plan_contents(plan)
    block = next(b for b in blocks if b.objective.pk == objective_id)
    return {
        "id": block.objective.pk,
        "title": block.objective.title,
        "description": block.objective.description,
        "source": block.objective.source,
        "key_factors": sorted(kf.position for kf in block.objective.key_factors.all()),
        "actions": [_action_out(row.action, row.depth, row.progress) for row in block.rows],
    }


@router.patch(
    "/plans/{plan_id}/objectives/{objective_id}",
    response={**WRITE, 200: ObjectiveOut},
    auth=SIGNED_IN,
    summary="Change an objective",
)
def change_objective(
    request: HttpRequest, plan_id: int, objective_id: int, payload: ObjectivePatch
) -> Any:
    """Only the fields sent change."""
    plan = _changer(request, plan_id)
    if isinstance(plan, Status):
        return plan
    objective = get_object_or_404(Objective, pk=objective_id, plan=plan)
    if payload.key_factors is None:
        ids: list[int] | Status = list(objective.key_factors.values_list("pk", flat=True))
    else:
        ids = _key_factor_ids(plan, payload.key_factors)
    if isinstance(ids, Status):
        return ids
    try:
        services.save_objective(
            plan=plan,
            objective=objective,
            title=objective.title if payload.title is None else payload.title,
            description=(
                objective.description if payload.description is None else payload.description
            ),
            key_factors=ids,
            source=objective.source,
            by=request.user,
        )
    except services.PlanError as error:
        return _refused(error)
    return _objective_out(plan, objective.pk)


@router.delete(
    "/plans/{plan_id}/objectives/{objective_id}",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=SIGNED_IN,
    summary="Delete an objective with its actions",
)
def delete_objective(request: HttpRequest, plan_id: int, objective_id: int) -> Any:
    plan = _changer(request, plan_id)
    if isinstance(plan, Status):
        return plan
    objective = get_object_or_404(Objective, pk=objective_id, plan=plan)
    services.delete_objective(objective=objective, by=request.user)
    return Status(204, None)


def _action_data(payload: Any, action: Action | None) -> services.ActionIn | Status:
    """The action's fields: those sent, the others as stored (or empty for a new one)."""
    sent = payload.dict(exclude_unset=action is not None)
    sent.pop("parent_id", None)
    if "status" in sent:
        name = sent["status"]
        if name is None:
            sent["status"] = None
        else:
            status = ActionStatus.objects.filter(name=name).first()
            if status is None:
                message = _("There is no such status: %(name)s.") % {"name": name}
                return Status(422, {"detail": message, "errors": {"status": [message]}})
            sent["status"] = status
    if action is None:
        return services.ActionIn(**sent)
    stored = {name: getattr(action, name) for name in services.ActionIn.__dataclass_fields__}
    return services.ActionIn(**{**stored, **{k: v for k, v in sent.items() if k in stored}})


def _parent(plan: ActionPlan, parent_id: int | None) -> Action | Status | None:
    if parent_id is None:
        return None
    parent = Action.objects.filter(pk=parent_id, plan=plan).first()
    if parent is None:
        message = _("This plan has no action %(id)s.") % {"id": parent_id}
        return Status(422, {"detail": message, "errors": {"parent_id": [message]}})
    return parent


def _saved_action(plan: ActionPlan, action_id: int) -> dict[str, Any]:
    blocks, _result = plan_contents(plan)
    row = next(r for b in blocks for r in b.rows if r.action.pk == action_id)
    return _action_out(row.action, row.depth, row.progress)


@router.post(
    "/plans/{plan_id}/objectives/{objective_id}/actions",
    response={**WRITE, 201: ActionOut},
    auth=SIGNED_IN,
    summary="Add an action (or, with parent_id, a sub-action) to an objective",
)
def add_action(request: HttpRequest, plan_id: int, objective_id: int, payload: ActionCreate) -> Any:
    """Checked as on the page: an end not before the start, progress 0..100, a budget and a
    weight not negative, a parent of the same objective."""
    plan = _changer(request, plan_id)
    if isinstance(plan, Status):
        return plan
    objective = get_object_or_404(Objective, pk=objective_id, plan=plan)
    data = _action_data(payload, None)
    parent = _parent(plan, payload.parent_id)
    for refused in (data, parent):
        if isinstance(refused, Status):
            return refused
    try:
        action = services.save_action(
            plan=plan, objective=objective, parent=parent, data=data, by=request.user
        )
    except services.PlanError as error:
        return _refused(error)
    return Status(201, _saved_action(plan, action.pk))


@router.patch(
    "/plans/{plan_id}/actions/{action_id}",
    response={**WRITE, 200: ActionOut},
    auth=SIGNED_IN,
    summary="Change an action",
)
def change_action(request: HttpRequest, plan_id: int, action_id: int, payload: ActionPatch) -> Any:
    """Only the fields sent change; `parent_id` null makes it a top-level action."""
    plan = _changer(request, plan_id)
    if isinstance(plan, Status):
        return plan
    action = get_object_or_404(
        Action.objects.select_related("objective", "parent"), pk=action_id, plan=plan
    )
    data = _action_data(payload, action)
    parent = (
        _parent(plan, payload.parent_id)
        if "parent_id" in payload.model_fields_set
        else action.parent
    )
    for refused in (data, parent):
        if isinstance(refused, Status):
            return refused
    try:
        services.save_action(
            plan=plan,
            objective=action.objective,
            parent=parent,
            action=action,
            data=data,
            by=request.user,
        )
    except services.PlanError as error:
        return _refused(error)
    return _saved_action(plan, action.pk)


@router.delete(
    "/plans/{plan_id}/actions/{action_id}",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=SIGNED_IN,
    summary="Delete an action with its sub-actions",
)
def delete_action(request: HttpRequest, plan_id: int, action_id: int) -> Any:
    plan = _changer(request, plan_id)
    if isinstance(plan, Status):
        return plan
    action = get_object_or_404(Action, pk=action_id, plan=plan)
    services.delete_action(action=action, by=request.user)
    return Status(204, None)


@router.post(
    "/plans/{plan_id}/comments",
    response={**WRITE, 201: CommentOut},
    auth=SIGNED_IN,
    summary="Comment on a plan",
)
def add_comment(request: HttpRequest, plan_id: int, payload: CommentIn) -> Any:
    """For the plan's team: its officers, mentors, the theme's facilitators, coordinators."""
    require_write(request)
    plan = _visible_plan(request, plan_id)
    if not request.user.has_perm("plans.comment_plan", plan):
        return _forbidden(_("Only the city's team comments on its action plan."))
    text = payload.text.strip()
    if not text:
        message = _("Write a comment.")
        return Status(422, {"detail": message, "errors": {"text": [message]}})
    comment = PlanComment.objects.create(plan=plan, author=request.user, text=text)
    audit.record(
        actor=request.user,
        action=AuditEntry.Action.CREATE,
        target=comment,
        city=plan.pairing.implementing_city,
    )
    user = request.user
    return Status(
        201,
        {
            "id": comment.pk,
            "author": user.get_full_name() or user.username,
            "text": comment.text,
            "created_at": comment.created_at,
        },
    )
