"""Action plans in the JSON API: the plans, their objectives and actions (with the rolled-up
progress), starting a plan, the objectives offered from the gaps and findings, and the team's
comments (issue 7). Objectives and actions cite the library's practices they adapt (issue 13):
`practices` in and out.

The rules are those of the pages (citygrow.plans.rules): an endorsed plan is public, a draft is
seen by the pairing's team only (404 to anyone else); the implementing city's officers start and
change it; the team (mentors and facilitators included) comments. Writes go through
`citygrow.plans.services`; what the data does not allow (a `ServiceError`) is 422 with the
service's message under the field it is about, and nothing is stored. Key factors are given by
their number (position) in the plan's toolkit; statuses by name.
"""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Annotated, Any

from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from citygrow.api.auth import SIGNED_IN, require_write
from citygrow.api.common import (
    ANYONE,
    READ,
    WRITE,
    absolute,
    forbidden,
    invalid,
    not_found,
    refused,
)
from citygrow.api.schemas import NO_NUL, CitedPracticeOut, ErrorOut, cited_practice_out
from citygrow.catalogue.models import KeyFactor
from citygrow.core.errors import ServiceError
from citygrow.mentoring.models import Pairing
from citygrow.plans import services
from citygrow.plans.compare import ACTION_HEAD, ACTION_PLANNING
from citygrow.plans.models import (
    Action,
    ActionPlan,
    ActionStatus,
    Objective,
    ObjectiveBlock,
    PlanComment,
)
from citygrow.plans.rollup import Rollup
from citygrow.practices.models import Practice

router = Router(tags=["action plans"])

#: An id or number as the database stores it (larger ones are refused with 422, not a 500).
Id = Annotated[int, Field(ge=-2_147_483_648, le=2_147_483_647)]


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
    practices: list[CitedPracticeOut] = Field(description="The practices it adapts")


class ObjectiveOut(Schema):
    id: int
    title: str
    description: str
    source: str
    key_factors: list[int]
    practices: list[CitedPracticeOut] = Field(description="The practices it adapts")
    actions: list[ActionOut] = Field(description="In tree order: each action, then its sub-actions")


class CommentOut(Schema):
    id: int
    author: str | None
    text: str
    created_at: datetime.datetime


class PlanOut(PlanSummary):
    summary: str
    assessment_id: int | None = Field(
        description=(
            "The assessment the plan starts from; null while it starts from the visits' "
            "findings and the city's own objectives (tie it with PUT .../assessment)"
        )
    )
    objectives: list[ObjectiveOut]
    comments: list[CommentOut] | None = Field(
        description="The team's comments; null for those outside the team"
    )


class PlanIn(Schema):
    assessment_id: Id | None = Field(
        None,
        description=(
            "A submitted assessment of the city on the scheme's toolkit; null or left out: "
            "start from the visits' findings and the city's own objectives"
        ),
    )
    title: str = Field(pattern=NO_NUL, max_length=200)


#: What the `practices` of an objective or an action are.
CITED = (
    "Ids of the library's practices it adapts (published ones the caller may read); null or "
    "left out leaves them as they are, [] removes them"
)


class ObjectiveIn(Schema):
    title: str = Field(pattern=NO_NUL, max_length=300)
    description: str = Field("", pattern=NO_NUL, max_length=10_000)
    key_factors: list[Id] = Field(
        [],
        max_length=100,
        description=(
            "Key factor numbers in the plan's toolkit; at least one once the plan has an "
            "assessment, optional before"
        ),
    )
    source: Objective.Source = Objective.Source.OWN
    practices: list[Id] | None = Field(None, max_length=100, description=CITED)


class ObjectivePatch(Schema):
    title: str | None = Field(None, pattern=NO_NUL, max_length=300)
    description: str | None = Field(None, pattern=NO_NUL, max_length=10_000)
    key_factors: list[Id] | None = Field(None, max_length=100)
    practices: list[Id] | None = Field(None, max_length=100, description=CITED)


class TieIn(Schema):
    assessment_id: Id = Field(
        description="A submitted assessment of the city on the scheme's toolkit"
    )


class ActionFields(Schema):
    description: str = Field("", pattern=NO_NUL, max_length=10_000)
    lead: str = Field("", pattern=NO_NUL, max_length=200)
    partners: str = Field("", pattern=NO_NUL, max_length=2_000)
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    budget: Decimal | None = Field(None, max_digits=12, decimal_places=2)
    funding: str = Field("", pattern=NO_NUL, max_length=200)
    indicator: str = Field("", pattern=NO_NUL, max_length=300)
    baseline: str = Field("", pattern=NO_NUL, max_length=100)
    target: str = Field("", pattern=NO_NUL, max_length=100)
    risks: str = Field("", pattern=NO_NUL, max_length=2_000)
    status: str | None = Field(None, pattern=NO_NUL, description="A status's name, e.g. Completed")
    progress: int | None = Field(None, ge=-32768, le=32767, description="0..100")
    weight: Decimal | None = Field(None, max_digits=7, decimal_places=2)
    parent_id: Id | None = Field(None, description="The action this is a sub-action of")
    practices: list[Id] | None = Field(None, max_length=100, description=CITED)


class ActionCreate(ActionFields):
    title: str = Field(pattern=NO_NUL, max_length=300)


class ActionPatch(ActionFields):
    title: str | None = Field(None, pattern=NO_NUL, max_length=300)


class CommentIn(Schema):
    text: str = Field(pattern=NO_NUL, max_length=5_000)


class SuggestionOut(Schema):
    title: str
    key_factors: list[int]
    source: str
    reason: str


class PracticeSuggestionOut(Schema):
    practice: CitedPracticeOut
    reason: str = Field(description="Why it is offered")
    key_factors: list[int] = Field(
        description="Numbers of the key factors of the plan's toolkit it is offered for"
    )
    objectives: list[int] = Field(
        description="Ids of the plan's objectives tied to those key factors: where it fits"
    )


# Helpers --------------------------------------------------------------------------------------


#: The API's names of the fields the services name otherwise.
RENAMED = {"parent": "parent_id", "assessment": "assessment_id"}


@contextmanager
def _renamed() -> Iterator[None]:
    """A service's refusal as 422 under the API's name of the field (see RENAMED)."""
    try:
        yield
    except ServiceError as error:
        raise refused(error, renamed=RENAMED) from None


def visible_plan(request: HttpRequest, plan_id: int, *, missing: str | None = None) -> ActionPlan:
    """The plan (with its pairing), if the caller may see it; 404 otherwise, with `missing` as
    its detail (else the API's plain "Not Found")."""
    plan = ActionPlan.objects.with_pairing().filter(pk=plan_id).first()
    if plan is None or not request.user.has_perm("plans.view_plan", plan):
        raise not_found(missing) if missing else Http404
    return plan


def acting_plan(
    request: HttpRequest, plan_id: int, perm: str, refusal: str, *, missing: str | None = None
) -> ActionPlan:
    """The opening of a write route: a read-write caller (403), a plan they may see (404, see
    `visible_plan`), on which they may do `perm` (403 with `refusal`)."""
    require_write(request)
    plan = visible_plan(request, plan_id, missing=missing)
    if not request.user.has_perm(perm, plan):
        raise forbidden(refusal)
    return plan


def _changer(request: HttpRequest, plan_id: int) -> ActionPlan:
    return acting_plan(
        request, plan_id, "plans.change_plan", _("Only the city's officers change its action plan.")
    )


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
        "url": absolute(request, plan.get_absolute_url()),
    }


def _comment_out(comment: PlanComment) -> dict[str, Any]:
    author = comment.author
    return {
        "id": comment.pk,
        "author": (author.get_full_name() or author.username) if author else None,
        "text": comment.text,
        "created_at": comment.created_at,
    }


def _contents(plan: ActionPlan) -> tuple[list[ObjectiveBlock], Rollup]:
    """The plan's contents (`ActionPlan.contents`), with the practices each objective and
    action cites: two more queries."""
    blocks, result = plan.contents()
    cited = Practice.objects.select_related("city", "key_factor").order_by("pk")
    prefetch_related_objects(
        [block.objective for block in blocks], Prefetch("practices", queryset=cited)
    )
    prefetch_related_objects(
        [row.action for block in blocks for row in block.rows],
        Prefetch("practices", queryset=cited),
    )
    return blocks, result


def _cited(request: HttpRequest, item: Objective | Action) -> list[dict[str, Any]]:
    return [cited_practice_out(request, practice) for practice in item.practices.all()]


def _plan_out(request: HttpRequest, plan: ActionPlan) -> dict[str, Any]:
    blocks, result = _contents(plan)
    comments = None
    if request.user.has_perm("plans.comment_plan", plan):
        comments = [
            _comment_out(c) for c in PlanComment.objects.filter(plan=plan).select_related("author")
        ]
    return {
        **_summary(request, plan, result.overall),
        "summary": plan.summary,
        "assessment_id": plan.assessment_id,
        "objectives": [_block_out(request, block) for block in blocks],
        "comments": comments,
    }


def _block_out(request: HttpRequest, block: ObjectiveBlock) -> dict[str, Any]:
    objective = block.objective
    return {
        "id": objective.pk,
        "title": objective.title,
        "description": objective.description,
        "source": objective.source,
        "key_factors": sorted(kf.position for kf in objective.key_factors.all()),
        "practices": _cited(request, objective),
        "actions": [
            _action_out(request, row.action, row.depth, row.progress) for row in block.rows
        ],
    }


#: The attributes of an action the API gives as they are.
_ACTION_OUT = (
    "id",
    "objective_id",
    "parent_id",
    *ACTION_HEAD,
    *ACTION_PLANNING,
    "progress",
    "weight",
)


def _action_out(
    request: HttpRequest, action: Action, depth: int, progress: Decimal
) -> dict[str, Any]:
    return {
        **{name: getattr(action, name) for name in _ACTION_OUT},
        "depth": depth,
        "status": action.status.name if action.status is not None else None,
        "effective_progress": float(progress),
        "practices": _cited(request, action),
    }


def _key_factor_ids(plan: ActionPlan, numbers: list[int]) -> list[int]:
    """The ids of the key factors numbered `numbers` in the plan's toolkit (its assessment's,
    else the scheme's: services.toolkit_of_plan); 422 for a number it does not have."""
    if not numbers:
        return []
    toolkit = services.toolkit_of_plan(plan)
    if toolkit is None:
        raise invalid(
            "key_factors",
            _(
                "The scheme's theme has no published toolkit yet: save the objective without "
                "key factors and tie it to them once there is one."
            ),
        )
    found = dict(
        KeyFactor.objects.filter(toolkit=toolkit, position__in=numbers).values_list(
            "position", "pk"
        )
    )
    unknown = [n for n in numbers if n not in found]
    if unknown:
        raise invalid(
            "key_factors",
            _("The plan's toolkit has no key factor %(number)s.") % {"number": unknown[0]},
        )
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
        ActionPlan.objects.visible_to(request.user)
        .select_related(
            "pairing__scheme__programme",
            "pairing__scheme__theme",
            "pairing__implementing_city",
            "pairing__mentor_city",
            "endorsed_version",
        )
        .with_progress()
        .in_list_order()
    )
    return [_summary(request, plan, plan.overall_progress()) for plan in plans]


@router.get(
    "/plans/{plan_id}",
    response={200: PlanOut, **READ},
    openapi_extra=ANYONE,
    summary="One action plan with its objectives and actions",
)
def get_plan(request: HttpRequest, plan_id: int) -> Any:
    """The actions of each objective come in tree order, each with its depth, its parent and
    its effective (rolled-up) progress."""
    return _plan_out(request, visible_plan(request, plan_id))


@router.get(
    "/plans/{plan_id}/suggestions",
    response={200: list[SuggestionOut], 403: ErrorOut, **READ},
    auth=SIGNED_IN,
    summary="Objectives offered from the assessment's gaps and the visits' findings",
)
def list_suggestions(request: HttpRequest, plan_id: int) -> Any:
    """For the plan's team. Key factors already covered by an objective are not offered."""
    plan = visible_plan(request, plan_id)
    if not request.user.has_perm("plans.comment_plan", plan):
        raise forbidden(_("Only the city's team sees what the plan is offered."))
    offered = services.suggestions(plan)
    toolkit = services.toolkit_of_plan(plan)
    positions = (
        dict(KeyFactor.objects.filter(toolkit=toolkit).values_list("pk", "position"))
        if toolkit
        else {}
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


@router.get(
    "/plans/{plan_id}/practice-suggestions",
    response={200: list[PracticeSuggestionOut], 403: ErrorOut, **READ},
    auth=SIGNED_IN,
    summary="Practices offered to cite: the assessment report's and those seen on the visits",
)
def list_practice_suggestions(request: HttpRequest, plan_id: int) -> Any:
    """For the plan's team: for each gap of the plan's assessment (largest first), the
    practices its report suggests; then the mentor city's published practices on the theme.
    Only practices the caller may cite (`practices` of an objective or an action)."""
    plan = visible_plan(request, plan_id)
    if not request.user.has_perm("plans.comment_plan", plan):
        raise forbidden(_("Only the city's team sees what the plan is offered."))
    offered = services.practice_suggestions(plan, request.user)
    practices = Practice.objects.select_related("city", "key_factor").in_bulk(
        [s.practice.pk for s in offered]
    )
    toolkit = services.toolkit_of_plan(plan)
    positions = (
        dict(KeyFactor.objects.filter(toolkit=toolkit).values_list("pk", "position"))
        if toolkit
        else {}
    )
    return [
        {
            "practice": cited_practice_out(request, practices[s.practice.pk]),
            "reason": s.reason,
            "key_factors": sorted(positions[pk] for pk in s.key_factors if pk in positions),
            "objectives": list(s.objectives),
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
    scheme's toolkit; without `assessment_id`, from the visits' findings and the city's own
    objectives (the theme has no toolkit yet, or the city has not assessed itself). One plan
    per pairing."""
    require_write(request)
    pairing = get_object_or_404(Pairing, pk=pairing_id)
    if not request.user.has_perm("plans.add_plan", pairing):
        raise forbidden(_("Only the implementing city's officers start its action plan."))
    assessment = None
    if payload.assessment_id is not None:
        assessment = _startable(pairing, payload.assessment_id)
    with _renamed():
        plan = services.start_plan(
            pairing=pairing, assessment=assessment, title=payload.title, by=request.user
        )
    return Status(201, _plan_out(request, visible_plan(request, plan.pk)))


def _startable(pairing: Pairing, assessment_id: int) -> Any:
    """The assessment `assessment_id`, if a plan of `pairing` can start from it (or be tied to
    it); 422 otherwise (also for an assessment the caller may not see: nothing is revealed)."""
    assessment = next(
        (a for a in services.assessments_to_start_from(pairing) if a.pk == assessment_id), None
    )
    if assessment is None:
        message = _(
            "A plan starts from a submitted assessment of %(city)s on the scheme's toolkit."
        )
        raise invalid("assessment_id", message % {"city": pairing.implementing_city})
    return assessment


@router.put(
    "/plans/{plan_id}/assessment",
    response={**WRITE, 200: PlanOut},
    auth=SIGNED_IN,
    summary="Tie a plan started without an assessment to the city's assessment",
)
def tie_plan(request: HttpRequest, plan_id: int, payload: TieIn) -> Any:
    """For the city's officers, once the city has submitted an assessment on the scheme's
    toolkit: its gaps are then offered, objectives need key factors of its toolkit, and the
    change can be measured. Refused (422) for a plan that has an assessment already."""
    plan = _changer(request, plan_id)
    assessment = _startable(plan.pairing, payload.assessment_id)
    with _renamed():
        services.tie_to_assessment(plan=plan, assessment=assessment, by=request.user)
    return _plan_out(request, visible_plan(request, plan.pk))


@router.post(
    "/plans/{plan_id}/objectives",
    response={**WRITE, 201: ObjectiveOut},
    auth=SIGNED_IN,
    summary="Add an objective to a plan",
)
def add_objective(request: HttpRequest, plan_id: int, payload: ObjectiveIn) -> Any:
    """For the city's officers: tied to one or more key factors, by number (none is allowed
    while the plan has no assessment)."""
    plan = _changer(request, plan_id)
    objective = services.save_objective(
        plan=plan,
        title=payload.title,
        description=payload.description,
        key_factors=_key_factor_ids(plan, payload.key_factors),
        source=payload.source,
        practices=payload.practices,
        by=request.user,
    )
    return Status(201, _objective_out(request, plan, objective.pk))


def _objective_out(request: HttpRequest, plan: ActionPlan, objective_id: int) -> dict[str, Any]:
    blocks, _result = _contents(plan)
    return _block_out(request, next(b for b in blocks if b.objective.pk == objective_id))


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
    objective = get_object_or_404(Objective, pk=objective_id, plan=plan)
    if payload.key_factors is None:
        ids = list(objective.key_factors.values_list("pk", flat=True))
    else:
        ids = _key_factor_ids(plan, payload.key_factors)
    services.save_objective(
        plan=plan,
        objective=objective,
        title=objective.title if payload.title is None else payload.title,
        description=(objective.description if payload.description is None else payload.description),
        key_factors=ids,
        source=objective.source,
        practices=payload.practices,
        by=request.user,
    )
    return _objective_out(request, plan, objective.pk)


@router.delete(
    "/plans/{plan_id}/objectives/{objective_id}",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=SIGNED_IN,
    summary="Delete an objective with its actions",
)
def delete_objective(request: HttpRequest, plan_id: int, objective_id: int) -> Any:
    plan = _changer(request, plan_id)
    objective = get_object_or_404(Objective, pk=objective_id, plan=plan)
    services.delete_objective(objective=objective, by=request.user)
    return Status(204, None)


def _action_data(payload: Any, action: Action | None) -> services.ActionIn:
    """The action's fields: those sent, the others as stored (or empty for a new one)."""
    sent = payload.dict(exclude_unset=action is not None)
    sent.pop("parent_id", None)
    sent.pop("practices", None)
    if "status" in sent:
        name = sent["status"]
        if name is None:
            sent["status"] = None
        else:
            status = ActionStatus.objects.filter(name=name).first()
            if status is None:
                raise invalid("status", _("There is no such status: %(name)s.") % {"name": name})
            sent["status"] = status
    if action is None:
        return services.ActionIn(**sent)
    stored = {name: getattr(action, name) for name in services.ActionIn.__dataclass_fields__}
    return services.ActionIn(**{**stored, **{k: v for k, v in sent.items() if k in stored}})


def _parent(plan: ActionPlan, parent_id: int | None) -> Action | None:
    if parent_id is None:
        return None
    parent = Action.objects.filter(pk=parent_id, plan=plan).first()
    if parent is None:
        raise invalid("parent_id", _("This plan has no action %(id)s.") % {"id": parent_id})
    return parent


def _saved_action(request: HttpRequest, plan: ActionPlan, action_id: int) -> dict[str, Any]:
    blocks, _result = _contents(plan)
    row = next(r for b in blocks for r in b.rows if r.action.pk == action_id)
    return _action_out(request, row.action, row.depth, row.progress)


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
    objective = get_object_or_404(Objective, pk=objective_id, plan=plan)
    data = _action_data(payload, None)
    parent = _parent(plan, payload.parent_id)
    with _renamed():
        action = services.save_action(
            plan=plan,
            objective=objective,
            parent=parent,
            data=data,
            practices=payload.practices,
            by=request.user,
        )
    return Status(201, _saved_action(request, plan, action.pk))


@router.patch(
    "/plans/{plan_id}/actions/{action_id}",
    response={**WRITE, 200: ActionOut},
    auth=SIGNED_IN,
    summary="Change an action",
)
def change_action(request: HttpRequest, plan_id: int, action_id: int, payload: ActionPatch) -> Any:
    """Only the fields sent change; `parent_id` null makes it a top-level action."""
    plan = _changer(request, plan_id)
    action = get_object_or_404(
        Action.objects.select_related("objective", "parent"), pk=action_id, plan=plan
    )
    data = _action_data(payload, action)
    parent = (
        _parent(plan, payload.parent_id)
        if "parent_id" in payload.model_fields_set
        else action.parent
    )
    with _renamed():
        services.save_action(
            plan=plan,
            objective=action.objective,
            parent=parent,
            action=action,
            data=data,
            practices=payload.practices,
            by=request.user,
        )
    return _saved_action(request, plan, action.pk)


@router.delete(
    "/plans/{plan_id}/actions/{action_id}",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=SIGNED_IN,
    summary="Delete an action with its sub-actions",
)
def delete_action(request: HttpRequest, plan_id: int, action_id: int) -> Any:
    plan = _changer(request, plan_id)
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
    plan = acting_plan(
        request,
        plan_id,
        "plans.comment_plan",
        _("Only the city's team comments on its action plan."),
    )
    comment = services.add_comment(plan=plan, text=payload.text, by=request.user)
    return Status(201, _comment_out(comment))
