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
5. then each implementing city is as close as possible to its own best mentor: every city ranks
   the mentors it may be paired with (who have a place left) by the benefit of the pair for it,
   then by lower mentor id (its best mentor has rank 0), and the proposal with the smallest sum
   of the paired cities' ranks wins. A tie that remains (two proposals equal on all of the
   above, e.g. two cities with the same scores wanting the one place left) is settled by the
   solver, deterministically: the same data always gives the same proposal, whatever the order
   it comes in (with the same SciPy: the arithmetic is in whole numbers throughout).

   Until issue 16 the rule was a greedy one by city id: going through the implementing cities in
   order of id, each got its best mentor among the proposals still optimal. It needed a new
   solve for every candidate it tried (hours for 1,000 cities); the sum of ranks needs one. The
   two agree whenever rules 3 and 4 leave one proposal; where they leave several, the new rule
   may choose another (a city with a higher id may now get its best mentor when that costs the
   others less in ranks).

How it is computed, for any size (2,000 x 2,000 cities in about a second; docs/performance.md):

- The benefit of every pair at once, with NumPy: in floating point, with a bound on its error,
  and in whole numbers wherever the float could fall on the other side of a half hundredth; the
  result is the exact formula's, pair for pair (`_hundredths_matrix`).
- The most implementing cities that can be paired: a maximum matching (Hopcroft-Karp) between
  the cities and the mentors' places allowed by rule 1.
- One assignment solve (SciPy's `linear_sum_assignment`): one row per implementing city, one
  column per mentor place (each mentor's column repeated once per place it has left), plus
  exactly as many "unpaired" columns (cost 0) as cities the matching leaves out, so every full
  assignment pairs the most cities possible (rule 3). A forbidden pair costs infinity (no better
  than leaving the city unpaired: it is never chosen). An allowed pair costs
  `-benefit * W + rank`, W being larger than any sum of ranks, so a larger total benefit always
  wins (rule 4) and the ranks only break ties (rule 5). Every cost is a whole number small
  enough (below 2**48) for the solver's floating point arithmetic to be exact.
- When that matrix is square, prices on its columns from a short auction (`_prices`) speed the
  solve up several times without changing which assignments are best.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment  # type: ignore[import-untyped]
from scipy.sparse import csr_array  # type: ignore[import-untyped]
from scipy.sparse.csgraph import maximum_bipartite_matching  # type: ignore[import-untyped]

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

    # Rows: assessed_cities, columns: assessed_mentors, both in order of id.
    obstacles = _Obstacles(assessed_mentors, assessed_cities, options)
    allowed = obstacles.allowed()
    hundredths = _hundredths_matrix(assessed_mentors, assessed_cities)
    places = [options.places(mentor.id) for mentor in assessed_mentors]
    chosen = _solve(hundredths, allowed, places)

    pairs = [
        _pair(assessed_mentors[col], assessed_cities[row], headings, int(hundredths[row, col]))
        for row, col in chosen.items()
    ]
    pairs.sort(key=lambda pair: (pair.mentor, pair.implementing))

    # Implementing cities with at least one mentor allowed.
    pairable = int(np.count_nonzero(allowed.any(axis=1)))
    why = _Reasons(mentors, assessed_mentors, obstacles, options, pairable, sum(places))
    unpaired: list[Unpaired] = []
    for row, city in enumerate(assessed_cities):
        if row not in chosen:
            unpaired.append(Unpaired(city.id, city.role, why.unpaired(row, city)))
    unpaired.extend(
        Unpaired(city.id, city.role, f"{city.name} {NO_ASSESSMENT}")
        for city in implementing
        if not city.has_assessment
    )
    unpaired.sort(key=lambda entry: entry.city)
    unpaired.extend(
        Unpaired(city.id, city.role, f"{city.name} {NO_ASSESSMENT}")
        for city in mentors
        if not city.has_assessment
    )

    total = sum(int(hundredths[row, col]) for row, col in chosen.items())
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


# The benefit, exactly ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Part:
    """A key factor both have scored where the mentor is ahead, and its exact part of the
    benefit: `scaled / scale` hundredths of a point, `scale` being the pair's (`_parts`)."""

    key: int
    ours: float
    theirs: float
    scaled: int


def _parts(mentor: Candidate, implementing: Candidate) -> tuple[list[_Part], int]:
    """The key factors where `mentor` is ahead of `implementing`, in the latter's key order,
    and the scale of their `scaled` parts."""
    return _exact_parts(
        (key, ours, theirs)
        for key, theirs in implementing.scores.items()
        if theirs is not None and (ours := mentor.scores.get(key)) is not None and ours > theirs
    )


def _exact_parts(leads: Iterable[tuple[int, float, float]]) -> tuple[list[_Part], int]:
    """The parts of (key, ours, theirs), ours > theirs, and their scale.

    Exact: every score is a fraction (a float is a binary one); brought to a common
    denominator d, lead * need / 100 points, that is lead * need hundredths, is a whole number
    over d**2, the scale."""
    ratios = [(key, ours, theirs, _ratio(ours), _ratio(theirs)) for key, ours, theirs in leads]
    d = 1
    for *_scores, (_m, ours_d), (_i, theirs_d) in ratios:
        d = math.lcm(d, ours_d, theirs_d)
    parts = []
    for key, ours, theirs, (ours_n, ours_d), (theirs_n, theirs_d) in ratios:
        m, i = ours_n * (d // ours_d), theirs_n * (d // theirs_d)
        parts.append(_Part(key, float(ours), float(theirs), (m - i) * (100 * d - i)))
    return parts, d * d


def _ratio(score: float) -> tuple[int, int]:
    """The score as a fraction in lowest terms (a float: over a power of two)."""
    if isinstance(score, int | float):
        return score.as_integer_ratio()
    return Fraction(score).as_integer_ratio()


def _round_half_even(numerator: int, denominator: int) -> int:
    """numerator / denominator (both at least 0) rounded half to even, exactly."""
    whole, rest = divmod(numerator, denominator)
    if 2 * rest > denominator or (2 * rest == denominator and whole % 2 == 1):
        return whole + 1
    return whole


def _hundredths(mentor: Candidate, implementing: Candidate) -> int:
    """The benefit of the pair in hundredths of a point, rounded once (half to even).

    The definition: `_hundredths_matrix` computes the same for many pairs at once."""
    parts, scale = _parts(mentor, implementing)
    return _round_half_even(sum(part.scaled for part in parts), scale)


# The benefit of every pair at once -----------------------------------------------------------
#
# The exact value of a pair, in hundredths, is v = sum over its key factors of (M - I) * (100 - I)
# where M > I, M and I being the floats given (a float is an exact binary fraction). The result
# is v rounded half to even. Computed in float64, each term carries three roundings and the sum
# K - 1 more, so the float result f is within (K + 2) * 2**-53 * v (plus second order) of v: it
# rounds to the same whole number unless v lies within that distance of a half. Those pairs,
# and only those, are computed again in whole numbers; when every score is a multiple of a small
# power of two (62.5, 12.5, 50...), everything is computed in whole numbers from the start,
# since such scores often give exact halves.

_BLOCK_CELLS = 1 << 17
"""How many pairs a block of rows holds while the key factors are added up (kept in cache)."""

_ULP = 2.0**-52
"""Twice the unit roundoff of float64 (2**-53): error bounds below use it for a margin of 2."""

_TINY = 1e-300
"""An absolute margin for products of tiny numbers, which lose relative precision."""


def _hundredths_matrix(
    mentors: Sequence[Candidate], cities: Sequence[Candidate]
) -> NDArray[np.int64]:
    """`_hundredths(mentor, city)` for every pair: one row per city, one column per mentor."""
    result = np.zeros((len(cities), len(mentors)), dtype=np.int64)
    keys: dict[int, int] = {}
    for candidate in (*mentors, *cities):
        for key, value in candidate.scores.items():
            if value is not None:
                keys.setdefault(key, len(keys))
    if not keys or not len(cities) or not len(mentors):
        return result
    # A missing score counts as 0 for a mentor and 100 for a city: the mentor is then ahead
    # nowhere on that key factor, so it adds exactly 0, as in the exact formula.
    ours, odd_mentors = _score_table(mentors, keys, 0.0)
    theirs, odd_cities = _score_table(cities, keys, 100.0)
    # Whole numbers at a scale of 2**shift keep every product and sum below 2**62.
    shift = (62 - (len(keys) * 10_000).bit_length()) // 2
    scale = _common_scale(ours, theirs, shift)
    if scale is not None:
        _whole_number_sums(ours, theirs, scale, result)
    else:
        _float_sums(ours, theirs, shift, result)
    # Scores that are not int or float (a Fraction, a Decimal): the exact formula, pair by pair.
    for row in np.flatnonzero(odd_cities).tolist():
        for col, mentor in enumerate(mentors):
            result[row, col] = _hundredths(mentor, cities[row])
    for col in np.flatnonzero(odd_mentors).tolist():
        for row, city in enumerate(cities):
            result[row, col] = _hundredths(mentors[col], city)
    return result


def _score_table(
    candidates: Sequence[Candidate], keys: Mapping[int, int], missing: float
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """The scores as a (candidates x keys) table, `missing` where there is none; and which
    candidates have a score that is not an int or a float (left to the exact formula)."""
    table = np.full((len(candidates), len(keys)), missing, dtype=np.float64)
    odd = np.zeros(len(candidates), dtype=np.bool_)
    for row, candidate in enumerate(candidates):
        for key, value in candidate.scores.items():
            if value is None:
                continue
            if isinstance(value, int | float):
                table[row, keys[key]] = value
            else:
                odd[row] = True
    return table, odd


def _common_scale(ours: NDArray[np.float64], theirs: NDArray[np.float64], most: int) -> int | None:
    """The smallest s <= `most` such that every score is a whole multiple of 2**-s; None when
    there is none."""
    scores = np.concatenate([ours.ravel(), theirs.ravel()])
    for scale in range(most + 1):
        scaled = scores * 2.0**scale  # exact: a power of two
        if np.array_equal(scaled, np.floor(scaled)):
            return scale
    return None


def _row_blocks(rows: int, cols: int) -> Iterable[tuple[int, int]]:
    step = max(1, _BLOCK_CELLS // max(cols, 1))
    for start in range(0, rows, step):
        yield start, min(rows, start + step)


def _whole_number_sums(
    ours: NDArray[np.float64],
    theirs: NDArray[np.float64],
    scale: int,
    result: NDArray[np.int64],
) -> None:
    """Every pair's hundredths into `result`, when every score is a multiple of 2**-scale: in
    whole numbers (scores times 2**scale), exactly."""
    factor = 2.0**scale
    mentor_scores = np.ascontiguousarray((ours * factor).astype(np.int64).T)  # keys x mentors
    city_scores = (theirs * factor).astype(np.int64)  # cities x keys
    needs = 100 * (1 << scale) - city_scores
    for start, stop in _row_blocks(*result.shape):
        total = np.zeros((stop - start, result.shape[1]), dtype=np.int64)
        term = np.empty_like(total)
        for key in range(city_scores.shape[1]):
            np.subtract(mentor_scores[key][None, :], city_scores[start:stop, key, None], out=term)
            np.maximum(term, 0, out=term)
            term *= needs[start:stop, key, None]
            total += term
        result[start:stop] = _round_scaled(total, 2 * scale)


def _round_scaled(total: NDArray[np.int64], bits: int) -> NDArray[np.int64]:
    """`total / 2**bits` rounded half to even, exactly."""
    if bits == 0:
        return total
    whole = total >> bits
    rest = total & ((1 << bits) - 1)
    half = 1 << (bits - 1)
    up = (rest > half) | ((rest == half) & ((whole & 1) == 1))
    rounded: NDArray[np.int64] = whole + up
    return rounded


def _float_sums(
    ours: NDArray[np.float64],
    theirs: NDArray[np.float64],
    shift: int,
    result: NDArray[np.int64],
) -> None:
    """Every pair's hundredths into `result`: in float64, then again in whole numbers for the
    pairs whose float sum is too close to a half to round safely."""
    keys = theirs.shape[1]
    mentor_scores = np.ascontiguousarray(ours.T)
    needs = 100.0 - theirs
    margin = (keys + 3) * _ULP
    near_rows: list[NDArray[np.intp]] = []
    near_cols: list[NDArray[np.intp]] = []
    for start, stop in _row_blocks(*result.shape):
        total = np.zeros((stop - start, result.shape[1]), dtype=np.float64)
        term = np.empty_like(total)
        for key in range(keys):
            np.subtract(mentor_scores[key][None, :], theirs[start:stop, key, None], out=term)
            np.maximum(term, 0.0, out=term)
            term *= needs[start:stop, key, None]
            total += term
        # The distance to the nearest half, and the bound on the float sum's error.
        np.subtract(total, np.floor(total), out=term)
        term -= 0.5
        np.abs(term, out=term)
        near = term <= total * margin + _TINY
        result[start:stop] = np.rint(total)
        rows, cols = np.nonzero(near)
        near_rows.append(rows + start)
        near_cols.append(cols)
    rows = np.concatenate(near_rows)
    cols = np.concatenate(near_cols)
    if rows.size:
        result[rows, cols] = _exact_sums(ours[cols], theirs[rows], shift)


def _exact_sums(
    ours: NDArray[np.float64], theirs: NDArray[np.float64], shift: int
) -> NDArray[np.int64]:
    """The hundredths of the pairs (ours[p], theirs[p]) (rows: pairs, columns: key factors),
    exactly.

    Each score x is split into x = xh + xl, xh a multiple of 2**-shift (x rounded to it) and
    xl the small rest (both exact in float64). Then, where M > I,

        (M - I) * (100 - I) = dh * gh  +  (-dh * il + dl * (gh - il))

    with dh = mh - ih, gh = 100 - ih, dl = ml - il: the first part in whole numbers (times
    2**(2 * shift)), exactly; the second, small, part in float64 with a bound on its error.
    Whole part plus small part decide the rounding unless they fall within that bound of a
    half, or exactly on it with a small part known to be 0. What stays undecided goes to
    `_exact_pairs`: small parts that cancel exactly (the float errors of 250/3 and 200/3 are
    opposite), or nearly (within 1e-20 or so), on a sum that is a half."""
    factor = 2.0**shift
    keys = theirs.shape[1]
    whole = np.zeros(len(ours), dtype=np.int64)
    small = np.zeros(len(ours), dtype=np.float64)
    size = np.zeros(len(ours), dtype=np.float64)  # sum of |terms| of the small part
    rests = np.zeros(len(ours), dtype=np.bool_)  # whether any score has a rest
    for key in range(keys):
        m, i = ours[:, key], theirs[:, key]
        ahead = m > i
        mh, ih = np.rint(m * factor), np.rint(i * factor)
        ml, il = m - mh / factor, i - ih / factor
        dh = (mh - ih).astype(np.int64)
        gh = 100 * (1 << shift) - ih.astype(np.int64)
        whole += np.where(ahead, dh * gh, 0)
        # dh / factor is exact; dl and gh / factor - il (100 - i) are rounded once each.
        lead, need = -(dh / factor) * il, (ml - il) * ((gh / factor) - il)
        small += np.where(ahead, lead + need, 0.0)
        size += np.where(ahead, np.abs(lead) + np.abs(need), 0.0)
        rests |= ahead & ((ml != 0) | (il != 0))
    bits = 2 * shift
    # Without any rest, the small part is 0: the whole part rounds exactly.
    result = _round_scaled(whole, bits)
    # With rests: round (whole part's fraction) + small part. Each term carries at most 3
    # roundings and the sum 2 per key factor: (3 * keys + 3) * 2**-52 is a margin of 2 at least.
    base = whole >> bits
    fraction = (whole & ((1 << bits) - 1)).astype(np.float64) / 2.0**bits + small
    bound = (3 * keys + 3) * _ULP * size + _ULP * np.abs(fraction) + _TINY
    away = np.abs(fraction - np.floor(fraction) - 0.5) > bound
    decided = rests & away
    result[decided] = base[decided] + np.rint(fraction[decided]).astype(np.int64)
    undecided = rests & ~away
    if undecided.any():
        result[undecided] = _exact_pairs(ours[undecided], theirs[undecided])
    return result


def _exact_pairs(ours: NDArray[np.float64], theirs: NDArray[np.float64]) -> NDArray[np.int64]:
    """`_hundredths` of the pairs (ours[p], theirs[p]) (missing scores as in the tables), in
    Python's whole numbers: every score is a float, a whole number over a power of two, so at
    a common scale 2**bits every lead * need is a whole number over 2**(2 * bits)."""
    ratios = {v: v.as_integer_ratio() for v in {*ours.ravel().tolist(), *theirs.ravel().tolist()}}
    bits = max(d.bit_length() - 1 for _n, d in ratios.values())
    whole = {v: n << (bits - (d.bit_length() - 1)) for v, (n, d) in ratios.items()}
    standard, scale = 100 << bits, 1 << (2 * bits)
    result = np.empty(len(ours), dtype=np.int64)
    for pair, (mentor, city) in enumerate(zip(ours.tolist(), theirs.tolist(), strict=True)):
        total = 0
        for m, i in zip(mentor, city, strict=True):
            if m > i:
                total += (whole[m] - whole[i]) * (standard - whole[i])
        result[pair] = _round_half_even(total, scale)
    return result


# The constraints ------------------------------------------------------------------------------


class _Obstacles:
    """What forbids each pair, as boolean matrices: one row per implementing city, one column
    per mentor (rule 1 of the module's docstring)."""

    def __init__(
        self, mentors: Sequence[Candidate], cities: Sequence[Candidate], options: Options
    ) -> None:
        shape = (len(cities), len(mentors))
        self.itself = np.zeros(shape, dtype=np.bool_)
        column = {mentor.id: col for col, mentor in enumerate(mentors)}
        for row, city in enumerate(cities):
            if city.id in column:
                self.itself[row, column[city.id]] = True
        self.country = np.zeros(shape, dtype=np.bool_)
        if options.forbid_same_country:
            codes: dict[str, int] = {}
            theirs = np.array([codes.setdefault(city.country, len(codes)) for city in cities])
            ours = np.array([codes.setdefault(mentor.country, len(codes)) for mentor in mentors])
            self.country = theirs.reshape(-1, 1) == ours.reshape(1, -1)
        self.language = np.zeros(shape, dtype=np.bool_)
        if options.require_shared_language:
            index: dict[str, int] = {}
            for candidate in (*cities, *mentors):
                for language in sorted(candidate.languages):
                    index.setdefault(language, len(index))
            spoken = np.zeros((len(cities) + len(mentors), len(index)), dtype=np.float32)
            for row, candidate in enumerate((*cities, *mentors)):
                spoken[row, [index[language] for language in candidate.languages]] = 1
            # The number of languages in common, exact in float32.
            self.language = spoken[: len(cities)] @ spoken[len(cities) :].T == 0

    def allowed(self) -> NDArray[np.bool_]:
        allowed: NDArray[np.bool_] = ~(self.itself | self.country | self.language)
        return allowed

    def kinds(self, row: int, col: int) -> tuple[str, ...]:
        """What forbids the pair, as kinds: "self", "country", "language"; empty when allowed."""
        if self.itself[row, col]:
            return ("self",)
        return (("country",) if self.country[row, col] else ()) + (
            ("language",) if self.language[row, col] else ()
        )


# The solve ------------------------------------------------------------------------------------

_EXACT = 2**48
"""A bound on the size of the costs. With the column prices (of the same size at most) the
solver adds and subtracts numbers below 2**51, and stays exact (below 2**53)."""


def _solve(
    hundredths: NDArray[np.int64], allowed: NDArray[np.bool_], places_left: Sequence[int]
) -> dict[int, int]:
    """The chosen column (mentor) per row (implementing city) paired, by the rules 3-5 of the
    module's docstring. Column `col` has `places_left[col]` places; only `allowed` pairs."""
    rows, cols = allowed.shape
    places = np.array(places_left, dtype=np.int64).reshape(cols)
    usable = allowed & (places > 0).reshape(1, cols)
    if not usable.any():
        return {}
    # A mentor never takes more places than there are implementing cities allowed for it.
    places = np.minimum(places, usable.sum(axis=0))
    most = _most_pairs(usable, places)
    ranks = _ranks(hundredths, usable)
    worst = int(usable.sum(axis=1).max()) - 1
    # A sum of ranks is at most most * worst: one hundredth of benefit outweighs any of them.
    weight = most * worst + 1
    if int(hundredths[usable].max()) * weight + worst >= _EXACT:
        raise ValueError(
            f"Too many cities to pair exactly ({rows} implementing cities, {cols} mentors)."
        )
    cost = np.where(usable, ranks - hundredths * weight, 0).astype(np.float64)
    cost[~usable] = np.inf
    # One column per place, then one "unpaired" column (cost 0) per city the most pairs leave
    # out: every full assignment pairs `most` cities.
    slot_mentor = np.repeat(np.arange(cols), places)
    slots = slot_mentor.size
    matrix = np.empty((rows, slots + rows - most), dtype=np.float64)
    matrix[:, :slots] = cost if (places == 1).all() else cost[:, slot_mentor]
    matrix[:, slots:] = 0.0
    if slots == most:
        # Square, every column used by every full assignment: prices on the columns change
        # no assignment's cost relative to another's, only the time the solver takes. (With
        # places left free, the matrix is wider than high and the prices would count only for
        # the columns used; rows of free places to square it make the solver slower still.)
        matrix += _prices(matrix)
    row_index, col_index = linear_sum_assignment(matrix)
    chosen = {
        row: int(slot_mentor[col])
        for row, col in zip(row_index.tolist(), col_index.tolist(), strict=True)
        if col < slots
    }
    assert len(chosen) == most, "the assignment pairs the most cities possible"
    return chosen


def _prices(matrix: NDArray[np.float64]) -> NDArray[np.float64]:
    """Prices for the columns of the square cost `matrix` (inf: forbidden), close to the dual
    values of its optimal assignment, as whole numbers.

    Added to the costs they change nothing but the time `linear_sum_assignment` takes: on a
    benefit matrix every city wants the strongest mentors, and without prices the solver
    follows long chains of cities displacing each other (about 7 times as long as on a random
    matrix of the same size). A few rounds of an auction (Bertsekas) find prices for the
    mentors in demand: each column starts at the mean profit of the rows that may take it;
    each free row bids for its best column by how much more it gains there than at its second
    best, plus a step; each column goes to its highest bid. It stops when 1% of the rows are
    free or its work reaches 16 full passes, however far it got. Plain arithmetic on whole
    numbers, in a fixed order: the same prices on every machine."""
    size = matrix.shape[0]
    allowed = np.isfinite(matrix)
    profit = -matrix
    low, high = float(matrix[allowed].min()), float(matrix[allowed].max())
    step = max(1.0, np.floor((high - low) / 300))  # tuned in benchmarks/pairing.py
    # The mean in whole numbers (the costs are whole numbers below 2**48).
    total = np.where(allowed, profit, 0.0).astype(np.int64).sum(axis=0)
    price = (total // np.maximum(allowed.sum(axis=0), 1)).astype(np.float64)
    owner = np.full(size, -1)
    free = np.arange(size)
    work = 0
    while free.size > size // 100 and work < 16 * size:
        work += free.size
        at = np.arange(free.size)
        values = profit[free] - price.reshape(1, size)
        best_col = values.argmax(axis=1)
        best = values[at, best_col]
        values[at, best_col] = -np.inf
        second = values.max(axis=1)
        second = np.where(second > -np.inf, second, best - step)
        bid = price[best_col] + (best - second) + step
        # Each column bid for goes to its highest bid (ties: the lower row).
        order = np.lexsort((-bid, best_col))
        wanted = best_col[order]
        first = np.ones(order.size, dtype=np.bool_)
        first[1:] = wanted[1:] != wanted[:-1]
        winners, won = order[first], wanted[first]
        outbid = owner[won]
        price[won] = bid[winners]
        owner[won] = free[winners]
        lost = np.ones(free.size, dtype=np.bool_)
        lost[winners] = False
        free = np.sort(np.concatenate([free[lost], outbid[outbid >= 0]]))
    # Whole numbers within the costs' own range, so the sums the solver makes stay exact.
    bound = max(abs(low), abs(high))
    prices: NDArray[np.float64] = np.floor(np.clip(price, -bound, bound))
    return prices


def _most_pairs(usable: NDArray[np.bool_], places: NDArray[np.int64]) -> int:
    """The most rows that can be paired at once: a maximum matching between the rows and the
    columns' places, where `usable` allows."""
    rows = usable.shape[0]
    row_of, col_of = np.nonzero(usable)
    repeats = places[col_of]
    first_slot = np.cumsum(places) - places
    edges = int(repeats.sum())
    within = np.arange(edges) - np.repeat(np.cumsum(repeats) - repeats, repeats)
    slots = np.repeat(first_slot[col_of], repeats) + within
    per_row = np.bincount(row_of, weights=repeats, minlength=rows).astype(np.int64)
    graph = csr_array(
        (
            np.ones(edges, dtype=np.int8),
            slots.astype(np.int32),
            np.concatenate([[0], np.cumsum(per_row)]).astype(np.int32),
        ),
        shape=(rows, int(places.sum())),
    )
    matched = maximum_bipartite_matching(graph, perm_type="column")
    return int(np.count_nonzero(matched >= 0))


def _ranks(hundredths: NDArray[np.int64], usable: NDArray[np.bool_]) -> NDArray[np.int64]:
    """Each row's rank of each usable column: 0 for the largest benefit, ties to the lower
    column (mentor id). Columns not usable come after all usable ones."""
    rows, cols = usable.shape
    top = int(hundredths.max())
    order_key = (top - hundredths) * cols + np.arange(cols).reshape(1, cols)
    order_key[~usable] = (top + 1) * cols
    order = np.argsort(order_key, axis=1)
    ranks = np.empty((rows, cols), dtype=np.int64)
    np.put_along_axis(ranks, order, np.arange(cols, dtype=np.int64).reshape(1, cols), axis=1)
    return ranks


# The pairs and the reasons, in words ---------------------------------------------------------


def _figure(score: float) -> str:
    """A score as shown in words: to one decimal, without a trailing ".0" (90, 62.5, 66.7)."""
    return f"{round(score, 1):g}"


def _pair(
    mentor: Candidate, implementing: Candidate, headings: Mapping[int, str], hundredths: int
) -> Pair:
    """The pair with its strengths; `hundredths` is its benefit (`_hundredths`)."""
    found, scale = _parts(mentor, implementing)
    parts = sorted(found, key=lambda part: (-part.scaled, part.key))
    strengths = tuple(
        Strength(
            key=part.key,
            heading=headings.get(part.key, f"key factor {part.key}"),
            mentor_score=part.ours,
            implementing_score=part.theirs,
            benefit=_round_half_even(part.scaled, scale) / 100,
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
        benefit=hundredths / 100,
        strengths=strengths,
        explanation=explanation,
    )


@dataclass(frozen=True)
class _Reasons:
    """Why an implementing city with an assessment has no pair, in words."""

    mentors: Sequence[Candidate]
    assessed_mentors: Sequence[Candidate]
    obstacles: _Obstacles
    options: Options
    pairable: int
    """Implementing cities with at least one mentor allowed."""
    places: int
    """The places the assessed mentors have left."""

    def unpaired(self, row: int, city: Candidate) -> str:
        if not self.mentors:
            return f"There is no mentor city to pair {city.name} with"
        if not self.assessed_mentors:
            return "No mentor city has an assessment on this toolkit"
        itself = self.obstacles.itself[row]
        country = self.obstacles.country[row]
        language = self.obstacles.language[row]
        allowed = ~(itself | country | language)
        if not allowed.any():
            if (language & ~country & ~itself).all():
                return f"No mentor shares a working language with {city.name}"
            if (country & ~language & ~itself).all():
                return f"Every mentor is in the same country as {city.name} ({city.country})"
            words = {
                "self": "cannot mentor itself",
                "country": f"is in the same country ({city.country})",
                "language": f"shares no working language with {city.name}",
            }
            details = "; ".join(
                f"{mentor.name} "
                + " and ".join(words[kind] for kind in self.obstacles.kinds(row, col))
                for col, mentor in enumerate(self.assessed_mentors)
            )
            return f"No mentor can be paired with {city.name}: {details}"
        capacity = self.options.capacity
        if self.places < self.pairable:
            return (
                f"Only {self.places} mentor {'place' if self.places == 1 else 'places'} for "
                f"{self.pairable} implementing {'city' if self.pairable == 1 else 'cities'} "
                f"(capacity {capacity})"
            )
        names = ", ".join(
            self.assessed_mentors[col].name for col in np.flatnonzero(allowed).tolist()
        )
        return (
            f"The mentors who can take {city.name} ({names}) are full "
            f"(capacity {capacity}), and no other arrangement pairs more cities"
        )
