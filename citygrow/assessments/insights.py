"""What an assessment means beside others: the change since the city's previous assessment, the
network's and similar cities' means, and, for each gap, what to learn from whom.

Everything is computed for all the assessments it needs in a fixed number of queries. The
network is each other city's latest published assessment, selected in the database; their key
factor scores are read from `PublishedScore` (stored at publication: a published assessment is
frozen) rather than recomputed from their answers at every request.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from django.core.cache import cache
from django.db.models import Count, F, Max, QuerySet, Window
from django.db.models.functions import RowNumber

from citygrow.assessments import scoring
from citygrow.assessments.models import Answer, Assessment, FactorNote, PublishedScore
from citygrow.assessments.sheet import Sheet
from citygrow.catalogue.models import GuideQuestion, KeyFactor
from citygrow.people.models import City, CityFigure, Indicator, migrant_share
from citygrow.practices.models import Practice

#: A key factor score from which a city is suggested as a mentor on it.
MENTOR_THRESHOLD = 75.0
#: How many practices and mentors are suggested per gap.
SUGGESTIONS = 5

#: The answer counts a PublishedScore keeps, by answer (None: not answered yet).
_COUNTED: dict[str, scoring.Answer | None] = {
    "yes": scoring.Answer.YES,
    "partly": scoring.Answer.PARTLY,
    "no": scoring.Answer.NO,
    "dont_know": scoring.Answer.DONT_KNOW,
    "not_applicable": scoring.Answer.NOT_APPLICABLE,
    "unanswered": None,
}

#: (question id, key factor position) of a toolkit's guide questions, in order.
Questions = Sequence[tuple[int, int]]


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
    #: The city's own figures that place it in those bands (population, migrant share), each
    #: shown with its year and source; None where not recorded.
    similar_figures: tuple[CityFigure | None, CityFigure | None] = (None, None)
    practices: dict[int, list[Practice]] = field(default_factory=dict)
    mentors: dict[int, list[Mentor]] = field(default_factory=dict)


def toolkit_questions(toolkit_id: int) -> list[tuple[int, int]]:
    """(question id, key factor position) of the toolkit's guide questions, in order."""
    return list(
        GuideQuestion.objects.filter(key_factor__toolkit=toolkit_id)
        .order_by("key_factor__position", "position")
        .values_list("pk", "key_factor__position")
    )


def questions_per_factor(questions: Questions) -> dict[int, list[int]]:
    """Question ids by key factor position, both in order: what an assessment is scored on."""
    by_factor: dict[int, list[int]] = defaultdict(list)
    for question_id, position in questions:
        by_factor[position].append(question_id)
    return dict(by_factor)


def factor_inputs(
    by_factor: Mapping[int, Sequence[int]], given: Mapping[int, str], targets: Mapping[int, int]
) -> list[scoring.FactorInput]:
    """What `scoring.score` takes, from an assessment's answers (value by question id) and
    targets (by key factor position). Pure, so that the data migration uses it too."""
    return [
        scoring.FactorInput(
            key=position,
            answers=[scoring.Answer(given[q]) if q in given else None for q in question_ids],
            target=float(targets.get(position, 100)),
        )
        for position, question_ids in by_factor.items()
    ]


def score_rows(inputs: Mapping[int, Sequence[scoring.FactorInput]]) -> list[dict[str, object]]:
    """The PublishedScore field values of each assessment (inputs by assessment id). Pure."""
    rows: list[dict[str, object]] = []
    for assessment_id, factors in inputs.items():
        result = scoring.score(factors)
        for factor, scored in zip(factors, result.factors, strict=True):
            counts = Counter(factor.answers)
            rows.append(
                {
                    "assessment_id": assessment_id,
                    "position": factor.key,
                    "score": scored.score,
                    "target": int(factor.target),
                    **{name: counts[answer] for name, answer in _COUNTED.items()},
                }
            )
    return rows


def computed_inputs(
    ids: Sequence[int], by_factor: Mapping[int, Sequence[int]]
) -> dict[int, list[scoring.FactorInput]]:
    """Each assessment's inputs from its answers and targets (two queries)."""
    if not ids:
        return {}
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
    return {pk: factor_inputs(by_factor, answers[pk], targets[pk]) for pk in ids}


def _stored_inputs(
    ids: Sequence[int], by_factor: Mapping[int, Sequence[int]]
) -> dict[int, list[scoring.FactorInput]]:
    """The inputs of the published assessments among `ids` whose stored scores match the
    toolkit's questions (one query): answers rebuilt from the stored counts, which is all
    `scoring.score` depends on. Others are left out, to be scored from their answers."""
    if not ids:
        return {}
    stored: dict[int, dict[int, tuple[int, list[int]]]] = defaultdict(dict)
    for assessment_id, position, target, *counts in PublishedScore.objects.filter(
        assessment__in=ids
    ).values_list("assessment_id", "position", "target", *_COUNTED):
        stored[assessment_id][position] = (target, counts)
    sizes = {position: len(question_ids) for position, question_ids in by_factor.items()}
    inputs = {}
    for assessment_id, factors in stored.items():
        if factors.keys() != sizes.keys() or any(
            sum(counts) != sizes[position] for position, (_target, counts) in factors.items()
        ):
            continue
        inputs[assessment_id] = [
            scoring.FactorInput(
                key=position,
                answers=[
                    answer
                    for answer, count in zip(_COUNTED.values(), factors[position][1], strict=True)
                    for _ in range(count)
                ],
                target=float(factors[position][0]),
            )
            for position in by_factor
        ]
    return inputs


def _results(
    assessments: Sequence[Assessment], by_factor: Mapping[int, Sequence[int]]
) -> dict[int, scoring.Result]:
    ids = [a.pk for a in assessments]
    published = [a.pk for a in assessments if a.status == Assessment.Status.PUBLISHED]
    inputs = _stored_inputs(published, by_factor)
    inputs.update(computed_inputs([pk for pk in ids if pk not in inputs], by_factor))
    return {pk: scoring.score(inputs[pk]) for pk in ids}


def results_of(assessments: Iterable[Assessment], toolkit_id: int) -> dict[int, scoring.Result]:
    """The scoring result of each assessment (all on toolkit `toolkit_id`), by assessment id.

    Published assessments are rebuilt from their stored scores when they have them; the others
    are scored from their answers. The results are the same either way.
    """
    assessments = list(assessments)
    if not assessments:
        return {}
    return _results(assessments, questions_per_factor(toolkit_questions(toolkit_id)))


def latest_published(toolkit_id: int, *, other_than_city: int) -> QuerySet[Assessment]:
    """Each other city's latest published assessment on the edition, chosen in the database
    (a window function, on SQLite as on PostgreSQL): the network a report compares with."""
    return (
        Assessment.objects.published()
        .filter(toolkit=toolkit_id)
        .exclude(city=other_than_city)
        .annotate(
            round_rank=Window(
                RowNumber(),
                partition_by=[F("city")],
                order_by=[F("assessed_on").desc(), F("pk").desc()],
            )
        )
        .filter(round_rank=1)
    )


def _network_scores(
    latest: QuerySet[Assessment], ids: Sequence[int], by_factor: Mapping[int, Sequence[int]]
) -> dict[int, dict[int, float | None]]:
    """Key factor scores by position of each of the `latest` assessments (ids): stored ones in
    one query, and any without (valid) stored scores scored from their answers."""
    sizes = {position: len(question_ids) for position, question_ids in by_factor.items()}
    stored: dict[int, dict[int, float | None]] = defaultdict(dict)
    invalid = set()
    counted = F("yes") + F("partly") + F("no") + F("dont_know") + F("not_applicable")
    for assessment_id, position, score, questions in (
        PublishedScore.objects.filter(assessment__in=latest.values("pk"))
        .annotate(questions=counted + F("unanswered"))
        .values_list("assessment_id", "position", "score", "questions")
    ):
        if sizes.get(position) != questions:
            invalid.add(assessment_id)
        stored[assessment_id][position] = score
    scores = {
        pk: factors
        for pk, factors in stored.items()
        if pk not in invalid and factors.keys() == sizes.keys()
    }
    missing = [pk for pk in ids if pk not in scores]
    for pk, inputs in computed_inputs(missing, by_factor).items():
        scores[pk] = {f.key: f.score for f in scoring.score(inputs).factors}
    return scores


def exact_mean(values: Sequence[float]) -> float | None:
    """The mean of `values` computed exactly and rounded once, as `scoring.mean_scores` does,
    but in integers: a float is an integer over a power of two, so all share the largest
    denominator. None when there are no values."""
    if not values:
        return None
    ratios = [value.as_integer_ratio() for value in values]
    denominator = max(d for _n, d in ratios)
    total = sum(n * (denominator // d) for n, d in ratios)
    return float(Fraction(total, denominator * len(values)))


def mean_of(
    scores: Sequence[Mapping[int, float | None]], positions: Iterable[int]
) -> dict[int, float | None]:
    """`scoring.mean_scores` over key factor scores by position: None where none scores, and
    nothing when there is no assessment."""
    if not scores:
        return {}
    return {
        position: exact_mean([s[position] for s in scores if s[position] is not None])
        for position in positions
    }


@dataclass
class Network:
    """What a published report shows of the network: it depends only on the assessment (frozen),
    the other cities' latest published rounds on the edition (frozen each, so they change only
    when one is published or removed), the edition's questions and the cities' names and bands,
    which is why it can be cached (`network_cache_key`)."""

    network_mean: dict[int, float | None] = field(default_factory=dict)
    network_count: int = 0
    similar_mean: dict[int, float | None] = field(default_factory=dict)
    similar_count: int = 0
    similar_bands: tuple[str | None, str | None] = (None, None)
    mentors: dict[int, list[Mentor]] = field(default_factory=dict)
    #: Each network city's score on each gap (key factor position -> city id -> score), to rank
    #: the practices, which are read at each request (they have no change stamp).
    gap_scores: dict[int, dict[int, float]] = field(default_factory=dict)


#: How long a published report's network is kept in the cache: the key sees every publication
#: on the edition, but not a city renamed or moved to another band, which this bounds.
NETWORK_CACHE_SECONDS = 10 * 60


Bands = tuple[str | None, str | None]


def band_figures(by_code: Mapping[str, CityFigure]) -> tuple[CityFigure | None, CityFigure | None]:
    """The latest figures that place a city among similar cities: its population and its
    migrant share (people.models.migrant_share: born abroad, else foreign residents)."""
    return by_code.get(Indicator.POPULATION), migrant_share(by_code)


def bands_of(figures: tuple[CityFigure | None, CityFigure | None]) -> Bands:
    """The population band and migrant-share band of (population, share) figures."""
    population, share = figures
    return (
        scoring.population_band(int(population.value) if population else None),
        scoring.share_band(share.value if share else None),
    )


def city_bands(city_id: int) -> tuple[tuple[CityFigure | None, CityFigure | None], Bands]:
    """A city's band figures and its bands, from its latest key figures (one query)."""
    figures = band_figures(CityFigure.objects.latest_by_city([city_id]).get(city_id, {}))
    return figures, bands_of(figures)


def network_cache_key(assessment: Assessment, bands: Bands | None = None) -> str | None:
    """The cache key of a published assessment's `Network`; None for any other (drafts change).

    One aggregate query: the edition's latest publication and its count of published
    assessments change whenever another city publishes (or a published round is removed), and
    the edition's content fingerprint whenever its questions do. The assessment's own city's
    bands are in the key; other cities' renames and bands are bounded by the expiry.
    """
    if not assessment.is_published or assessment.published_at is None:
        return None
    edition = Assessment.objects.published().filter(toolkit=assessment.toolkit_id)
    stamp = edition.aggregate(latest=Max("published_at"), count=Count("pk"))
    latest = stamp["latest"].isoformat() if stamp["latest"] else "-"
    if bands is None:
        bands = city_bands(assessment.city_id)[1]
    fingerprint = assessment.toolkit.content_hash
    parts = [assessment.published_at.isoformat(), latest, stamp["count"], fingerprint, *bands]
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"assessment-network:{assessment.pk}:{digest}"


def network_of(
    assessment: Assessment,
    sheet: Sheet,
    by_factor: Mapping[int, Sequence[int]],
    bands: Bands | None = None,
) -> Network:
    """The network's and similar cities' means, and the mentors for each gap (computed).
    `bands`: the city's own (city_bands), read when not given."""
    found = Network()
    city = assessment.city
    # The network: each other city's latest published assessment on this edition.
    latest = latest_published(assessment.toolkit_id, other_than_city=city.pk)
    network = list(
        latest.order_by("city__name", "city_id").values_list("pk", "city_id", "city__name")
    )
    scores = _network_scores(latest, [row[0] for row in network], by_factor)
    found.network_mean = mean_of([scores[row[0]] for row in network], by_factor)
    found.network_count = len(network)
    # Similar cities: the same population band and band of migrant residents, each city's
    # latest figures (one query for them all).
    if bands is None:
        bands = city_bands(city.pk)[1]
    found.similar_bands = bands
    if None not in bands:
        figures = CityFigure.objects.latest_by_city([row[1] for row in network])
        similar = [
            scores[pk]
            for pk, city_id, _name in network
            if bands_of(band_figures(figures.get(city_id, {}))) == bands
        ]
        found.similar_mean = mean_of(similar, by_factor)
        found.similar_count = len(similar)
    # For each gap: mentors (cities scoring high on it), best first.
    positions = [gap.key for gap in sheet.result.gaps]
    # Per gap: (score, city name, assessment id) of the cities scoring at least the threshold,
    # best first (sorted() is stable: equal names keep the network's order).
    chosen = {
        position: sorted(
            (
                (score, name, pk)
                for pk, _city_id, name in network
                if (score := scores[pk].get(position)) is not None and score >= MENTOR_THRESHOLD
            ),
            key=lambda row: (-row[0], row[1]),
        )[:SUGGESTIONS]
        for position in positions
    }
    mentors = Assessment.objects.filter(
        pk__in={pk for rows in chosen.values() for _score, _name, pk in rows}
    ).select_related("city")
    assessments = {a.pk: a for a in mentors} if any(chosen.values()) else {}
    for position in positions:
        found.mentors[position] = [
            Mentor(city=assessments[pk].city, score=score, assessment=assessments[pk])
            for score, _name, pk in chosen[position]
        ]
        found.gap_scores[position] = {
            city_id: score
            for pk, city_id, *_rest in network
            if (score := scores[pk].get(position)) is not None
        }
    return found


def insights_for(assessment: Assessment, sheet: Sheet) -> Insights:
    """What the report shows beside the assessment's own scores. The network part of a
    published assessment comes from the cache while nothing it depends on has changed; the
    previous round (it may be a draft) and the practices (no change stamp) are read each time."""
    insights = Insights()
    city = assessment.city
    # What the toolkit's assessments are scored on, from the sheet (loaded in this order).
    by_factor = {
        row.key_factor.position: [q.question.pk for q in row.questions]
        for row in sheet.factors
        if row.questions
    }
    # The city's previous assessment on the same toolkit edition.
    previous = (
        Assessment.objects.filter(
            city=city, toolkit=assessment.toolkit_id, assessed_on__lte=assessment.assessed_on
        )
        .exclude(pk=assessment.pk)
        .order_by("-assessed_on", "-pk")
        .first()
    )
    if previous is not None:
        insights.previous = previous
        previous_result = _results([previous], by_factor)[previous.pk]
        insights.previous_scores = {f.key: f.score for f in previous_result.factors}
        insights.change = scoring.change(previous_result, sheet.result)
    figures, bands = city_bands(city.pk)
    insights.similar_figures = figures
    key = network_cache_key(assessment, bands)
    network = cache.get(key) if key else None
    if network is None:
        network = network_of(assessment, sheet, by_factor, bands)
        if key:
            cache.set(key, network, NETWORK_CACHE_SECONDS)
    insights.network_mean = network.network_mean
    insights.network_count = network.network_count
    insights.similar_mean = network.similar_mean
    insights.similar_count = network.similar_count
    insights.similar_bands = network.similar_bands
    insights.mentors = network.mentors
    # For each gap: practices, best first (by their city's score on it).
    gap_rows = [sheet.factor_by_position(gap.key) for gap in sheet.result.gaps]
    insights.practices = rank_practices(
        [row.key_factor for row in gap_rows], city.pk, network.gap_scores
    )
    return insights


def rank_practices(
    gaps: Sequence[KeyFactor], city_id: int, gap_scores: Mapping[int, Mapping[int, float]]
) -> dict[int, list[Practice]]:
    """The practices to read for each gap (its key factor's examples, by key factor position,
    in the order of `gaps`): best first by their city's score on it in the network
    (`gap_scores`: position -> city id -> score; a city without one last), never the city's
    own, at most `SUGGESTIONS` each. One query."""
    found: dict[int, list[Practice]] = defaultdict(list)
    if gaps:
        for practice in (
            Practice.objects.filter(key_factor__in=gaps)
            .select_related("city__country", "key_factor")
            .order_by("position", "pk")
        ):
            found[practice.key_factor.position].append(practice)
    ranked = {}
    for factor in gaps:
        city_scores = gap_scores.get(factor.position, {})

        def city_score(practice: Practice, city_scores: Mapping[int, float] = city_scores) -> float:
            return city_scores.get(practice.city_id, -1.0)

        ranked[factor.position] = sorted(
            (p for p in found[factor.position] if p.city_id != city_id),
            key=lambda p: -city_score(p),
        )[:SUGGESTIONS]
    return ranked


def practices_to_read(assessment: Assessment) -> list[tuple[KeyFactor, list[Practice]]]:
    """The assessment report's "practices to read" for each of its gaps, largest gap first, as
    `insights_for` ranks them, without the rest of the report (for the pages that offer them,
    such as the action plan's). A fixed number of queries (two more when some network
    assessment has no stored scores)."""
    by_factor = questions_per_factor(toolkit_questions(assessment.toolkit_id))
    result = _results([assessment], by_factor)[assessment.pk]
    positions = [gap.key for gap in result.gaps]
    if not positions:
        return []
    latest = latest_published(assessment.toolkit_id, other_than_city=assessment.city_id)
    network = list(latest.values_list("pk", "city_id"))
    scores = _network_scores(latest, [pk for pk, _city in network], by_factor)
    gap_scores = {
        position: {
            city_id: score
            for pk, city_id in network
            if (score := scores[pk].get(position)) is not None
        }
        for position in positions
    }
    factors = {
        factor.position: factor
        for factor in KeyFactor.objects.filter(
            toolkit=assessment.toolkit_id, position__in=positions
        )
    }
    gaps = [factors[position] for position in positions if position in factors]
    ranked = rank_practices(gaps, assessment.city_id, gap_scores)
    return [(factor, ranked[factor.position]) for factor in gaps]
