"""Cities' key figures in the JSON API (issue 13): each value with its year and source, and
their history; coordinators record figures and define indicators, through the same services
as the city page (citygrow.people.services), so both refuse the same things (422, by field).

A city's Integrating Cities Charter signature (issue 15, part 1): coordinators record it
(PUT) or withdraw it (DELETE) at /cities/{slug}/charter, through the services of the page
(/cities/<slug>/charter/). The list of signatories is citygrow.api.signatories.
"""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from citygrow.api.auth import SIGNED_IN, require_write, signed_in
from citygrow.api.common import ANYONE, READ, WRITE, absolute, forbidden, invalid
from citygrow.api.schemas import NO_NUL, CitySlug, ErrorOut, FigureOut
from citygrow.people import services
from citygrow.people.models import City, CityFigure, Indicator, latest_figures

router = Router(tags=["cities"])

KEEP_FIGURES = "people.keep_city_figures"
RECORD_CHARTER = "people.record_charter_signature"


class IndicatorOut(Schema):
    code: str = Field(description="e.g. population, foreign-residents, born-abroad")
    name: str
    kind: str = Field(description="count (a whole number) or percentage (0..100)")
    description: str


class CityFiguresOut(Schema):
    city: str
    latest: list[FigureOut] = Field(description="The latest figure of each indicator")
    history: list[FigureOut] = Field(description="Every figure recorded, latest year first")


class FigureIn(Schema):
    indicator: str = Field(pattern=r"^[-a-z0-9_]+$", max_length=50, description="Its code")
    value: Decimal = Field(description="A count as a whole number; a percentage within 0..100")
    year: int | None = Field(None, description="The year the figure is about (required)")
    source: Annotated[str, Field(max_length=300, pattern=NO_NUL)]


class IndicatorIn(Schema):
    name: Annotated[str, Field(max_length=100, pattern=NO_NUL)]
    kind: str = Field(description="count or percentage")
    description: Annotated[str, Field(max_length=300, pattern=NO_NUL)] = ""


def figure_out(figure: CityFigure) -> dict[str, Any]:
    return {
        "indicator": figure.indicator.code,
        "indicator_name": figure.indicator.label,
        "kind": figure.indicator.kind,
        "value": float(figure.value),
        "shown": figure.shown(),
        "year": figure.year,
        "source": figure.source,
        "recorded_at": figure.recorded_at,
    }


def _indicator_out(indicator: Indicator) -> dict[str, Any]:
    return {
        "code": indicator.code,
        "name": indicator.label,
        "kind": indicator.kind,
        "description": indicator.description,
    }


def _refuse_unless_coordinator(request: HttpRequest, message: str) -> None:
    require_write(request)
    if not signed_in(request).has_perm(KEEP_FIGURES):
        raise forbidden(message)


@router.get(
    "/indicators",
    response={200: list[IndicatorOut], 401: ErrorOut},
    openapi_extra=ANYONE,
    summary="The indicators of key figures",
)
def list_indicators(request: HttpRequest) -> list[dict[str, Any]]:
    return [_indicator_out(indicator) for indicator in Indicator.objects.all()]


@router.post(
    "/indicators",
    response={400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 201: IndicatorOut},
    auth=SIGNED_IN,
    summary="Define an indicator",
)
def define_indicator(request: HttpRequest, payload: IndicatorIn) -> Any:
    """For coordinators: a new indicator every city may then have figures of; refused (422)
    without a name, with a name already taken, or with a kind other than count or percentage."""
    _refuse_unless_coordinator(request, _("Only coordinators define indicators."))
    indicator = services.define_indicator(
        name=payload.name,
        kind=payload.kind,
        description=payload.description,
        by=signed_in(request),
    )
    return Status(201, _indicator_out(indicator))


@router.get(
    "/cities/{slug}/figures",
    response={200: CityFiguresOut, **READ},
    openapi_extra=ANYONE,
    summary="A city's key figures",
)
def city_figures(request: HttpRequest, slug: CitySlug) -> dict[str, Any]:
    """The latest figure of each indicator, and the whole history, each with year and source."""
    city = get_object_or_404(City, slug=slug)
    history = list(city.figures.select_related("indicator"))
    return {
        "city": city.name,
        "latest": [figure_out(f) for f in latest_figures(history)],
        "history": [figure_out(f) for f in history],
    }


@router.post(
    "/cities/{slug}/figures",
    response={**WRITE, 201: FigureOut},
    auth=SIGNED_IN,
    summary="Record a key figure of a city",
)
def record_figure(request: HttpRequest, slug: CitySlug, payload: FigureIn) -> Any:
    """For coordinators. A correction is a new figure (for the same year): the latest counts and
    the history keeps both. Refused (422, by field): no year or one outside 1900..this year, a
    negative value, a count that is not whole, a percentage above 100, no source."""
    city = get_object_or_404(City, slug=slug)
    _refuse_unless_coordinator(request, _("Only coordinators record cities' key figures."))
    indicator = Indicator.objects.filter(code=payload.indicator).first()
    if indicator is None:
        raise invalid("indicator", _("There is no indicator with this code."))
    figure = services.record_figure(
        city=city,
        indicator=indicator,
        value=payload.value,
        year=payload.year,
        source=payload.source,
        by=signed_in(request),
    )
    return Status(201, figure_out(figure))


# The Charter signature (issue 15, part 1) ---------------------------------------------------


class CharterSignatureIn(Schema):
    signed_on: datetime.date | None = Field(
        None, description="The day the city signed (YYYY-MM-DD): from February 2010 to today"
    )
    # No NUL pattern here: the service refuses a NUL character with its own message (422).
    signed_by: str = Field(
        "", max_length=1_000, description='Who signed, e.g. "the Mayor, Jane Doe" (at most 200)'
    )


class CharterSignatureOut(Schema):
    city: str
    slug: str
    charter_signatory: bool | None = Field(description="None when not known")
    charter_signed_on: datetime.date | None
    charter_signed_by: str = Field(description="Who signed for the city; empty when not known")
    url: str = Field(description="The city's page")


def charter_out(request: HttpRequest, city: City) -> dict[str, Any]:
    """A city's Charter signature as the API gives it."""
    return {
        "city": city.name,
        "slug": city.slug,
        "charter_signatory": city.charter_signatory,
        "charter_signed_on": city.charter_signed_on,
        "charter_signed_by": city.charter_signed_by,
        "url": absolute(request, city.get_absolute_url()),
    }


def _refuse_unless_charter_keeper(request: HttpRequest) -> None:
    require_write(request)
    if not signed_in(request).has_perm(RECORD_CHARTER):
        raise forbidden(_("Only coordinators record cities' Charter signatures."))


@router.put(
    "/cities/{slug}/charter",
    response={**WRITE, 200: CharterSignatureOut},
    auth=SIGNED_IN,
    summary="Record a city's Charter signature",
)
def record_charter_signature(
    request: HttpRequest, slug: CitySlug, payload: CharterSignatureIn
) -> Any:
    """For coordinators: the day the city signed the Integrating Cities Charter and who signed;
    a signature already recorded is corrected. Refused (422, by field, nothing stored): no date,
    a date in the future or before the Charter's launch (February 2010), no signer, a signer of
    more than 200 characters or with a NUL character."""
    city = get_object_or_404(City, slug=slug)
    _refuse_unless_charter_keeper(request)
    city = services.record_charter_signature(
        city=city,
        signed_on=payload.signed_on,
        signed_by=payload.signed_by,
        by=signed_in(request),
    )
    return charter_out(request, city)


@router.delete(
    "/cities/{slug}/charter",
    response={**WRITE, 200: CharterSignatureOut},
    auth=SIGNED_IN,
    summary="Withdraw a city's Charter signature",
)
def withdraw_charter_signature(request: HttpRequest, slug: CitySlug) -> Any:
    """For coordinators: the city is not a signatory (e.g. a signature recorded by mistake);
    its date and signer are cleared (the audit trail keeps them). Refused (422) for a city not
    recorded as a signatory."""
    city = get_object_or_404(City, slug=slug)
    _refuse_unless_charter_keeper(request)
    city = services.withdraw_charter_signature(city=city, by=signed_in(request))
    return charter_out(request, city)
