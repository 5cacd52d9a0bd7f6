"""The JSON API, version 1: the public catalogue, library and cities, and the caller's own
account (see citygrow.api.auth for who is calling)."""

from typing import Annotated, Any

from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, NinjaAPI, Schema, Status
from ninja.errors import ValidationError

from citygrow.api.auth import PUBLIC, SIGNED_IN, require_write, signed_in
from citygrow.api.cities import figure_out
from citygrow.api.common import ANYONE, Refused, absolute, paged, refused
from citygrow.api.schemas import (
    ApiTokenOut,
    CityOut,
    CitySlug,
    ErrorOut,
    MeOut,
    ThemeCode,
    ThemeOut,
    ToolkitOut,
    ToolkitSummary,
    Year,
)
from citygrow.catalogue.models import Theme, Toolkit
from citygrow.core.errors import ServiceError
from citygrow.people.models import (
    CITIES_PER_PAGE,
    ApiToken,
    City,
    CityFigure,
    Indicator,
    latest_figures,
)
from citygrow.people.services import revoke_token

api = NinjaAPI(
    title="CityGrow API",
    version="1",
    description=(
        "The Integrating Cities benchmarks (toolkits), the good-practice library and the cities "
        "of the network. Toolkit texts: © EUROCITIES, credited on each toolkit."
    ),
    urls_namespace="api",
    auth=PUBLIC,
)


@api.exception_handler(ValidationError)
def invalid_request(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Parameters or a body of the wrong type: 422 in the same shape as every other error, with
    the messages by field (e.g. `year`, `links.0`)."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        source, *where = error["loc"]  # ("path", "year"), ("body", "payload", "links", 0)
        if source == "body":
            where = where[1:]
        errors.setdefault(".".join(map(str, where)) or source, []).append(error["msg"])
    return api.create_response(
        request, {"detail": "The request is not valid.", "errors": errors}, status=422
    )


@api.exception_handler(Refused)
def refused_request(request: HttpRequest, exc: Refused) -> HttpResponse:
    """A route's refusal (citygrow.api.common): its status, in the API's error shape."""
    return api.create_response(request, exc.body(), status=exc.status)


@api.exception_handler(ServiceError)
def refused_by_a_service(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    """What the data does not allow (a service's refusal): 422 with its message, under the
    field it names; nothing was stored."""
    return api.create_response(request, refused(exc).body(), status=422)


def _city(
    request: HttpRequest, city: City, figures: dict[str, CityFigure] | None = None
) -> dict[str, Any]:
    """`figures`: the city's latest key figures by indicator code (latest_by_city)."""
    figures = figures or {}
    population = figures.get(Indicator.POPULATION)
    born_abroad = figures.get(Indicator.BORN_ABROAD)
    return {
        "name": city.name,
        "slug": city.slug,
        "country": {"code": city.country.code, "name": city.country.name},
        "population": int(population.value) if population else None,
        "population_year": population.year if population else None,
        "foreign_born_share": float(born_abroad.value) if born_abroad else None,
        "key_figures": [figure_out(f) for f in latest_figures(figures.values())],
        "charter_signatory": city.charter_signatory,
        "charter_signed_on": city.charter_signed_on.isoformat() if city.charter_signed_on else None,
        "charter_signed_by": city.charter_signed_by,
        "url": absolute(request, city.get_absolute_url()),
    }


@api.get(
    "/themes",
    response={200: list[ThemeOut], 401: ErrorOut},
    openapi_extra=ANYONE,
    tags=["toolkits"],
    summary="The themes",
)
def list_themes(request: HttpRequest) -> list[dict[str, Any]]:
    """Every theme, with the years of its editions; a theme with no edition has no content yet."""
    result = []
    editions = Toolkit.objects.visible_to(request.user).order_by("-year")
    for theme in Theme.objects.prefetch_related(Prefetch("toolkits", queryset=editions)):
        current = theme.current
        result.append(
            {
                "code": theme.code,
                "title": theme.title,
                "current_edition": current.year if current else None,
                "editions": [edition.year for edition in theme.toolkits.all()],
            }
        )
    return result


@api.get(
    "/toolkits",
    response={200: list[ToolkitSummary], 401: ErrorOut},
    openapi_extra=ANYONE,
    tags=["toolkits"],
    summary="Toolkit editions",
)
def list_toolkits(request: HttpRequest) -> list[dict[str, Any]]:
    toolkits = (
        Toolkit.objects.visible_to(request.user)
        .select_related("theme")
        .annotate(
            key_factor_count=Count("key_factors", distinct=True),
            practice_count=Count("practices", distinct=True),
        )
    )
    return [
        {
            "theme": toolkit.theme.code,
            "title": toolkit.title,
            "year": toolkit.year,
            "status": toolkit.status,
            "key_factors": toolkit.key_factor_count,
            "practices": toolkit.practice_count,
            "url": absolute(request, toolkit.get_absolute_url()),
        }
        for toolkit in toolkits
    ]


@api.get(
    "/toolkits/{code}/{year}",
    response={200: ToolkitOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    openapi_extra=ANYONE,
    tags=["toolkits"],
    summary="One toolkit edition with all its content",
)
def get_toolkit(request: HttpRequest, code: ThemeCode, year: Year) -> Any:
    toolkit = get_object_or_404(
        Toolkit.objects.visible_to(request.user).with_content(), theme__code=code, year=year
    )
    return {
        "theme": toolkit.theme.code,
        "title": toolkit.title,
        "year": toolkit.year,
        "status": toolkit.status,
        "source": {
            "title": toolkit.source_title,
            "publisher": toolkit.source_publisher,
            "year": toolkit.source_year,
            "url": toolkit.source_url,
            "credit": toolkit.credit,
        },
        "standard": toolkit.standard,
        "standard_introduction": toolkit.standard_introduction,
        "coverage_notes": toolkit.coverage_notes,
        "terms": [{"term": t.term, "definition": t.definition} for t in toolkit.terms.all()],
        "key_factors": [
            {
                "number": factor.position,
                "heading": factor.heading,
                "summary": factor.summary,
                "why": factor.why,
                "guide_questions": [
                    {
                        "number": q.position,
                        "text": q.text,
                        "sub_items": q.sub_items,
                        "note": q.note,
                    }
                    for q in factor.guide_questions.all()
                ],
                "examples": [
                    {
                        "id": p.pk,
                        "city": p.city.name,
                        "country": p.city.country.code,
                        "text": p.text,
                        "links": p.links,
                        "note": p.note,
                    }
                    for p in factor.practices.all()
                ],
            }
            for factor in toolkit.key_factors.all()
        ],
        "context_factors": [
            {"category": c.category, "examples": c.examples} for c in toolkit.context_factors.all()
        ],
        "url": absolute(request, toolkit.get_absolute_url()),
    }


class CityPage(Schema):
    count: int
    page: int
    pages: int
    results: list[CityOut]


@api.get(
    "/cities",
    response={200: CityPage, 401: ErrorOut, 422: ErrorOut},
    openapi_extra=ANYONE,
    tags=["cities"],
    summary="The cities",
)
def list_cities(
    request: HttpRequest, page: Annotated[int, Field(ge=1, le=1_000_000)] = 1
) -> dict[str, Any]:
    """By name, 100 a page, each with its latest key figures."""

    def render(cities: list[City]) -> list[dict[str, Any]]:
        figures = CityFigure.objects.latest_by_city(city.pk for city in cities)
        return [_city(request, city, figures.get(city.pk)) for city in cities]

    return paged(
        City.objects.select_related("country").order_by("name"), page, render, CITIES_PER_PAGE
    )


@api.get(
    "/cities/{slug}",
    response={200: CityOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    openapi_extra=ANYONE,
    tags=["cities"],
    summary="One city",
)
def get_city(request: HttpRequest, slug: CitySlug) -> Any:
    city = get_object_or_404(City.objects.select_related("country"), slug=slug)
    return _city(request, city, CityFigure.objects.latest_by_city([city.pk]).get(city.pk))


@api.get(
    "/me", response={200: MeOut, 401: ErrorOut}, auth=SIGNED_IN, tags=["me"], summary="Who am I"
)
def me(request: HttpRequest) -> Any:
    """The caller's account and roles."""
    user = signed_in(request)
    roles = user.roles.select_related(
        "city",
        "pairing__mentor_city",
        "pairing__implementing_city",
        "pairing__theme",
        "organisation",
    )
    token = getattr(request, "api_token", None)
    return {
        "username": user.username,
        "name": user.get_full_name(),
        "roles": [role.describe() for role in roles],
        "token_scope": token.scope if token else None,
    }


def _token(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.pk,
        "name": token.name,
        "scope": token.scope,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
    }


@api.get(
    "/me/tokens", response={200: list[ApiTokenOut], 401: ErrorOut}, auth=SIGNED_IN, tags=["me"]
)
def list_my_tokens(request: HttpRequest) -> Any:
    """The caller's API tokens that are not revoked (never their secrets)."""
    return [
        _token(token) for token in signed_in(request).api_tokens.filter(revoked_at__isnull=True)
    ]


@api.delete(
    "/me/tokens/{token_id}",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=SIGNED_IN,
    tags=["me"],
    summary="Revoke one of my tokens",
)
def revoke_my_token(request: HttpRequest, token_id: int) -> Any:
    """Needs a read-write token (or the browser session)."""
    require_write(request)
    token = get_object_or_404(
        signed_in(request).api_tokens.filter(revoked_at__isnull=True), pk=token_id
    )
    revoke_token(by=signed_in(request), token=token)
    return Status(204, None)


api.add_router("", "citygrow.api.assessments.router")  # self-assessments and their workflow
api.add_router("", "citygrow.api.mentoring.router")  # programmes, schemes, pairings, visits
api.add_router("", "citygrow.api.plans_core.router")  # action plans, objectives, actions
api.add_router("", "citygrow.api.plans_versions.router")  # versions and endorsements
api.add_router("", "citygrow.api.plans_followup.router")  # progress, measured change
api.add_router("", "citygrow.api.plans_documents.router")  # action import and export
api.add_router("", "citygrow.api.toolkit_editions.router")  # toolkit editions
api.add_router("", "citygrow.api.toolkit_authoring.router")  # editing a draft edition
api.add_router("", "citygrow.api.cities.router")  # cities' key figures and indicators
api.add_router("", "citygrow.api.practices.router")  # the library, contributed practices
api.add_router("", "citygrow.api.pairings.router")  # the pairing page's data
api.add_router("", "citygrow.api.infographics.router")  # pairings' infographics, the gallery
api.add_router("", "citygrow.api.deliverables.router")  # a programme's deliverables
api.add_router("", "citygrow.api.survey.router")  # the Charter questionnaire's editions
api.add_router("", "citygrow.api.survey_cycles.router")  # survey cycles and cities' responses
api.add_router("", "citygrow.api.survey_results.router")  # the survey's results and files
api.add_router("", "citygrow.api.survey_links.router")  # commitments linked to toolkits
api.add_router("", "citygrow.api.signatories.router")  # the Charter's signatories
