"""Pairings' infographics in the JSON API (issue 14, parts 2, 3 and 5): the gallery, a pairing's
versions, one version with what it draws, its files, and the composer's steps (start a draft,
change it, publish it, make a new version, discard a draft).

The rules are the pages' (citygrow.reporting.rules): a published infographic is public; a draft
is seen by the pairing's team (404 to anyone else); a facilitator of the pairing's theme or a
coordinator composes (403 to others who see it). A change sends the `revision` it read: if
someone saved the draft since, nothing is stored and 409 answers with it as stored now. What
the printed page cannot hold is refused with 422 under the field it is about (`strengths-2`,
`title`, ...).
"""

from datetime import datetime
from typing import Annotated, Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from citygrow.api.auth import SIGNED_IN, require_write
from citygrow.api.common import (
    ANYONE,
    READ,
    WRITE,
    Refused,
    absolute,
    errors_of,
    file_response,
    forbidden,
    paged,
)
from citygrow.api.schemas import NO_NUL, ErrorOut, Id, text_field
from citygrow.mentoring.models import Pairing
from citygrow.publishing import infographic as drawing
from citygrow.reporting import documents, infographics, services
from citygrow.reporting.forms import GalleryFilterForm
from citygrow.reporting.models import Infographic, InfographicItem

router = Router(tags=["infographics"])

LIMITS = drawing.LIMITS


# Schemas --------------------------------------------------------------------------------------


class InfographicFigureOut(Schema):
    label: str
    value: str
    note: str = Field(description="The year and the source of the figure.")


class InfographicCityOut(Schema):
    name: str
    country: str
    role: str
    figures: list[InfographicFigureOut]


class InfographicMomentOut(Schema):
    when: str
    title: str
    past: bool


class InfographicDrawnOut(Schema):
    """What the infographic draws: for a draft, today's data with its texts; for a published
    one, what was frozen when it was published."""

    title: str
    subtitle: str
    notice: str
    mentor: InfographicCityOut
    implementing: InfographicCityOut
    key_factors: list[str]
    timeline: list[InfographicMomentOut]
    strengths: list[str]
    challenges: list[str]
    actions: list[str]
    practices: list[str]
    credits: list[str]


class InfographicItemOut(Schema):
    text: str
    finding: int | None = Field(None, description="The visit report's finding it was picked from.")
    action: int | None = Field(None, description="The plan's action it was picked from.")


class InfographicFilesOut(Schema):
    svg: str
    pdf_a4: str
    pdf_a3: str
    png: str
    text: str = Field(description="The text version of the page, for screen readers.")


class InfographicSummaryOut(Schema):
    id: int
    pairing: int
    number: int = Field(description="The version: 1 for the pairing's first infographic.")
    status: str = Field(description="draft or published")
    title: str
    programme: str = Field(description="The programme's slug.")
    theme: str = Field(description="The theme's code.")
    mentor_city: str
    implementing_city: str
    published_at: datetime | None
    url: str
    files: InfographicFilesOut


class InfographicOut(InfographicSummaryOut):
    revision: int = Field(description="Send it back with a change (409 if it is stale).")
    subtitle: str
    notice: str
    credits: list[str]
    key_factors: list[int] = Field(description="Ids of the key factors worked on.")
    practices: list[int] = Field(description="Ids of the practices transferred.")
    strengths: list[InfographicItemOut]
    challenges: list[InfographicItemOut]
    actions: list[InfographicItemOut]
    drawn: InfographicDrawnOut
    missing: list[str] = Field(description="What keeps a draft from being published.")
    gaps: list[str] = Field(description="What the pairing has not done yet that it would tell.")


class InfographicPage(Schema):
    count: int
    page: int
    pages: int
    results: list[InfographicSummaryOut]


class InfographicConflictOut(Schema):
    detail: str
    current: InfographicOut


class GalleryFilters(Schema):
    programme: str | None = Field(None, description="A programme's slug.")
    theme: str | None = Field(None, description="A theme's code, e.g. A.")
    city: str | None = Field(None, description="A city's slug: as mentor or implementing city.")
    page: int = Field(1, ge=1, le=1_000_000)


class InfographicItemIn(Schema):
    text: str = text_field(max_length=LIMITS["item"])
    finding: Id | None = None
    action: Id | None = None


class InfographicIn(Schema):
    revision: Id | None = Field(None, description="The revision you read.")
    title: str = text_field(max_length=LIMITS["title"])
    subtitle: str = text_field("", max_length=LIMITS["subtitle"])
    notice: str = text_field("", max_length=LIMITS["notice"])
    credits: list[Annotated[str, Field(pattern=NO_NUL, max_length=LIMITS["credit"])]] = Field(
        default_factory=list, max_length=infographics.MAX_CREDITS
    )
    key_factors: list[Id] = Field(default_factory=list, max_length=infographics.MAX_KEY_FACTORS)
    practices: list[Id] = Field(default_factory=list, max_length=infographics.MAX_PRACTICES)
    strengths: list[InfographicItemIn] = Field(
        default_factory=list, max_length=infographics.MAX_ITEMS
    )
    challenges: list[InfographicItemIn] = Field(
        default_factory=list, max_length=infographics.MAX_ITEMS
    )
    actions: list[InfographicItemIn] = Field(
        default_factory=list, max_length=infographics.MAX_ITEMS
    )


# Loading --------------------------------------------------------------------------------------


def _loaded() -> Any:
    return Infographic.objects.with_pairing()


def visible_infographic(request: HttpRequest, infographic_id: int) -> Infographic:
    found = _loaded().visible_to(request.user).filter(pk=infographic_id).first()
    if found is None:
        raise Http404
    return found


def _acting(request: HttpRequest, infographic_id: int, perm: str) -> Infographic:
    """403 for a read-only token; 404 unless the caller sees it; 403 unless they compose."""
    require_write(request)
    infographic = visible_infographic(request, infographic_id)
    if not request.user.has_perm(perm, infographic):
        if request.user.has_perm("reporting.compose_infographic", infographic.pairing):
            raise Refused(
                422,
                _("A published infographic does not change: make a new version of it.")
                if infographic.is_published
                else _("A draft is edited, published or discarded: it has no new version."),
            )
        raise forbidden(
            _("Only the facilitators of the pairing's theme and coordinators compose it.")
        )
    return infographic


# Output ---------------------------------------------------------------------------------------


def _files(request: HttpRequest, infographic: Infographic) -> dict[str, str]:
    def file(fmt: str) -> str:
        return absolute(request, reverse("reporting:infographic_file", args=[infographic.pk, fmt]))

    return {
        "svg": file("svg"),
        "pdf_a4": file("pdf-a4"),
        "pdf_a3": file("pdf-a3"),
        "png": file("png"),
        "text": absolute(request, reverse("reporting:infographic_text", args=[infographic.pk])),
    }


def _summary(request: HttpRequest, infographic: Infographic) -> dict[str, Any]:
    pairing = infographic.pairing
    return {
        "id": infographic.pk,
        "pairing": pairing.pk,
        "number": infographic.number,
        "status": infographic.status,
        "title": infographic.title,
        "programme": pairing.scheme.programme.slug,
        "theme": pairing.theme.code,
        "mentor_city": pairing.mentor_city.slug,
        "implementing_city": pairing.implementing_city.slug,
        "published_at": infographic.published_at,
        "url": absolute(request, infographic.get_absolute_url()),
        "files": _files(request, infographic),
    }


def infographic_out(request: HttpRequest, infographic: Infographic) -> dict[str, Any]:
    content = infographics.compose(infographic)
    items: dict[str, list[dict[str, Any]]] = {
        section: [] for section, _slug in infographics.SECTIONS
    }
    for item in infographic.items.order_by("position", "pk"):
        items[item.section].append(
            {"text": item.text, "finding": item.finding_id, "action": item.action_id}
        )
    drawn = infographics.to_json(content)
    drawn.pop("labels")
    return {
        **_summary(request, infographic),
        "revision": infographic.revision,
        "subtitle": infographic.subtitle,
        "notice": infographic.notice,
        "credits": infographic.credit_lines(),
        "key_factors": sorted(infographic.key_factors.values_list("pk", flat=True)),
        "practices": sorted(infographic.practices.values_list("pk", flat=True)),
        "strengths": items[InfographicItem.Section.STRENGTH],
        "challenges": items[InfographicItem.Section.CHALLENGE],
        "actions": items[InfographicItem.Section.ACTION],
        "drawn": drawn,
        "missing": []
        if infographic.is_published
        else services.missing_for_publication(infographic, content),
        "gaps": [] if infographic.is_published else infographics.gaps(infographic.pairing),
    }


def _data(payload: InfographicIn) -> services.InfographicIn:
    def items(given: list[InfographicItemIn]) -> list[services.ItemIn]:
        return [services.ItemIn(item.text, item.finding, item.action) for item in given]

    return services.InfographicIn(
        title=payload.title,
        subtitle=payload.subtitle,
        notice=payload.notice,
        credits=payload.credits,
        key_factors=payload.key_factors,
        practices=payload.practices,
        strengths=items(payload.strengths),
        challenges=items(payload.challenges),
        actions=items(payload.actions),
    )


# Routes ---------------------------------------------------------------------------------------


@router.get(
    "/infographics",
    response={200: InfographicPage, 401: ErrorOut, 422: ErrorOut},
    openapi_extra=ANYONE,
    summary="The gallery: each pairing's latest published infographic",
)
def list_infographics(request: HttpRequest, filters: Query[GalleryFilters]) -> Any:
    """Newest first, 24 a page; filtered by programme, theme and city as the gallery page."""
    data = {k: v for k, v in filters.dict().items() if k != "page" and v is not None}
    form = GalleryFilterForm(data)
    if not form.is_valid():
        raise Refused(422, _("Some filters are not valid."), errors_of(form))
    found = form.filtered(_loaded().latest_published().order_by("-published_at", "-pk"))
    return paged(found, filters.page, lambda found: [_summary(request, i) for i in found], 24)


@router.get(
    "/pairings/{pairing_id}/infographics",
    response={200: list[InfographicSummaryOut], **READ},
    openapi_extra=ANYONE,
    summary="A pairing's infographic, every version the caller may see",
)
def list_pairing_infographics(request: HttpRequest, pairing_id: Id) -> Any:
    """Newest version first; drafts only for the pairing's team."""
    pairing = get_object_or_404(Pairing, pk=pairing_id)
    return [
        _summary(request, infographic)
        for infographic in _loaded().visible_to(request.user).filter(pairing=pairing)
    ]


@router.post(
    "/pairings/{pairing_id}/infographics",
    response={**WRITE, 201: InfographicOut},
    auth=SIGNED_IN,
    summary="Start a pairing's infographic (the first, or a new version)",
)
def start_infographic(request: HttpRequest, pairing_id: Id) -> Any:
    """The first draft is filled from the pairing's findings, plan and cited practices; a new
    version copies the latest published one. 422 when the pairing already has a draft."""
    require_write(request)
    pairing = get_object_or_404(Pairing, pk=pairing_id)
    if not request.user.has_perm("reporting.compose_infographic", pairing):
        raise forbidden(
            _("Only the facilitators of the pairing's theme and coordinators compose it.")
        )
    draft = services.start_infographic(pairing=pairing, by=request.user)
    return Status(201, infographic_out(request, _loaded().get(pk=draft.pk)))


@router.get(
    "/infographics/{infographic_id}",
    response={200: InfographicOut, **READ},
    openapi_extra=ANYONE,
    summary="One version of an infographic, with what it draws and its files",
)
def get_infographic(request: HttpRequest, infographic_id: Id) -> Any:
    return infographic_out(request, visible_infographic(request, infographic_id))


@router.put(
    "/infographics/{infographic_id}",
    response={**WRITE, 200: InfographicOut, 409: InfographicConflictOut},
    auth=SIGNED_IN,
    summary="Change a draft infographic",
)
def edit_infographic(request: HttpRequest, infographic_id: Id, payload: InfographicIn) -> Any:
    """Every field is replaced. An item names the finding or plan action it was picked from,
    if any (they must be the pairing's). Texts that do not fit the printed page are refused
    (422, under `title`, `strengths-2`, ...)."""
    infographic = _acting(request, infographic_id, "reporting.edit_infographic")
    try:
        services.save_infographic(
            infographic=infographic,
            data=_data(payload),
            by=request.user,
            seen_revision=payload.revision,
        )
    except services.Conflict as conflict:
        current = infographic_out(request, _loaded().get(pk=infographic.pk))
        return Status(409, {"detail": conflict.message, "current": current})
    return infographic_out(request, _loaded().get(pk=infographic.pk))


@router.post(
    "/infographics/{infographic_id}/publish",
    response={**WRITE, 200: InfographicOut},
    auth=SIGNED_IN,
    summary="Publish a draft infographic",
)
def publish_infographic(request: HttpRequest, infographic_id: Id) -> Any:
    """It becomes public and frozen. 422 with what is missing (3 to 6 items in each section,
    texts that fit)."""
    infographic = _acting(request, infographic_id, "reporting.publish_infographic")
    services.publish_infographic(infographic=infographic, by=request.user)
    return infographic_out(request, _loaded().get(pk=infographic.pk))


@router.post(
    "/infographics/{infographic_id}/versions",
    response={**WRITE, 201: InfographicOut},
    auth=SIGNED_IN,
    summary="Make a new version of a published infographic",
)
def new_infographic_version(request: HttpRequest, infographic_id: Id) -> Any:
    """A draft copied from the latest published version (422 when a draft exists)."""
    infographic = _acting(request, infographic_id, "reporting.new_infographic_version")
    draft = services.start_infographic(pairing=infographic.pairing, by=request.user)
    return Status(201, infographic_out(request, _loaded().get(pk=draft.pk)))


@router.delete(
    "/infographics/{infographic_id}",
    response={**WRITE, 204: None},
    auth=SIGNED_IN,
    summary="Discard a draft infographic",
)
def discard_infographic(request: HttpRequest, infographic_id: Id) -> Any:
    infographic = _acting(request, infographic_id, "reporting.discard_infographic")
    services.discard_infographic(infographic=infographic, by=request.user)
    return Status(204, None)


@router.get(
    "/infographics/{infographic_id}/files/{fmt}",
    response={200: None, **READ},
    openapi_extra=file_response(
        "The infographic as an SVG drawing (svg), a PDF on A4 (pdf-a4) or A3 (pdf-a3), or a "
        "PNG picture (png).",
        "image/svg+xml",
        "application/pdf",
        "image/png",
    ),
    summary="The infographic's file",
)
def infographic_file(request: HttpRequest, infographic_id: Id, fmt: str) -> HttpResponse:
    if fmt not in documents.FORMATS:
        raise Refused(404, _("There is no such file: ask for svg, pdf-a4, pdf-a3 or png."))
    return documents.response(request, visible_infographic(request, infographic_id), fmt)
