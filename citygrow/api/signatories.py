"""The Integrating Cities Charter's signatories in the JSON API (issue 15, part 1): public, by
signing date then name, paginated like the other lists. Coordinators record the signatures
(citygrow.api.cities, PUT /cities/{slug}/charter)."""

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from citygrow.api.common import ANYONE, absolute, paged
from citygrow.api.schemas import CountryOut, ErrorOut
from citygrow.people.models import City

router = Router(tags=["cities"])


class SignatoryFilters(Schema):
    page: int = Field(1, ge=1, le=1_000_000)


class SignatoryOut(Schema):
    name: str
    slug: str
    country: CountryOut
    signed_on: datetime.date | None = Field(description="None when the date is not recorded")
    signed_by: str = Field(description="Who signed for the city; empty when not recorded")
    url: str = Field(description="The city's page")


class SignatoryPage(Schema):
    count: int
    page: int
    pages: int
    results: list[SignatoryOut]


@router.get(
    "/charter/signatories",
    response={200: SignatoryPage, 401: ErrorOut, 422: ErrorOut},
    openapi_extra=ANYONE,
    summary="The Charter's signatories",
)
def list_signatories(request: HttpRequest, filters: Query[SignatoryFilters]) -> Any:
    """Every city recorded as a signatory of the Integrating Cities Charter, with its country,
    signing date and signer, by date (an unknown date last) then name."""
    return paged(
        City.objects.signatories(),
        filters.page,
        lambda found: [
            {
                "name": city.name,
                "slug": city.slug,
                "country": {"code": city.country.code, "name": city.country.name},
                "signed_on": city.charter_signed_on,
                "signed_by": city.charter_signed_by,
                "url": absolute(request, city.get_absolute_url()),
            }
            for city in found
        ],
    )
