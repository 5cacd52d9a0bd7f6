"""Scoring: worked examples a reader can check by hand, then properties over random answers."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citygrow.assessments.scoring import (
    POINTS,
    Answer,
    FactorInput,
    Result,
    change,
    mean_scores,
    population_band,
    score,
    share_band,
)

YES, PARTLY, NO = Answer.YES, Answer.PARTLY, Answer.NO
NA, DK = Answer.NOT_APPLICABLE, Answer.DONT_KNOW


def one(*answers: Answer | None, target: float = 100.0) -> Result:
    return score([FactorInput(key=1, answers=answers, target=target)])


# Key factor scores


def test_answers_score_yes_100_partly_50_no_0_and_dont_know_0():
    assert dict(POINTS) == {YES: 100, PARTLY: 50, NO: 0, DK: 0}
    assert one(YES).overall == 100.0
    assert one(PARTLY).overall == 50.0
    assert one(NO).overall == 0.0
    assert one(DK).overall == 0.0


def test_yes_partly_no_and_not_applicable_score_50():
    result = one(YES, PARTLY, NO, NA)
    factor = result.factor(1)
    assert factor.score == 50.0
    assert (factor.scored, factor.not_applicable, factor.answered, factor.total) == (3, 1, 4, 4)


def test_yes_and_partly_score_75():
    assert one(YES, PARTLY).factor(1).score == 75.0


def test_yes_partly_partly_score_an_unrounded_two_thirds():
    assert one(YES, PARTLY, PARTLY).factor(1).score == 200 / 3


def test_all_not_applicable_gives_no_score():
    result = one(NA, NA)
    factor = result.factor(1)
    assert factor.score is None
    assert factor.distance is None
    assert result.overall is None
    assert result.distance is None


def test_a_key_factor_without_questions_has_no_score():
    factor = one().factor(1)
    assert factor.score is None
    assert factor.total == 0


def test_dont_know_counts_as_0_and_as_a_data_gap():
    result = one(YES, DK)
    factor = result.factor(1)
    assert factor.score == 50.0
    assert factor.dont_know == 1
    assert factor.is_data_gap
    assert result.dont_know == 1
    assert not one(YES, NO).factor(1).is_data_gap


def test_unanswered_questions_are_left_out_and_counted():
    result = one(YES, None, NO, None)
    factor = result.factor(1)
    assert factor.score == 50.0
    assert (factor.total, factor.answered, factor.unanswered, factor.scored) == (4, 2, 2, 2)
    assert (result.total, result.answered, result.unanswered) == (4, 2, 2)


def test_a_key_factor_with_only_unanswered_questions_has_no_score_and_is_no_gap():
    result = one(None, None)
    assert result.factor(1).score is None
    assert result.gaps == ()


def test_a_key_factor_with_only_dont_know_answers_scores_0_and_is_a_gap():
    result = one(DK, DK)
    assert result.factor(1).score == 0.0
    assert result.factor(1).gap == 100.0
    assert result.gaps == (result.factor(1),)


def test_distance_is_100_minus_the_score_per_key_factor_and_overall():
    result = score(
        [
            FactorInput(key=1, answers=[YES, PARTLY, PARTLY, NO]),  # 50
            FactorInput(key=2, answers=[YES, YES, YES, PARTLY]),  # 87.5
        ]
    )
    assert result.factor(1).distance == 50.0
    assert result.factor(2).distance == 12.5
    assert result.overall == 68.75
    assert result.distance == 31.25


# The overall score


def test_the_overall_score_is_the_mean_of_the_key_factor_scores():
    result = score(
        [
            FactorInput(key=1, answers=[YES]),  # 100
            FactorInput(key=2, answers=[YES, NO]),  # 50
            FactorInput(key=3, answers=[PARTLY, NO]),  # 25
        ]
    )
    assert result.overall == 175 / 3


def test_weights_2_to_1_on_factors_100_and_40_give_80():
    result = score(
        [
            FactorInput(key=1, answers=[YES], weight=2),
            FactorInput(key=2, answers=[YES, YES, NO, NO, NO], weight=1),  # 40
        ]
    )
    assert result.factor(2).score == 40.0
    assert result.overall == 80.0


def test_key_factors_without_a_score_are_left_out_of_the_overall_score_and_their_weight_too():
    result = score(
        [
            FactorInput(key=1, answers=[YES, PARTLY]),  # 75
            FactorInput(key=2, answers=[NA, None], weight=5),  # no score
            FactorInput(key=3, answers=[NO]),  # 0
        ]
    )
    assert result.overall == 37.5


def test_the_mean_of_equal_scores_is_that_score_exactly():
    factors = [FactorInput(key=k, answers=[YES, PARTLY, PARTLY], weight=0.1) for k in range(7)]
    assert score(factors).overall == 200 / 3


def test_results_keep_the_key_factors_in_input_order():
    result = score([FactorInput(key=k, answers=[YES]) for k in (3, 1, 2)])
    assert [f.key for f in result.factors] == [3, 1, 2]


def test_asking_for_a_key_factor_the_result_does_not_have_is_a_key_error():
    with pytest.raises(KeyError):
        one(YES).factor(2)


def test_an_assessment_without_key_factors_has_no_score_and_no_gaps():
    result = score([])
    assert result.overall is None
    assert result.gaps == ()
    assert result.total == 0


def test_answers_may_be_given_as_their_stored_text():
    assert one("yes", "partly", "not_applicable").overall == 75.0  # type: ignore[arg-type]


# Gaps


def test_gaps_are_below_the_default_target_of_100_largest_first():
    result = score(
        [
            FactorInput(key=1, answers=[YES, PARTLY]),  # 75: gap 25
            FactorInput(key=2, answers=[YES]),  # 100: no gap
            FactorInput(key=3, answers=[NO, PARTLY]),  # 25: gap 75
            FactorInput(key=4, answers=[NA]),  # no score: no gap
        ]
    )
    assert [(f.key, f.gap) for f in result.gaps] == [(3, 75.0), (1, 25.0)]
    assert result.factor(2).gap == 0.0
    assert result.factor(4).gap == 0.0
    assert not result.factor(4).is_gap


def test_equal_gaps_keep_key_factor_order():
    result = score(
        [
            FactorInput(key=5, answers=[PARTLY]),  # gap 50
            FactorInput(key=2, answers=[NO]),  # gap 100
            FactorInput(key=9, answers=[YES, NO]),  # gap 50
            FactorInput(key=1, answers=[PARTLY]),  # gap 50
        ]
    )
    assert [f.key for f in result.gaps] == [2, 5, 9, 1]


def test_target_60_with_score_50_is_a_gap_of_10():
    factor = one(PARTLY, target=60).factor(1)
    assert factor.is_gap
    assert factor.gap == 10.0
    assert factor.target == 60.0
    assert factor.distance == 50.0  # the distance is to the standard, not to the target


def test_target_60_with_score_70_is_no_gap():
    result = score([FactorInput(key=1, answers=[YES] * 7 + [NO] * 3, target=60)])
    factor = result.factor(1)
    assert factor.score == 70.0
    assert not factor.is_gap
    assert factor.gap == 0.0
    assert result.gaps == ()


def test_a_score_equal_to_the_target_is_no_gap():
    assert one(PARTLY, target=50).gaps == ()


def test_a_target_of_0_means_never_a_gap():
    assert one(NO, DK, target=0).gaps == ()


# Validation


@pytest.mark.parametrize("target", [-1, 100.5, float("nan"), float("inf")])
def test_a_target_outside_0_to_100_is_refused_naming_the_key_factor(target):
    with pytest.raises(ValueError, match="Key factor 7: the target"):
        score([FactorInput(key=7, answers=[YES], target=target)])


@pytest.mark.parametrize("weight", [0, -1, float("nan"), float("inf")])
def test_a_weight_that_is_not_above_0_is_refused_naming_the_key_factor(weight):
    with pytest.raises(ValueError, match="Key factor 3: the weight"):
        score([FactorInput(key=1, answers=[YES]), FactorInput(key=3, answers=[], weight=weight)])


def test_targets_of_0_and_100_are_accepted():
    score([FactorInput(key=1, answers=[YES], target=0), FactorInput(key=2, answers=[], target=100)])


def test_a_key_factor_given_twice_is_refused():
    with pytest.raises(ValueError, match="Key factor 4 appears more than once"):
        score([FactorInput(key=4, answers=[YES]), FactorInput(key=4, answers=[NO])])


def test_an_unknown_answer_is_refused():
    with pytest.raises(ValueError, match="maybe"):
        one("maybe")  # type: ignore[arg-type]


# Change and means


def test_change_is_the_current_score_minus_the_previous_one():
    previous = score(
        [
            FactorInput(key=1, answers=[PARTLY]),  # 50
            FactorInput(key=2, answers=[YES]),  # 100
            FactorInput(key=3, answers=[NA]),  # none
        ]
    )
    current = score(
        [
            FactorInput(key=2, answers=[YES, PARTLY]),  # 75
            FactorInput(key=1, answers=[YES, PARTLY]),  # 75
            FactorInput(key=3, answers=[YES]),  # 100, but no previous score
            FactorInput(key=4, answers=[YES]),  # new key factor
            FactorInput(key=5, answers=[]),  # no score now
        ]
    )
    assert change(previous, current) == {1: 25.0, 2: -25.0, 3: None, 4: None, 5: None}
    assert list(change(previous, current)) == [2, 1, 3, 4, 5]


def test_no_change_is_0():
    result = one(YES, PARTLY)
    assert change(result, result) == {1: 0.0}


def test_mean_scores_average_the_scores_per_key_factor_leaving_out_none():
    first = score([FactorInput(key=1, answers=[YES]), FactorInput(key=2, answers=[NA])])
    second = score([FactorInput(key=1, answers=[PARTLY]), FactorInput(key=3, answers=[NO])])
    third = score([FactorInput(key=2, answers=[])])
    means = mean_scores([first, second, third])
    assert means == {1: 75.0, 2: None, 3: 0.0}
    assert list(means) == [1, 2, 3]


def test_the_mean_of_no_results_is_empty():
    assert mean_scores([]) == {}


def test_the_mean_of_three_equal_scores_is_that_score():
    result = one(YES, PARTLY, PARTLY)
    assert mean_scores([result, result, result]) == {1: 200 / 3}


# Peer bands


@pytest.mark.parametrize(
    ("population", "band"),
    [
        (None, None),
        (0, "under 250,000"),
        (249_999, "under 250,000"),
        (250_000, "250,000 to 500,000"),
        (499_999, "250,000 to 500,000"),
        (500_000, "500,000 to 1 million"),
        (999_999, "500,000 to 1 million"),
        (1_000_000, "1 million and more"),
        (8_000_000, "1 million and more"),
    ],
)
def test_population_bands_include_their_lower_bound(population, band):
    assert population_band(population) == band


@pytest.mark.parametrize(
    ("percent", "band"),
    [
        (None, None),
        (0, "under 10%"),
        (9.99, "under 10%"),
        (Decimal("9.99"), "under 10%"),
        (10, "10% to 20%"),
        (Decimal("10.00"), "10% to 20%"),
        (19.9, "10% to 20%"),
        (20.0, "20% to 30%"),
        (Decimal("29.99"), "20% to 30%"),
        (30, "30% and more"),
        (Decimal("100.00"), "30% and more"),
    ],
)
def test_share_bands_include_their_lower_bound(percent, band):
    assert share_band(percent) == band


def test_a_negative_population_is_refused():
    with pytest.raises(ValueError, match="negative"):
        population_band(-1)


@pytest.mark.parametrize(
    "percent", [-0.1, 100.1, float("nan"), Decimal("NaN"), Decimal("-1"), Decimal("101")]
)
def test_a_share_outside_0_to_100_is_refused(percent):
    with pytest.raises(ValueError, match=r"within 0\.\.100"):
        share_band(percent)


# Properties over random assessments

answers = st.lists(st.sampled_from([*Answer, None]), max_size=8)
targets = st.one_of(st.sampled_from([0.0, 50.0, 60.0, 100.0]), st.floats(0, 100))
weights = st.one_of(st.sampled_from([1.0, 2.0, 0.5]), st.floats(0.01, 1000))


@st.composite
def assessments(draw: st.DrawFn) -> list[FactorInput]:
    count = draw(st.integers(0, 6))
    return [
        FactorInput(key=key, answers=draw(answers), target=draw(targets), weight=draw(weights))
        for key in range(1, count + 1)
    ]


def scores(result: Result) -> list[float | None]:
    return [f.score for f in result.factors]


@settings(max_examples=200, deadline=None)
@given(assessments())
def test_every_score_stays_within_0_and_100(factors):
    result = score(factors)
    values = [*scores(result), result.overall]
    values += [f.distance for f in result.factors] + [result.distance]
    for value in values:
        assert value is None or 0 <= value <= 100
    for factor in result.factors:
        assert 0 <= factor.gap <= 100
        assert (factor.score is None) == (factor.distance is None)
    assert (result.overall is None) == all(value is None for value in scores(result))


@settings(max_examples=200, deadline=None)
@given(assessments(), st.data())
def test_adding_or_removing_not_applicable_answers_never_changes_a_score(factors, data):
    changed = []
    for factor in factors:
        kept = [a for a in factor.answers if a != NA]
        added = data.draw(st.integers(0, 3))
        shuffled = data.draw(st.permutations([*kept, *[NA] * added]))
        changed.append(FactorInput(factor.key, shuffled, factor.target, factor.weight))
    before, after = score(factors), score(changed)
    assert scores(after) == scores(before)
    assert after.overall == before.overall
    assert after.gaps == tuple(after.factor(f.key) for f in before.gaps)


BETTER = {NO: [PARTLY, YES], DK: [PARTLY, YES], PARTLY: [YES]}


@settings(max_examples=200, deadline=None)
@given(assessments(), st.data())
def test_a_better_answer_never_lowers_its_key_factor_score_nor_the_overall(factors, data):
    improvable = [
        (i, j)
        for i, factor in enumerate(factors)
        for j, answer in enumerate(factor.answers)
        if answer in BETTER
    ]
    if not improvable:
        return
    i, j = data.draw(st.sampled_from(improvable))
    factor = factors[i]
    answers = list(factor.answers)
    answers[j] = data.draw(st.sampled_from(BETTER[answers[j]]))
    better = [*factors]
    better[i] = FactorInput(factor.key, answers, factor.target, factor.weight)
    before, after = score(factors), score(better)
    assert after.factors[i].score >= before.factors[i].score
    assert after.overall >= before.overall


@settings(max_examples=200, deadline=None)
@given(assessments())
def test_gaps_are_exactly_the_key_factors_below_target_largest_first(factors):
    result = score(factors)
    below = [f for f in result.factors if f.score is not None and f.score < f.target]
    assert sorted(result.gaps, key=lambda f: f.key) == sorted(below, key=lambda f: f.key)
    gaps = [f.gap for f in result.gaps]
    assert gaps == sorted(gaps, reverse=True)
    for factor in result.factors:
        assert factor.is_gap == (factor.gap > 0)
        if factor.is_gap:
            assert factor.gap == factor.target - factor.score
    # Equal gaps keep key factor order (keys were given in increasing order).
    for first, second in zip(result.gaps, result.gaps[1:], strict=False):
        assert first.gap > second.gap or first.key < second.key


@settings(max_examples=200, deadline=None)
@given(assessments())
def test_counts_add_up(factors):
    result = score(factors)
    for factor, given_factor in zip(result.factors, factors, strict=True):
        assert factor.total == len(given_factor.answers)
        assert factor.answered + factor.unanswered == factor.total
        assert factor.scored + factor.not_applicable == factor.answered
        assert factor.dont_know <= factor.scored
        assert (factor.score is None) == (factor.scored == 0)
    assert result.answered + result.unanswered == result.total
    assert result.total == sum(f.total for f in result.factors)
    assert result.dont_know == sum(f.dont_know for f in result.factors)


@settings(max_examples=100, deadline=None)
@given(assessments())
def test_the_overall_score_is_the_weighted_mean_a_reader_would_compute(factors):
    result = score(factors)
    pairs = [(f.weight, s.score) for f, s in zip(factors, result.factors, strict=True)]
    pairs = [(w, s) for w, s in pairs if s is not None]
    if not pairs:
        assert result.overall is None
        return
    by_hand = sum(w * s for w, s in pairs) / sum(w for w, _s in pairs)
    assert result.overall == pytest.approx(by_hand, rel=1e-9, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(assessments())
def test_the_mean_of_one_result_is_its_scores_and_no_change_is_zero(factors):
    result = score(factors)
    assert mean_scores([result]) == {f.key: f.score for f in result.factors}
    assert change(result, result) == {
        f.key: None if f.score is None else 0.0 for f in result.factors
    }
