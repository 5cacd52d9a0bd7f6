"""The Charter survey's results read from the database: a cycle's aggregate and its trend, a
city's scores, their change since the city's previous cycle, and the city beside the network
and similar cities. The arithmetic is `citygrow.survey.scoring` (pure); this module only
gathers its inputs, in a fixed number of queries whatever the number of cities or cycles.

What counts: a cycle's results are its responses submitted or accepted (a draft or a returned
response is not an answer yet). The trend runs over the cycles that opened up to this one and
whose results are published, and this one. Similar cities are those in the same population
band and migrant-share band (assessments' rule), from their latest key figures; a city whose
bands are not known has no similar cities.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from citygrow.assessments.insights import band_figures, bands_of
from citygrow.people.models import CityFigure
from citygrow.survey import export_table, scoring
from citygrow.survey.models import (
    Commitment,
    CommitmentAnswer,
    Cycle,
    Questionnaire,
    Response,
    RoleNote,
)


@dataclass
class CycleData:
    """One cycle's submitted ratings and what scores them."""

    cycle: Cycle
    roles: dict[str, list[str]]
    """Role code -> its commitment codes, in questionnaire order."""
    scale: scoring.Scale
    invited: int
    ratings: dict[int, dict[str, str]] = field(default_factory=dict)
    """City id -> commitment code -> rating, for every submitted response (even empty)."""

    def aggregate(self, cities: set[int] | None = None) -> scoring.CycleAggregate:
        """The aggregate of all its responding cities, or of `cities` among them (counted as
        invited)."""
        chosen = {
            city: ratings
            for city, ratings in self.ratings.items()
            if cities is None or city in cities
        }
        return scoring.cycle_aggregate(
            [scoring.CityResponse(city, ratings) for city, ratings in chosen.items()],
            self.invited if cities is None else len(chosen),
            self.roles,
            self.scale,
        )

    def scores(self, city: int) -> scoring.CityScores | None:
        ratings = self.ratings.get(city)
        return None if ratings is None else scoring.city_scores(ratings, self.roles, self.scale)


def scale_of(questionnaire: Questionnaire) -> scoring.Scale:
    return scoring.Scale(
        fully=questionnaire.scale_fully,
        partly=questionnaire.scale_partly,
        not_at_all=questionnaire.scale_not_at_all,
    )


def load_cycles(cycles: list[Cycle]) -> dict[int, CycleData]:
    """Every given cycle's data, by cycle id, in four queries (the cycles need `with_counts` and
    their questionnaire selected)."""
    if not cycles:
        return {}
    editions = {cycle.questionnaire_id for cycle in cycles}
    roles: dict[int, dict[str, list[str]]] = defaultdict(dict)
    for edition, role, code in (
        Commitment.objects.filter(questionnaire__in=editions)
        .order_by("role__position", "position")
        .values_list("questionnaire_id", "role__code", "code")
    ):
        roles[edition].setdefault(role, []).append(code)
    data = {
        cycle.pk: CycleData(
            cycle=cycle,
            roles=roles[cycle.questionnaire_id],
            scale=scale_of(cycle.questionnaire),
            invited=getattr(cycle, "invited", None) or cycle.responses.count(),
        )
        for cycle in cycles
    }
    for cycle_id, city_id in Response.objects.filter(
        cycle__in=list(data), status__in=Response.SUBMITTED_STATES
    ).values_list("cycle_id", "city_id"):
        data[cycle_id].ratings[city_id] = {}
    for cycle_id, city_id, code, rating in CommitmentAnswer.objects.filter(
        response__cycle__in=list(data), response__status__in=Response.SUBMITTED_STATES
    ).values_list("response__cycle_id", "response__city_id", "commitment__code", "rating"):
        data[cycle_id].ratings[city_id][code] = rating
    return data


def trend_cycles(cycle: Cycle) -> list[Cycle]:
    """The cycles of `cycle`'s trend, oldest first: those that opened before it with published
    results, then itself. One query."""
    earlier = list(
        Cycle.objects.with_counts()
        .select_related("questionnaire")
        .filter(opens_on__lt=cycle.opens_on, results_published_at__isnull=False)
        .order_by("opens_on", "pk")
    )
    return [*earlier, cycle]


@dataclass
class CycleResults:
    cycle: Cycle
    data: CycleData
    aggregate: scoring.CycleAggregate
    trend: scoring.Trend


def cycle_results(cycle: Cycle) -> CycleResults:
    """A cycle's aggregate and the trend up to it. `cycle` needs `with_counts` and its
    questionnaire selected."""
    cycles = trend_cycles(cycle)
    data = load_cycles(cycles)
    aggregates = [(each.label, data[each.pk].aggregate()) for each in cycles]
    return CycleResults(
        cycle=cycle,
        data=data[cycle.pk],
        aggregate=aggregates[-1][1],
        trend=scoring.trend(aggregates),
    )


@dataclass
class CityResults:
    response: Response
    scores: scoring.CityScores
    previous: Response | None
    previous_scores: scoring.CityScores | None
    change: scoring.Change
    comparison: scoring.Comparison
    network: scoring.CycleAggregate
    similar_count: int
    bands: tuple[str | None, str | None]
    extra: dict[str, Any] = field(default_factory=dict)


def city_results(response: Response) -> CityResults:
    """A city's scores in its response (as answered so far, submitted or not), the change
    since its previous submitted response, and the city beside the cycle's network (its
    submitted responses) and the similar cities among them."""
    cycle = Cycle.objects.with_counts().select_related("questionnaire").get(pk=response.cycle_id)
    previous = response.previous()
    cycles = [cycle] if previous is None else [previous.cycle, cycle]
    if previous is not None:
        cycles[0] = (
            Cycle.objects.with_counts().select_related("questionnaire").get(pk=previous.cycle_id)
        )
    data = load_cycles(cycles)
    current = data[cycle.pk]
    own = dict(
        CommitmentAnswer.objects.filter(response=response).values_list("commitment__code", "rating")
    )
    scores = scoring.city_scores(own, current.roles, current.scale)
    previous_scores = data[previous.cycle_id].scores(response.city_id) if previous else None
    network = current.aggregate()
    figures = CityFigure.objects.latest_by_city([response.city_id, *current.ratings])
    bands = {city: bands_of(band_figures(figures.get(city, {}))) for city in figures}
    own_bands = bands.get(response.city_id, (None, None))
    similar: set[int] = set()
    if None not in own_bands:
        similar = {
            city
            for city in current.ratings
            if city != response.city_id and bands.get(city) == own_bands
        }
    similar_aggregate = current.aggregate(similar) if similar else None
    return CityResults(
        response=response,
        scores=scores,
        previous=previous,
        previous_scores=previous_scores,
        change=scoring.change(previous_scores, scores),
        comparison=scoring.compare(scores, network, similar_aggregate),
        network=network,
        similar_count=len(similar),
        bands=own_bands,
    )


def table_roles(questionnaire_id: int) -> list[export_table.RoleColumn]:
    """The edition's roles, commitments and extra questions as the export's columns (four
    queries)."""
    edition = Questionnaire.objects.with_content().get(pk=questionnaire_id)
    return [
        export_table.RoleColumn(
            code=role.code,
            title=role.title,
            commitments=[
                export_table.CommitmentColumn(
                    code=commitment.code,
                    text=commitment.text,
                    questions=[
                        export_table.Question(question.code, question.text)
                        for question in commitment.questions.all()
                    ],
                )
                for commitment in role.commitments.all()
            ],
        )
        for role in edition.roles.all()
    ]


def table_rows(
    cycle: Cycle, responses: Sequence[Response], roles: Sequence[export_table.RoleColumn]
) -> list[export_table.CityRow]:
    """One row per response (with its city and country selected), with its answers, notes and
    scores: two more queries, whatever the number of cities."""
    answers: dict[int, dict[str, export_table.Answer]] = defaultdict(dict)
    for answer in CommitmentAnswer.objects.filter(response__in=responses).select_related(
        "commitment"
    ):
        answers[answer.response_id][answer.commitment.code] = export_table.Answer(
            rating=answer.rating, evidence=answer.evidence, links=answer.links, extra=answer.extra
        )
    notes: dict[int, dict[str, str]] = defaultdict(dict)
    for response_id, role, note in RoleNote.objects.filter(response__in=responses).values_list(
        "response_id", "role__code", "note"
    ):
        notes[response_id][role] = note
    codes = {role.code: [c.code for c in role.commitments] for role in roles}
    scale = scale_of(cycle.questionnaire)
    rows = []
    for response in responses:
        given = answers.get(response.pk, {})
        scores = scoring.city_scores(
            {code: answer.rating for code, answer in given.items()}, codes, scale
        )
        rounded: dict[str, Decimal | None] = {
            role.role: scoring.rounded(role.score) for role in scores.roles
        }
        rounded["overall"] = scoring.rounded(scores.overall)
        rows.append(
            export_table.CityRow(
                city=response.city.name,
                country=response.city.country.name,
                status=response.status,
                submitted=response.submitted_at.date() if response.submitted_at else None,
                answers=given,
                notes=notes.get(response.pk, {}),
                scores=rounded,
            )
        )
    return rows


def export(
    user: Any, cycle: Cycle, header: export_table.Header
) -> tuple[list[list[Any]], list[list[Any]]]:
    """The cycle's export (header rows, rows): a row per response `user` may see, by city
    name (the pages' and the API's)."""
    responses = list(
        Response.objects.visible_to(user)
        .filter(cycle=cycle)
        .select_related("city__country")
        .order_by("city__name")
    )
    roles = table_roles(cycle.questionnaire_id)
    labels = export_table.Labels(
        city=_("City"),
        country=_("Country"),
        status=_("Status"),
        submitted=_("Submitted"),
        evidence=_("evidence"),
        links=_("links"),
        note=_("note"),
        score=_("score"),
        overall=_("Overall score"),
    )
    return export_table.table(
        roles, table_rows(cycle, responses, roles), header=header, labels=labels
    )
