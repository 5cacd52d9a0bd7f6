"""Scores and aggregates of the Charter survey, as plain functions with no Django in them.

The rules are DESIGN.md's ("Scoring"), as for assessments, with the questionnaire's scale:

- A commitment rated "fully" scores 100, "partly" 50, "not at all" 0 (the default scale; a
  questionnaire edition gives its own, see `Scale`). "Don't know" scores 0, and is counted and
  shown as a data gap. "Not applicable", and a commitment not rated yet, are left out of every
  average (and counted).
- A role's score is the mean of the points of its scored commitments; None when none scores
  (every commitment not applicable or not rated).
- A city's overall score is the mean of its role scores that are not None, each role weighing
  the same (as a toolkit score is the mean of its key factors): a role with three commitments
  counts no more than one with two. None when no role has a score.
- The change since the previous cycle is the current score minus the previous one, per role and
  overall; None when either is None.
- Per cycle: the response rate is the cities that submitted over the cities invited; each
  commitment has the distribution of its ratings (how many cities rated it fully, partly, ...)
  and the mean of its scored ratings; a role's mean is the mean of the role scores of the
  responding cities that have one; the network mean is the mean of their overall scores.

Every score, mean and rate is an exact `Fraction`: nothing is rounded here, so a reader's check
by hand agrees (the mean of 100, 50 and 50 is 200/3). Round once, for display, with `rounded`.

A worked example (the test module has it): a city rates the policy-maker's three commitments
fully, partly and not at all (100 + 50 + 0) / 3 = 50; the service provider's two fully and not
applicable, 100 / 1 = 100; the employer's three don't know, partly and fully
(0 + 50 + 100) / 3 = 50, with one data gap; the buyer's three not applicable: no score. Its
overall score is the mean of its three role scores, (50 + 100 + 50) / 3 = 200/3, shown as 66.7.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType


class Rating(StrEnum):
    """How far a city delivers one commitment. Its value is what the database stores."""

    FULLY = "fully"
    PARTLY = "partly"
    NOT_AT_ALL = "not_at_all"
    NOT_APPLICABLE = "not_applicable"
    DONT_KNOW = "dont_know"


@dataclass(frozen=True)
class Scale:
    """Points per rating, from the questionnaire edition's `scale` (fully, partly, not_at_all):
    `Scale(**document.scale.model_dump())`. "Don't know" always scores 0 and "not applicable"
    has no points; both are fixed, not in the file."""

    fully: int = 100
    partly: int = 50
    not_at_all: int = 0

    def __post_init__(self) -> None:
        points = (self.not_at_all, self.partly, self.fully)
        if not all(isinstance(p, int) and 0 <= p <= 100 for p in points) or not (
            self.not_at_all < self.partly < self.fully
        ):
            raise ValueError(
                "A scale gives whole points within 0..100 with not_at_all < partly < fully, "
                f"not {self.not_at_all}, {self.partly}, {self.fully}."
            )

    def points(self, rating: Rating | None) -> int | None:
        """The points of a rating; None for "not applicable" and for no rating."""
        if rating is None or rating is Rating.NOT_APPLICABLE:
            return None
        if rating is Rating.FULLY:
            return self.fully
        if rating is Rating.PARTLY:
            return self.partly
        if rating is Rating.NOT_AT_ALL:
            return self.not_at_all
        return 0  # don't know


DEFAULT_SCALE = Scale()
"""fully = 100, partly = 50, not at all = 0 (and don't know = 0)."""

Roles = Mapping[str, Sequence[str]]
"""Role code -> the codes of its commitments, both in questionnaire order."""

Ratings = Mapping[str, Rating | str | None]
"""Commitment code -> its rating (a `Rating` or its value); None or no entry: not rated yet."""


# -- one city --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rated:
    """One commitment as a city rated it."""

    code: str
    rating: Rating | None
    """None when the city has not rated it."""
    points: int | None
    """The points that count in the role's mean; None for "not applicable" and for no rating."""


@dataclass(frozen=True)
class RoleScore:
    """A city's score in one role, with the ratings it comes from (so it can be checked)."""

    role: str
    commitments: tuple[Rated, ...]
    """The role's commitments, in questionnaire order."""
    score: Fraction | None
    """The mean of `points` over the scored commitments; None when none scores."""

    def _count(self, rating: Rating | None) -> int:
        return sum(1 for item in self.commitments if item.rating == rating)

    @property
    def total(self) -> int:
        """The role's commitments: answered + unanswered."""
        return len(self.commitments)

    @property
    def answered(self) -> int:
        """Commitments with a rating (any, "not applicable" and "don't know" included)."""
        return self.total - self.unanswered

    @property
    def scored(self) -> int:
        """Commitments that count in the mean: fully, partly, not at all and don't know."""
        return sum(1 for item in self.commitments if item.points is not None)

    @property
    def not_applicable(self) -> int:
        return self._count(Rating.NOT_APPLICABLE)

    @property
    def unanswered(self) -> int:
        return self._count(None)

    @property
    def data_gaps(self) -> tuple[str, ...]:
        """The codes of the commitments rated "don't know" (scored 0), in order."""
        return tuple(item.code for item in self.commitments if item.rating is Rating.DONT_KNOW)


@dataclass(frozen=True)
class CityScores:
    """A city's scores in one cycle: per role (in questionnaire order) and overall."""

    roles: tuple[RoleScore, ...]
    overall: Fraction | None
    """The mean of the role scores that are not None; None when there are none."""

    def role(self, code: str) -> RoleScore:
        """The score of the role `code`; KeyError if there is none."""
        for role in self.roles:
            if role.role == code:
                return role
        raise KeyError(code)

    @property
    def roles_by_code(self) -> frozenset[str]:
        """The codes of its roles."""
        return frozenset(role.role for role in self.roles)

    @property
    def data_gaps(self) -> tuple[str, ...]:
        """Every commitment rated "don't know", in questionnaire order."""
        return tuple(code for role in self.roles for code in role.data_gaps)

    @property
    def answered(self) -> int:
        return sum(role.answered for role in self.roles)

    @property
    def total(self) -> int:
        return sum(role.total for role in self.roles)


def _mean(values: Iterable[Fraction | int]) -> Fraction | None:
    """The exact mean of `values`; None when there are none."""
    items = [Fraction(value) for value in values]
    if not items:
        return None
    return sum(items, Fraction(0)) / len(items)


def _check_roles(roles: Roles) -> set[str]:
    """Every commitment code of `roles`; ValueError if one sits in two roles (or twice)."""
    seen: set[str] = set()
    for role, codes in roles.items():
        for code in codes:
            if code in seen:
                raise ValueError(f"The commitment {code!r} appears twice (again in {role!r}).")
            seen.add(code)
    return seen


def _ratings(ratings: Ratings, known: set[str]) -> dict[str, Rating | None]:
    unknown = sorted(set(ratings) - known)
    if unknown:
        raise ValueError(f"Ratings for commitments of no role: {', '.join(unknown)}.")
    # Rating(value) raises ValueError for a value that is not a rating.
    return {code: None if value is None else Rating(value) for code, value in ratings.items()}


def _city_scores(ratings: Mapping[str, Rating | None], roles: Roles, scale: Scale) -> CityScores:
    results = []
    for role, codes in roles.items():
        rated = tuple(
            Rated(code, ratings.get(code), scale.points(ratings.get(code))) for code in codes
        )
        score = _mean(item.points for item in rated if item.points is not None)
        results.append(RoleScore(role=role, commitments=rated, score=score))
    overall = _mean(role.score for role in results if role.score is not None)
    return CityScores(roles=tuple(results), overall=overall)


def city_scores(ratings: Ratings, roles: Roles, scale: Scale = DEFAULT_SCALE) -> CityScores:
    """Score one city's ratings, per role of `roles` and overall.

    Raises ValueError when a commitment appears twice in `roles`, a rating names a commitment of
    no role, or a value is not a `Rating`: programming errors, forms validate what users type.
    """
    return _city_scores(_ratings(ratings, _check_roles(roles)), roles, scale)


@dataclass(frozen=True)
class Change:
    """The change of a city's scores since the previous cycle (current - previous)."""

    roles: Mapping[str, Fraction | None]
    """Per role of the current scores, in their order; None when either score is None or the
    previous cycle has no such role."""
    overall: Fraction | None


def _minus(current: Fraction | None, previous: Fraction | None) -> Fraction | None:
    return None if current is None or previous is None else current - previous


def change(previous: CityScores | None, current: CityScores) -> Change:
    """The change from `previous` (None: the city did not respond then) to `current`."""
    before = {} if previous is None else {role.role: role.score for role in previous.roles}
    return Change(
        roles=MappingProxyType(
            {role.role: _minus(role.score, before.get(role.role)) for role in current.roles}
        ),
        overall=_minus(current.overall, None if previous is None else previous.overall),
    )


# -- one cycle -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CityResponse:
    """A city's submitted response in a cycle."""

    city: int | str
    """The city's id (or any key): each city responds once."""
    ratings: Ratings


@dataclass(frozen=True)
class Distribution:
    """How the responding cities rated one commitment."""

    code: str
    fully: int
    partly: int
    not_at_all: int
    not_applicable: int
    dont_know: int
    unanswered: int
    """Responding cities that did not rate it."""
    mean: Fraction | None
    """The mean points of the scored ratings (fully, partly, not at all, don't know); None when
    none scores."""

    @property
    def total(self) -> int:
        """Every responding city: the counts add up to it."""
        return (
            self.fully
            + self.partly
            + self.not_at_all
            + self.not_applicable
            + self.dont_know
            + self.unanswered
        )

    def count(self, rating: Rating | None) -> int:
        """The cities that gave `rating` (None: that did not rate the commitment)."""
        counts = {
            None: self.unanswered,
            Rating.FULLY: self.fully,
            Rating.PARTLY: self.partly,
            Rating.NOT_AT_ALL: self.not_at_all,
            Rating.NOT_APPLICABLE: self.not_applicable,
            Rating.DONT_KNOW: self.dont_know,
        }
        return counts[None if rating is None else Rating(rating)]


@dataclass(frozen=True)
class RoleMean:
    """The mean of one role's scores across the responding cities."""

    role: str
    mean: Fraction | None
    """Mean of the cities' role scores that are not None; None when no city has one."""
    cities: int
    """The cities whose role score counts in the mean."""


@dataclass(frozen=True)
class CycleAggregate:
    """What the network reads of one cycle."""

    invited: int
    submitted: int
    response_rate: Fraction | None
    """submitted / invited, within 0..1; None when no city was invited."""
    commitments: tuple[Distribution, ...]
    """One per commitment, in questionnaire order."""
    roles: tuple[RoleMean, ...]
    """One per role, in questionnaire order."""
    overall: Fraction | None
    """The network mean: the mean of the cities' overall scores that are not None."""
    scored_cities: int
    """The cities whose overall score counts in `overall`."""

    @property
    def response_percent(self) -> Fraction | None:
        """The response rate in per cent, within 0..100."""
        return None if self.response_rate is None else self.response_rate * 100

    def role(self, code: str) -> RoleMean:
        """The mean of the role `code`; KeyError if there is none."""
        for role in self.roles:
            if role.role == code:
                return role
        raise KeyError(code)

    def commitment(self, code: str) -> Distribution:
        """The distribution of the commitment `code`; KeyError if there is none."""
        for item in self.commitments:
            if item.code == code:
                return item
        raise KeyError(code)


def cycle_aggregate(
    responses: Sequence[CityResponse], invited: int, roles: Roles, scale: Scale = DEFAULT_SCALE
) -> CycleAggregate:
    """Aggregate the submitted responses of a cycle to which `invited` cities were invited.

    Pass only submitted responses (drafts are not results). For the mean of similar cities, pass
    their responses and their number invited. Raises ValueError when a city responds twice, more
    cities responded than were invited, or as `city_scores` does.
    """
    if invited < 0 or len(responses) > invited:
        raise ValueError(f"{len(responses)} responses for {invited} cities invited.")
    cities = [response.city for response in responses]
    if len(set(cities)) != len(cities):
        raise ValueError("A city responds once per cycle.")
    known = _check_roles(roles)
    ratings = [_ratings(response.ratings, known) for response in responses]
    scores = [_city_scores(each, roles, scale) for each in ratings]

    distributions = []
    for code in (code for codes in roles.values() for code in codes):
        given = [each.get(code) for each in ratings]
        distributions.append(
            Distribution(
                code=code,
                fully=given.count(Rating.FULLY),
                partly=given.count(Rating.PARTLY),
                not_at_all=given.count(Rating.NOT_AT_ALL),
                not_applicable=given.count(Rating.NOT_APPLICABLE),
                dont_know=given.count(Rating.DONT_KNOW),
                unanswered=given.count(None),
                mean=_mean(p for p in map(scale.points, given) if p is not None),
            )
        )
    role_means = []
    for index, role in enumerate(roles):
        values = _known(s.roles[index].score for s in scores)
        role_means.append(RoleMean(role=role, mean=_mean(values), cities=len(values)))
    overalls = _known(s.overall for s in scores)
    return CycleAggregate(
        invited=invited,
        submitted=len(responses),
        response_rate=Fraction(len(responses), invited) if invited else None,
        commitments=tuple(distributions),
        roles=tuple(role_means),
        overall=_mean(overalls),
        scored_cities=len(overalls),
    )


def _known(values: Iterable[Fraction | None]) -> list[Fraction]:
    return [value for value in values if value is not None]


# -- across cycles, and against peers ---------------------------------------------------------


@dataclass(frozen=True)
class Trend:
    """The network's means across cycles, oldest first (as given)."""

    labels: tuple[str, ...]
    roles: Mapping[str, tuple[Fraction | None, ...]]
    """Per role (every role of any cycle, in first-seen order): its mean in each cycle; None
    when the cycle has no mean for it (no city scored it, or its edition has no such role)."""
    overall: tuple[Fraction | None, ...]
    """The network mean in each cycle."""
    response_rate: tuple[Fraction | None, ...]


def trend(cycles: Sequence[tuple[str, CycleAggregate]]) -> Trend:
    """The series of each role's mean, the network mean and the response rate across `cycles`
    (label, aggregate), in the order given."""
    codes = list(dict.fromkeys(role.role for _label, cycle in cycles for role in cycle.roles))
    series: dict[str, tuple[Fraction | None, ...]] = {}
    for code in codes:
        means = []
        for _label, cycle in cycles:
            found = [role.mean for role in cycle.roles if role.role == code]
            means.append(found[0] if found else None)
        series[code] = tuple(means)
    return Trend(
        labels=tuple(label for label, _cycle in cycles),
        roles=MappingProxyType(series),
        overall=tuple(cycle.overall for _label, cycle in cycles),
        response_rate=tuple(cycle.response_rate for _label, cycle in cycles),
    )


@dataclass(frozen=True)
class Standing:
    """A city's score beside the network mean and the mean of similar cities."""

    city: Fraction | None
    network: Fraction | None
    similar: Fraction | None
    """None when there are no similar cities (or none scored)."""

    @property
    def vs_network(self) -> Fraction | None:
        """city - network: above 0 when the city does better than the network."""
        return _minus(self.city, self.network)

    @property
    def vs_similar(self) -> Fraction | None:
        """city - similar."""
        return _minus(self.city, self.similar)


@dataclass(frozen=True)
class Comparison:
    roles: Mapping[str, Standing]
    """Per role of the city's scores, in their order."""
    overall: Standing


def compare(
    city: CityScores, network: CycleAggregate, similar: CycleAggregate | None = None
) -> Comparison:
    """A city's scores beside the network's means and those of similar cities (the aggregate of
    the cities in the same population and migrant share bands, see
    `citygrow.assessments.scoring.population_band`). The aggregates are used as given: whether
    they include the city itself is the caller's choice."""

    def mean(aggregate: CycleAggregate | None, code: str) -> Fraction | None:
        if aggregate is None:
            return None
        found = [role.mean for role in aggregate.roles if role.role == code]
        return found[0] if found else None

    return Comparison(
        roles=MappingProxyType(
            {
                role.role: Standing(role.score, mean(network, role.role), mean(similar, role.role))
                for role in city.roles
            }
        ),
        overall=Standing(
            city.overall, network.overall, None if similar is None else similar.overall
        ),
    )


# -- display ---------------------------------------------------------------------------------


def rounded(value: Fraction | None, places: int = 1) -> Decimal | None:
    """`value` rounded for display to `places` decimals, halves away from zero (200/3 -> 66.7,
    125/2 -> 62.5, or 63 with no decimals; -25/2 -> -13 with none). None stays None."""
    if value is None:
        return None
    if places < 0:
        raise ValueError(f"places must be 0 or more, not {places}.")
    magnitude = math.floor(abs(value) * 10**places + Fraction(1, 2))
    sign = -1 if value < 0 and magnitude else 1
    return Decimal(sign * magnitude).scaleb(-places)
