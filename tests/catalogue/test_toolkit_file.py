"""Checking toolkit files: every kind of bad file gets a message with its path and line."""

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from citygrow.catalogue.toolkit_file import ToolkitFileError, dump_toolkit, parse_toolkit

GOOD = """\
format: 1
theme:
  code: Z
  title: A test theme
edition:
  year: 2020
  status: published
source:
  title: A test source
  publisher: EUROCITIES
  year: 2020
  credit: Test credit
standard:
  statement: The city does the thing.
key_factors:
  - heading: First factor
    why: Because.
    guide_questions:
      - text: "Does the city collect data on:"
        sub_items: [one, two]
    examples:
      - city: Munich
        text: Munich does it.
        links: [https://example.org/munich]
context_factors:
  - category: Data availability
    examples: [Limits on data.]
"""


def problems(text: str, cities=("Munich",)) -> list[str]:
    with pytest.raises(ToolkitFileError) as caught:
        parse_toolkit(text, source="bad.yaml", known_cities=set(cities))
    return [str(problem) for problem in caught.value.problems]


def test_it_reads_a_good_file():
    document = parse_toolkit(GOOD, source="good.yaml", known_cities={"Munich"})
    assert document.theme.code == "Z"
    assert document.key_factors[0].guide_questions[0].sub_items == ["one", "two"]
    assert document.cities() == {"Munich"}


def test_it_reports_invalid_yaml_with_its_line():
    found = problems(GOOD.replace("[one, two]", "[one, two"))
    assert len(found) == 1
    assert "not valid YAML" in found[0]
    assert "(line " in found[0]


def test_it_reports_an_empty_file():
    assert problems("") == ["(the file): the file is empty"]


def test_it_reports_a_file_that_is_not_a_mapping():
    assert "a toolkit file is a mapping" in problems("- just\n- a list\n")[0]


def test_it_reports_a_key_given_twice_with_both_lines():
    text = GOOD.replace("  title: A test theme\n", "  title: A test theme\n  title: Again\n")
    assert problems(text) == [
        "theme.title (line 5): the key 'title' is given twice (lines 4 and 5); keep one of them"
    ]


def test_it_reports_a_missing_field_at_its_path():
    text = GOOD.replace("    why: Because.\n", "")
    assert problems(text) == ["key_factors[0].why (line 16): this field is required"]


def test_it_reports_a_misspelt_key():
    text = GOOD.replace("    why: Because.", "    why: Because.\n    wyh: typo")
    assert problems(text) == [
        "key_factors[0].wyh (line 18): "
        "unknown key: it is not part of the toolkit format (misspelt?)"
    ]


def test_it_reports_every_problem_at_once():
    text = (
        GOOD.replace("code: Z", "code: zz")
        .replace("status: published", "status: live")
        .replace("why: Because.", 'why: ""')
        .replace("https://example.org/munich", "not a link")
        .replace("city: Munich", "city: Atlantis")
    )
    found = problems(text)
    assert found == [
        "theme.code (line 3): must be one capital letter, e.g. A",
        "edition.status (line 7): must be one of: 'draft', 'published' or 'withdrawn'",
        "key_factors[0].why (line 17): must not be empty",
        "key_factors[0].examples[0].links[0] (line 24): is not a web address (http:// or https://) "
        "or a mailto: link",
    ]


def test_it_reports_an_unknown_city():
    found = problems(GOOD.replace("city: Munich", "city: Atlantis"))
    assert found == [
        "key_factors[0].examples[0].city (line 22): unknown city 'Atlantis': add it to "
        "data/cities.yaml (and load it) first, or use the name it has there"
    ]


def test_it_reports_wrong_types():
    text = GOOD.replace("year: 2020\n  status", "year: twenty\n  status").replace(
        '- text: "Does the city collect data on:"', "- text: [a, list]"
    )
    found = problems(text)
    assert "edition.year (line 6): should be a whole number" in found
    assert "key_factors[0].guide_questions[0].text (line 19): should be text" in found


def test_it_needs_at_least_one_key_factor_and_question():
    found = problems(
        GOOD.replace(
            '    guide_questions:\n      - text: "Does the city collect data on:"\n'
            "        sub_items: [one, two]\n",
            "    guide_questions: []\n",
        )
    )
    assert found == ["key_factors[0].guide_questions (line 18): needs at least one item"]


def test_it_reports_duplicate_headings_and_categories():
    factor = GOOD[GOOD.index("  - heading") : GOOD.index("context_factors")]
    text = GOOD.replace("context_factors:", factor + "context_factors:")
    text = text.replace(
        "    examples: [Limits on data.]\n",
        "    examples: [Limits on data.]\n"
        "  - category: Data availability\n    examples: [Again.]\n",
    )
    found = problems(text)
    assert any("key_factors[1].heading" in p and "used twice" in p for p in found)
    assert any("context_factors[1].category" in p and "listed twice" in p for p in found)


def test_it_reports_over_long_text():
    found = problems(GOOD.replace("heading: First factor", "heading: " + "x" * 301))
    assert found == ["key_factors[0].heading (line 16): is too long (at most 300 characters)"]


def test_it_accepts_a_term_without_definition():
    text = GOOD.replace("key_factors:", "terms:\n  - term: Migrant\nkey_factors:")
    document = parse_toolkit(text, known_cities={"Munich"})
    assert document.terms[0].definition is None


def test_the_fingerprint_ignores_layout_but_not_content():
    same = parse_toolkit(GOOD.replace("[one, two]", "\n          - one\n          - two"))
    assert same.fingerprint() == parse_toolkit(GOOD).fingerprint()
    other = parse_toolkit(GOOD.replace("Munich does it.", "Munich does it well."))
    assert other.fingerprint() != parse_toolkit(GOOD).fingerprint()


def test_dump_and_parse_round_trip_exactly():
    document = parse_toolkit(GOOD)
    once = dump_toolkit(document.as_data())
    twice = dump_toolkit(parse_toolkit(once).as_data())
    assert once == twice
    assert yaml.safe_load(dump_toolkit(document.as_data(), fmt="json")) == document.as_data()


texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=200
).filter(lambda s: s.strip() == s and s)


@settings(max_examples=60, deadline=None)
@given(heading=texts, why=texts, question=texts, sub_items=st.lists(texts, max_size=3))
def test_any_text_survives_the_round_trip(heading, why, question, sub_items):
    document = parse_toolkit(GOOD)
    data = document.as_data()
    factor = data["key_factors"][0]
    factor["heading"] = heading[:300]
    factor["why"] = why
    factor["guide_questions"][0] = {"text": question, "sub_items": sub_items}
    once = dump_toolkit(parse_toolkit(dump_toolkit(data)).as_data())
    assert parse_toolkit(once).as_data() == parse_toolkit(dump_toolkit(data)).as_data()
    assert dump_toolkit(parse_toolkit(once).as_data()) == once


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=400))
def test_no_text_makes_the_parser_fail_other_than_with_problems(text):
    try:
        parse_toolkit(text, known_cities=set())
    except ToolkitFileError as error:
        assert error.problems


def test_a_tag_the_safe_loader_cannot_build_is_a_problem_not_a_crash():
    """Found by the property test above: "!!value" composes but cannot be constructed."""
    with pytest.raises(ToolkitFileError) as raised:
        parse_toolkit("!!value x", known_cities=set())
    assert raised.value.problems
