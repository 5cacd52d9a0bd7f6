"""The Charter survey's results in the JSON API (issue 15 parts 4 and 6): a cycle's aggregate
(response rate, every commitment's distribution, the mean per role, the trend across cycles),
publishing or withdrawing it (coordinators), a city's scores with their change and standing,
and the files: the cycle's answers as CSV or XLSX, the city's results as PDF.

The pages' rules and figures (citygrow.survey.rules, .results, .documents): a cycle's results
are public once published and seen by coordinators before, else 404; a city's scores follow its
response (404 to those who may not see it); the answers file has a row per response the caller
may see. Scores are 0-100 with one decimal, or null when there is none (see `scale` on
/charter/questionnaires/{id}).
"""

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from citygrow.api.auth import SIGNED_IN, require_write, signed_in
from citygrow.api.common import ANYONE, READ, WRITE, absolute, file_response, forbidden
from citygrow.survey import documents, results, scoring, services
from citygrow.survey.models import Cycle, Questionnaire, Response

router = Router(tags=["charter survey"])

Score = Decimal | None


class CommitmentResultOut(Schema):
    code: str
    text: str
    is_summary: bool
    fully: int
    partly: int
    not_at_all: int
    dont_know: int
    not_applicable: int
    not_rated: int = Field(description="Responding cities that did not rate it")
    mean: Score


class RoleResultOut(Schema):
    code: str
    title: str
    mean: Score = Field(description="The mean of the responding cities' scores in the role")
    cities: int = Field(description="The cities whose score counts in the mean")


class SurveyTrendOut(Schema):
    cycles: list[str] = Field(description="The cycles' labels, oldest first")
    roles: dict[str, list[Score]] = Field(description="Role code -> its mean in each cycle")
    overall: list[Score]
    response_rate: list[Score] = Field(description="In per cent")


class CycleResultsOut(Schema):
    cycle: str
    title: str
    published: bool
    published_at: datetime | None
    invited: int
    submitted: int = Field(description="Cities that submitted (or were accepted)")
    response_rate: Score = Field(description="In per cent; null when no city was invited")
    overall: Score = Field(description="The network mean: the mean of the cities' overall scores")
    roles: list[RoleResultOut]
    commitments: list[CommitmentResultOut]
    trend: SurveyTrendOut
    url: str
    answers_csv: str
    answers_xlsx: str


class CityRoleScoreOut(Schema):
    code: str
    title: str
    score: Score
    previous: Score
    change: Score
    network: Score
    similar: Score = Field(description="The mean of similar cities; null when there are none")


class CityResultsOut(Schema):
    city: str
    cycle: str
    status: Literal["invited", "draft", "submitted", "returned", "accepted"]
    previous_cycle: str | None = Field(description="The cycle the change is measured from")
    roles: list[CityRoleScoreOut]
    overall: CityRoleScoreOut = Field(description="Overall (code and title: overall)")
    similar_cities: int
    data_gaps: list[str] = Field(description='Commitments rated "don\'t know"')
    not_rated: int
    url: str
    pdf_url: str


def _shown(value: Any) -> Score:
    return scoring.rounded(value)


def _cycle(request: HttpRequest, cycle_id: int) -> Cycle:
    cycle = get_object_or_404(
        Cycle.objects.with_counts().select_related("questionnaire"), pk=cycle_id
    )
    if not request.user.has_perm("survey.view_results", cycle):
        raise Http404
    return cycle


def _response(request: HttpRequest, response_id: int) -> Response:
    response = get_object_or_404(
        Response.objects.select_related("city", "cycle__questionnaire"), pk=response_id
    )
    if not request.user.has_perm("survey.view_response", response):
        raise Http404
    return response


def _cycle_results_out(request: HttpRequest, cycle: Cycle) -> dict[str, Any]:
    found = results.cycle_results(cycle)
    aggregate, trend = found.aggregate, found.trend
    edition = Questionnaire.objects.with_content().get(pk=cycle.questionnaire_id)
    roles = list(edition.roles.all())
    commitments = []
    for role in roles:
        for commitment in role.commitments.all():
            item = aggregate.commitment(commitment.code)
            commitments.append(
                {
                    "code": commitment.code,
                    "text": commitment.text,
                    "is_summary": commitment.is_summary,
                    "fully": item.fully,
                    "partly": item.partly,
                    "not_at_all": item.not_at_all,
                    "dont_know": item.dont_know,
                    "not_applicable": item.not_applicable,
                    "not_rated": item.unanswered,
                    "mean": _shown(item.mean),
                }
            )
    return {
        "cycle": cycle.label,
        "title": cycle.title,
        "published": cycle.results_published,
        "published_at": cycle.results_published_at,
        "invited": aggregate.invited,
        "submitted": aggregate.submitted,
        "response_rate": _shown(aggregate.response_percent),
        "overall": _shown(aggregate.overall),
        "roles": [
            {
                "code": role.code,
                "title": role.title,
                "mean": _shown(aggregate.role(role.code).mean),
                "cities": aggregate.role(role.code).cities,
            }
            for role in roles
        ],
        "commitments": commitments,
        "trend": {
            "cycles": list(trend.labels),
            "roles": {code: [_shown(v) for v in values] for code, values in trend.roles.items()},
            "overall": [_shown(v) for v in trend.overall],
            "response_rate": [
                _shown(None if rate is None else rate * 100) for rate in trend.response_rate
            ],
        },
        "url": absolute(request, f"/charter/cycles/{cycle.pk}/results/"),
        "answers_csv": absolute(request, f"/api/v1/charter/cycles/{cycle.pk}/answers/csv"),
        "answers_xlsx": absolute(request, f"/api/v1/charter/cycles/{cycle.pk}/answers/xlsx"),
    }


@router.get(
    "/charter/cycles/{cycle_id}/results",
    response={200: CycleResultsOut, **READ},
    openapi_extra=ANYONE,
    summary="A survey cycle's results",
)
def get_survey_results(request: HttpRequest, cycle_id: int) -> Any:
    """Public once published (coordinators see them before): read from the responses submitted
    or accepted, with the trend over the earlier cycles whose results are published."""
    return _cycle_results_out(request, _cycle(request, cycle_id))


@router.post(
    "/charter/cycles/{cycle_id}/results/publish",
    response={**WRITE, 200: CycleResultsOut},
    auth=SIGNED_IN,
    summary="Publish a survey cycle's results",
)
def publish_survey_results(request: HttpRequest, cycle_id: int) -> Any:
    """For coordinators: the cycle's results become public."""
    return _publishing(request, cycle_id, publish=True)


@router.post(
    "/charter/cycles/{cycle_id}/results/withdraw",
    response={**WRITE, 200: CycleResultsOut},
    auth=SIGNED_IN,
    summary="Withdraw a survey cycle's results",
)
def withdraw_survey_results(request: HttpRequest, cycle_id: int) -> Any:
    """For coordinators: the cycle's results are seen by coordinators only again."""
    return _publishing(request, cycle_id, publish=False)


def _publishing(request: HttpRequest, cycle_id: int, *, publish: bool) -> dict[str, Any]:
    require_write(request)
    user = signed_in(request)
    cycle = get_object_or_404(
        Cycle.objects.with_counts().select_related("questionnaire"), pk=cycle_id
    )
    if not user.has_perm("survey.publish_results", cycle):
        if not user.has_perm("survey.view_results", cycle):
            raise Http404
        raise forbidden(_("Only coordinators publish or withdraw a cycle's results."))
    if publish:
        services.publish_results(cycle=cycle, by=user)
    else:
        services.withdraw_results(cycle=cycle, by=user)
    return _cycle_results_out(request, cycle)


@router.get(
    "/charter/cycles/{cycle_id}/answers/{fmt}",
    response={200: None, **READ},
    openapi_extra=file_response(
        "The cycle's answers: a row per city the caller may see, a column per commitment "
        "(rating, evidence, links, extra questions), the role notes and scores.",
        documents.EXPORT_TYPES["csv"],
        documents.EXPORT_TYPES["xlsx"],
    ),
    summary="A survey cycle's answers as a file",
)
def survey_answers_file(
    request: HttpRequest,
    cycle_id: int,
    fmt: Literal["csv", "xlsx"],
    header: Literal["codes", "labels", "both"] = "both",
) -> HttpResponse:
    """`header`: a row of column codes, a row of readable labels, or both (codes first)."""
    cycle = _cycle(request, cycle_id)
    content, name = documents.cycle_file(request.user, cycle, fmt=fmt, header=header)
    return HttpResponse(
        content,
        content_type=documents.EXPORT_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/charter/cycles/{cycle_id}/results/{fmt}",
    response={200: None, **READ},
    openapi_extra=file_response(
        "The cycle's results: every commitment's distribution (CSV); with the mean per role "
        "and the trend across cycles (XLSX).",
        documents.EXPORT_TYPES["csv"],
        documents.EXPORT_TYPES["xlsx"],
    ),
    summary="A survey cycle's results as a file",
)
def survey_results_file(
    request: HttpRequest, cycle_id: int, fmt: Literal["csv", "xlsx"]
) -> HttpResponse:
    content, name = documents.results_file(_cycle(request, cycle_id), fmt=fmt)
    return HttpResponse(
        content,
        content_type=documents.EXPORT_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/charter/responses/{response_id}/results",
    response={200: CityResultsOut, **READ},
    openapi_extra=ANYONE,
    summary="A city's Charter scores in a cycle",
)
def get_city_survey_results(request: HttpRequest, response_id: int) -> Any:
    """The city's score per role and overall (of the answers given so far), the change since
    its previous submitted response, and the network's and similar cities' means."""
    response = _response(request, response_id)
    found = results.city_results(response)
    edition = Questionnaire.objects.with_content().get(pk=response.cycle.questionnaire_id)
    comparison = found.comparison

    def previous_of(code: str) -> Any:
        scores = found.previous_scores
        if scores is None or code not in scores.roles_by_code:
            return None
        return scores.role(code).score

    roles = [
        {
            "code": role.code,
            "title": role.title,
            "score": _shown(found.scores.role(role.code).score),
            "previous": _shown(previous_of(role.code)),
            "change": _shown(found.change.roles.get(role.code)),
            "network": _shown(comparison.roles[role.code].network),
            "similar": _shown(comparison.roles[role.code].similar),
        }
        for role in edition.roles.all()
    ]
    return {
        "city": response.city.slug,
        "cycle": response.cycle.label,
        "status": response.status,
        "previous_cycle": found.previous.cycle.label if found.previous else None,
        "roles": roles,
        "overall": {
            "code": "overall",
            "title": "overall",
            "score": _shown(found.scores.overall),
            "previous": _shown(found.previous_scores.overall if found.previous_scores else None),
            "change": _shown(found.change.overall),
            "network": _shown(comparison.overall.network),
            "similar": _shown(comparison.overall.similar),
        },
        "similar_cities": found.similar_count,
        "data_gaps": list(found.scores.data_gaps),
        "not_rated": found.scores.total - found.scores.answered,
        "url": absolute(request, f"/charter/responses/{response.pk}/results/"),
        "pdf_url": absolute(request, f"/api/v1/charter/responses/{response.pk}/results/pdf"),
    }


@router.get(
    "/charter/responses/{response_id}/results/pdf",
    response={200: None, **READ, 503: None},
    openapi_extra=file_response("The city's results page as a PDF.", "application/pdf"),
    summary="A city's Charter scores as a PDF",
)
def city_survey_results_pdf(request: HttpRequest, response_id: int) -> HttpResponse:
    return documents.city_pdf_response(_response(request, response_id), request=request)
