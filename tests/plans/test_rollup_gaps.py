"""The roll-up of action progress (plans.rollup): a bool is not a progress nor a weight, and an
action's `weighted` flag says whether a weighted mean of its children was used."""

from decimal import Decimal

import pytest

from citygrow.plans.rollup import Action, Source, Status, roll_up, validate

# A bool is refused, though bool is a subclass of int


@pytest.mark.parametrize("value", [True, False])
def test_a_bool_as_progress_is_refused(value):
    with pytest.raises(ValueError, match=rf"Action 7: the progress must be a number, not {value}"):
        roll_up([Action(7, progress=value)])


@pytest.mark.parametrize("value", [True, False])
def test_a_bool_as_weight_is_refused(value):
    actions = [Action(1), Action(7, parent_id=1, progress=50, weight=value)]
    with pytest.raises(ValueError, match=rf"Action 7: the weight must be a number, not {value}"):
        roll_up(actions)
    with pytest.raises(ValueError, match=rf"Action 7: the weight must be a number, not {value}"):
        validate(actions)


@pytest.mark.parametrize("value", [True, False])
def test_a_bool_as_a_status_default_progress_is_refused(value):
    with pytest.raises(
        ValueError, match=rf"Status 'done': the default progress must be a number, not {value}"
    ):
        roll_up([Action(1, status="done")], [Status("done", value)])


def test_the_numbers_a_bool_stands_for_are_accepted():
    # The refusal is of the type, not of the values 1 and 0.
    result = roll_up(
        [Action(1), Action(2, parent_id=1, progress=1, weight=1), Action(3, parent_id=1, weight=0)]
    )
    assert result.progress(2) == 1
    assert result.progress(1) == 1  # the weight of 0 leaves action 3 out


# The `weighted` flag


@pytest.mark.parametrize("weight", [None, 0, 3, Decimal("0.5")])
def test_a_top_level_leaf_is_never_weighted_whatever_its_weight(weight):
    result = roll_up([Action(1, progress=40, weight=weight)])
    assert result.actions[1].weighted is False
    assert result.actions[1].source is Source.OWN


@pytest.mark.parametrize("weight", [None, 2])
def test_a_child_leaf_is_not_weighted_even_when_its_parent_is(weight):
    result = roll_up(
        [
            Action(1),
            Action(2, parent_id=1, progress=100, weight=3),
            Action(3, parent_id=1, progress=0, weight=weight),
        ]
    )
    assert result.actions[1].weighted is True
    assert result.actions[2].weighted is False
    assert result.actions[3].weighted is False


def test_a_leaf_without_progress_is_not_weighted():
    result = roll_up([Action(1, weight=5, status="planned")], [Status("planned")])
    assert result.actions[1].source is Source.NONE
    assert result.actions[1].weighted is False


def test_a_parent_is_weighted_only_when_a_child_has_a_weight():
    result = roll_up(
        [
            Action(1),
            Action(2, parent_id=1, progress=100, weight=1),
            Action(3, parent_id=1, progress=0),
            Action(4),
            Action(5, parent_id=4, progress=100),
            Action(6, parent_id=4, progress=0),
        ]
    )
    assert result.actions[1].weighted is True
    assert result.actions[4].weighted is False
    # The one weighted child decides nothing: its sibling counts as much (1), as in a mean.
    assert result.progress(1) == result.progress(4) == 50


def test_a_parent_takes_its_flag_from_its_own_children_not_from_deeper_ones():
    result = roll_up(
        [
            Action(1),
            Action(2, parent_id=1),
            Action(3, parent_id=2, progress=100, weight=1),
            Action(4, parent_id=2, progress=0, weight=3),
            Action(5, parent_id=1, progress=50),
        ]
    )
    assert result.actions[2].weighted is True
    assert result.actions[1].weighted is False
    assert result.progress(2) == 25
    assert result.progress(1) == Decimal("37.5")
