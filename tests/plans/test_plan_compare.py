"""The comparison of two plan snapshots (citygrow.plans.compare): a pure module, tested with
examples and with Hypothesis properties."""

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from citygrow.plans.compare import ACTION_FIELDS, FieldChange, compare

TEXT = st.text(alphabet="abc xyz", max_size=6)
OPTIONAL = st.one_of(st.none(), st.sampled_from(["2024-01-01", "2025-06-30", "100.00", "7"]))
NULLABLE = {"starts_on", "ends_on", "budget", "weight"}


def action(pk: int, title: str, children: list | None = None, **fields: Any) -> dict:
    data: dict[str, Any] = {name: None if name in NULLABLE else "" for name in ACTION_FIELDS}
    data.update(id=pk, title=title, children=children or [], **fields)
    return data


def objective(pk: int, title: str, actions: list | None = None, **fields: Any) -> dict:
    return {
        "id": pk,
        "title": title,
        "description": "",
        "source": "own",
        "key_factors": [{"number": 1, "heading": "Leadership"}],
        "actions": actions or [],
        **fields,
    }


BASE = {
    "title": "Athens welcomes",
    "summary": "",
    "objectives": [
        objective(
            1,
            "Open a one-stop shop",
            [
                action(10, "Map the services", lead="Social services", ends_on="2024-12-31"),
                action(11, "Train the staff", [action(12, "Train the front desk")]),
            ],
        ),
        objective(2, "Speak the languages", [action(20, "Publish a guide")]),
    ],
}


# Examples -------------------------------------------------------------------------------------


def test_the_same_snapshot_has_no_change():
    result = compare(BASE, copy.deepcopy(BASE))
    assert result.is_empty


def test_a_changed_field_is_given_old_and_new():
    new = copy.deepcopy(BASE)
    new["objectives"][0]["actions"][0]["lead"] = "Integration office"
    new["objectives"][0]["actions"][0]["ends_on"] = None
    result = compare(BASE, new)
    (item,) = result.actions_changed
    assert (item.id, item.title, item.objective) == (10, "Map the services", "Open a one-stop shop")
    assert item.changes == (
        FieldChange("lead", "Social services", "Integration office"),
        FieldChange("ends_on", "2024-12-31", ""),
    )
    assert not result.actions_added and not result.actions_removed and not result.reordered


def test_added_and_removed_objectives_and_actions_are_listed_by_title():
    new = copy.deepcopy(BASE)
    del new["objectives"][1]
    new["objectives"].append(objective(3, "Count the newcomers", [action(30, "Survey")]))
    new["objectives"][0]["actions"][1]["children"] = []
    result = compare(BASE, new)
    assert [o.title for o in result.objectives_added] == ["Count the newcomers"]
    assert [o.title for o in result.objectives_removed] == ["Speak the languages"]
    assert [(a.title, a.objective) for a in result.actions_added] == [
        ("Survey", "Count the newcomers")
    ]
    assert [(a.title, a.objective) for a in result.actions_removed] == [
        ("Train the front desk", "Open a one-stop shop"),
        ("Publish a guide", "Speak the languages"),
    ]


def test_an_action_moved_shows_its_old_and_new_place_in_words():
    new = copy.deepcopy(BASE)
    guide = new["objectives"][1]["actions"].pop()
    new["objectives"][0]["actions"][1]["children"].append(guide)
    result = compare(BASE, new)
    (item,) = result.actions_changed
    assert item.changes == (
        FieldChange("objective", "Speak the languages", "Open a one-stop shop"),
        FieldChange("parent", "", "Train the staff"),
    )


def test_key_factors_and_the_plan_fields_are_compared():
    new = copy.deepcopy(BASE)
    new["title"] = "Athens welcomes all"
    new["objectives"][0]["key_factors"].append({"number": 3, "heading": "Services"})
    result = compare(BASE, new)
    assert result.plan == (FieldChange("title", "Athens welcomes", "Athens welcomes all"),)
    (item,) = result.objectives_changed
    assert item.changes == (
        FieldChange("key_factors", "1. Leadership", "1. Leadership; 3. Services"),
    )


def test_a_new_order_is_a_change():
    new = copy.deepcopy(BASE)
    new["objectives"].reverse()
    result = compare(BASE, new)
    assert result.reordered and not result.is_empty


# Properties -----------------------------------------------------------------------------------


@st.composite
def snapshots(draw: Any) -> dict:
    """Snapshots with unique ids, drawn from a small pool so two draws share some."""
    ids = iter(draw(st.permutations(range(1, 40))))

    def actions(depth: int) -> list:
        found = []
        for _ in range(draw(st.integers(0, 2 if depth < 2 else 0))):
            fields = {name: draw(OPTIONAL if name in NULLABLE else TEXT) for name in ACTION_FIELDS}
            fields.pop("title")
            found.append(action(next(ids), draw(TEXT), actions(depth + 1), **fields))
        return found

    return {
        "title": draw(TEXT),
        "summary": draw(TEXT),
        "objectives": [
            objective(
                next(ids),
                draw(TEXT),
                actions(0),
                description=draw(TEXT),
                source=draw(st.sampled_from(["own", "gap"])),
            )
            for _ in range(draw(st.integers(0, 3)))
        ],
    }


@settings(max_examples=200)
@given(snapshots())
def test_a_snapshot_compared_with_itself_has_no_change(snapshot):
    assert compare(snapshot, copy.deepcopy(snapshot)).is_empty


@settings(max_examples=300)
@given(snapshots(), snapshots())
def test_no_change_is_found_exactly_when_the_snapshots_are_equal(old, new):
    assert compare(old, new).is_empty == (old == new)


@given(snapshots(), st.data())
def test_an_action_added_then_removed_is_listed_each_way(snapshot, data):
    if not snapshot["objectives"]:
        snapshot["objectives"].append(objective(1000, "Only"))
    target = data.draw(st.sampled_from(snapshot["objectives"]))
    changed = copy.deepcopy(snapshot)
    for item in changed["objectives"]:
        if item["id"] == target["id"]:
            item["actions"].append(action(999, "New action"))
    forward, back = compare(snapshot, changed), compare(changed, snapshot)
    assert [(a.id, a.objective) for a in forward.actions_added] == [(999, target["title"])]
    assert [(a.id, a.objective) for a in back.actions_removed] == [(999, target["title"])]
    assert not forward.actions_removed and not back.actions_added
    assert not forward.actions_changed and not back.actions_changed
    assert not forward.reordered and not back.reordered


@given(snapshots(), st.sampled_from(ACTION_FIELDS), st.data())
def test_a_changed_field_is_found_with_its_values(snapshot, name, data):
    everything = []

    def walk(actions):
        for item in actions:
            everything.append(item)
            walk(item["children"])

    for item in snapshot["objectives"]:
        walk(item["actions"])
    if not everything:
        return
    changed = copy.deepcopy(snapshot)
    picked = data.draw(st.integers(0, len(everything) - 1))
    found = []
    for item in changed["objectives"]:
        walk_into = list(item["actions"])
        while walk_into:
            current = walk_into.pop(0)
            found.append(current)
            walk_into[:0] = current["children"]
    # `found` is in the same depth-first order as `everything`.
    target = found[picked]
    old = target[name]
    target[name] = (old or "") + "!"
    result = compare(snapshot, changed)
    (item,) = result.actions_changed
    assert item.id == target["id"]
    assert item.changes == (FieldChange(name, old or "", (old or "") + "!"),)
