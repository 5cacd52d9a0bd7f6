"""What an assessment means beside others: the change since the city's previous assessment, the
network's and similar cities' means, and, for each gap, what to learn from whom.

Everything is computed for all the assessments it needs in a fixed number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from citygrow.assessments import scoring
from citygrow.assessments.models import Answer, Assessment, FactorNote
from citygrow.assessments.sheet import Sheet
from citygrow.catalogue.models import GuideQuestion
from citygrow.people.models import City
from citygrow.practices.models import Practice

#: A key factor score from which a city is suggested as a mentor on it.
MENTOR_THRESHOLD = 75.0
#: How many practices and mentors are suggested per gap.
SUGGESTIONS = 5


@dataclass
class Mentor:
    city: City
    score: float
    assessment: Assessment


@dataclass
class Insights:
    previous: Assessment | None = None
    previous_scores: dict[int, float | None] = field(default_factory=dict)
    change: dict[int, float | None] = field(default_factory=dict)
    network_mean: dict[int, float | None] = field(default_factory=dict)
    network_count: int = 0
    similar_mean: dict[int, float | None] = field(default_factory=dict)
    similar_count: int = 0
    similar_bands: tuple[str | None, str | None] = (None, None)
    practices: dict[int, list[Practice]] = field(default_factory=dict)
    mentors: dict[int, list[Mentor]] = field(default_factory=dict)


def results_of(assessments: Iterable[Assessment], toolkit_id: int) -> dict[int, scoring.Result]:
    """The scoring result of each assessment (all on toolkit `toolkit_id`), by assessment id."""
    assessments = list(assessments)
    if not assessments:
        return {}
    ids = [a.pk for a in assessments]
    questions = list(
        GuideQuestion.objects.filter(key_factor__toolkit=toolkit_id)
        .order_by("key_factor__position", "position")
        .values_list("pk", "key_factor__position")
    )
    answers: dict[int, dict[int, str]] = defaultdict(dict)
    for assessment_id, question_id, value in Answer.objects.filter(assessment__in=ids).values_list(
        "assessment_id", "question_id", "value"
    ):
        answers[assessment_id][question_id] = value
    targets: dict[int, dict[int, int]] = defaultdict(dict)
    for assessment_id, position, target in FactorNote.objects.filter(
        assessment__in=ids
    ).values_list("assessment_id", "key_factor__position", "target"):
        targets[assessment_id][position] = target
    by_factor: dict[int, list[int]] = defaultdict(list)
    for question_id, position in questions:
        by_factor[position].append(question_id)
    results = {}
    for assessment_id in ids:
        given = answers[assessment_id]
        results[assessment_id] = scoring.score(
            [
                scoring.FactorInput(
                    key=position,
                    answers=[
                        scoring.Answer(given[q]) if q in given else None for q in question_ids
                    ],
                    target=float(targets[assessment_id].get(position, 100)),
                )
                for position, question_ids in by_factor.items()
            ]
        )
    return results


def insights_for(assessment: Assessment, sheet: Sheet) -> Insights:
    insights = Insights()
    city = assessment.city
    # The city's previous assessment on the same toolkit edition.
    previous = (
        Assessment.objects.filter(
            city=city, toolkit=assessment.toolkit_id, assessed_on__lte=assessment.assessed_on
        )
        .exclude(pk=assessment.pk)
        .order_by("-assessed_on", "-pk")
        .first()
    )
    published = list(
        Assessment.objects.published()
        .filter(toolkit=assessment.toolkit_id)
        .exclude(pk=assessment.pk)
        .select_related("city")
        .order_by("city__name", "-assessed_on")
    )
    # The network: each other city's latest published assessment on this edition.
    latest: dict[int, Assessment] = {}
    for other in published:
        if other.city_id != city.pk and other.city_id not in latest:
            latest[other.city_id] = other
    pool = list(latest.values()) + ([previous] if previous is not None else [])
    results = results_of(pool, assessment.toolkit_id)
    if previous is not None:
        insights.previous = previous
        previous_result = results[previous.pk]
        insights.previous_scores = {f.key: f.score for f in previous_result.factors}
        insights.change = scoring.change(previous_result, sheet.result)
    network = [results[a.pk] for a in latest.values()]
    insights.network_mean = scoring.mean_scores(network)
    insights.network_count = len(network)
    # Similar cities: the same population band and band of residents born abroad.
    bands = (scoring.population_band(city.population), scoring.share_band(city.foreign_born_share))
    insights.similar_bands = bands
    if None not in bands:
        similar = [
            results[a.pk]
            for a in latest.values()
            if (
                scoring.population_band(a.city.population),
                scoring.share_band(a.city.foreign_born_share),
            )
            == bands
        ]
        insights.similar_mean = scoring.mean_scores(similar)
        insights.similar_count = len(similar)
    # For each gap: mentors (cities scoring high on it), and practices, best first.
    scores_by_city: dict[int, dict[int, tuple[float, Assessment]]] = defaultdict(dict)
    for a in latest.values():
        for factor in results[a.pk].factors:
            if factor.score is not None:
                scores_by_city[factor.key][a.city_id] = (factor.score, a)
    gap_rows = [sheet.factor_by_position(gap.key) for gap in sheet.result.gaps]
    practices = defaultdict(list)
    for practice in (
        Practice.objects.filter(key_factor__in=[row.key_factor for row in gap_rows])
        .select_related("city__country", "key_factor")
        .order_by("position", "pk")
    ):
        practices[practice.key_factor.position].append(practice)
    for row in gap_rows:
        position = row.key_factor.position
        high = scores_by_city.get(position, {})
        insights.mentors[position] = sorted(
            (
                Mentor(city=a.city, score=score, assessment=a)
                for city_id, (score, a) in high.items()
                if score >= MENTOR_THRESHOLD
            ),
            key=lambda mentor: (-mentor.score, mentor.city.name),
        )[:SUGGESTIONS]
        insights.practices[position] = sorted(
            (p for p in practices[position] if p.city_id != city.pk),
            key=lambda p: -(high.get(p.city_id, (-1.0, None))[0]),
        )[:SUGGESTIONS]
    return insights
