"""Scores, distances and gaps of a self-assessment, and the bands that make cities peers.

The default scale of DESIGN.md ("Scoring"), as plain functions with no Django in them:

- An answer scores yes = 100, partly = 50, no = 0 and "don't know" = 0. "Don't know" is also
  counted, and shown as a data gap. "Not applicable" and a question not answered yet are left
  out of every average (and counted).
- A key factor's score is the mean of its scored answers; None when it has none.
- The overall (toolkit) score is the mean of the key factor scores that are not None, weighted
  when weights are given (default weight 1); None when no key factor has a score.
- The distance to the standard is 100 minus the score, per key factor and overall.
- Gaps are the key factors whose score is below the city's target for them (default 100),
  largest gap (target - score) first; ties keep key factor order.

Nothing is rounded here: callers format. Averages are computed exactly and rounded once to a
float, so a reader's check by hand agrees (the mean of 100 and 50 is 75.0, the mean of three
scores of 62.5 is 62.5).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType


class Answer(StrEnum):
    """The answer to one guide question. Its value is what the database stores."""

    YES = "yes"
    PARTLY = "partly"
    NO = "no"
    NOT_APPLICABLE = "not_applicable"
    DONT_KNOW = "dont_know"


POINTS: Mapping[Answer, int] = MappingProxyType(
    {Answer.YES: 100, Answer.PARTLY: 50, Answer.NO: 0, Answer.DONT_KNOW: 0}
)
"""Points per answer. "Not applicable" has no entry: it is left out of every average."""


@dataclass(frozen=True)
class FactorInput:
    """One key factor's answers, and the city's target and the toolkit's weight for it."""

    key: int
    """The key factor's number (or id). Results keep the order of the inputs."""
    answers: Sequence[Answer | None]
    """One per guide question; None for a question not answered yet."""
    target: float = 100.0
    """The score the city aims at, within 0..100."""
    weight: float = 1.0
    """The key factor's weight in the overall score, above 0."""


@dataclass(frozen=True)
class FactorScore:
    """The score of one key factor, and how its answers count."""

    key: int
    score: float | None
    """Mean points of the scored answers; None when no answer scores (all not applicable or
    unanswered)."""
    distance: float | None
    """100 - score; None when score is None."""
    target: float
    gap: float
    """target - score when the score is below the target, else 0 (also 0 when score is None)."""
    total: int
    """Guide questions: answered + unanswered."""
    answered: int
    """Questions with an answer: scored + not_applicable."""
    scored: int
    """Answers that count in the mean: yes, partly, no and don't know."""
    not_applicable: int
    dont_know: int
    """Don't-know answers: they score 0 and are shown as data gaps."""
    unanswered: int

    @property
    def is_gap(self) -> bool:
        """Whether the key factor has a score and it is below the target."""
        return self.score is not None and self.score < self.target

    @property
    def is_data_gap(self) -> bool:
        """Whether some of the key factor's questions were answered "don't know"."""
        return self.dont_know > 0


@dataclass(frozen=True)
class Result:
    """The scores of one assessment: per key factor (in input order) and overall."""

    factors: tuple[FactorScore, ...]
    overall: float | None
    """Weighted mean of the key factor scores that are not None; None when there are none."""
    distance: float | None
    """100 - overall; None when overall is None."""
    gaps: tuple[FactorScore, ...]
    """The key factors below their target, largest gap first; ties in key factor order."""
    total: int
    answered: int
    dont_know: int
    unanswered: int

    def factor(self, key: int) -> FactorScore:
        """The score of the key factor `key`; KeyError if the result has none."""
        for factor in self.factors:
            if factor.key == key:
                return factor
        raise KeyError(key)


def _mean(values: Iterable[Fraction]) -> Fraction | None:
    """The exact mean of `values`; None when there are none."""
    items = list(values)
    if not items:
        return None
    return sum(items, Fraction(0)) / len(items)


def _check(factor: FactorInput) -> None:
    # `not (0 <= x <= 100)` also refuses NaN.
    if not 0 <= factor.target <= 100:
        raise ValueError(
            f"Key factor {factor.key}: the target must be within 0..100, not {factor.target!r}."
        )
    if not 0 < factor.weight < float("inf"):
        raise ValueError(
            f"Key factor {factor.key}: the weight must be a number above 0, not {factor.weight!r}."
        )


def _score_factor(factor: FactorInput) -> tuple[FactorScore, Fraction | None]:
    """The key factor's score, and its exact value for the overall mean."""
    _check(factor)
    answers = [None if answer is None else Answer(answer) for answer in factor.answers]
    points = [POINTS[answer] for answer in answers if answer is not None and answer in POINTS]
    exact = _mean(Fraction(p) for p in points)
    score = None if exact is None else float(exact)
    unanswered = answers.count(None)
    target = float(factor.target)
    result = FactorScore(
        key=factor.key,
        score=score,
        distance=None if score is None else 100 - score,
        target=target,
        gap=target - score if score is not None and score < target else 0.0,
        total=len(answers),
        answered=len(answers) - unanswered,
        scored=len(points),
        not_applicable=answers.count(Answer.NOT_APPLICABLE),
        dont_know=answers.count(Answer.DONT_KNOW),
        unanswered=unanswered,
    )
    return result, exact


def score(factors: Sequence[FactorInput]) -> Result:
    """Score an assessment given each key factor's answers.

    Raises ValueError when a target is outside 0..100, a weight is not above 0, a key appears
    twice, or an answer is not one of `Answer`: these are programming errors, forms validate
    what users type.
    """
    seen: set[int] = set()
    for factor in factors:
        if factor.key in seen:
            raise ValueError(f"Key factor {factor.key} appears more than once.")
        seen.add(factor.key)

    scored = [_score_factor(factor) for factor in factors]
    weighted = [
        (Fraction(factor.weight), exact)
        for factor, (_result, exact) in zip(factors, scored, strict=True)
        if exact is not None
    ]
    overall: float | None = None
    if weighted:
        total_weight = sum((weight for weight, _exact in weighted), Fraction(0))
        weighted_sum = sum((weight * exact for weight, exact in weighted), Fraction(0))
        overall = float(weighted_sum / total_weight)

    results = tuple(result for result, _exact in scored)
    # sorted() is stable, so equal gaps keep key factor order.
    gaps = tuple(sorted((f for f in results if f.is_gap), key=lambda f: -f.gap))
    return Result(
        factors=results,
        overall=overall,
        distance=None if overall is None else 100 - overall,
        gaps=gaps,
        total=sum(f.total for f in results),
        answered=sum(f.answered for f in results),
        dont_know=sum(f.dont_know for f in results),
        unanswered=sum(f.unanswered for f in results),
    )


def change(previous: Result, current: Result) -> dict[int, float | None]:
    """Per key factor of `current`, in its order: current score - previous score.

    None when either score is None or the key factor is not in `previous`.
    """
    before = {f.key: f.score for f in previous.factors}
    changes: dict[int, float | None] = {}
    for factor in current.factors:
        old = before.get(factor.key)
        changes[factor.key] = None if old is None or factor.score is None else factor.score - old
    return changes


def mean_scores(results: Sequence[Result]) -> dict[int, float | None]:
    """Per key factor (all keys of `results`, in first-seen order): the mean of its scores.

    Scores that are None are left out; the mean is None when no result scores the key factor.
    For the network mean or the mean of similar cities, pass their results.
    """
    scores: dict[int, list[Fraction]] = {}
    for result in results:
        for factor in result.factors:
            values = scores.setdefault(factor.key, [])
            if factor.score is not None:
                values.append(Fraction(factor.score))
    means: dict[int, float | None] = {}
    for key, values in scores.items():
        exact = _mean(values)
        means[key] = None if exact is None else float(exact)
    return means


POPULATION_BANDS = (
    "under 250,000",
    "250,000 to 500,000",
    "500,000 to 1 million",
    "1 million and more",
)
"""Population bands, smallest first (for choices and ordering)."""

SHARE_BANDS = ("under 10%", "10% to 20%", "20% to 30%", "30% and more")
"""Bands of the share of residents born abroad, smallest first."""


def population_band(population: int | None) -> str | None:
    """The population band of a city; None when its population is not known (None).

    Each band includes its lower bound:
    - "under 250,000": 0 to 249,999
    - "250,000 to 500,000": 250,000 to 499,999
    - "500,000 to 1 million": 500,000 to 999,999
    - "1 million and more": 1,000,000 and more

    Raises ValueError for a negative population.
    """
    if population is None:
        return None
    if population < 0:
        raise ValueError(f"A population cannot be negative, not {population!r}.")
    if population < 250_000:
        return POPULATION_BANDS[0]
    if population < 500_000:
        return POPULATION_BANDS[1]
    if population < 1_000_000:
        return POPULATION_BANDS[2]
    return POPULATION_BANDS[3]


def share_band(percent: float | Decimal | None) -> str | None:
    """The band of the share of residents born abroad (in per cent); None when it is not known.

    Each band includes its lower bound:
    - "under 10%": 0 up to, not including, 10
    - "10% to 20%": 10 up to, not including, 20
    - "20% to 30%": 20 up to, not including, 30
    - "30% and more": 30 to 100

    Raises ValueError for a share outside 0..100 (or NaN).
    """
    if percent is None:
        return None
    # NaN is the one value not equal to itself; Decimal NaN would raise on `<`.
    if percent != percent or not 0 <= percent <= 100:
        raise ValueError(f"A share must be a percentage within 0..100, not {percent!r}.")
    if percent < 10:
        return SHARE_BANDS[0]
    if percent < 20:
        return SHARE_BANDS[1]
    if percent < 30:
        return SHARE_BANDS[2]
    return SHARE_BANDS[3]
