"""A programme's deliverables in the JSON API (issue 14, part 4): what the programme promised,
tracked against what exists in the platform, as on the programme's page.

Public to read (the programme reports to its funder: no rule asked); coordinators
record the promises (`reporting.set_deliverables`) through the page's service,
`reporting.services.save_deliverables`, so that both refuse and store the same things. What is
counted, kind by kind, is `reporting.deliverables.track`.
"""

from datetime import date
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from citygrow.api.auth import SIGNED_IN, require_write, signed_in
from citygrow.api.common import ANYONE, READ, WRITE, absolute, forbidden, not_found
from citygrow.api.mentoring_schemas import ProgrammeSlug
from citygrow.api.schemas import NO_NUL
from citygrow.core.forms import MAX_LINKS
from citygrow.mentoring.models import Programme
from citygrow.reporting import services
from citygrow.reporting.deliverables import Tracked, track
from citygrow.reporting.models import Deliverable

router = Router(tags=["deliverables"])

KINDS = ", ".join(Deliverable.Kind.values)


class CountedOut(Schema):
    label: str
    url: str | None = Field(description="Its page, or the link recorded; null: no page")


class DeliverableOut(Schema):
    kind: str = Field(description=KINDS)
    label: str = Field(description="The kind, in words")
    promised: int
    note: str = Field(description="What was promised, in the programme's own words")
    links: list[str] = Field(description="For videos and other outputs: the links recorded")
    existing: int = Field(description="How many exist in the platform (or links recorded)")
    met: bool = Field(description="Whether as many exist as were promised")
    counts: str = Field(description="What is counted, in words")
    items: list[CountedOut] = Field(description="What is counted, one by one")


class DeliverablesOut(Schema):
    programme: str = Field(description="The programme's slug")
    on: date = Field(description="The day of the count (today)")
    deliverables: list[DeliverableOut] = Field(description="In the order recorded")
    url: str = Field(description="The programme's page, which shows them")


class DeliverableIn(Schema):
    kind: str = Field(description=KINDS, max_length=16, pattern=NO_NUL)
    promised: int = Field(description="How many were promised: a whole number, 0 or more")
    note: str = Field("", max_length=300, pattern=NO_NUL)
    links: list[Annotated[str, Field(pattern=NO_NUL, max_length=2_000)]] = Field(
        [], max_length=MAX_LINKS, description="For videos and other outputs: where each is"
    )


def _answer(request: HttpRequest, programme: Programme) -> dict[str, Any]:
    on = timezone.localdate()
    return {
        "programme": programme.slug,
        "on": on,
        "deliverables": [_deliverable(request, row) for row in track(programme, on)],
        "url": absolute(request, f"{programme.get_absolute_url()}#deliverables"),
    }


def _deliverable(request: HttpRequest, row: Tracked) -> dict[str, Any]:
    deliverable = row.deliverable
    return {
        "kind": deliverable.kind,
        "label": deliverable.get_kind_display(),
        "promised": deliverable.promised,
        "note": deliverable.note,
        "links": list(deliverable.links),
        "existing": row.existing,
        "met": row.met,
        "counts": row.counts,
        "items": [
            {"label": item.label, "url": absolute(request, item.url) if item.url else None}
            for item in row.items
        ],
    }


def _programme(slug: str) -> Programme:
    programme = Programme.objects.filter(slug=slug).first()
    if programme is None:
        raise not_found(_("There is no such programme."))
    return programme


@router.get(
    "/programmes/{slug}/deliverables",
    response={**READ, 200: DeliverablesOut},
    openapi_extra=ANYONE,
    summary="A programme's deliverables against what exists",
)
def get_deliverables(request: HttpRequest, slug: ProgrammeSlug) -> Any:
    """Each deliverable the programme promised, with how many exist in the platform: action
    plans endorsed at both levels, toolkits published (one per theme), pairings with a published
    infographic, conferences and events held, and the links recorded for videos and other
    outputs. `items` lists what is counted, with links."""
    return _answer(request, _programme(slug))


@router.put(
    "/programmes/{slug}/deliverables",
    response={**WRITE, 200: DeliverablesOut},
    auth=SIGNED_IN,
    summary="Record what a programme promised",
)
def put_deliverables(
    request: HttpRequest, slug: ProgrammeSlug, payload: list[DeliverableIn]
) -> Any:
    """For coordinators: the rows replace every deliverable of the programme, in their order
    (an empty list: nothing promised). One row per kind, except `other` (as many as needed);
    `promised` is a whole number, 0 or more; `links` (for videos and other outputs) are web
    addresses. A row refused (a negative count, an unknown kind, a kind twice, a link that is not
    a web address) is 422 with the reason, and nothing is stored."""
    require_write(request)
    programme = _programme(slug)
    if not request.user.has_perm("reporting.set_deliverables", programme):
        raise forbidden(_("Only coordinators record what a programme promised."))
    services.save_deliverables(
        programme=programme,
        rows=[
            services.DeliverableIn(
                kind=row.kind, promised=row.promised, note=row.note, links=row.links
            )
            for row in payload
        ],
        by=signed_in(request),
    )
    return _answer(request, programme)
