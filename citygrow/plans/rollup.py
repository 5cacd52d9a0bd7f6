"""Progress of an action plan's actions, rolled up from sub-actions (issue 7).

Decidim's Accountability module rolls a result's progress up from its children: the plain mean
of their progress, or a weighted one when weights are set. This module does the same for the
actions of a plan, as plain functions with no Django in them, by these rules:

- An action with sub-actions (children) takes the roll-up of its children, at any depth. Its
  own progress and its status's default progress are then ignored: the children are the
  record of what was done.
- A leaf action (no children) takes, in this order: its own progress when set; else the
  default progress of its status when the status has one; else 0.
- A roll-up is the plain mean of the children's progress, unless some child has a weight:
  then it is the weighted mean, sum(weight * progress) / sum(weight).

  - A child without a weight, among siblings of which some have one, counts with the mean of
    its siblings' weights: it weighs as much as an average weighted sibling. It is neither
    dropped (weight 0 would make its progress silently not count) nor given weight 1 (which
    is a lot next to weights 0.1 and 0.2, and almost nothing next to 20 and 30). This keeps
    the roll-up unchanged when every weight is multiplied by the same number, so weights can
    be written as fractions, percentages or person-days alike.
  - When the weights (so counted) add up to 0, the roll-up falls back to the plain mean.
  - A weight of 0 on one child among others with weights above 0 leaves that child out.

  Unlike Decidim, which sums weight * progress and expects the weights to add up to 1, the
  weighted mean is divided by the sum of the weights, so a parent's progress always lies
  between the smallest and the largest progress of its children.
- The plan's overall progress is the roll-up of its top-level actions, by the same rules;
  None when the plan has no actions.

Everything is computed exactly (fractions) and each result is rounded once, at the end, to one
decimal, half up (62.25 -> 62.3): a parent rolls up its children's exact progress, not their
rounded one, so a reader checks a figure by hand from the exact values.

Input that breaks the rules raises ValueError naming the action (or status): a progress
outside 0..100, a negative weight, a parent or status that is not in the input, a cycle of
parents, an id given twice. Forms and imports validate what people type; these are
programming errors, or an import that slipped past its checks.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

Number = int | float | Decimal | Fraction
"""A progress or a weight as the caller has it (a model field gives int or Decimal)."""


@dataclass(frozen=True)
class Status:
    """A status an action can be in (e.g. "ongoing"), and the progress it implies, if any."""

    key: str
    default_progress: Number | None = None
    """0..100; None when the status implies no progress."""


@dataclass(frozen=True)
class Action:
    """One action of a plan, as the roll-up needs it."""

    id: int
    parent_id: int | None = None
    """The action this one is a sub-action of; None for a top-level action."""
    progress: Number | None = None
    """The action's own progress, 0..100; None when not reported. Ignored when it has children."""
    weight: Number | None = None
    """The action's weight among its siblings, 0 or more; None for no weight."""
    status: str | None = None
    """The key of the action's status; None for no status."""


class Source(StrEnum):
    """Where an action's effective progress comes from."""

    CHILDREN = "children"
    """Rolled up from its sub-actions."""
    OWN = "own"
    """Its own progress."""
    STATUS = "status"
    """The default progress of its status."""
    NONE = "none"
    """Nothing was reported: 0."""


@dataclass(frozen=True)
class ActionProgress:
    """The effective progress of one action."""

    id: int
    progress: Decimal
    """0..100, rounded to one decimal, half up."""
    exact: Fraction
    """The unrounded value, from which parents are rolled up."""
    source: Source
    weighted: bool
    """Whether a weighted mean of its children was used (False for a leaf)."""


@dataclass(frozen=True)
class Rollup:
    """The effective progress of every action (in input order) and of the whole plan."""

    actions: Mapping[int, ActionProgress]
    overall: Decimal | None
    """The roll-up of the top-level actions; None when there are no actions."""
    overall_exact: Fraction | None

    def progress(self, action_id: int) -> Decimal:
        """The rounded progress of one action; KeyError when it is not in the plan."""
        return self.actions[action_id].progress


ONE_DECIMAL = Decimal("0.1")


def round_progress(value: Fraction) -> Decimal:
    """`value` rounded to one decimal, half up (62.25 -> 62.3, 0.05 -> 0.1)."""
    tenths = math.floor(value * 10 + Fraction(1, 2))
    return (Decimal(tenths) * ONE_DECIMAL).quantize(ONE_DECIMAL)


def _exact(value: Number, what: str, name: str, *, upper: int | None) -> Fraction:
    """`value` as an exact fraction, checked to lie within 0..upper (no upper bound if None)."""
    if isinstance(value, bool):
        raise ValueError(f"{what}: the {name} must be a number, not {value!r}.")
    try:
        exact = Fraction(value)
    except (ValueError, OverflowError, TypeError):  # NaN, infinity, not a number
        raise ValueError(f"{what}: the {name} must be a number, not {value!r}.") from None
    if exact < 0 or (upper is not None and exact > upper):
        limits = f"within 0..{upper}" if upper is not None else "0 or more"
        raise ValueError(f"{what}: the {name} must be {limits}, not {value}.")
    return exact


@dataclass(frozen=True)
class _Checked:
    """The validated input: exact values, children per action, actions in input order."""

    order: tuple[int, ...]
    progress: Mapping[int, Fraction | None]
    weight: Mapping[int, Fraction | None]
    default: Mapping[int, Fraction | None]
    """Per action: the default progress of its status (None when none)."""
    children: Mapping[int | None, tuple[int, ...]]
    """Per action id (None: the plan itself), its children in input order."""


def _check(actions: Iterable[Action], statuses: Iterable[Status]) -> _Checked:
    status_defaults: dict[str, Fraction | None] = {}
    for status in statuses:
        if status.key in status_defaults:
            raise ValueError(f"Status {status.key!r} appears more than once.")
        given = status.default_progress
        status_defaults[status.key] = (
            None
            if given is None
            else _exact(given, f"Status {status.key!r}", "default progress", upper=100)
        )

    items = list(actions)
    by_id: dict[int, Action] = {}
    for action in items:
        if action.id in by_id:
            raise ValueError(f"Action {action.id} appears more than once.")
        by_id[action.id] = action

    progress: dict[int, Fraction | None] = {}
    weight: dict[int, Fraction | None] = {}
    default: dict[int, Fraction | None] = {}
    children: dict[int | None, list[int]] = {None: []}
    for action in items:
        what = f"Action {action.id}"
        progress[action.id] = (
            None
            if action.progress is None
            else _exact(action.progress, what, "progress", upper=100)
        )
        weight[action.id] = (
            None if action.weight is None else _exact(action.weight, what, "weight", upper=None)
        )
        if action.status is None:
            default[action.id] = None
        elif action.status in status_defaults:
            default[action.id] = status_defaults[action.status]
        else:
            raise ValueError(f"{what}: its status {action.status!r} is not a known status.")
        if action.parent_id is not None and action.parent_id not in by_id:
            raise ValueError(f"{what}: its parent {action.parent_id} is not in the plan.")
        children.setdefault(action.parent_id, []).append(action.id)

    _check_cycles(by_id)
    return _Checked(
        order=tuple(by_id),
        progress=progress,
        weight=weight,
        default=default,
        children={parent: tuple(ids) for parent, ids in children.items()},
    )


def _check_cycles(by_id: Mapping[int, Action]) -> None:
    """Raise ValueError when following parents from some action comes back to it."""
    done: set[int] = set()  # actions known to lead up to a top-level action
    for start in by_id:
        path: list[int] = []
        on_path: set[int] = set()
        current: int | None = start
        while current is not None and current not in done:
            if current in on_path:
                loop = [*path[path.index(current) :], current]
                chain = " -> ".join(str(action_id) for action_id in loop)
                raise ValueError(f"Action {current} is its own ancestor (parent chain: {chain}).")
            path.append(current)
            on_path.add(current)
            current = by_id[current].parent_id
        done.update(path)


def _mean(values: Sequence[Fraction], weights: Sequence[Fraction | None]) -> tuple[Fraction, bool]:
    """The roll-up of `values` (not empty) by the module's weight rules; and whether weighted."""
    given = [weight for weight in weights if weight is not None]
    if given:
        average = sum(given, Fraction(0)) / len(given)
        counted = [average if weight is None else weight for weight in weights]
        total = sum(counted, Fraction(0))
        if total > 0:
            weighted = sum((w * v for w, v in zip(counted, values, strict=True)), Fraction(0))
            return weighted / total, True
    return sum(values, Fraction(0)) / len(values), False


def roll_up(actions: Iterable[Action], statuses: Iterable[Status] = ()) -> Rollup:
    """The effective progress of each action and the plan's overall progress.

    The rules are in the module's docstring. The order of `actions` does not change any value;
    `Rollup.actions` keeps it. Raises ValueError for input that breaks the rules.
    """
    checked = _check(actions, statuses)
    exact: dict[int, Fraction] = {}
    results: dict[int, ActionProgress] = {}

    # Depth-first, children before their parent, with an explicit stack: a plan may nest deeper
    # than Python's recursion limit allows (an import gone wrong, say).
    stack: list[tuple[int, bool]] = [(action_id, False) for action_id in checked.order]
    while stack:
        action_id, children_done = stack.pop()
        if action_id in results:
            continue
        kids = checked.children.get(action_id, ())
        if kids and not children_done:
            stack.append((action_id, True))
            stack.extend((kid, False) for kid in kids if kid not in results)
            continue
        weighted = False
        if kids:
            value, weighted = _mean(
                [exact[kid] for kid in kids], [checked.weight[kid] for kid in kids]
            )
            source = Source.CHILDREN
        elif (own := checked.progress[action_id]) is not None:
            value, source = own, Source.OWN
        elif (default := checked.default[action_id]) is not None:
            value, source = default, Source.STATUS
        else:
            value, source = Fraction(0), Source.NONE
        exact[action_id] = value
        results[action_id] = ActionProgress(
            id=action_id,
            progress=round_progress(value),
            exact=value,
            source=source,
            weighted=weighted,
        )

    top = checked.children[None]
    overall: Fraction | None = None
    if top:
        overall, _weighted = _mean([exact[i] for i in top], [checked.weight[i] for i in top])
    return Rollup(
        actions={action_id: results[action_id] for action_id in checked.order},
        overall=None if overall is None else round_progress(overall),
        overall_exact=overall,
    )


def effective_progress(
    actions: Iterable[Action], statuses: Iterable[Status] = ()
) -> dict[int, Decimal]:
    """Per action id (in input order): its effective progress, rounded to one decimal."""
    return {key: result.progress for key, result in roll_up(actions, statuses).actions.items()}


def overall_progress(actions: Iterable[Action], statuses: Iterable[Status] = ()) -> Decimal | None:
    """The plan's overall progress, rounded to one decimal; None when it has no actions."""
    return roll_up(actions, statuses).overall


def validate(actions: Iterable[Action], statuses: Iterable[Status] = ()) -> None:
    """Raise ValueError, naming the action or status, when the input breaks the rules."""
    _check(actions, statuses)
