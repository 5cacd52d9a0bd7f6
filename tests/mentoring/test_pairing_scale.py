"""The pairing recommender at any size (issue 16, part 1): the benefit of every pair computed at
once equals the exact formula, pair for pair; the proposal equals the previous implementation's
wherever that one had no tie to break; one assignment solve whatever the number of cities; and
at a size brute force cannot reach, the most pairs and the largest total benefit."""

import random
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from citygrow.mentoring import pairing
from citygrow.mentoring.pairing import Candidate, Options, Role, propose
from tests.mentoring.test_pairing import HEADINGS, allowed, city, mentor, pairs_of

# The exact formula, written out again with fractions ----------------------------------------


def exact_hundredths(m: Candidate, i: Candidate) -> int:
    """The benefit in hundredths as the module's docstring defines it: exactly, rounded once
    half to even (the implementation before issue 16, with fractions)."""
    total = Fraction(0)
    for key, theirs in i.scores.items():
        ours = m.scores.get(key)
        if theirs is not None and ours is not None and ours > theirs:
            total += (Fraction(ours) - Fraction(theirs)) * (100 - Fraction(theirs))
    return round(total)


def assert_matrix_is_exact(mentors: Sequence[Candidate], cities: Sequence[Candidate]) -> None:
    matrix = pairing._hundredths_matrix(mentors, cities)
    expected = [[exact_hundredths(m, i) for m in mentors] for i in cities]
    assert matrix.tolist() == expected
    for m in mentors:
        for i in cities:
            assert pairing._hundredths(m, i) == exact_hundredths(m, i)


def table(role: Role, rows: Sequence[Mapping[int, float | None]]) -> list[Candidate]:
    return [
        Candidate(n + 1, f"City {n + 1}", "NL", frozenset({"en"}), role, scores)
        for n, scores in enumerate(rows)
    ]


# The benefit of every pair at once


# Scores as assessments give them (means of 0, 50 and 100 over a few questions: 62.5, 200/3,
# 850/12...), binary fractions, any float, tiny ones, and neighbours of all of these.
def _means() -> st.SearchStrategy[float]:
    return st.builds(lambda n, k: 50 * k / n, st.integers(1, 12), st.integers(0, 24)).filter(
        lambda x: x <= 100
    )


def _neighbours(base: st.SearchStrategy[float]) -> st.SearchStrategy[float]:
    return st.builds(
        lambda x, up: min(100.0, max(0.0, np.nextafter(x, 200.0 if up else -1.0))),
        base,
        st.booleans(),
    )


SCORE = st.one_of(
    st.none(),
    _means(),
    _neighbours(_means()),
    st.builds(lambda k, e: k / 2**e, st.integers(0, 800), st.integers(0, 3)).filter(
        lambda x: x <= 100
    ),
    st.floats(0, 100),
    st.floats(0, 1e-6),
    st.integers(0, 100),
)
SCORE_TABLE = st.lists(st.dictionaries(st.integers(1, 6), SCORE, max_size=6), max_size=6)


@settings(max_examples=400, deadline=None)
@given(SCORE_TABLE, SCORE_TABLE)
def test_every_pair_at_once_equals_the_exact_formula(mentor_scores, city_scores):
    assert_matrix_is_exact(table(Role.MENTOR, mentor_scores), table(Role.IMPLEMENTING, city_scores))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.dictionaries(st.integers(1, 4), st.sampled_from([0, 12.5, 25, 37.5, 50, 62.5]))))
def test_binary_fractions_are_summed_in_whole_numbers_and_halves_go_to_even(scores):
    # Such scores often give exact halves (12.5 * 37.5 = 468.75, 62.5 * 49...): every pair is
    # computed in whole numbers, never in floats.
    mentors, cities = table(Role.MENTOR, scores), table(Role.IMPLEMENTING, scores)
    assert_matrix_is_exact(mentors, cities)


def test_a_sum_a_hair_from_a_half_is_rounded_as_the_exact_value_says(monkeypatch):
    # 650/12 = 54.1666... (a mean over 12 questions) is not a binary fraction: (54.1666... - 25)
    # * 75 is 2187.5 in decimals, and the float sum is exactly 2187.5 too, which rounds to 2188;
    # but the float 650/12 is a little less than 650/12, so the exact value is a little less
    # than 2187.5 and rounds to 2187. Likewise 35 * 100 + (29.1666... - 25) * 75 is a little
    # more than 3812.5 (3813), where the floats say 3812.5 (3812); and the third pair's float
    # sum, 7812.499999999999, is not even a half, but the exact value is a little more than
    # 7812.5 (7813). Each float sum lands within its error bound of a half, and is computed
    # again in whole numbers.
    again = spy(monkeypatch, "_exact_sums")
    mentors = table(
        Role.MENTOR, [{1: 650 / 12}, {1: 35, 2: 350 / 12}, {1: 400 / 9, 2: 200 / 3, 3: 650 / 12}]
    )
    cities = table(Role.IMPLEMENTING, [{1: 25}, {1: 0, 2: 25}, {1: 500 / 7, 2: 50 / 3, 3: 12.5}])
    assert (650 / 12 - 25) * 75 == 2187.5
    assert (35 - 0) * 100 + (350 / 12 - 25) * 75 == 3812.5
    assert (200 / 3 - 50 / 3) * (100 - 50 / 3) + (650 / 12 - 12.5) * 87.5 == 7812.499999999999
    assert_matrix_is_exact(mentors, cities)
    matrix = pairing._hundredths_matrix(mentors, cities)  # rows: cities, columns: mentors
    assert [matrix[0, 0], matrix[1, 1], matrix[2, 2]] == [2187, 3813, 7813]
    assert again


def test_an_exact_half_with_parts_that_cancel_is_left_to_the_exact_formula(monkeypatch):
    # 2**-30 is below the grid the whole numbers use (2**-23 here), so both key factors have a
    # small part, +2**-30 and -2**-30: together exactly 0, and the sum is exactly 0.5, which
    # rounds to 0. The small parts cannot decide: the pair goes to the exact formula. (200/3 on
    # a key factor where the mentor is behind adds nothing, but rules out whole numbers for all.)
    exact = spy(monkeypatch, "_exact_pairs")
    m = table(Role.MENTOR, [{1: 99.25 + 2**-30, 2: 99.25 - 2**-30, 3: 10}])
    i = table(Role.IMPLEMENTING, [{1: 99, 2: 99, 3: 200 / 3}])
    assert pairing._hundredths_matrix(m, i).tolist() == [[0]]
    assert exact_hundredths(m[0], i[0]) == 0
    assert exact
    m = table(Role.MENTOR, [{1: 99.25 + 2**-30, 2: 99.75 - 2**-30, 3: 10}])
    assert pairing._hundredths_matrix(m, i).tolist() == [[exact_hundredths(m[0], i[0])]] == [[1]]


def test_scores_given_as_fractions_or_decimals_are_taken_exactly():
    mentors = [
        Candidate(1, "A", "NL", frozenset(), Role.MENTOR, {1: Fraction(851, 12), 2: 50}),  # type: ignore[dict-item]
        Candidate(2, "B", "NL", frozenset(), Role.MENTOR, {1: 90.5, 2: Decimal("60.1")}),  # type: ignore[dict-item]
    ]
    cities = table(Role.IMPLEMENTING, [{1: 62.5, 2: 100 / 3}, {1: 0.1, 2: 12.5}])
    assert_matrix_is_exact(mentors, cities)


def spy(monkeypatch: pytest.MonkeyPatch, name: str) -> list[object]:
    """Record the calls of pairing.<name>, which still does its work."""
    calls: list[object] = []
    real = getattr(pairing, name)

    def recorded(*args: object) -> object:
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(pairing, name, recorded)
    return calls


# The previous implementation, as the reference -----------------------------------------------
#
# `_solve` and `_best_value` as they were before issue 16 (rules 3-5, rule 5 greedy by city id,
# one assignment solve per candidate tried), with `old_proposal` doing what `propose` did around
# them. Where rules 3 and 4 leave one proposal, the new solver must find the same.


def _solve(
    rows: int, capacities: Sequence[int], hundredths: Mapping[tuple[int, int], int]
) -> dict[int, int]:
    cols = len(capacities)
    bonus = 1 + rows * max(hundredths.values(), default=0)
    weight = {pair: bonus + value for pair, value in hundredths.items()}
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
    return chosen


def _best_value(
    rows: Sequence[int], places: Mapping[int, int], weight: Mapping[tuple[int, int], int]
) -> int:
    slots = [col for col, count in places.items() for _ in range(count)]
    if not rows or not slots:
        return 0
    cost = [[-weight.get((row, col), 0) for col in slots] for row in rows]
    row_index, col_index = linear_sum_assignment(cost)
    return sum(
        weight.get((rows[r], slots[c]), 0)
        for r, c in zip(row_index.tolist(), col_index.tolist(), strict=True)
    )


def old_proposal(
    candidates: Sequence[Candidate], options: Options
) -> tuple[set[tuple[int, int]], bool]:
    """The previous implementation's pairs (mentor id, implementing id), and whether rules 3
    and 4 alone chose them (no other proposal has as many pairs and as large a total)."""
    ordered = sorted(candidates, key=lambda c: (c.id, c.role.value))
    mentors = [c for c in ordered if c.role is Role.MENTOR and c.has_assessment]
    cities = [c for c in ordered if c.role is Role.IMPLEMENTING and c.has_assessment]
    hundredths = {
        (row, col): exact_hundredths(m, i)
        for row, i in enumerate(cities)
        for col, m in enumerate(mentors)
        if allowed(m, i, options)
    }
    capacities = [options.places(m.id) for m in mentors]
    chosen = _solve(len(cities), capacities, hundredths)
    # Unique: forbidding any chosen pair makes every proposal worse (another best proposal
    # would lack at least one of them, having no more pairs).
    bonus = 1 + len(cities) * max(hundredths.values(), default=0)
    weight = {pair: bonus + value for pair, value in hundredths.items()}
    places = {col: min(c, len(cities)) for col, c in enumerate(capacities)}
    best = _best_value(list(range(len(cities))), places, weight)
    unique = all(
        _best_value(
            list(range(len(cities))), places, {p: w for p, w in weight.items() if p != pair}
        )
        < best
        for pair in chosen.items()
    )
    return {(mentors[col].id, cities[row].id) for row, col in chosen.items()}, unique


def random_scheme(seed: int, mentors: int, cities: int) -> tuple[list[Candidate], Options]:
    """Scores drawn from the whole range (ties between proposals all but impossible), a few
    countries and languages, some cities without a score, random rules and capacity."""
    rng = random.Random(seed)

    def one(id: int, role: Role) -> Candidate:
        scores: dict[int, float | None] = {
            key: rng.uniform(0, 100) if rng.random() < 0.9 else None for key in range(1, 6)
        }
        if rng.random() < 0.05:
            scores = {}
        return Candidate(
            id,
            f"City {id}",
            rng.choice(["NL", "FI", "CY", "PT"]),
            frozenset(rng.sample(["en", "el", "nl", "pt"], rng.randint(1, 2))),
            role,
            scores,
        )

    ids = rng.sample(range(1, 3 * (mentors + cities)), mentors + cities)
    # Now and then a city in both roles.
    ids[mentors] = ids[0] if rng.random() < 0.3 else ids[mentors]
    candidates = [one(id, Role.MENTOR) for id in ids[:mentors]]
    candidates += [one(id, Role.IMPLEMENTING) for id in ids[mentors:]]
    options = Options(
        capacity=rng.randint(1, 3),
        forbid_same_country=rng.random() < 0.5,
        require_shared_language=rng.random() < 0.5,
        taken={c.id: rng.randint(0, 2) for c in candidates[:mentors] if rng.random() < 0.3},
    )
    return candidates, options


def test_the_proposal_equals_the_previous_implementation_s_on_random_schemes_without_ties():
    compared = 0
    for seed in range(60):
        candidates, options = random_scheme(seed, mentors=2 + seed % 7, cities=3 + seed % 9)
        expected, unique = old_proposal(candidates, options)
        if not unique:  # a tie: the two rules 5 may choose differently
            continue
        assert pairs_of(propose(candidates, HEADINGS, options)) == expected, seed
        compared += 1
    assert compared >= 55  # ties are rare with such scores: the test compares almost all


# The worked examples and constraint cases of test_pairing.py, where one proposal is best.
HAND_CASES = {
    "worked example": (
        [
            mentor(1, "Rotterdam", {1: 90, 2: 40, 3: 50}),
            mentor(2, "Gothenburg", {1: 30, 2: 95, 3: 50}, country="SE"),
            city(10, "Tampere", {1: 25, 2: 80, 3: 50}),
            city(11, "Nicosia", {1: 70, 2: 20, 3: 50}, country="CY"),
        ],
        Options(),
    ),
    "strong where weak": (
        [
            mentor(1, "Rotterdam", {1: 30, 2: 70}),
            mentor(2, "Gothenburg", {1: 10, 2: 90}),
            city(3, "Tampere", {1: 10, 2: 70}),
        ],
        Options(),
    ),
    "itself": (
        [
            mentor(1, "Rotterdam", {1: 90}),
            city(1, "Rotterdam", {1: 10}, country="NL"),
            city(2, "Tampere", {1: 80}),
        ],
        Options(capacity=2),
    ),
    **{
        f"capacity {capacity}": (
            [
                mentor(1, "Rotterdam", {1: 100}),
                city(2, "Tampere", {1: 0}),
                city(3, "Nicosia", {1: 50}),
                city(4, "Oslo", {1: 20}),
            ],
            Options(capacity=capacity),
        )
        for capacity in (2, 3)
    },
    **{
        f"country {forbid}": (
            [
                mentor(1, "Rotterdam", {1: 100}, country="NL"),
                mentor(2, "Gothenburg", {1: 50}, country="SE"),
                city(3, "Utrecht", {1: 0}, country="NL"),
            ],
            Options(forbid_same_country=forbid),
        )
        for forbid in (False, True)
    },
    **{
        f"language {required}": (
            [
                mentor(1, "Rotterdam", {1: 100}, languages={"nl", "en"}),
                mentor(2, "Athens", {1: 50}, languages={"el", "en"}),
                city(3, "Nicosia", {1: 0}, languages={"el", "tr"}),
            ],
            Options(require_shared_language=required),
        )
        for required in (False, True)
    },
    "more pairs first": (
        [
            mentor(1, "Rotterdam", {1: 90}, languages={"en"}),
            mentor(2, "Athens", {1: 0}, languages={"el"}),
            city(10, "Tampere", {1: 80}, languages={"en"}),
            city(11, "Nicosia", {1: 0}, languages={"el", "en"}),
        ],
        Options(require_shared_language=True),
    ),
    "mentors full": (
        [
            mentor(1, "Athens", {1: 100}, languages={"el"}),
            mentor(2, "Rotterdam", {1: 100}, languages={"en"}),
            mentor(3, "Lisbon", {1: 100}, languages={"pt"}),
            city(4, "Nicosia", {1: 50}, languages={"el"}),
            city(5, "Thessaloniki", {1: 0}, languages={"el"}),
            city(6, "Tampere", {1: 0}, languages={"en"}),
        ],
        Options(require_shared_language=True),
    ),
    "without assessment": (
        [
            mentor(1, "Rotterdam", {1: 100}),
            mentor(2, "Athens", {}),
            city(3, "Tampere", {1: 0}),
            city(4, "Valletta", {1: None, 2: None}),
            city(5, "Nicosia", {1: 50}),
        ],
        Options(),
    ),
    "places taken": (
        [
            mentor(1, "Rotterdam", {1: 90}),
            city(10, "Tampere", {1: 10}),
            city(11, "Oulu", {1: 50}),
            city(12, "Turku", {1: 60}),
        ],
        Options(capacity=2, taken={1: 1}),
    ),
}


@pytest.mark.parametrize("case", HAND_CASES)
def test_the_proposal_equals_the_previous_implementation_s_on_the_hand_cases(case):
    candidates, options = HAND_CASES[case]
    expected, unique = old_proposal(candidates, options)
    assert unique, "a hand case with a tie belongs in test_pairing.py's ties"
    assert pairs_of(propose(candidates, HEADINGS, options)) == expected


# One solve, whatever the size ----------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 30, 120])
def test_it_calls_the_assignment_solver_once_whatever_the_number_of_cities(monkeypatch, size):
    calls = spy(monkeypatch, "linear_sum_assignment")
    candidates, options = random_scheme(size, mentors=size, cities=size)
    proposal = propose(candidates, HEADINGS, options)
    assert proposal.pairs
    assert len(calls) == 1


def test_with_nobody_to_pair_it_does_not_call_the_solver(monkeypatch):
    calls = spy(monkeypatch, "linear_sum_assignment")
    proposal = propose([city(1, "Tampere", {1: 0}), mentor(2, "Athens", {})], HEADINGS)
    assert proposal.pairs == ()
    assert calls == []


@pytest.mark.parametrize(
    ("capacity", "rules"), [(1, True), (1, False), (2, True), (3, False)], ids=str
)
def test_at_a_size_brute_force_cannot_reach_it_pairs_the_most_with_the_largest_total(
    capacity, rules
):
    # 150 mentors and 150 implementing cities: the most pairs and the largest total benefit,
    # as one solve of the previous formulation (a bonus per pair) finds them. Capacity 3 leaves
    # more free places than cities, which the solver handles without column prices.
    candidates, _options = random_scheme(7, mentors=150, cities=150)
    options = Options(capacity=capacity, forbid_same_country=rules, require_shared_language=rules)
    proposal = propose(candidates, HEADINGS, options)
    mentors = sorted(
        (c for c in candidates if c.role is Role.MENTOR and c.has_assessment), key=lambda c: c.id
    )
    cities = sorted(
        (c for c in candidates if c.role is Role.IMPLEMENTING and c.has_assessment),
        key=lambda c: c.id,
    )
    hundredths = {
        (row, col): exact_hundredths(m, i)
        for row, i in enumerate(cities)
        for col, m in enumerate(mentors)
        if allowed(m, i, options)
    }
    bonus = 1 + len(cities) * max(hundredths.values())
    weight = {pair: bonus + value for pair, value in hundredths.items()}
    places = {col: min(capacity, len(cities)) for col in range(len(mentors))}
    best = _best_value(list(range(len(cities))), places, weight)
    pairs, total = divmod(best, bonus)
    assert len(proposal.pairs) == pairs
    assert round(proposal.total_benefit * 100) == total
    by_ids = {(mentors[col].id, cities[row].id): value for (row, col), value in hundredths.items()}
    assert all(round(p.benefit * 100) == by_ids[p.mentor, p.implementing] for p in proposal.pairs)
