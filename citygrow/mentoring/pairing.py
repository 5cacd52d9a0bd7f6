"""The pairing recommender: which mentor city each implementing city should learn from.

A pure module with no Django in it (DESIGN.md, "A pairing recommender" in issue 5). The caller
gives the scheme's cities, each with its key factor scores from its latest assessment on the
scheme's toolkit (`citygrow.assessments.scoring.FactorScore.score`: 0..100, or None), and gets a
`Proposal` back: pairs with their reasons in words, and the cities left unpaired with the reason
why. Nothing is stored; the coordinator accepts, edits or rejects the proposal.

The benefit of pairing mentor M with implementing city I, in benefit points:

    sum over the key factors both have scored of  max(0, M - I) * (100 - I) / 100

that is, per key factor, how far the mentor is ahead, weighted by how far the implementing city
is from the standard. It rewards a mentor strong exactly where the implementing city is weak: a
lead of 65 points where the city scores 25 is worth 65 * 75 / 100 = 48.75; the same lead where
the city already scores 35 in a key factor it is closer on is worth less. A key factor is worth at
most 100 points (100 against 0). Scores are taken exactly and the benefit of a pair is rounded
once, half to even, to hundredths, so the solver compares whole numbers and the same input always
gives the same answer.

The proposal, in order of priority:

1. A pair never joins a city with itself, nor (when the options say so) two cities in the same
   country, nor two cities without a working language in common. A mentor takes at most
   `Options.capacity` implementing cities.
2. Cities without any score cannot be paired on evidence: they are left out and reported.
3. As many implementing cities as possible get a mentor (even a pair with benefit 0);
4. then the total benefit is as large as possible;
5. then ties are broken by city id: going through the implementing cities in order of id, each
   gets, among the proposals still optimal, its own best mentor (largest benefit for it, then
   lowest mentor id), and is left unpaired only when no optimal proposal pairs it.

Solved as an assignment problem with SciPy's `linear_sum_assignment`: one row per implementing
city, one column per mentor place (each mentor's column repeated `capacity` times), the cost of an
allowed pair `-(B + benefit)` with B larger than any total benefit (so pairing one more city
always wins), and 0 for a forbidden pair (the same as leaving the city unpaired).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType

from scipy.optimize import linear_sum_assignment  # type: ignore[import-untyped]

NO_ASSESSMENT = "has no assessment on this toolkit"
"""The reason given, after the city's name, for a city that has no score."""

MAX_STRENGTHS = 3
"""How many key factors a pair's explanation names at most."""


class Role(StrEnum):
    """A city's role in a mentoring scheme. Its value is what the database stores."""

    MENTOR = "mentor"
    IMPLEMENTING = "implementing"


@dataclass(frozen=True)
class Candidate:
    """One city of the scheme, with its role and its key factor scores.

    Raises ValueError for an unknown role or a score outside 0..100 (or NaN).
    """

    id: int
    name: str
    country: str
    """ISO 3166 code, e.g. "NL"; compared as given."""
    languages: frozenset[str]
    """The city's working languages, e.g. {"nl", "en"}; compared as given."""
    role: Role
    """A `Role`, or its value ("mentor" or "implementing"): it is converted to a `Role`."""
    scores: Mapping[int, float | None] = field(default_factory=dict)
    """Score (0..100) per key factor number, from the city's latest assessment on the toolkit.
    None or a missing key: no score for that key factor. Copied, so later changes to the
    mapping passed in do not show."""

    def __post_init__(self) -> None:
        try:
            role = Role(self.role)
        except ValueError:
            raise ValueError(
                f"City {self.id} ({self.name}): unknown role {self.role!r}; "
                "expected 'mentor' or 'implementing'."
            ) from None
        for key, value in self.scores.items():
            # `not (0 <= x <= 100)` also refuses NaN.
            if value is not None and not 0 <= value <= 100:
                raise ValueError(
                    f"City {self.id} ({self.name}), key factor {key}: a score must be within "
                    f"0..100, not {value!r}."
                )
        object.__setattr__(self, "role", role)
        object.__setattr__(self, "languages", frozenset(self.languages))
        object.__setattr__(self, "scores", MappingProxyType(dict(self.scores)))

    @property
    def has_assessment(self) -> bool:
        """Whether the city has a score on at least one key factor."""
        return any(value is not None for value in self.scores.values())


@dataclass(frozen=True)
class Options:
    """The constraints of a scheme. Raises ValueError when the capacity is below 1."""

    capacity: int = 1
    """The most implementing cities one mentor takes; a whole number, at least 1."""
    forbid_same_country: bool = False
    """Whether a mentor and an implementing city in the same country may not be paired."""
    require_shared_language: bool = False
    """Whether a mentor and an implementing city must have a working language in common."""
    taken: Mapping[int, int] = field(default_factory=dict)
    """Places already taken, by mentor city id: implementing cities a mentor already has (in
    pairings made earlier). A mentor has `capacity - taken` places left, at least 0."""

    def __post_init__(self) -> None:
        if isinstance(self.capacity, bool) or not isinstance(self.capacity, int):
            raise ValueError(f"The capacity must be a whole number, not {self.capacity!r}.")
        if self.capacity < 1:
            raise ValueError(
                f"The capacity must be at least 1 implementing city per mentor, not "
                f"{self.capacity}."
            )
        object.__setattr__(self, "taken", MappingProxyType(dict(self.taken)))

    def places(self, mentor: int) -> int:
        """The places mentor city `mentor` has left."""
        return max(0, self.capacity - self.taken.get(mentor, 0))


@dataclass(frozen=True)
class Strength:
    """One key factor behind a pair: the mentor is ahead where the implementing city is weak."""

    key: int
    heading: str
    mentor_score: float
    implementing_score: float
    benefit: float
    """This key factor's part of the pair's benefit, rounded to hundredths."""


@dataclass(frozen=True)
class Pair:
    """A proposed pairing of a mentor city with an implementing city."""

    mentor: int
    """The mentor city's id."""
    implementing: int
    """The implementing city's id."""
    benefit: float
    """Benefit points of the pair (see the module's docstring), rounded to hundredths."""
    strengths: tuple[Strength, ...]
    """The (at most 3) key factors with the largest part of the benefit, largest first; ties
    in key factor order. Empty when the mentor is ahead on no key factor both have scored."""
    explanation: str
    """The strengths in words, e.g. "Rotterdam scores 90 on Access to finance, where Tampere
    scores 25", joined by "; "."""


@dataclass(frozen=True)
class Unpaired:
    """A city the proposal leaves without a pair, and why, in words."""

    city: int
    """The city's id."""
    role: Role
    reason: str


@dataclass(frozen=True)
class Proposal:
    """The proposed pairing of a scheme's cities."""

    pairs: tuple[Pair, ...]
    """In order of mentor id, then implementing city id."""
    unpaired: tuple[Unpaired, ...]
    """Every implementing city without a pair, and every mentor without an assessment;
    implementing cities first, each part in order of city id. A mentor with an assessment and
    a place left is not listed: it is simply free."""
    total_benefit: float
    """The sum of the pairs' benefit, rounded to hundredths."""


def benefit(mentor: Candidate, implementing: Candidate) -> float:
    """The benefit points of pairing `mentor` with `implementing`, rounded to hundredths.

    Roles and constraints are not checked here: this is the formula of the module's docstring.
    """
    return _hundredths(mentor, implementing) / 100


def propose(
    cities: Iterable[Candidate],
    headings: Mapping[int, str],
    options: Options | None = None,
) -> Proposal:
    """Propose the pairing of `cities` that best matches implementing cities' gaps to mentors'
    strengths, under `options` (by default: capacity 1, no other constraint).

    `headings` names the key factors (by number) for the explanations; a key factor without a
    heading is called "key factor N". The order of `cities` does not matter.

    A city may be given once per role; raises ValueError when a city id is given twice with
    the same role. A city given in both roles is never paired with itself.
    """
    options = options or Options()
    candidates = sorted(cities, key=lambda city: (city.id, city.role.value))
    _check_unique(candidates)
    mentors = [city for city in candidates if city.role is Role.MENTOR]
    implementing = [city for city in candidates if city.role is Role.IMPLEMENTING]
    assessed_mentors = [city for city in mentors if city.has_assessment]
    assessed_cities = [city for city in implementing if city.has_assessment]

    # Benefit of every allowed pair, by (row, column): indexes in assessed_cities and
    # assessed_mentors, which are in order of id.
    hundredths = {
        (row, col): _hundredths(mentor, city)
        for row, city in enumerate(assessed_cities)
        for col, mentor in enumerate(assessed_mentors)
        if not _obstacles(mentor, city, options)
    }
    places = [options.places(mentor.id) for mentor in assessed_mentors]
    chosen = _solve(len(assessed_cities), places, hundredths)

    pairs = [
        _pair(assessed_mentors[col], assessed_cities[row], headings) for row, col in chosen.items()
    ]
    pairs.sort(key=lambda pair: (pair.mentor, pair.implementing))

    # Implementing cities with at least one mentor allowed.
    pairable = len({row for row, _col in hundredths})
    paired = {assessed_cities[row].id for row in chosen}
    unpaired: list[Unpaired] = []
    for city in implementing:
        if not city.has_assessment:
            unpaired.append(Unpaired(city.id, city.role, f"{city.name} {NO_ASSESSMENT}"))
        elif city.id not in paired:
            reason = _why_unpaired(city, mentors, assessed_mentors, options, pairable, places)
            unpaired.append(Unpaired(city.id, city.role, reason))
    unpaired.extend(
        Unpaired(city.id, city.role, f"{city.name} {NO_ASSESSMENT}")
        for city in mentors
        if not city.has_assessment
    )

    total = sum(hundredths[row, col] for row, col in chosen.items())
    return Proposal(pairs=tuple(pairs), unpaired=tuple(unpaired), total_benefit=total / 100)


def _check_unique(candidates: Sequence[Candidate]) -> None:
    seen: set[tuple[int, Role]] = set()
    for city in candidates:
        if (city.id, city.role) in seen:
            raise ValueError(
                f"City {city.id} ({city.name}) is given more than once as "
                f"{'a mentor' if city.role is Role.MENTOR else 'an implementing city'}."
            )
        seen.add((city.id, city.role))


@dataclass(frozen=True)
class _Part:
    """A key factor both have scored where the mentor is ahead, and its exact part of the
    benefit, in hundredths of a point."""

    key: int
    ours: float
    theirs: float
    hundredths: Fraction


def _parts(mentor: Candidate, implementing: Candidate) -> list[_Part]:
    """The key factors where `mentor` is ahead of `implementing`, in the latter's key order."""
    parts = []
    for key, theirs in implementing.scores.items():
        ours = mentor.scores.get(key)
        if theirs is None or ours is None or ours <= theirs:
            continue
        # lead * need / 100 points is lead * need hundredths.
        lead, need = Fraction(ours) - Fraction(theirs), 100 - Fraction(theirs)
        parts.append(_Part(key, float(ours), float(theirs), lead * need))
    return parts


def _hundredths(mentor: Candidate, implementing: Candidate) -> int:
    """The benefit of the pair in hundredths of a point, rounded once (half to even)."""
    return round(sum((part.hundredths for part in _parts(mentor, implementing)), Fraction(0)))


def _obstacles(mentor: Candidate, implementing: Candidate, options: Options) -> tuple[str, ...]:
    """What forbids the pair, as kinds: "self", "country", "language"; empty when allowed."""
    if mentor.id == implementing.id:
        return ("self",)
    found: list[str] = []
    if options.forbid_same_country and mentor.country == implementing.country:
        found.append("country")
    if options.require_shared_language and not mentor.languages & implementing.languages:
        found.append("language")
    return tuple(found)


def _solve(
    rows: int, capacities: Sequence[int], hundredths: Mapping[tuple[int, int], int]
) -> dict[int, int]:
    """The chosen column (mentor) per row (implementing city) paired, by the rules 3-5 of the
    module's docstring. Column `col` has `capacities[col]` places; only pairs in `hundredths`
    are allowed."""
    cols = len(capacities)
    # One more pair is worth more than any total benefit: pairs first, then benefit.
    bonus = 1 + rows * max(hundredths.values(), default=0)
    weight = {pair: bonus + value for pair, value in hundredths.items()}
    # A mentor never takes more places than there are implementing cities.
    places = {col: min(capacity, rows) for col, capacity in enumerate(capacities)}
    remaining = list(range(rows))
    best = _best_value(remaining, places, weight)

    chosen: dict[int, int] = {}
    fixed = 0
    for row in range(rows):
        remaining.remove(row)
        options = sorted(
            (col for col in range(cols) if (row, col) in weight),
            key=lambda col: (-hundredths[row, col], col),
        )
        for col in options:
            if places[col] == 0:
                continue
            places[col] -= 1
            if fixed + weight[row, col] + _best_value(remaining, places, weight) == best:
                fixed += weight[row, col]
                chosen[row] = col
                break
            places[col] += 1
        # Without a break, every optimal proposal consistent with the choices so far leaves
        # this row unpaired.
    return chosen


def _best_value(
    rows: Sequence[int], places: Mapping[int, int], weight: Mapping[tuple[int, int], int]
) -> int:
    """The largest total weight of pairs between `rows` and the mentors' `places` left."""
    slots = [col for col, count in places.items() for _ in range(count)]
    if not rows or not slots:
        return 0
    # Forbidden pairs cost 0, as much as leaving the row unpaired; the values are whole
    # numbers well below 2**53, so the solver's floating point arithmetic is exact.
    cost = [[-weight.get((row, col), 0) for col in slots] for row in rows]
    row_index, col_index = linear_sum_assignment(cost)
    return sum(
        weight.get((rows[r], slots[c]), 0)
        for r, c in zip(row_index.tolist(), col_index.tolist(), strict=True)
    )


def _figure(score: float) -> str:
    """A score as shown in words: to one decimal, without a trailing ".0" (90, 62.5, 66.7)."""
    return f"{round(score, 1):g}"


def _pair(mentor: Candidate, implementing: Candidate, headings: Mapping[int, str]) -> Pair:
    parts = sorted(_parts(mentor, implementing), key=lambda part: (-part.hundredths, part.key))
    strengths = tuple(
        Strength(
            key=part.key,
            heading=headings.get(part.key, f"key factor {part.key}"),
            mentor_score=part.ours,
            implementing_score=part.theirs,
            benefit=round(part.hundredths) / 100,
        )
        for part in parts[:MAX_STRENGTHS]
    )
    if strengths:
        explanation = "; ".join(
            f"{mentor.name} scores {_figure(s.mentor_score)} on {s.heading}, "
            f"where {implementing.name} scores {_figure(s.implementing_score)}"
            for s in strengths
        )
    else:
        explanation = (
            f"{mentor.name} scores no higher than {implementing.name} on any key factor both "
            f"have scored; the pair gives {implementing.name} a mentor"
        )
    return Pair(
        mentor=mentor.id,
        implementing=implementing.id,
        benefit=_hundredths(mentor, implementing) / 100,
        strengths=strengths,
        explanation=explanation,
    )


def _why_unpaired(
    city: Candidate,
    mentors: Sequence[Candidate],
    assessed_mentors: Sequence[Candidate],
    options: Options,
    pairable: int,
    places_left: Sequence[int],
) -> str:
    """Why an implementing city with an assessment has no pair, in words."""
    if not mentors:
        return f"There is no mentor city to pair {city.name} with"
    if not assessed_mentors:
        return "No mentor city has an assessment on this toolkit"
    obstacles = {mentor.id: _obstacles(mentor, city, options) for mentor in assessed_mentors}
    allowed = [mentor for mentor in assessed_mentors if not obstacles[mentor.id]]
    if not allowed:
        kinds = set(obstacles.values())
        if kinds == {("language",)}:
            return f"No mentor shares a working language with {city.name}"
        if kinds == {("country",)}:
            return f"Every mentor is in the same country as {city.name} ({city.country})"
        words = {
            "self": "cannot mentor itself",
            "country": f"is in the same country ({city.country})",
            "language": f"shares no working language with {city.name}",
        }
        details = "; ".join(
            f"{mentor.name} " + " and ".join(words[kind] for kind in obstacles[mentor.id])
            for mentor in assessed_mentors
        )
        return f"No mentor can be paired with {city.name}: {details}"
    places = sum(places_left)
    if places < pairable:
        return (
            f"Only {places} mentor {'place' if places == 1 else 'places'} for {pairable} "
            f"implementing {'city' if pairable == 1 else 'cities'} (capacity {options.capacity})"
        )
    names = ", ".join(mentor.name for mentor in allowed)
    return (
        f"The mentors who can take {city.name} ({names}) are full "
        f"(capacity {options.capacity}), and no other arrangement pairs more cities"
    )
