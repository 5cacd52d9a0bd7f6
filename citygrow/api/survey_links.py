"""The Charter's commitments linked to the toolkits in the JSON API (issue 15 part 5): a
commitment's toolkits and key factors (public), recording them (coordinators), and what a
city's response draws from them (as the response).

The pages' rules and figures (citygrow.survey.rules, .links, .services): the links are public;
a PUT replaces a commitment's links and is for coordinators (403 for others, 401 without
credentials); toolkits are given by theme code and year, key factors by number, and anything
the data does not allow is 422 by field, with nothing stored. A response's suggestions follow
the response (404 to those who may not see it) and show only the assessments and the other
cities' responses the caller may see.
"""

import datetime
from typing import Annotated, Any

from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from citygrow.api.auth import SIGNED_IN, require_write, signed_in
from citygrow.api.common import ANYONE, READ, WRITE, absolute, forbidden, invalid, refused
from citygrow.api.schemas import Id
from citygrow.catalogue.models import KeyFactor, Toolkit
from citygrow.survey import links, services
from citygrow.survey.models import Commitment, Response

router = Router(tags=["charter survey"])

#: A key factor's number, or a year, as the database stores it.
Number = Annotated[int, Field(ge=1, le=32_767)]


# -- shapes -------------------------------------------------------------------------------------


class CommitmentLinkKeyFactorOut(Schema):
    number: int
    heading: str


class CommitmentLinkOut(Schema):
    theme: str = Field(description="The toolkit's theme code, e.g. A")
    year: int = Field(description="The toolkit edition's year")
    title: str
    status: str = Field(description="published or withdrawn")
    key_factors: list[CommitmentLinkKeyFactorOut] = Field(
        description="The key factors that serve the commitment; none: the toolkit as a whole"
    )
    note: str = Field(description="Where the link comes from (the demo marks its own)")
    url: str = Field(description="The toolkit's page")


class CommitmentLinksOut(Schema):
    commitment_id: int
    code: str = Field(description="The commitment's code, e.g. BU1")
    text: str
    questionnaire: str = Field(description="The label of its questionnaire edition")
    questionnaire_id: int
    toolkits: list[CommitmentLinkOut]


class CommitmentLinkIn(Schema):
    theme: str = Field(pattern=r"^[A-Z]$", description="The toolkit's theme code, e.g. A")
    year: Number = Field(description="The toolkit edition's year")
    key_factors: list[Number] = Field(
        [],
        max_length=100,
        description="The numbers of its key factors that serve the commitment; none: the "
        "toolkit as a whole",
    )


class CommitmentLinksIn(Schema):
    toolkits: list[CommitmentLinkIn] = Field(
        max_length=100,
        description="Every toolkit that serves the commitment (replacing its links); empty: "
        "none. A published (or withdrawn) edition, each once.",
    )


class SurveySuggestionAssessmentOut(Schema):
    id: int
    title: str
    theme: str
    year: int = Field(description="The year of the toolkit edition it assesses against")
    assessed_on: datetime.date
    status: str = Field(description="draft, submitted, reviewed or published")
    url: str


class SurveySuggestionCityOut(Schema):
    city: str = Field(description="The city's slug")
    city_name: str
    response_id: int
    url: str = Field(description="Its response's page")


class SurveySuggestionToolkitOut(Schema):
    theme: str
    year: int = Field(description="The linked edition's year")
    key_factors: list[CommitmentLinkKeyFactorOut]
    note: str = Field(description="Where the link comes from (the demo marks its own)")
    current_year: int = Field(
        description="The theme's current published edition (to assess against): its year"
    )
    current_title: str
    current_url: str
    assessments: list[SurveySuggestionAssessmentOut] = Field(
        description="The city's assessments on the theme that the caller may see, newest first"
    )


class SurveySuggestionCommitmentOut(Schema):
    code: str
    text: str
    rating: str | None = Field(description="The city's rating; None: not rated")
    needs_work: bool = Field(description='Rated "partly" or "not at all"')
    toolkits: list[SurveySuggestionToolkitOut]
    rated_fully_by: list[SurveySuggestionCityOut] = Field(
        description='For a commitment that needs work: the cities that rated it "fully" in the '
        "same cycle, among the responses the caller may see (submitted or accepted)"
    )


class SurveySuggestionsOut(Schema):
    response_id: int
    city: str = Field(description="The city's slug")
    cycle: str = Field(description="The cycle's label")
    commitments: list[SurveySuggestionCommitmentOut] = Field(
        description="The response's commitments that are linked to toolkits, in order"
    )


# -- helpers ------------------------------------------------------------------------------------


def _key_factors(factors: Any) -> list[dict[str, Any]]:
    return [{"number": factor.position, "heading": factor.heading} for factor in factors]


def _links_out(request: HttpRequest, commitment_id: int) -> dict[str, Any]:
    """The commitment and its links, in four queries."""
    commitment = get_object_or_404(
        Commitment.objects.select_related("questionnaire").prefetch_related(
            Prefetch("links", queryset=links.link_queryset())
        ),
        pk=commitment_id,
    )
    return {
        "commitment_id": commitment.pk,
        "code": commitment.code,
        "text": commitment.text,
        "questionnaire": commitment.questionnaire.label,
        "questionnaire_id": commitment.questionnaire_id,
        "toolkits": [
            {
                "theme": link.toolkit.theme.code,
                "year": link.toolkit.year,
                "title": link.toolkit.title,
                "status": link.toolkit.status,
                "key_factors": _key_factors(link.key_factors.all()),
                "note": link.note,
                "url": absolute(request, link.toolkit.get_absolute_url()),
            }
            for link in commitment.links.all()
        ],
    }


def _chosen(payload: CommitmentLinksIn) -> list[tuple[Toolkit, list[KeyFactor]]]:
    """The toolkits and key factors named, or 422 on the first one that does not exist (the
    service refuses the rest: a toolkit twice, a draft)."""
    wanted = {(item.theme, item.year) for item in payload.toolkits}
    found = {
        (toolkit.theme.code, toolkit.year): toolkit
        for toolkit in Toolkit.objects.filter(
            theme__code__in={theme for theme, _year in wanted},
            year__in={year for _theme, year in wanted},
        )
        .select_related("theme")
        .prefetch_related("key_factors")
    }
    chosen = []
    for index, item in enumerate(payload.toolkits):
        toolkit = found.get((item.theme, item.year))
        if toolkit is None:
            raise invalid(
                f"toolkits.{index}",
                _("There is no toolkit %(theme)s %(year)d.")
                % {"theme": item.theme, "year": item.year},
            )
        factors = {factor.position: factor for factor in toolkit.key_factors.all()}
        unknown = [number for number in item.key_factors if number not in factors]
        if unknown:
            raise invalid(
                f"toolkits.{index}.key_factors",
                _("The toolkit %(theme)s %(year)d has no key factor %(number)d.")
                % {"theme": item.theme, "year": item.year, "number": unknown[0]},
            )
        chosen.append((toolkit, [factors[number] for number in sorted(set(item.key_factors))]))
    return chosen


# -- routes -------------------------------------------------------------------------------------


@router.get(
    "/charter/commitments/{commitment_id}/links",
    response={200: CommitmentLinksOut, **READ},
    openapi_extra=ANYONE,
    summary="A Charter commitment's toolkits",
)
def get_commitment_links(request: HttpRequest, commitment_id: Id) -> Any:
    """The toolkits (and their key factors) that serve the commitment, as a coordinator
    recorded them. Public."""
    return _links_out(request, commitment_id)


@router.put(
    "/charter/commitments/{commitment_id}/links",
    response={**WRITE, 200: CommitmentLinksOut},
    auth=SIGNED_IN,
    summary="Link a Charter commitment to toolkits",
)
def save_commitment_links(
    request: HttpRequest, commitment_id: Id, payload: CommitmentLinksIn
) -> Any:
    """For coordinators: replaces the commitment's links with the toolkits given (theme code and
    year), each with the numbers of its key factors that serve it."""
    require_write(request)
    user = signed_in(request)
    commitment = get_object_or_404(Commitment, pk=commitment_id)
    if not user.has_perm("survey.link_commitment"):
        raise forbidden(_("Only coordinators link the Charter's commitments to toolkits."))
    chosen = _chosen(payload)
    try:
        services.save_links(commitment=commitment, links=chosen, by=user)
    except services.SurveyError as error:
        raise refused(error, "toolkits", renamed={"key_factors": "toolkits"}) from None
    return _links_out(request, commitment.pk)


@router.get(
    "/charter/responses/{response_id}/suggestions",
    response={200: SurveySuggestionsOut, **READ},
    openapi_extra=ANYONE,
    summary="What a city's Charter ratings suggest from the toolkits",
)
def get_survey_suggestions(request: HttpRequest, response_id: Id) -> Any:
    """The response's commitments that are linked to toolkits: the city's rating, each linked
    toolkit with its theme's current edition and the city's assessments on it; for those rated
    "partly" or "not at all", the cities that rated them "fully". As the response: 404 to those
    who may not see it."""
    response = get_object_or_404(Response.objects.select_related("city", "cycle"), pk=response_id)
    if not request.user.has_perm("survey.view_response", response):
        raise Http404
    found = links.city_suggestions(response, user=request.user)
    return {
        "response_id": response.pk,
        "city": response.city.slug,
        "cycle": response.cycle.label,
        "commitments": [
            {
                "code": item.commitment.code,
                "text": item.commitment.text,
                "rating": item.rating,
                "needs_work": item.needs_work,
                "toolkits": [
                    {
                        "theme": linked.toolkit.theme.code,
                        "year": linked.toolkit.year,
                        "key_factors": _key_factors(linked.key_factors),
                        "note": linked.link.note,
                        "current_year": linked.current.year,
                        "current_title": linked.current.title,
                        "current_url": absolute(request, linked.current.get_absolute_url()),
                        "assessments": [
                            {
                                "id": assessment.pk,
                                "title": assessment.title,
                                "theme": assessment.toolkit.theme.code,
                                "year": assessment.toolkit.year,
                                "assessed_on": assessment.assessed_on,
                                "status": assessment.status,
                                "url": absolute(request, assessment.get_absolute_url()),
                            }
                            for assessment in linked.assessments
                        ],
                    }
                    for linked in item.toolkits
                ],
                "rated_fully_by": [
                    {
                        "city": other.city.slug,
                        "city_name": other.city.name,
                        "response_id": other.pk,
                        "url": absolute(request, other.get_absolute_url()),
                    }
                    for other in item.fully
                ],
            }
            for item in found.commitments
        ],
    }
