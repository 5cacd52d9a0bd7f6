"""The comparison of two toolkit editions (catalogue.compare): pure, no database."""

import copy

from hypothesis import given
from hypothesis import strategies as st

from citygrow.catalogue.compare import compare_editions, match, word_diff
from citygrow.catalogue.toolkit_file import parse_toolkit
from tests.support.toolkits import TOOLKITS, made_up_toolkit


def edition(factors: int = 2) -> dict:
    return parse_toolkit(made_up_toolkit("B", 2026, factors=factors)).as_data()


def places(comparison) -> list[tuple]:
    return [
        (c.kind, c.where.area, c.where.number, c.where.part, c.where.part_number, c.where.part_name)
        for c in comparison.changes
    ]


def test_an_edition_compared_with_itself_has_no_changes():
    for name in ("A-2018.yaml", "C-2018.yaml"):
        data = parse_toolkit((TOOLKITS / name).read_text(encoding="utf-8")).as_data()
        assert compare_editions(data, copy.deepcopy(data)).is_empty


def test_the_year_and_status_are_not_changes():
    old, new = edition(), edition()
    new["edition"] = {"year": 2030, "status": "published"}
    comparison = compare_editions(old, new)
    assert comparison.is_empty
    assert (comparison.old_year, comparison.new_year) == (2026, 2030)


def test_a_reworded_why_is_reported_with_a_word_diff():
    old, new = edition(), edition()
    new["key_factors"][1]["why"] = "Test reason 2, reworded."
    (change,) = compare_editions(old, new).changes
    assert change.kind == "reworded"
    assert (change.where.area, change.where.number, change.where.part) == ("key_factor", 2, "why")
    assert [(p.kind, p.text) for p in change.words] == [
        ("same", "Test reason 2"),
        ("added", ", reworded"),
        ("same", "."),
    ]


def test_a_key_factor_is_matched_by_heading_when_the_order_changes():
    old, new = edition(3), edition(3)
    new["key_factors"] = [new["key_factors"][2], *new["key_factors"][:2]]
    assert compare_editions(old, new).is_empty


def test_a_renamed_key_factor_is_matched_by_position_and_its_heading_reworded():
    old, new = edition(), edition()
    new["key_factors"][0]["heading"] = "Test factor one"
    assert places(compare_editions(old, new)) == [
        ("reworded", "key_factor", 1, "heading", None, "")
    ]


def test_added_and_removed_key_factors_questions_examples_terms_and_context_factors():
    old, new = edition(1), edition(2)
    new["key_factors"][0]["guide_questions"].append({"text": "Test question new?"})
    new["key_factors"][0]["examples"] = []
    new["terms"].append({"term": "New term", "definition": "Test."})
    new["context_factors"] = []
    assert places(compare_editions(old, new)) == [
        ("added", "terms", None, "term", None, "New term"),
        ("added", "key_factor", 1, "question", 2, ""),
        ("removed", "key_factor", 1, "example", None, "Munich"),
        ("added", "key_factors", None, "key_factor", 2, "Test factor 2"),
        ("removed", "context_factors", None, "category", None, "Test context"),
    ]


def test_examples_are_matched_by_city_and_notes_are_compared():
    old, new = edition(), edition()
    new["key_factors"][0]["examples"][0]["note"] = "Test note."
    new["key_factors"][0]["guide_questions"][0]["note"] = "Test restored word."
    assert places(compare_editions(old, new)) == [
        ("added", "key_factor", 1, "question_note", 1, ""),
        ("added", "key_factor", 1, "example_note", None, "Munich"),
    ]


def test_the_editions_own_fields_are_compared():
    old, new = edition(), edition()
    new["standard"]["statement"] = "Test standard, reworded."
    new.pop("terms")
    assert places(compare_editions(old, new)) == [
        ("reworded", "edition", None, "standard.statement", None, ""),
        ("removed", "terms", None, "term", None, "Test term"),
    ]


def test_sections_group_changes_by_key_factor():
    old, new = edition(), edition()
    new["key_factors"][1]["why"] = "Other."
    new["key_factors"][1]["summary"] = "Test summary."
    sections = compare_editions(old, new).sections()
    assert [(where.area, where.number, len(changes)) for where, changes in sections] == [
        ("key_factor", 2, 2)
    ]


def test_match_pairs_by_key_then_by_position():
    assert match(["a", "b", "c"], ["c", "x", "a"], str, by_position=True) == [
        (2, 0),
        (1, 1),
        (0, 2),
    ]
    assert match(["a", "b"], ["c"], str, by_position=False) == [(0, None), (1, None), (None, 0)]


# -- properties ------------------------------------------------------------------------------

words = st.text(alphabet="ab ,.\n", max_size=30)
questions = st.lists(st.fixed_dictionaries({"text": words}), max_size=3)
factors = st.lists(
    st.fixed_dictionaries(
        {
            "heading": st.sampled_from(["H1", "H2", "H3", "h1"]),
            "why": words,
            "guide_questions": questions,
            "examples": st.lists(
                st.fixed_dictionaries({"city": st.sampled_from(["X", "Y"]), "text": words}),
                max_size=2,
            ),
        }
    ),
    max_size=3,
)
editions = st.fixed_dictionaries(
    {
        "standard": st.fixed_dictionaries({"statement": words}),
        "terms": st.lists(
            st.fixed_dictionaries({"term": st.sampled_from(["t", "u", "T"]), "definition": words}),
            max_size=2,
        ),
        "key_factors": factors,
        "context_factors": st.lists(
            st.fixed_dictionaries(
                {"category": st.sampled_from(["c", "d"]), "examples": st.lists(words, max_size=2)}
            ),
            max_size=2,
        ),
    }
)


@given(editions)
def test_any_edition_compared_with_itself_reports_nothing(data):
    assert compare_editions(data, copy.deepcopy(data)).is_empty


@given(editions, editions)
def test_swapping_the_editions_swaps_added_and_removed(old, new):
    forward, backward = compare_editions(old, new), compare_editions(new, old)
    swap = {"added": "removed", "removed": "added", "reworded": "reworded"}
    assert sorted((swap[c.kind], c.old, c.new) for c in forward.changes) == sorted(
        (c.kind, c.new, c.old) for c in backward.changes
    )


@given(words, words)
def test_a_word_diff_rebuilds_both_texts(old, new):
    pieces = word_diff(old, new)
    assert "".join(p.text for p in pieces if p.kind != "added") == old
    assert "".join(p.text for p in pieces if p.kind != "removed") == new
