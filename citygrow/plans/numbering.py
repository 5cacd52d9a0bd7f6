"""Actions in reading order with their references ("2.1", "2.1.3"): how the plan's documents,
its export and its import name actions without internal ids. Pure: no Django."""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, Protocol, TypeVar


class _Numberable(Protocol):
    pk: Any
    objective_id: Any
    parent_id: Any


T = TypeVar("T", bound=_Numberable)


def numbered(objective_ids: Sequence[int], actions: Sequence[T]) -> list[tuple[T, str, int]]:
    """The actions in reading order (each followed by its sub-actions) with their reference
    ("2.1", "2.1.3") and level (0 for a top-level action). `actions` come in their stored order
    (objective, position); the references follow it, so they stay the same from one export to
    the next while the plan does not change. Actions of an objective not in `objective_ids`
    are left out."""
    known = {a.pk for a in actions}
    children: dict[Any, list[T]] = defaultdict(list)
    roots: dict[Any, list[T]] = defaultdict(list)
    for action in actions:
        if action.parent_id is not None and action.parent_id in known:
            children[action.parent_id].append(action)
        else:
            roots[action.objective_id].append(action)
    result: list[tuple[T, str, int]] = []
    for number, objective_id in enumerate(objective_ids, start=1):
        stack = [
            (action, f"{number}.{index}", 0)
            for index, action in reversed(list(enumerate(roots[objective_id], start=1)))
        ]
        while stack:
            action, ref, level = stack.pop()
            result.append((action, ref, level))
            stack.extend(
                (child, f"{ref}.{index}", level + 1)
                for index, child in reversed(list(enumerate(children[action.pk], start=1)))
            )
    return result
