"""A plan's versions and endorsements in the JSON API (issue 7, point 3).

Reads follow the plan's page (plans.rules): an endorsed plan is public, a draft one is seen by
its pairing's team only (404 to anyone else). The city's officers submit the plan for
endorsement (a new frozen version) and record the endorsements, with the signed document sent
as multipart form data, through the same write functions as the pages
(citygrow.plans.versions): what those refuse is 422 with their message, keyed by the field it
is about, and nothing is stored. A frozen version never changes: PATCH or DELETE of one is 409.

Past events are entered with the date they happened (issue 13): the submission's
`submitted_on` (today when not given) and the endorsement's `endorsed_on`, each "YYYY-MM-DD"
or "YYYY-MM" when only the month is known; the answers give the date (a month as its first
day) with its `..._precision` ("day" or "month").
"""

from datetime import date, datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from citygrow.api.auth import SIGNED_IN, require_write
from citygrow.api.common import (
    ANYONE,
    READ,
    WRITE,
    Refused,
    absolute,
    forbidden,
    past_date,
)
from citygrow.api.plans_core import acting_plan, visible_plan
from citygrow.api.schemas import NO_NUL, ErrorOut
from citygrow.core import history
from citygrow.plans import compare, services, versions
from citygrow.plans.models import ActionPlan, Endorsement, PlanVersion

router = Router(tags=["action plans"])

ENDORSE = "plans.endorse_plan"


# -- shapes -------------------------------------------------------------------------------------


class EndorsementOut(Schema):
    id: int
    level: Literal["administrative", "political"]
    endorsed_by: str
    role: str
    endorsed_on: date = Field(
        description="The day, or the first of the month when only the month is known"
    )
    endorsed_on_precision: Literal["day", "month"]
    recorded_at: datetime = Field(description="When it was recorded here")
    document_url: str = Field(description="The signed document (for those who may see the plan)")


class VersionSummary(Schema):
    number: int
    submitted_on: date = Field(
        description="When it was submitted for endorsement, as it happened: the day, or the "
        "first of the month when only the month is known"
    )
    submitted_on_precision: Literal["day", "month"]
    frozen_at: datetime = Field(description="When it was recorded here")
    frozen_by: str | None
    endorsed: bool = Field(description="Whether this is the plan's endorsed version")
    endorsements: list[EndorsementOut]
    url: str


class VersionOut(VersionSummary):
    content: dict[str, Any] = Field(
        description="The plan as submitted: title, summary, objectives with their key factors "
        "and their actions (a tree, with `children`), each with its id"
    )


class EndorsementIn(Schema):
    level: Literal["administrative", "political"]
    endorsed_by: str = Field(pattern=NO_NUL, max_length=200)
    role: str = Field(pattern=NO_NUL, max_length=200)
    endorsed_on: str = Field(
        pattern=history.PATTERN,
        description="YYYY-MM-DD, or YYYY-MM when only the month is known; not in the future, "
        "not before the version was submitted",
    )


class FieldChangeOut(Schema):
    field: str
    old: str
    new: str


class ItemOut(Schema):
    id: int
    title: str
    objective: str = Field(description="For an action: the title of its objective")
    changes: list[FieldChangeOut]


class ChangesOut(Schema):
    state: Literal["draft", "awaiting", "endorsed", "new_draft"]
    state_in_words: str
    compared_with: int | None = Field(
        description="The version compared with: the endorsed one, else the latest; none when "
        "the plan was never submitted"
    )
    is_empty: bool
    plan: list[FieldChangeOut]
    objectives_added: list[ItemOut]
    objectives_removed: list[ItemOut]
    objectives_changed: list[ItemOut]
    actions_added: list[ItemOut]
    actions_removed: list[ItemOut]
    actions_changed: list[ItemOut]
    reordered: bool


# -- loading ------------------------------------------------------------------------------------


def _version(plan: ActionPlan, number: int) -> PlanVersion:
    version = next((v for v in versions.versions_of(plan) if v.number == number), None)
    if version is None:
        raise Http404
    version.plan = plan
    return version


def _endorsement(request: HttpRequest, plan: ActionPlan, e: Endorsement) -> dict[str, Any]:
    return {
        "id": e.pk,
        "level": e.level,
        "endorsed_by": e.endorsed_by,
        "role": e.role,
        "endorsed_on": e.endorsed_on,
        "endorsed_on_precision": e.endorsed_on_precision,
        "recorded_at": e.recorded_at,
        "document_url": absolute(
            request, reverse("plans:endorsement_document", args=[plan.pk, e.pk])
        ),
    }


def _version_out(
    request: HttpRequest, plan: ActionPlan, version: PlanVersion, *, content: bool
) -> dict[str, Any]:
    person = version.frozen_by
    out = {
        "number": version.number,
        "submitted_on": version.submitted_on,
        "submitted_on_precision": version.submitted_on_precision,
        "frozen_at": version.frozen_at,
        "frozen_by": (person.get_full_name() or person.username) if person else None,
        "endorsed": plan.endorsed_version_id == version.pk,
        "endorsements": [_endorsement(request, plan, e) for e in version.endorsements.all()],
        "url": absolute(request, reverse("plans:version", args=[plan.pk, version.number])),
    }
    if content:
        out["content"] = version.snapshot
    return out


def _items(items: tuple[compare.Item, ...]) -> list[dict[str, Any]]:
    return [
        {
            "id": item.id,
            "title": item.title,
            "objective": item.objective,
            "changes": [vars(change) for change in item.changes],
        }
        for item in items
    ]


# -- routes -------------------------------------------------------------------------------------


@router.get(
    "/plans/{plan_id}/versions",
    response={**READ, 200: list[VersionSummary]},
    openapi_extra=ANYONE,
    summary="The versions of a plan submitted for endorsement",
)
def list_versions(request: HttpRequest, plan_id: int) -> Any:
    """Oldest first, each with its endorsements."""
    plan = visible_plan(request, plan_id)
    return [
        _version_out(request, plan, version, content=False)
        for version in versions.versions_of(plan)
    ]


@router.post(
    "/plans/{plan_id}/versions",
    response={**WRITE, 201: VersionOut},
    auth=SIGNED_IN,
    summary="Submit the plan for endorsement",
)
def freeze_version(
    request: HttpRequest,
    plan_id: int,
    submitted_on: str | None = Query(
        None,
        pattern=history.PATTERN,
        description="When it was submitted, for a past event: YYYY-MM-DD, or YYYY-MM when "
        "only the month is known (default: today); not in the future, not before the programme "
        "started or the last version was submitted",
    ),
) -> Any:
    """For the city's officers: freezes the plan's content as the next version, submitted
    today or on the `submitted_on` given (a past event, in the query: the request has no
    body). Refused (422) when the plan has no objective, or has not changed since the last
    version; a date that is not one ("2017-13"), in the future, before the programme started
    or before the last version's submission."""
    plan = acting_plan(
        request,
        plan_id,
        ENDORSE,
        _("Only the city's officers and coordinators submit the plan for endorsement."),
    )
    submitted = past_date(submitted_on, "submitted_on") if submitted_on else None
    version = services.freeze(
        plan=plan,
        by=request.user,
        submitted_on=submitted.day if submitted else None,
        submitted_on_precision=submitted.precision if submitted else history.Precision.DAY,
    )
    return Status(201, _version_out(request, plan, _version(plan, version.number), content=True))


@router.get(
    "/plans/{plan_id}/versions/{number}",
    response={**READ, 200: VersionOut},
    openapi_extra=ANYONE,
    summary="One version of a plan, as submitted, with its endorsements",
)
def get_version(request: HttpRequest, plan_id: int, number: int) -> Any:
    plan = visible_plan(request, plan_id)
    return _version_out(request, plan, _version(plan, number), content=True)


def _frozen(request: HttpRequest, plan_id: int, number: int) -> Any:
    require_write(request)
    _version(visible_plan(request, plan_id), number)
    raise Refused(409, str(versions.FROZEN))


@router.patch(
    "/plans/{plan_id}/versions/{number}",
    response={**WRITE, 409: ErrorOut},
    auth=SIGNED_IN,
    summary="Change a version (never: 409)",
)
def change_version(request: HttpRequest, plan_id: int, number: int) -> Any:
    """A frozen version cannot be changed: edit the plan and submit a new version."""
    return _frozen(request, plan_id, number)


@router.delete(
    "/plans/{plan_id}/versions/{number}",
    response={**WRITE, 409: ErrorOut},
    auth=SIGNED_IN,
    summary="Delete a version (never: 409)",
)
def delete_version(request: HttpRequest, plan_id: int, number: int) -> Any:
    """A frozen version is kept for good, with its endorsements."""
    return _frozen(request, plan_id, number)


@router.post(
    "/plans/{plan_id}/versions/{number}/endorsements",
    response={**WRITE, 201: EndorsementOut},
    auth=SIGNED_IN,
    summary="Record an endorsement of a version, with the signed document",
)
def record_endorsement(
    request: HttpRequest,
    plan_id: int,
    number: int,
    payload: Form[EndorsementIn],
    document: File[UploadedFile],
) -> Any:
    """For the city's officers, as multipart form data: the level (administrative or
    political), who endorsed, in what role, the date (YYYY-MM-DD, or YYYY-MM when only the
    month is known; not in the future, not before the version was submitted) and the signed
    document (a PDF or a Word .docx file, within the size limit). Refused (422): a level
    endorsed already, a version that is not the latest one, a document that is not a PDF or a
    Word file. With both levels the version is the plan's endorsed version, and the plan
    public."""
    require_write(request)
    plan = visible_plan(request, plan_id)
    version = _version(plan, number)
    if not request.user.has_perm(ENDORSE, plan):
        raise forbidden(
            _("Only the city's officers and coordinators record the plan's endorsements.")
        )
    data = payload.dict()
    endorsed = past_date(data.pop("endorsed_on"), "endorsed_on")
    endorsement = services.record_endorsement(
        version=version,
        by=request.user,
        document=document,
        endorsed_on=endorsed.day,
        endorsed_on_precision=endorsed.precision.value,
        **data,
    )
    return Status(201, _endorsement(request, plan, endorsement))


@router.get(
    "/plans/{plan_id}/changes",
    response={**READ, 200: ChangesOut},
    openapi_extra=ANYONE,
    summary="What changed since the endorsed version",
)
def get_changes(request: HttpRequest, plan_id: int) -> Any:
    """The plan as it is now compared with its endorsed version, or with the latest version
    when none is endorsed; fields by their snapshot names, values as text."""
    plan = visible_plan(request, plan_id)
    plan_state = versions.state(plan)
    comparison = versions.changes(plan_state) or compare.Comparison()
    base = plan_state.compared_with
    return {
        "state": str(plan_state.state),
        "state_in_words": plan_state.words,
        "compared_with": base.number if base else None,
        "is_empty": comparison.is_empty,
        "plan": [vars(change) for change in comparison.plan],
        "objectives_added": _items(comparison.objectives_added),
        "objectives_removed": _items(comparison.objectives_removed),
        "objectives_changed": _items(comparison.objectives_changed),
        "actions_added": _items(comparison.actions_added),
        "actions_removed": _items(comparison.actions_removed),
        "actions_changed": _items(comparison.actions_changed),
        "reordered": comparison.reordered,
    }
