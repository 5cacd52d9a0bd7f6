"""The questionnaire file reader (pure): every kind of bad file is refused with its path and
line, and a document survives the round trip."""

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from citygrow.survey.questionnaire_file import (
    QuestionnaireFileError,
    dump_questionnaire,
    parse_questionnaire,
)

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "surveys" / "charter-2010.yaml"

GOOD = """\
format: 1
edition:
  label: test-2021
  year: 2021
  status: published
title: A small questionnaire
source:
  title: EUROCITIES Charter on Integrating Cities
  publisher: EUROCITIES
  year: 2010
  credit: Our summaries of the Charter's commitments.
scale:
  fully: 100
  partly: 50
  not_at_all: 0
roles:
  - code: policy-maker
    title: The city as a policy-maker
  - code: buyer
    title: The city as a buyer
commitments:
  - code: PM1
    role: policy-maker
    text: Communicate the commitment to equal opportunities.
    summary: true
    questions:
      - code: budget
        kind: number
        text: How much is spent on it each year?
      - code: channel
        kind: choice
        text: Through which channel mostly?
        choices: [press, web, events]
  - code: BU1
    role: buyer
    text: Equality and diversity in procurement.
    summary: false
"""


def problems_of(text: str) -> list:
    with pytest.raises(QuestionnaireFileError) as caught:
        parse_questionnaire(text, source="bad.yaml")
    return caught.value.problems


def only_problem(text: str):
    problems = problems_of(text)
    assert len(problems) == 1, problems
    return problems[0]


def test_a_good_file_reads():
    document = parse_questionnaire(GOOD)
    assert [role.code for role in document.roles] == ["policy-maker", "buyer"]
    assert [c.code for c in document.commitments] == ["PM1", "BU1"]
    assert document.commitments[0].questions[1].choices == ["press", "web", "events"]


def test_the_shipped_file_has_four_roles_and_eleven_summarised_commitments():
    document = parse_questionnaire(SHIPPED.read_text(encoding="utf-8"))
    assert [role.code for role in document.roles] == [
        "policy-maker",
        "service-provider",
        "employer",
        "buyer",
    ]
    assert [c.code for c in document.commitments] == [
        *("PM1", "PM2", "PM3", "SP1", "SP2", "EM1", "EM2", "EM3", "BU1", "BU2", "BU3")
    ]
    assert all(c.summary for c in document.commitments)
    assert not any(c.questions for c in document.commitments)
    assert document.source.title == "EUROCITIES Charter on Integrating Cities"
    assert (document.source.publisher, document.source.year) == ("EUROCITIES", 2010)
    assert (document.scale.fully, document.scale.partly, document.scale.not_at_all) == (100, 50, 0)


def test_it_refuses_a_file_that_is_not_yaml():
    problem = only_problem("format: 1\nedition: [unclosed\n")
    assert problem.message.startswith("this is not valid YAML")
    assert problem.line is not None


def test_it_refuses_an_empty_file():
    assert only_problem("").message == "the file is empty"
    assert only_problem("# only a comment\n").message == "the file is empty"


def test_it_refuses_a_file_that_is_not_a_mapping():
    assert "mapping of keys" in only_problem("- a\n- b\n").message


def test_it_refuses_an_unknown_key_with_its_path_and_line():
    problem = only_problem(
        GOOD.replace("    summary: false\n", "    summary: false\n    note: x\n")
    )
    assert problem.path == "commitments[1].note"
    assert problem.message.startswith("unknown key")
    assert problem.line == GOOD.count("\n") + 1


def test_it_refuses_a_missing_key_pointing_at_its_parent():
    problem = only_problem(GOOD.replace("    summary: false\n", ""))
    assert problem.path == "commitments[1].summary"
    assert problem.message == "this field is required"
    assert problem.line == GOOD.splitlines().index("  - code: BU1") + 1


def test_it_refuses_a_duplicate_commitment_code_with_a_clear_message():
    problem = only_problem(GOOD.replace("code: BU1", "code: pm1"))
    assert problem.path == "commitments[1].code"
    assert "the commitment code 'pm1' is used twice" in problem.message
    assert problem.line == GOOD.splitlines().index("  - code: BU1") + 1
    assert "bad.yaml: commitments[1].code (line" in str(
        QuestionnaireFileError("bad.yaml", [problem])
    )


def test_it_refuses_a_duplicate_role_code():
    text = GOOD.replace("  - code: buyer\n", "  - code: policy-maker\n").replace(
        "role: buyer", "role: policy-maker"
    )
    problem = only_problem(text)
    assert problem.path == "roles[1].code"
    assert "'policy-maker' is used twice" in problem.message


def test_it_refuses_a_commitment_whose_role_is_unknown():
    problem = only_problem(
        GOOD.replace("role: buyer", "role: employer").replace(
            "  - code: buyer\n    title: The city as a buyer\n", ""
        )
    )
    assert problem.path == "commitments[1].role"
    assert "unknown role 'employer'" in problem.message


def test_it_refuses_a_role_without_commitments():
    problem = only_problem(GOOD.replace("role: buyer", "role: policy-maker"))
    assert (problem.path, problem.message) == (
        "roles[1].code",
        "the role 'buyer' has no commitment",
    )


def test_it_refuses_a_choice_question_without_choices():
    problem = only_problem(GOOD.replace("        choices: [press, web, events]\n", ""))
    assert problem.path == "commitments[0].questions[1]"
    assert problem.message == "a choice question needs at least two choices"


def test_it_refuses_choices_on_another_kind_of_question():
    text = GOOD.replace("kind: number", "kind: yes_no\n        choices: [a, b]")
    problem = only_problem(text)
    assert problem.path == "commitments[0].questions[0].choices"


def test_it_refuses_an_unknown_question_kind():
    problem = only_problem(GOOD.replace("kind: number", "kind: scale"))
    assert problem.path == "commitments[0].questions[0].kind"
    assert problem.message.startswith("must be one of")


def test_it_refuses_a_duplicate_question_code():
    problem = only_problem(GOOD.replace("code: channel", "code: budget"))
    assert problem.path == "commitments[0].questions[1].code"


@pytest.mark.parametrize(
    ("before", "after", "path", "message"),
    [
        (
            "partly: 50",
            "partly: 0",
            "scale.partly",
            "must lie between not_at_all and fully (e.g. 50)",
        ),
        (
            "fully: 100",
            "fully: 90",
            "scale.fully",
            "must be 100: a commitment delivered fully scores 100",
        ),
        (
            "not_at_all: 0",
            "not_at_all: 10",
            "scale.not_at_all",
            "must be 0: a commitment not delivered at all scores 0",
        ),
        ("partly: 50", "partly: 150", "scale.partly", "must be at most 100"),
        ("partly: 50", "partly: half", "scale.partly", "should be a whole number"),
    ],
)
def test_it_refuses_a_bad_scale(before, after, path, message):
    problem = only_problem(GOOD.replace(before, after))
    assert (problem.path, problem.message) == (path, message)
    assert problem.line == GOOD.splitlines().index(f"  {before}") + 1


def test_it_refuses_a_scale_without_a_step():
    problem = only_problem(GOOD.replace("  not_at_all: 0\n", ""))
    assert (problem.path, problem.message) == ("scale.not_at_all", "this field is required")


def test_it_refuses_a_key_given_twice():
    problem = only_problem(GOOD.replace("title: A small questionnaire\n", "title: A\ntitle: B\n"))
    assert problem.path == "title"
    assert "given twice" in problem.message


def test_it_lists_every_problem_at_once():
    text = GOOD.replace("code: BU1", "code: PM1").replace("role: buyer", "role: employer")
    assert [p.path for p in problems_of(text)] == [
        "commitments[1].code",
        "commitments[1].role",
        "roles[1].code",
    ]


def test_a_document_survives_the_round_trip():
    document = parse_questionnaire(GOOD)
    text = dump_questionnaire(document.as_data())
    assert parse_questionnaire(text) == document
    assert dump_questionnaire(parse_questionnaire(text).as_data()) == text
    assert yaml.safe_load(dump_questionnaire(document.as_data(), fmt="json")) == document.as_data()


def test_the_fingerprint_ignores_layout_and_comments():
    reflowed = "# a comment\n" + GOOD.replace(
        "choices: [press, web, events]",
        "choices:\n"
        + "".join(f"          - {c}\n" for c in ("press", "web", "events")).rstrip("\n"),
    )
    assert parse_questionnaire(reflowed).fingerprint() == parse_questionnaire(GOOD).fingerprint()
    changed = GOOD.replace("Equality and diversity", "Diversity")
    assert parse_questionnaire(changed).fingerprint() != parse_questionnaire(GOOD).fingerprint()


texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=120
).filter(lambda s: s.strip() == s and s)


@settings(max_examples=40, deadline=None)
@given(title=texts, text=texts, question=texts, choices=st.lists(texts, min_size=2, max_size=3))
def test_any_text_survives_the_round_trip(title, text, question, choices):
    data = parse_questionnaire(GOOD).as_data()
    data["roles"][0]["title"] = title[:300]
    data["commitments"][1]["text"] = text
    question_data = data["commitments"][0]["questions"][1]
    question_data["text"] = question
    question_data["choices"] = [c[:300] + str(i) for i, c in enumerate(choices)]
    once = dump_questionnaire(data)
    document = parse_questionnaire(once)
    assert document.as_data() == data
    assert dump_questionnaire(document.as_data()) == once


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_no_text_makes_the_parser_fail_other_than_with_problems(text):
    try:
        parse_questionnaire(text)
    except QuestionnaireFileError as error:
        assert error.problems
