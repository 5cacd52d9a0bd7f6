"""The roll-up of action progress (plans.rollup): the arithmetic a reader checks by hand."""

import random
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citygrow.plans.rollup import (
    Action,
    Source,
    Status,
    effective_progress,
    overall_progress,
    roll_up,
    round_progress,
    validate,
)

ONGOING = Status("ongoing", 40)
DONE = Status("done", 100)
PLANNED = Status("planned")
STATUSES = [ONGOING, DONE, PLANNED]


def test_a_leaf_takes_its_own_progress_then_its_status_default_then_0():
    progress = roll_up(
        [
            Action(1, progress=25, status="done"),
            Action(2, status="ongoing"),
            Action(3, status="planned"),
            Action(4),
        ],
        STATUSES,
    )
    assert [progress.progress(i) for i in (1, 2, 3, 4)] == [25, 40, 0, 0]
    assert [progress.actions[i].source for i in (1, 2, 3, 4)] == [
        Source.OWN,
        Source.STATUS,
        Source.NONE,
        Source.NONE,
    ]


def test_an_own_progress_of_0_is_a_reported_progress_not_a_missing_one():
    assert effective_progress([Action(1, progress=0, status="done")], STATUSES) == {1: 0}


def test_a_parent_takes_the_plain_mean_of_its_children_and_ignores_its_own_progress():
    result = roll_up(
        [
            Action(1, progress=90, status="done"),
            Action(2, parent_id=1, progress=100),
            Action(3, parent_id=1, progress=50),
            Action(4, parent_id=1, status="ongoing"),
        ],
        STATUSES,
    )
    assert result.progress(1) == Decimal("63.3")  # (100 + 50 + 40) / 3 = 63.33...
    assert result.actions[1].source is Source.CHILDREN
    assert result.actions[1].weighted is False
    assert result.actions[1].exact == Fraction(190, 3)


def test_weights_make_a_weighted_mean():
    result = roll_up(
        [
            Action(1),
            Action(2, parent_id=1, progress=100, weight=3),
            Action(3, parent_id=1, progress=0, weight=1),
        ]
    )
    assert result.progress(1) == 75
    assert result.actions[1].weighted is True


def test_a_child_without_a_weight_counts_as_much_as_an_average_weighted_sibling():
    # Siblings weigh 1 and 3: the one without a weight counts 2.
    actions = [
        Action(1),
        Action(2, parent_id=1, progress=100, weight=1),
        Action(3, parent_id=1, progress=0, weight=3),
        Action(4, parent_id=1, progress=60),
    ]
    # (1 * 100 + 3 * 0 + 2 * 60) / (1 + 3 + 2) = 220 / 6 = 36.67
    assert roll_up(actions).progress(1) == Decimal("36.7")
    # The same with the weights as percentages: unchanged.
    as_percent = [
        Action(1),
        Action(2, parent_id=1, progress=100, weight=25),
        Action(3, parent_id=1, progress=0, weight=75),
        Action(4, parent_id=1, progress=60),
    ]
    assert roll_up(as_percent).progress(1) == Decimal("36.7")


def test_a_weight_of_0_leaves_a_child_out_when_a_sibling_weighs_more():
    actions = [
        Action(1),
        Action(2, parent_id=1, progress=100, weight=0),
        Action(3, parent_id=1, progress=20, weight=2),
    ]
    assert roll_up(actions).progress(1) == 20


def test_weights_that_all_are_0_fall_back_to_the_plain_mean():
    actions = [
        Action(1),
        Action(2, parent_id=1, progress=100, weight=0),
        Action(3, parent_id=1, progress=20, weight=0),
        Action(4, parent_id=1, progress=30),  # counts as the mean of 0 and 0: 0
    ]
    result = roll_up(actions)
    assert result.progress(1) == 50
    assert result.actions[1].weighted is False


def test_progress_rolls_up_through_any_depth_from_exact_values():
    actions = [
        Action(1),
        Action(2, parent_id=1),
        Action(3, parent_id=2),
        Action(4, parent_id=3, progress=Decimal("0.04")),
        Action(5, parent_id=3, progress=Decimal("0.06")),
        Action(6, parent_id=1, progress=0),
    ]
    result = roll_up(actions)
    assert result.actions[3].exact == result.actions[2].exact == Fraction("0.05")
    assert result.progress(3) == result.progress(2) == Decimal("0.1")
    # 1 rolls up 0.05 and 0, not the rounded 0.1 and 0 (which would give 0.05 -> 0.1).
    assert result.actions[1].exact == Fraction("0.025")
    assert result.progress(1) == Decimal("0.0")
    assert result.overall == Decimal("0.0")


def test_the_plan_rolls_up_its_top_level_actions_with_their_weights():
    actions = [
        Action(1, progress=100, weight=1),
        Action(2, weight=3),
        Action(3, parent_id=2, progress=0, weight=100),  # weights of sub-actions stay inside
    ]
    assert overall_progress(actions) == 25


def test_a_plan_without_actions_has_no_overall_progress():
    result = roll_up([])
    assert result.overall is None and result.overall_exact is None
    assert result.actions == {}


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        (Fraction("62.25"), "62.3"),
        (Fraction("62.35"), "62.4"),  # half up, not to even
        (Fraction("0.05"), "0.1"),
        (Fraction("0.04999"), "0.0"),
        (Fraction(200, 3), "66.7"),
        (Fraction(100), "100.0"),
        (Fraction(0), "0.0"),
    ],
)
def test_results_are_rounded_once_to_one_decimal_half_up(value, rounded):
    assert str(round_progress(value)) == rounded


def test_floats_and_decimals_are_taken_exactly():
    assert overall_progress([Action(1, progress=0.1), Action(2, progress=Decimal("0.2"))]) == (
        Decimal("0.2")  # (0.1 + 0.2) / 2 = 0.15 -> 0.2 (a float sum would give 0.1499...)
    )


def test_results_keep_the_input_order():
    actions = [Action(3, parent_id=1, progress=10), Action(1), Action(2, progress=5)]
    assert list(effective_progress(actions)) == [3, 1, 2]


def test_a_long_chain_of_sub_actions_does_not_hit_the_recursion_limit():
    depth = 5000
    actions = [Action(0)] + [
        Action(i, parent_id=i - 1, progress=None if i < depth else 42) for i in range(1, depth + 1)
    ]
    result = roll_up(actions)
    assert result.progress(0) == 42 and result.overall == 42


@pytest.mark.parametrize(
    ("actions", "statuses", "message"),
    [
        ([Action(7, progress=101)], [], r"Action 7: the progress must be within 0\.\.100"),
        ([Action(7, progress=-1)], [], r"Action 7: the progress must be within 0\.\.100"),
        ([Action(7, progress=float("nan"))], [], "Action 7: the progress must be a number"),
        ([Action(7, progress=Decimal("NaN"))], [], "Action 7: the progress must be a number"),
        ([Action(7, weight=-0.5)], [], "Action 7: the weight must be 0 or more"),
        ([Action(7, weight=float("inf"))], [], "Action 7: the weight must be a number"),
        ([Action(7, parent_id=8)], [], "Action 7: its parent 8 is not in the plan"),
        ([Action(7, status="lost")], [], "Action 7: its status 'lost' is not a known status"),
        ([Action(7), Action(7)], [], "Action 7 appears more than once"),
        ([Action(7, parent_id=7)], [], r"Action 7 is its own ancestor \(parent chain: 7 -> 7\)"),
        (
            [Action(1), Action(2, parent_id=4), Action(3, parent_id=2), Action(4, parent_id=3)],
            [],
            r"Action 2 is its own ancestor \(parent chain: 2 -> 4 -> 3 -> 2\)",
        ),
        ([], [Status("x", 150)], r"Status 'x': the default progress must be within 0\.\.100"),
        ([], [Status("x"), Status("x", 10)], "Status 'x' appears more than once"),
    ],
)
def test_input_that_breaks_the_rules_is_a_value_error_naming_the_action(actions, statuses, message):
    with pytest.raises(ValueError, match=message):
        validate(actions, statuses)
    with pytest.raises(ValueError, match=message):
        roll_up(actions, statuses)


def test_valid_input_validates():
    validate([Action(1), Action(2, parent_id=1, progress=100, weight=0, status="done")], STATUSES)


# Property tests ---------------------------------------------------------------------------------

progress_values = st.one_of(
    st.none(),
    st.integers(0, 100),
    st.decimals(0, 100, places=2, allow_nan=False, allow_infinity=False),
)
weights = st.one_of(st.none(), st.integers(0, 20), st.fractions(0, 10, max_denominator=8))
status_keys = st.sampled_from([None, "ongoing", "done", "planned"])


@st.composite
def plans(draw: st.DrawFn, max_actions: int = 25) -> list[Action]:
    """A random forest of actions: each one's parent is an earlier action or none."""
    count = draw(st.integers(0, max_actions))
    actions = []
    for i in range(count):
        parent = draw(st.one_of(st.none(), st.integers(0, i - 1))) if i else None
        actions.append(
            Action(
                id=i,
                parent_id=parent,
                progress=draw(progress_values),
                weight=draw(weights),
                status=draw(status_keys),
            )
        )
    return actions


def children_of(actions: list[Action]) -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for action in actions:
        if action.parent_id is not None:
            children.setdefault(action.parent_id, []).append(action.id)
    return children


@settings(deadline=None)
@given(plans())
def test_a_parent_lies_between_its_childrens_min_and_max(actions):
    result = roll_up(actions, STATUSES)
    for parent, kids in children_of(actions).items():
        values = [result.actions[kid].exact for kid in kids]
        assert min(values) <= result.actions[parent].exact <= max(values)
        rounded = [result.progress(kid) for kid in kids]
        assert min(rounded) <= result.progress(parent) <= max(rounded)
    if actions:
        assert 0 <= result.overall <= 100


@settings(deadline=None)
@given(plans(), st.integers(0, 10**6))
def test_the_order_of_the_input_does_not_matter(actions, seed):
    shuffled = list(actions)
    random.Random(seed).shuffle(shuffled)
    before, after = roll_up(actions, STATUSES), roll_up(shuffled, reversed(STATUSES))
    assert dict(before.actions) == dict(after.actions)
    assert before.overall_exact == after.overall_exact


@settings(deadline=None)
@given(plans(), st.fractions(Fraction(1, 100), 1000))
def test_scaling_every_weight_by_one_number_changes_nothing(actions, factor):
    scaled = [
        Action(
            a.id, a.parent_id, a.progress, None if a.weight is None else a.weight * factor, a.status
        )
        for a in actions
    ]
    before, after = roll_up(actions, STATUSES), roll_up(scaled, STATUSES)
    assert {k: v.exact for k, v in before.actions.items()} == {
        k: v.exact for k, v in after.actions.items()
    }
    assert before.overall_exact == after.overall_exact


@settings(deadline=None)
@given(plans(), st.integers(1, 50), st.booleans())
def test_equal_weights_give_the_plain_mean(actions, weight, leave_some_out):
    same = [
        Action(
            a.id, a.parent_id, a.progress, None if leave_some_out and a.id % 2 else weight, a.status
        )
        for a in actions
    ]
    unweighted = [Action(a.id, a.parent_id, a.progress, None, a.status) for a in actions]
    before, after = roll_up(unweighted, STATUSES), roll_up(same, STATUSES)
    assert {k: v.exact for k, v in before.actions.items()} == {
        k: v.exact for k, v in after.actions.items()
    }
    assert before.overall_exact == after.overall_exact


@settings(deadline=None)
@given(st.lists(progress_values, min_size=1, max_size=30))
def test_a_tree_of_depth_1_is_the_flat_mean(values):
    leaves = [Action(i + 1, parent_id=0, progress=value) for i, value in enumerate(values)]
    flat_mean = sum((Fraction(v or 0) for v in values), Fraction(0)) / len(values)
    under_parent = roll_up([Action(0), *leaves])
    assert under_parent.actions[0].exact == flat_mean
    assert under_parent.progress(0) == round_progress(flat_mean)
    top_level = roll_up([Action(a.id, None, a.progress) for a in leaves])
    assert top_level.overall_exact == flat_mean
