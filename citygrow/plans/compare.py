"""What changed between two versions of an action plan, for people to read (issue 7).

A plan's content is kept as a *snapshot*: plain JSON data made by `plans.versions.snapshot`
(and stored in each frozen `PlanVersion`), of this shape::

    {
        "title": str, "summary": str,
        "objectives": [
            {"id": int, "title": str, "description": str, "source": str,
             "key_factors": [{"number": int, "heading": str}, ...],
             "practices": [{"id": int, "title": str}, ...],  # only when it cites any
             "actions": [ACTION, ...]},
            ...
        ],
    }

where an ACTION is ``{"id": int, <field>: str | None, ..., "children": [ACTION, ...]}`` with the
fields of `ACTION_FIELDS` (and "practices", as an objective's, when it cites any). Lists are
in the plan's order; text fields are strings (maybe empty),
dates, budgets and weights are strings or None.

`compare(old, new)` matches objectives and actions by their `id` (the database key, stable
while the item exists), so an action renamed is one action changed, not one removed and one
added. It lists the plan's own fields changed, the objectives and the actions added, removed
and changed (each with its fields old -> new), and whether the order changed. An action moved
to another objective or under another action shows as a change of `objective` or `parent`,
given by titles. Field names are the snapshot's keys; the pages put them in words.

The comparison is complete: it finds no change exactly when the two snapshots are equal, so a
plan whose comparison is empty is the version it was compared with. No Django in here.
"""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: The plan's own fields kept in a snapshot.
PLAN_FIELDS = ("title", "summary")
#: An objective's fields kept in a snapshot (besides id and actions).
OBJECTIVE_FIELDS = ("title", "description", "source", "key_factors", "practices")
#: What an action is: its title and description...
ACTION_HEAD = ("title", "description")
#: ...and how it is planned: who leads it, with whom, when, with what money, measured how.
ACTION_PLANNING = (
    "lead",
    "partners",
    "starts_on",
    "ends_on",
    "budget",
    "funding",
    "indicator",
    "baseline",
    "target",
    "risks",
)
#: An action's content fields, kept in a snapshot (besides id and children): what forms, the
#: API, the documents and the import list (in this order, with `ACTION_FOLLOW_UP`). Its weight
#: comes last.
ACTION_FIELDS = (*ACTION_HEAD, *ACTION_PLANNING, "weight")
#: What an action's comparison looks at: its content fields and the practices it adapts (a
#: key absent from older snapshots, and from any item citing none).
ACTION_COMPARED = (*ACTION_FIELDS, "practices")
#: Its status and progress are follow-up, not content: they change without making a new
#: version.
ACTION_FOLLOW_UP = ("status", "progress")

Snapshot = Mapping[str, Any]


@dataclass(frozen=True)
class FieldChange:
    """One field of one item, before and after, as text ("" for empty)."""

    field: str
    old: str
    new: str


@dataclass(frozen=True)
class Item:
    """An objective or an action that was added, removed or changed."""

    id: int
    title: str
    """Its title in the newer snapshot (in the older one when it was removed)."""
    objective: str = ""
    """For an action: the title of the objective it is under."""
    changes: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class Comparison:
    """What changed from the older snapshot to the newer one."""

    plan: tuple[FieldChange, ...] = ()
    objectives_added: tuple[Item, ...] = ()
    objectives_removed: tuple[Item, ...] = ()
    objectives_changed: tuple[Item, ...] = ()
    actions_added: tuple[Item, ...] = ()
    actions_removed: tuple[Item, ...] = ()
    actions_changed: tuple[Item, ...] = ()
    reordered: bool = False
    """Whether objectives or actions that are in both changed places."""

    @property
    def is_empty(self) -> bool:
        return not (
            self.plan
            or self.objectives_added
            or self.objectives_removed
            or self.objectives_changed
            or self.actions_added
            or self.actions_removed
            or self.actions_changed
            or self.reordered
        )


@dataclass(frozen=True)
class _Placed:
    """An action of a snapshot with where it sits."""

    data: Mapping[str, Any]
    objective_id: int
    parent_id: int | None


def text(value: Any) -> str:
    """A snapshot value as text: key factors as "1. Heading; 3. Heading", practices as
    "Title; Title", None as ""."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(
            (f"{kf['number']}. {kf['heading']}" if "number" in kf else str(kf.get("title", "")))
            if isinstance(kf, Mapping)
            else str(kf)
            for kf in value
        )
    return str(value)


def _walk(
    actions: Sequence[Mapping[str, Any]], objective_id: int, parent_id: int | None
) -> Iterator[tuple[int, _Placed]]:
    for action in actions:
        yield action["id"], _Placed(action, objective_id, parent_id)
        yield from _walk(action.get("children", []), objective_id, action["id"])


def _actions(snapshot: Snapshot) -> dict[int, _Placed]:
    """Every action of the snapshot, depth first in the plan's order, by id."""
    found: dict[int, _Placed] = {}
    for objective in snapshot.get("objectives", []):
        found.update(_walk(objective.get("actions", []), objective["id"], None))
    return found


def _fields(
    old: Mapping[str, Any], new: Mapping[str, Any], names: Sequence[str]
) -> list[FieldChange]:
    return [
        FieldChange(name, text(old.get(name)), text(new.get(name)))
        for name in names
        if old.get(name) != new.get(name)
    ]


def _common_order(first: Sequence[int], second: Sequence[int]) -> bool:
    """Whether the ids in both sequences come in the same order in each."""
    shared = set(first) & set(second)
    return [i for i in first if i in shared] == [i for i in second if i in shared]


def compare(old: Snapshot, new: Snapshot) -> Comparison:
    """What changed from `old` to `new` (see the module's docstring)."""
    old_objectives = {o["id"]: o for o in old.get("objectives", [])}
    new_objectives = {o["id"]: o for o in new.get("objectives", [])}
    old_actions, new_actions = _actions(old), _actions(new)

    def objective_title(objective_id: int, *, older: bool = False) -> str:
        first, second = (
            (old_objectives, new_objectives) if older else (new_objectives, old_objectives)
        )
        found = first.get(objective_id) or second.get(objective_id)
        return str(found["title"]) if found else ""

    def action_title(action_id: int | None, actions: Mapping[int, _Placed]) -> str:
        if action_id is None:
            return ""
        return str(actions[action_id].data["title"]) if action_id in actions else ""

    objectives_changed = []
    for pk, objective in new_objectives.items():
        if pk in old_objectives:
            changes = _fields(old_objectives[pk], objective, OBJECTIVE_FIELDS)
            if changes:
                objectives_changed.append(Item(pk, str(objective["title"]), changes=tuple(changes)))

    actions_changed = []
    for pk, placed in new_actions.items():
        if pk not in old_actions:
            continue
        before = old_actions[pk]
        changes = _fields(before.data, placed.data, ACTION_COMPARED)
        if before.objective_id != placed.objective_id:
            changes.append(
                FieldChange(
                    "objective",
                    objective_title(before.objective_id, older=True),
                    objective_title(placed.objective_id),
                )
            )
        if before.parent_id != placed.parent_id:
            changes.append(
                FieldChange(
                    "parent",
                    action_title(before.parent_id, old_actions),
                    action_title(placed.parent_id, new_actions),
                )
            )
        if changes:
            actions_changed.append(
                Item(
                    pk,
                    str(placed.data["title"]),
                    objective_title(placed.objective_id),
                    tuple(changes),
                )
            )

    def items(
        objectives: Mapping[int, Mapping[str, Any]], other: Mapping[int, Any]
    ) -> tuple[Item, ...]:
        return tuple(Item(pk, str(o["title"])) for pk, o in objectives.items() if pk not in other)

    def action_items(
        actions: Mapping[int, _Placed], other: Mapping[int, Any], *, older: bool
    ) -> tuple[Item, ...]:
        return tuple(
            Item(pk, str(a.data["title"]), objective_title(a.objective_id, older=older))
            for pk, a in actions.items()
            if pk not in other
        )

    reordered = not _common_order(list(old_objectives), list(new_objectives)) or not _common_order(
        list(old_actions), list(new_actions)
    )
    return Comparison(
        plan=tuple(_fields(old, new, PLAN_FIELDS)),
        objectives_added=items(new_objectives, old_objectives),
        objectives_removed=items(old_objectives, new_objectives),
        objectives_changed=tuple(objectives_changed),
        actions_added=action_items(new_actions, old_actions, older=False),
        actions_removed=action_items(old_actions, new_actions, older=True),
        actions_changed=tuple(actions_changed),
        reordered=reordered,
    )
