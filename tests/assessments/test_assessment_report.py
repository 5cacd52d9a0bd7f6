"""The report of a self-assessment prints scores a reader can check by hand (DESIGN.md, Scoring),
and it and the questionnaire keep to a query budget that does not grow with the answers.

The `answered` assessment of Athens on toolkit A (7 key factors, 24 questions) has:
- key factor 1: yes, partly, no → 50
- key factor 2: five times "not applicable" → no score
- key factor 3: yes, yes, yes → 100
- key factor 4: yes, yes, don't know → 66.7 (200 / 3), and one data gap
- key factors 5 to 7: not answered → no score
Overall: (50 + 100 + 200/3) / 3 = 72.2; distance 27.8. Gaps: 1 (50 to go), then 4 (33.3 to go).
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from citygrow.assessments import services
from citygrow.assessments.models import Assessment
from citygrow.catalogue.models import ContextFactor, GuideQuestion, KeyFactor
from tests.support.assessments import start_athens

ANSWERS = {
    1: ["yes", "partly", "no"],
    2: ["not_applicable"] * 5,
    3: ["yes", "yes", "yes"],
    4: ["yes", "yes", "dont_know"],
}


def give(assessment: Assessment, by, answers: dict[int, list[str]]) -> None:
    """Answer the questions of each key factor (by number), in order."""
    for position, values in answers.items():
        qs = GuideQuestion.objects.filter(
            key_factor__toolkit=assessment.toolkit, key_factor__position=position
        ).order_by("position")
        assert len(qs) == len(values), f"key factor {position} has {len(qs)} questions"
        for q, value in zip(qs, values, strict=True):
            services.save_answer(
                assessment=assessment,
                question=q,
                value=value,
                evidence="",
                links=[],
                seen_version=None,
                by=by,
            )


@pytest.fixture
def answered(people, toolkit_a) -> Assessment:
    assessment = start_athens(people, toolkit_a)
    give(assessment, people["officer"], ANSWERS)
    return assessment


@pytest.fixture
def report(client, people, answered):
    """A function that returns the report page's HTML as the officer sees it."""
    client.force_login(people["officer"])

    def get() -> str:
        response = client.get(answered.get_absolute_url())
        assert response.status_code == 200
        return response.content.decode()

    return get


def score_row(html: str, position: int) -> dict[str, str]:
    """The row of key factor `position` in the table of scores."""
    match = re.search(
        rf'<tr><th scope="row"><a href="#key-factor-{position}">.*?</th>(.*?)</tr>', html, re.S
    )
    assert match, f"no row for key factor {position}"
    cells = re.findall(r"<td>(.*?)</td>", match.group(1))
    return dict(
        zip(
            ["score", "distance", "target", "answered", "not applicable", "don't know"],
            cells,
            strict=True,
        )
    )


def gaps(html: str) -> list[tuple[int, str]]:
    """The gaps as listed: (key factor number, what the line says)."""
    start = html.index('id="gaps-h"')
    listed = html[start : html.index("</section>", start)]
    return [
        (int(n), text)
        for n, text in re.findall(
            r'<li><a href="#key-factor-(\d+)">.*?</a>: (score .*? to go)', listed
        )
    ]


def test_a_key_factor_scores_the_mean_of_its_answers(report):
    assert score_row(report(), 1) == {
        "score": "50",
        "distance": "50",
        "target": "100",
        "answered": "3 / 3",
        "not applicable": "0",
        "don't know": "0",
    }
    assert score_row(report(), 3)["score"] == "100"
    assert score_row(report(), 3)["distance"] == "0"


def test_a_key_factor_answered_not_applicable_throughout_has_no_score(report):
    row = score_row(report(), 2)
    assert (row["score"], row["distance"], row["not applicable"]) == ("no score", "no score", "5")


def test_a_key_factor_not_answered_yet_has_no_score(report):
    assert score_row(report(), 5)["score"] == "no score"
    assert score_row(report(), 5)["answered"] == "0 / 5"


def test_a_dont_know_scores_0_and_is_counted_as_a_data_gap(report):
    html = report()
    row = score_row(html, 4)
    assert (row["score"], row["distance"], row["don't know"]) == ("66.7", "33.3", "1")
    assert "1 answer is “don't know”: a data gap to close." in html
    assert "10 questions are not answered yet." in html


def test_the_overall_score_is_the_mean_of_the_key_factor_scores(report):
    html = report()
    overall = re.search(
        r"Overall score: <strong>(.*?)</strong> · distance to the standard: <strong>(.*?)</strong>",
        html,
    )
    assert overall, "no overall score"
    # (50 + 100 + 66.67) / 3, not the mean of the 11 scored answers (63.6).
    assert overall.groups() == ("72.2", "27.8")


def test_gaps_are_listed_largest_first(report):
    assert gaps(report()) == [
        (1, "score 50, target 100, 50 to go"),
        (4, "score 66.7, target 100, 33.3 to go"),
    ]


def test_a_key_factor_at_its_target_is_not_a_gap(report, people, answered):
    services.save_factor_note(
        assessment=answered,
        key_factor=KeyFactor.objects.get(toolkit=answered.toolkit, position=1),
        note="",
        target=50,
        by=people["officer"],
    )
    html = report()
    assert gaps(html) == [(4, "score 66.7, target 100, 33.3 to go")]
    assert score_row(html, 1)["target"] == "50"


def test_without_a_gap_the_report_says_so(client, people, toolkit_a):
    assessment = start_athens(people, toolkit_a)
    give(assessment, people["officer"], {1: ["yes", "yes", "not_applicable"]})
    client.force_login(people["officer"])
    html = client.get(assessment.get_absolute_url()).content.decode()
    assert gaps(html) == []
    assert "No key factor is below its target." in html
    assert score_row(html, 1)["score"] == "100"


def test_the_page_explains_the_scale(report):
    html = re.sub(r"\s+", " ", report())
    assert "How the scores are counted" in html
    assert "Each answer scores: yes 100, partly 50, no 0." in html
    assert "“Don't know” scores 0 and is counted as a data gap." in html
    assert "“Not applicable” and unanswered questions are left out." in html
    assert "The distance to the standard is 100 minus the score." in html


def full(people, toolkit) -> Assessment:
    """Every question answered with evidence and links, a note and target on every key factor,
    context, and comments by the mentor and the facilitator on several key factors; reopened as
    a draft so that the questionnaire can be shown too."""
    officer = people["officer"]
    assessment = start_athens(people, toolkit)
    for q in GuideQuestion.objects.filter(key_factor__toolkit=toolkit):
        services.save_answer(
            assessment=assessment,
            question=q,
            value="partly",
            evidence="Minutes of the council",
            links=["https://example.org/a", "https://example.org/b"],
            seen_version=None,
            by=officer,
        )
    factors = list(KeyFactor.objects.filter(toolkit=toolkit))
    for kf in factors:
        services.save_factor_note(
            assessment=assessment, key_factor=kf, note="A note", target=80, by=officer
        )
    services.save_context(
        assessment=assessment,
        explanations={c.pk: "It matters" for c in ContextFactor.objects.filter(toolkit=toolkit)},
        by=officer,
    )
    services.submit(assessment=assessment, by=officer)
    for kf in factors[:4]:
        for role in ("mentor", "facilitator"):
            services.add_comment(assessment=assessment, key_factor=kf, text="Why?", by=people[role])
    services.return_to_draft(assessment=assessment, by=officer)
    return assessment


#: Queries per page, measured with the session, the user and their roles included.
#: The report reads the city's key figures (one query, issue 13) for the similar cities.
BUDGET = {"assessments:answer": 13, "assessments:detail": 21}


@pytest.mark.parametrize("page", BUDGET)
def test_the_questionnaire_and_the_report_issue_as_many_queries_however_much_is_filled_in(
    client, people, toolkit_a, page
):
    small = start_athens(people, toolkit_a)
    services.save_answer(
        assessment=small,
        question=GuideQuestion.objects.filter(key_factor__toolkit=toolkit_a).first(),
        value="partly",
        evidence="",
        links=[],
        seen_version=None,
        by=people["officer"],
    )
    large = full(people, toolkit_a)
    client.force_login(people["officer"])

    counts = []
    for assessment in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(page, args=[assessment.pk]))
        assert response.status_code == 200
        counts.append(len(queries))
    html = response.content.decode()
    if page == "assessments:detail":
        assert html.count("Why?") == 8
    else:
        assert "24 of 24 questions answered" in html
    sql = [q["sql"] for q in queries.captured_queries]
    assert counts[0] == counts[1], sql
    assert counts[1] <= BUDGET[page], sql
