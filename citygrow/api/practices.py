"""The good-practice library in the JSON API (issue 13, parts 4-6): the library and one
practice, the practices cities contribute (written, submitted, reviewed, published, withdrawn,
with their files and review comments), and where plans adapted a practice.

The rules are those of the pages (citygrow.practices.rules). A toolkit's example is read by
whoever may read its toolkit; a contributed practice is public once published (and stays
readable, marked so, once withdrawn), and before that is seen by its city's officers, its
themes' facilitators, the city's mentors on those themes and coordinators: 404 to anyone else.
Who may act is checked here (403 to those who see the practice but may not act on it); whether
its status allows the step is the services' to say (citygrow.practices.services): 422 with
their message, and nothing is stored. A change sends the `version` it read: if someone saved
the practice since, nothing is stored and 409 answers with the practice as stored now.
"""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile
from rules import Predicate

from citygrow.api.auth import SIGNED_IN, require_write
from citygrow.api.common import (
    ANYONE,
    READ,
    WRITE,
    Refused,
    absolute,
    errors_of,
    forbidden,
    invalid,
    paged,
    refused,
)
from citygrow.api.plans_followup import ObjectiveChangeOut
from citygrow.api.schemas import (
    NO_NUL,
    CitedPracticeOut,
    CitySlug,
    ErrorOut,
    Id,
    PracticeAttachmentOut,
    PracticeOut,
    cited_practice_out,
    text_field,
)
from citygrow.catalogue.models import KeyFactor, Theme
from citygrow.core.errors import ServiceError
from citygrow.people.models import City
from citygrow.plans.adoptions import Adoption, adopted_by, adoptions_of
from citygrow.practices import services
from citygrow.practices.forms import PracticeFilterForm
from citygrow.practices.models import (
    Practice,
    PracticeAttachment,
    PracticeComment,
    PracticeQuerySet,
)
from citygrow.practices.rules import contributes_practice, reviews_practice

router = Router(tags=["practices"])


# Schemas --------------------------------------------------------------------------------------


class PracticeFilters(Schema):
    q: str | None = None
    toolkit: int | None = None
    key_factor: int | None = None
    city: str | None = None
    country: str | None = None
    source: str | None = Field(
        None, description="toolkit (the toolkits' examples) or contributed (by cities)"
    )
    page: int = 1


class PracticePage(Schema):
    count: int
    page: int
    pages: int
    results: list[PracticeOut]


class PracticeOutcomeIn(Schema):
    description: str = text_field(max_length=300, description="What was measured")
    value: Decimal = Field(max_digits=14, decimal_places=2)
    unit: str = text_field("", max_length=40, description='e.g. "%", "people"')
    year: int | None = Field(None, ge=-32768, le=32767)


class PracticeIn(Schema):
    name: str = text_field(max_length=200, description="The practice's title")
    summary: str = text_field("", max_length=1_000)
    text: str = text_field(max_length=50_000, description="What the city does, and how")
    results: str = text_field("", max_length=10_000, description="What changed, in words")
    year: int | None = Field(None, ge=-32768, le=32767, description="When it started")
    themes: list[Annotated[str, Field(pattern=r"^[A-Z]$")]] = Field(
        max_length=30, description="Codes of the themes it serves (its reviewers' themes)"
    )
    key_factors: list[Id] = Field(
        [],
        max_length=100,
        description="Ids of key factors of those themes' published toolkits that it serves",
    )
    adapted_from: list[Id] = Field(
        [], max_length=100, description="Ids of published practices of the library it builds on"
    )
    links: list[Annotated[str, Field(pattern=NO_NUL, max_length=2_000)]] = Field([], max_length=100)
    contact_name: str = text_field("", max_length=200)
    contact_email: str = text_field("", max_length=254)
    outcomes: list[PracticeOutcomeIn] | None = Field(
        None,
        max_length=100,
        description="Its results in figures; null or left out leaves them as they are",
    )


class PracticeEdit(PracticeIn):
    version: Id = Field(description="The practice's version you read")


class PracticeConflictOut(Schema):
    detail: str
    current: PracticeOut


class ReturnIn(Schema):
    comment: str = text_field(max_length=5_000, description="What should change")


class PublishIn(Schema):
    comment: str = text_field("", max_length=5_000)


class WithdrawIn(Schema):
    reason: str = text_field(max_length=1_000, description="Why; readers will see it")


class PracticeCommentIn(Schema):
    text: str = text_field(max_length=5_000)


class PracticeCommentOut(Schema):
    id: int
    author: str | None
    text: str
    created_at: datetime


class AdoptingActionOut(Schema):
    id: int
    title: str


class AdoptionOut(Schema):
    practice: CitedPracticeOut
    city: str = Field(description="The city that adapted it")
    city_slug: str
    plan_id: int
    plan_title: str
    plan_status: str = Field(description="endorsed or draft")
    plan_url: str
    year: int = Field(description="The plan's year: its endorsed version's, else its start's")
    measured: bool = Field(description="Whether a later assessment measured the change")
    objectives: list[ObjectiveChangeOut] = Field(
        description="The objectives citing it (themselves or through an action), with the "
        "change measured on their key factors (empty until measured)"
    )
    actions: list[AdoptingActionOut] = Field(description="The actions citing it")


# Loading --------------------------------------------------------------------------------------


def with_details(practices: PracticeQuerySet, user: Any) -> PracticeQuerySet:
    """`practices` with what `practice_out` reads, in a fixed number of queries."""
    return practices.select_related(
        "city__country", "key_factor", "toolkit__theme"
    ).prefetch_related(
        Prefetch("themes", queryset=Theme.objects.order_by("code")),
        Prefetch(
            "key_factors",
            queryset=KeyFactor.objects.select_related("toolkit__theme").order_by(
                "toolkit__theme__code", "-toolkit__year", "position"
            ),
        ),
        # Only those the reader may read (a draft edition's example stays unnamed).
        Prefetch(
            "adapted_from", queryset=Practice.objects.visible_to(user).order_by("pk").only("pk")
        ),
        "outcomes",
        "attachments",
    )


def visible_practice(request: HttpRequest, practice_id: int) -> Practice:
    """The practice with its details, if the caller may read it; 404 otherwise."""
    practice = (
        with_details(Practice.objects.visible_to(request.user), request.user)
        .filter(pk=practice_id)
        .first()
    )
    if practice is None:
        raise Http404
    return practice


def acting_practice(
    request: HttpRequest, practice_id: int, who: Predicate, refusal: str
) -> Practice:
    """The opening of a write route, in this order: 403 for a read-only token; the practice if
    the caller may read it (404 otherwise); 403 with `refusal` unless `who` (a predicate of
    citygrow.practices.rules) holds. Whether the practice's status allows the step is the
    service's to say (422)."""
    require_write(request)
    practice = visible_practice(request, practice_id)
    if not who.test(request.user, practice):
        raise forbidden(refusal)
    return practice


def _contributor(request: HttpRequest, practice_id: int) -> Practice:
    return acting_practice(
        request,
        practice_id,
        contributes_practice,
        _("Only the officers of the practice's city and the coordinators change it."),
    )


def _reviewer(request: HttpRequest, practice_id: int) -> Practice:
    return acting_practice(
        request,
        practice_id,
        reviews_practice,
        _("Only the facilitators of the practice's themes and the coordinators review it."),
    )


def _reloaded(request: HttpRequest, practice: Practice) -> Practice:
    return with_details(Practice.objects.all(), request.user).get(pk=practice.pk)


# Output ---------------------------------------------------------------------------------------


def practice_out(request: HttpRequest, practice: Practice) -> dict[str, Any]:
    """A practice in PracticeOut's shape; use on one loaded `with_details`."""
    toolkit, factor = practice.toolkit, practice.key_factor
    contact = None
    if request.user.is_authenticated and (practice.contact_name or practice.contact_email):
        contact = {"name": practice.contact_name, "email": practice.contact_email}
    return {
        "id": practice.pk,
        "title": practice.title,
        "name": practice.name,
        "city": practice.city.name,
        "city_slug": practice.city.slug,
        "country": practice.city.country.code,
        "origin": practice.origin,
        "status": practice.status,
        "source_label": practice.source_label(),
        "toolkit": (
            {"theme": toolkit.theme.code, "year": toolkit.year, "title": toolkit.title}
            if toolkit
            else None
        ),
        "key_factor": {"number": factor.position, "heading": factor.heading} if factor else None,
        "themes": [theme.code for theme in practice.themes.all()],
        "key_factors": [
            {
                "id": kf.pk,
                "theme": kf.toolkit.theme.code,
                "year": kf.toolkit.year,
                "number": kf.position,
                "heading": kf.heading,
            }
            for kf in practice.key_factors.all()
        ],
        "adapted_from": [source.pk for source in practice.adapted_from.all()],
        "summary": practice.summary,
        "text": practice.text,
        "results": practice.results,
        "outcomes": [
            {
                "description": outcome.description,
                "value": float(outcome.value),
                "unit": outcome.unit,
                "year": outcome.year,
            }
            for outcome in practice.outcomes.all()
        ],
        "attachments": [_attachment_out(request, a) for a in practice.attachments.all()],
        "links": practice.links,
        "contact": contact,
        "note": practice.note,
        "year": practice.year,
        "source": practice.source,
        "published_at": practice.published_at,
        "withdrawn_reason": practice.withdrawn_reason,
        "version": practice.version,
        "url": absolute(request, practice.get_absolute_url()),
    }


def _attachment_out(request: HttpRequest, attachment: PracticeAttachment) -> dict[str, Any]:
    download = reverse("practices:attachment", args=[attachment.practice_id, attachment.pk])
    return {"id": attachment.pk, "name": attachment.name, "url": absolute(request, download)}


def _comment_out(comment: PracticeComment) -> dict[str, Any]:
    author = comment.author
    return {
        "id": comment.pk,
        "author": (author.get_full_name() or author.username) if author else None,
        "text": comment.text,
        "created_at": comment.created_at,
    }


def _adoption_out(request: HttpRequest, adoption: Adoption) -> dict[str, Any]:
    plan = adoption.plan
    return {
        "practice": cited_practice_out(request, adoption.practice),
        "city": adoption.city.name,
        "city_slug": adoption.city.slug,
        "plan_id": plan.pk,
        "plan_title": plan.title,
        "plan_status": "endorsed" if plan.is_endorsed else "draft",
        "plan_url": absolute(request, plan.get_absolute_url()),
        "year": adoption.year,
        "measured": adoption.measured,
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
            for change in adoption.changes
        ],
        "actions": [{"id": action.pk, "title": action.title} for action in adoption.actions],
    }


# Input ----------------------------------------------------------------------------------------


def _theme_ids(codes: Sequence[str]) -> list[int]:
    """The ids of the themes coded `codes`; 422 under `themes` for a code no theme has."""
    found = dict(Theme.objects.filter(code__in=codes).values_list("code", "pk"))
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise invalid("themes", _("There is no theme %(code)s.") % {"code": unknown[0]})
    return [found[code] for code in codes]


def _contribution(payload: PracticeIn) -> services.ContributionIn:
    outcomes = None
    if payload.outcomes is not None:
        outcomes = [
            services.OutcomeIn(
                description=outcome.description,
                value=outcome.value,
                unit=outcome.unit,
                year=outcome.year,
            )
            for outcome in payload.outcomes
        ]
    return services.ContributionIn(
        name=payload.name,
        text=payload.text,
        themes=_theme_ids(payload.themes),
        summary=payload.summary,
        results=payload.results,
        year=payload.year,
        links=payload.links,
        contact_name=payload.contact_name,
        contact_email=payload.contact_email,
        key_factors=payload.key_factors,
        adapted_from=payload.adapted_from,
        outcomes=outcomes,
    )


# The library ----------------------------------------------------------------------------------


@router.get(
    "/practices",
    response={200: PracticePage, 401: ErrorOut, 422: ErrorOut},
    openapi_extra=ANYONE,
    summary="Search and filter the good-practice library",
)
def list_practices(request: HttpRequest, filters: Query[PracticeFilters]) -> Any:
    """The library as its page lists it: the toolkits' examples and the published contributed
    practices. The same filters and search as the page: `toolkit` and `key_factor` are ids,
    `city` a city slug, `country` an ISO code, `source` toolkit or contributed, `q` free text
    (at most 200 characters)."""
    data = {k: v for k, v in filters.dict().items() if k != "page" and v is not None}
    form = PracticeFilterForm(data, user=request.user)
    if not form.is_valid():
        raise Refused(422, _("Some filters are not valid."), errors_of(form))
    practices = form.filter(with_details(Practice.objects.in_library(request.user), request.user))
    return paged(practices, filters.page, lambda found: [practice_out(request, p) for p in found])


@router.get(
    "/practices/{practice_id}",
    response={200: PracticeOut, **READ},
    openapi_extra=ANYONE,
    summary="One good practice",
)
def get_practice(request: HttpRequest, practice_id: int) -> Any:
    """Also a contributed practice not yet published, for those who may see it (its city's
    officers, its themes' facilitators, the city's mentors on those themes, coordinators);
    `contact` is given to signed-in callers only."""
    return practice_out(request, visible_practice(request, practice_id))


@router.get(
    "/practices/{practice_id}/adoptions",
    response={200: list[AdoptionOut], **READ},
    openapi_extra=ANYONE,
    summary="Where the practice was adapted",
)
def list_practice_adoptions(request: HttpRequest, practice_id: int) -> Any:
    """The action plans (those the caller may see) whose objectives or actions cite the
    practice, newest first, with the change measured on the citing objectives once the city
    assessed itself again."""
    practice = visible_practice(request, practice_id)
    return [_adoption_out(request, adoption) for adoption in adoptions_of(practice, request.user)]


@router.get(
    "/cities/{slug}/adopted-practices",
    response={200: list[AdoptionOut], **READ},
    openapi_extra=ANYONE,
    summary="The practices a city adapted in its plans",
)
def list_adopted_practices(request: HttpRequest, slug: CitySlug) -> Any:
    """In the city's plans that the caller may see, newest first."""
    city = get_object_or_404(City, slug=slug)
    return [_adoption_out(request, adoption) for adoption in adopted_by(city, request.user)]


# Contributing ---------------------------------------------------------------------------------


@router.post(
    "/cities/{slug}/practices",
    response={**WRITE, 201: PracticeOut},
    auth=SIGNED_IN,
    summary="Contribute a practice of the city (a draft)",
)
def contribute_practice(request: HttpRequest, slug: CitySlug, payload: PracticeIn) -> Any:
    """For the city's officers and coordinators. The practice is a draft, private to the city's
    officers, its themes' facilitators, the city's mentors on those themes and coordinators,
    until a facilitator of one of its themes publishes it."""
    require_write(request)
    city = get_object_or_404(City, slug=slug)
    if not request.user.has_perm("practices.contribute_practice", city):
        raise forbidden(
            _("Only the city's officers and the coordinators contribute its practices.")
        )
    practice = services.save_contribution(city=city, data=_contribution(payload), by=request.user)
    return Status(201, practice_out(request, _reloaded(request, practice)))


@router.put(
    "/practices/{practice_id}",
    response={**WRITE, 200: PracticeOut, 409: PracticeConflictOut},
    auth=SIGNED_IN,
    summary="Change a contributed practice (a draft, or one returned for changes)",
)
def edit_practice(request: HttpRequest, practice_id: int, payload: PracticeEdit) -> Any:
    """Every field is replaced, except `outcomes` when it is left out. Send the `version` you
    read: if someone saved the practice since, nothing is stored and 409 answers with it as
    stored now."""
    practice = _contributor(request, practice_id)
    data = _contribution(payload)
    try:
        services.save_contribution(
            city=practice.city,
            data=data,
            by=request.user,
            practice=practice,
            seen_version=payload.version,
        )
    except services.Conflict as conflict:
        current = practice_out(request, _reloaded(request, practice))
        return Status(409, {"detail": conflict.message, "current": current})
    return practice_out(request, _reloaded(request, practice))


@router.delete(
    "/practices/{practice_id}",
    response={**WRITE, 204: None},
    auth=SIGNED_IN,
    summary="Discard a contributed practice that was never published",
)
def discard_practice(request: HttpRequest, practice_id: int) -> Any:
    """With its files; a practice once published is withdrawn instead (422)."""
    practice = _contributor(request, practice_id)
    services.discard_contribution(practice=practice, by=request.user)
    return Status(204, None)


@router.post(
    "/practices/{practice_id}/submit",
    response={**WRITE, 200: PracticeOut},
    auth=SIGNED_IN,
    summary="Submit a contributed practice for review",
)
def submit_practice(request: HttpRequest, practice_id: int) -> Any:
    """A draft, or one returned for changes, goes to its themes' facilitators."""
    practice = _contributor(request, practice_id)
    services.submit_practice(practice=practice, by=request.user)
    return practice_out(request, _reloaded(request, practice))


# Reviewing ------------------------------------------------------------------------------------


@router.post(
    "/practices/{practice_id}/return",
    response={**WRITE, 200: PracticeOut},
    auth=SIGNED_IN,
    summary="Return a submitted practice to its city for changes",
)
def return_practice(request: HttpRequest, practice_id: int, payload: ReturnIn) -> Any:
    """For the facilitators of its themes and coordinators; the `comment` (what should change)
    is kept with the practice's review comments."""
    practice = _reviewer(request, practice_id)
    try:
        services.return_practice(practice=practice, by=request.user, comment=payload.comment)
    except ServiceError as error:
        raise refused(error, renamed={"text": "comment"}) from None
    return practice_out(request, _reloaded(request, practice))


@router.post(
    "/practices/{practice_id}/publish",
    response={**WRITE, 200: PracticeOut},
    auth=SIGNED_IN,
    summary="Publish a submitted practice",
)
def publish_practice(
    request: HttpRequest, practice_id: int, payload: PublishIn | None = None
) -> Any:
    """For the facilitators of its themes and coordinators: it joins the library, public, and
    plans may cite it. A `comment`, if one is sent, is kept with its review comments."""
    practice = _reviewer(request, practice_id)
    comment = payload.comment if payload is not None else ""
    services.publish_practice(practice=practice, by=request.user, comment=comment)
    return practice_out(request, _reloaded(request, practice))


@router.post(
    "/practices/{practice_id}/withdraw",
    response={**WRITE, 200: PracticeOut},
    auth=SIGNED_IN,
    summary="Withdraw a published practice",
)
def withdraw_practice(request: HttpRequest, practice_id: int, payload: WithdrawIn) -> Any:
    """For the facilitators of its themes and coordinators: it leaves the library and is no
    longer offered to plans; its page stays, marked withdrawn with the `reason`."""
    practice = _reviewer(request, practice_id)
    services.withdraw_practice(practice=practice, by=request.user, reason=payload.reason)
    return practice_out(request, _reloaded(request, practice))


@router.get(
    "/practices/{practice_id}/comments",
    response={200: list[PracticeCommentOut], 403: ErrorOut, **READ},
    auth=SIGNED_IN,
    summary="The review comments on a contributed practice",
)
def list_practice_comments(request: HttpRequest, practice_id: int) -> Any:
    """For its city's officers, its reviewers and coordinators, also once published."""
    practice = visible_practice(request, practice_id)
    if not request.user.has_perm("practices.read_practice_comments", practice):
        raise forbidden(_("Only the practice's city and its reviewers read its review comments."))
    comments = PracticeComment.objects.filter(practice=practice).select_related("author")
    return [_comment_out(comment) for comment in comments]


@router.post(
    "/practices/{practice_id}/comments",
    response={**WRITE, 201: PracticeCommentOut},
    auth=SIGNED_IN,
    summary="Comment on a contributed practice under review",
)
def add_practice_comment(request: HttpRequest, practice_id: int, payload: PracticeCommentIn) -> Any:
    """For its city's officers, its reviewers and coordinators, until it is published."""
    practice = acting_practice(
        request,
        practice_id,
        contributes_practice | reviews_practice,
        _("Only the practice's city and its reviewers comment on it."),
    )
    comment = services.comment_on_practice(practice=practice, by=request.user, text=payload.text)
    return Status(201, _comment_out(comment))


# Files ----------------------------------------------------------------------------------------


#: The API's name of the field the services call `attachments`: the upload's.
_FILE = {"attachments": "file"}


@router.post(
    "/practices/{practice_id}/attachments",
    response={**WRITE, 201: PracticeAttachmentOut},
    auth=SIGNED_IN,
    summary="Attach a file to a contributed practice",
)
def attach_practice_file(request: HttpRequest, practice_id: int, file: File[UploadedFile]) -> Any:
    """As multipart form data, one `file`: a PDF, a Word (.docx) file or a PNG or JPEG image,
    within the upload limit; to a draft or a practice returned for changes. Too large, of
    another kind, or one too many: 422 with the message under `file`."""
    practice = _contributor(request, practice_id)
    try:
        attachment = services.attach_file(practice=practice, upload=file, by=request.user)
    except ServiceError as error:
        raise refused(error, renamed=_FILE) from None
    return Status(201, _attachment_out(request, attachment))


@router.delete(
    "/practices/{practice_id}/attachments/{attachment_id}",
    response={**WRITE, 204: None},
    auth=SIGNED_IN,
    summary="Remove a file from a contributed practice",
)
def remove_practice_file(request: HttpRequest, practice_id: int, attachment_id: int) -> Any:
    """From a draft or a practice returned for changes."""
    practice = _contributor(request, practice_id)
    attachment = get_object_or_404(
        PracticeAttachment.objects.select_related("practice"), pk=attachment_id, practice=practice
    )
    try:
        services.remove_file(attachment=attachment, by=request.user)
    except ServiceError as error:
        raise refused(error, renamed=_FILE) from None
    return Status(204, None)
