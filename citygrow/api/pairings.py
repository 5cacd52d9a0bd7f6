"""The pairing page's data (issue 14, part 5): one pairing's story, as the page at
/pairings/<pk>/ tells it (citygrow.reporting.story, shared with the page), and the pairings of a
programme.

Pairings are public; what is private follows the page's rule: a draft report's findings, a draft
action plan and the people involved only for those who may see the implementing city's private
items on the pairing's theme."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from citygrow.api.cities import figure_out
from citygrow.api.common import ANYONE, READ, absolute
from citygrow.api.schemas import FigureOut
from citygrow.mentoring.models import Pairing, Programme
from citygrow.reporting.story import CityFacts, PairingStory, get_pairing, pairing_story, pairings

router = Router(tags=["pairings"])


class PairingStoryCity(Schema):
    name: str
    slug: str
    country: str = Field(description="ISO 3166 code")
    role: str = Field(description="mentor or implementing")
    key_figures: list[FigureOut] = Field(description="The latest figure of each indicator")
    url: str


class PairingStoryMoment(Schema):
    kind: str = Field(description="event (a programme meeting) or visit")
    title: str
    starts_on: date
    ends_on: date
    place: str
    status: str = Field(description="past, planned or cancelled")
    visit_id: int | None = None
    url: str


class PairingStoryFinding(Schema):
    text: str
    visit_id: int
    report_status: str = Field(description="published, or draft (the pairing's team only)")


class PairingStoryFindings(Schema):
    kind: str = Field(description="strength, barrier, challenge or action")
    title: str
    findings: list[PairingStoryFinding]


class PairingStoryPractice(Schema):
    id: int
    title: str
    city: str
    url: str


class PairingStoryFactorChange(Schema):
    objective: str
    key_factor: int
    heading: str
    before: float | None
    after: float | None
    difference: float | None


class PairingStoryPlan(Schema):
    id: int
    title: str
    endorsed: bool
    endorsed_version: int | None = Field(description="The number of the endorsed version")
    progress: float | None = Field(description="Overall progress in percent; null: no action")
    url: str


class PairingStoryPerson(Schema):
    name: str
    roles: list[str]


class PairingStoryOut(Schema):
    id: int
    programme: str = Field(description="The programme's slug")
    programme_name: str
    theme: str = Field(description="Theme code, e.g. A")
    theme_title: str
    facilitator: str | None = Field(description="The facilitating organisation")
    mentor: PairingStoryCity
    implementing: PairingStoryCity
    timeline: list[PairingStoryMoment]
    findings: list[PairingStoryFindings] = Field(description="By kind, in a report's order")
    plan: PairingStoryPlan | None = Field(
        description="null: no plan yet, or a draft the caller may not see"
    )
    practices: list[PairingStoryPractice] = Field(description="The practices the plan cites")
    measured_change: list[PairingStoryFactorChange] = Field(
        description="Empty until the plan is tied to a later assessment"
    )
    missing: list[str] = Field(description="What the pairing has not done yet: visits, plan")
    people: list[PairingStoryPerson] | None = Field(
        description="The people involved; null for those outside the pairing's team"
    )
    url: str


class PairingSummaryOut(Schema):
    id: int
    programme: str
    theme: str
    mentor: str = Field(description="The mentor city's slug")
    implementing: str = Field(description="The implementing city's slug")
    url: str = Field(description="The pairing's page")
    story: str = Field(description="The pairing's story in this API")


def _city(request: HttpRequest, facts: CityFacts, role: str) -> dict[str, Any]:
    city = facts.city
    return {
        "name": city.name,
        "slug": city.slug,
        "country": city.country.code,
        "role": role,
        "key_figures": [figure_out(figure) for figure in facts.figures],
        "url": absolute(request, city.get_absolute_url()),
    }


def story_out(request: HttpRequest, story: PairingStory) -> dict[str, Any]:
    """The story as the API answers it."""
    pairing = story.pairing
    scheme = pairing.scheme
    plan = story.plan
    missing = []
    if not story.has_visits:
        missing.append("visits")
    if plan is None:
        missing.append("plan")
    return {
        "id": pairing.pk,
        "programme": scheme.programme.slug,
        "programme_name": scheme.programme.name,
        "theme": pairing.theme.code,
        "theme_title": pairing.theme.title,
        "facilitator": scheme.facilitator.name if scheme.facilitator else None,
        "mentor": _city(request, story.mentor, "mentor"),
        "implementing": _city(request, story.implementing, "implementing"),
        "timeline": [
            {
                "kind": moment.kind,
                "title": moment.title,
                "starts_on": moment.starts_on,
                "ends_on": moment.ends_on,
                "place": moment.place,
                "status": "cancelled"
                if moment.cancelled
                else ("past" if moment.past else "planned"),
                "visit_id": moment.visit.pk if moment.visit else None,
                "url": absolute(request, moment.url),
            }
            for moment in story.timeline
        ],
        "findings": [
            {
                "kind": group.kind,
                "title": group.title,
                "findings": [
                    {
                        "text": finding.text,
                        "visit_id": finding.report.visit_id,
                        "report_status": finding.report.status,
                    }
                    for finding in group.findings
                ],
            }
            for group in story.findings
        ],
        "plan": None
        if plan is None
        else {
            "id": plan.pk,
            "title": plan.title,
            "endorsed": plan.is_endorsed,
            "endorsed_version": plan.endorsed_version.number if plan.endorsed_version else None,
            "progress": None if story.progress is None else float(story.progress),
            "url": absolute(request, plan.get_absolute_url()),
        },
        "practices": [
            {
                "id": practice.pk,
                "title": practice.title,
                "city": practice.city.name,
                "url": absolute(request, practice.get_absolute_url()),
            }
            for practice in story.practices
        ],
        "measured_change": [
            {
                "objective": change.objective.title,
                "key_factor": factor.number,
                "heading": factor.heading,
                "before": factor.before,
                "after": factor.after,
                "difference": factor.difference,
            }
            for change in story.changes
            for factor in change.factors
        ],
        "missing": missing,
        "people": None
        if story.people is None
        else [{"name": person.name, "roles": person.roles} for person in story.people],
        "url": absolute(request, _page(pairing)),
    }


def _page(pairing: Pairing) -> str:
    return reverse("front:pairing", args=[pairing.pk])


@router.get(
    "/pairings/{pairing_id}/story",
    response={**READ, 200: PairingStoryOut},
    openapi_extra=ANYONE,
    summary="A pairing's story",
)
def get_pairing_story(request: HttpRequest, pairing_id: int) -> Any:
    """Everything the pairing's page shows: both cities with their latest key figures, the
    timeline of programme meetings and visits, the visit reports' findings by kind, the action
    plan with its endorsement and progress, the practices it cites, the measured change, and
    (for the pairing's team only) the people involved."""
    return story_out(request, pairing_story(get_pairing(pairing_id), request.user))


@router.get(
    "/pairings",
    response={**READ, 200: list[PairingSummaryOut]},
    openapi_extra=ANYONE,
    summary="Pairings",
)
def list_pairings(
    request: HttpRequest,
    programme: str | None = Query(None, description="A programme's slug", max_length=100),
) -> Any:
    """Every pairing, or those of one programme (404 for an unknown programme)."""
    found = pairings().order_by("scheme__programme__slug", "theme__code", "implementing_city__name")
    if programme is not None:
        found = found.filter(scheme__programme=get_object_or_404(Programme, slug=programme))
    return [
        {
            "id": pairing.pk,
            "programme": pairing.scheme.programme.slug,
            "theme": pairing.theme.code,
            "mentor": pairing.mentor_city.slug,
            "implementing": pairing.implementing_city.slug,
            "url": absolute(request, _page(pairing)),
            "story": absolute(
                request, reverse("api:get_pairing_story", kwargs={"pairing_id": pairing.pk})
            ),
        }
        for pairing in found
    ]
