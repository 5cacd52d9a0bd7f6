"""Published assessments keep their key factor scores (PublishedScore), and the report reads the
network from them: the results are the same as scoring every assessment from its answers, the
network is each other city's latest published round, the report's query count does not grow
with the assessments and rounds, and a published report's PDF is made once.
"""

from datetime import date
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citygrow.assessments import insights, scoring, services
from citygrow.assessments.models import (
    Answer,
    Assessment,
    Comment,
    PublishedScore,
)
from citygrow.assessments.sheet import load_sheet
from citygrow.catalogue.models import KeyFactor
from citygrow.people.models import City
from tests.support.assessments import make, network, questions_of, same_insights
from tests.support.budgets import count_queries
from tests.support.clients import web_client

VALUES = [value for value, _label in Answer.Value.choices]
#: One answer per question: a value, or None for a question left unanswered.
answer_values = st.one_of(st.none(), st.sampled_from(VALUES))


class Rollback(Exception):
    """Raised to undo one hypothesis example's rows."""


def expected(toolkit, values, targets=None) -> scoring.Result:
    """The result computed here, from the values, independently of what is stored."""
    by_factor: dict[int, list[scoring.Answer | None]] = {}
    for q, value in zip(questions_of(toolkit), values, strict=False):
        by_factor.setdefault(q.key_factor.position, []).append(
            None if value is None else scoring.Answer(value)
        )
    targets = {kf.position: t for kf, t in (targets or {}).items()}
    return scoring.score(
        [
            scoring.FactorInput(key=p, answers=a, target=float(targets.get(p, 100)))
            for p, a in by_factor.items()
        ]
    )


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=st.lists(answer_values, min_size=24, max_size=24), data=st.data())
def test_stored_scores_rebuild_exactly_the_computed_result(toolkit_a, values, data):
    factors = list(KeyFactor.objects.filter(toolkit=toolkit_a).order_by("position"))
    chosen = data.draw(st.lists(st.sampled_from(factors), unique=True, max_size=3))
    targets = {kf: data.draw(st.integers(0, 100)) for kf in chosen}
    athens = City.objects.get(name="Athens")
    try:
        with transaction.atomic():
            draft = make(
                athens,
                toolkit_a,
                values=values,
                assessed_on=date(2024, 1, 1),
                published=False,
                targets=targets,
            )
            computed = insights.results_of([draft], toolkit_a.pk)[draft.pk]
            Assessment.objects.filter(pk=draft.pk).update(status=Assessment.Status.PUBLISHED)
            draft.status = Assessment.Status.PUBLISHED
            services.store_published_scores(assessments=[draft])
            stored = {row.position: row for row in PublishedScore.objects.filter(assessment=draft)}
            with CaptureQueriesContext(connection) as queries:
                rebuilt = insights.results_of([draft], toolkit_a.pk)[draft.pk]
            raise Rollback
    except Rollback:
        pass
    assert computed == expected(toolkit_a, values, targets)
    assert rebuilt == computed
    assert {p: row.score for p, row in stored.items()} == {f.key: f.score for f in computed.factors}
    # The rebuilt result came from the stored rows, not from the answers.
    assert not any('"assessments_answer"' in q["sql"] for q in queries.captured_queries)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.lists(answer_values, min_size=1, max_size=6), min_size=3, max_size=3),
        max_size=12,
    )
)
def test_the_network_mean_is_scoring_mean_scores(assessments):
    results = [
        scoring.score(
            [
                scoring.FactorInput(key=k, answers=[a and scoring.Answer(a) for a in answers])
                for k, answers in enumerate(factors, start=1)
            ]
        )
        for factors in assessments
    ]
    scores = [{f.key: f.score for f in result.factors} for result in results]
    assert insights.mean_of(scores, [1, 2, 3]) == scoring.mean_scores(results)


def test_publishing_stores_the_scores(client, people, toolkit_a):
    officer = people["officer"]
    assessment = services.start_assessment(
        city=City.objects.get(name="Athens"),
        toolkit=toolkit_a,
        title="Athens 2024",
        assessed_on=date(2024, 5, 1),
        by=officer,
    )
    for q, value in zip(
        questions_of(toolkit_a), ["yes", "partly", "no", "dont_know"] * 3, strict=False
    ):
        services.save_answer(
            assessment=assessment,
            question=q,
            value=value,
            evidence="",
            links=[],
            seen_version=None,
            by=officer,
        )
    services.submit(assessment=assessment, by=officer)
    services.mark_reviewed(assessment=assessment, by=people["facilitator"])
    assert not PublishedScore.objects.exists()
    services.publish(assessment=assessment, by=people["coordinator"])
    rows = PublishedScore.objects.filter(assessment=assessment).order_by("position")
    result = load_sheet(assessment).result
    assert [(r.position, r.score) for r in rows] == [(f.key, f.score) for f in result.factors]
    assert rows[0].yes + rows[0].partly + rows[0].no == 3


def test_the_insights_are_the_same_from_stored_scores_as_from_answers(athens_report, toolkit_a):
    network(toolkit_a, cities=8, rounds=3)
    sheet = load_sheet(athens_report)
    cache.clear()
    stored = insights.insights_for(athens_report, sheet)
    PublishedScore.objects.all().delete()
    cache.clear()  # the network of a published report is cached (test_report_cache.py)
    computed = insights.insights_for(athens_report, sheet)
    same_insights(stored, computed)
    assert stored.network_count == 8
    assert any(stored.mentors.values())


def test_the_network_is_each_other_citys_latest_published_round(athens_report, toolkit_a):
    network(toolkit_a, cities=3, rounds=2)
    latest = {
        a.city_id: a
        for a in Assessment.objects.exclude(city=athens_report.city).order_by("assessed_on")
    }
    # A newer draft does not count; nor does Athens itself.
    make(
        next(iter(latest.values())).city,
        toolkit_a,
        values=["no"] * 24,
        assessed_on=date(2030, 1, 1),
        published=False,
    )
    sheet = load_sheet(athens_report)
    got = insights.insights_for(athens_report, sheet)
    results = insights.results_of(latest.values(), toolkit_a.pk)
    assert got.network_count == 3
    assert got.network_mean == scoring.mean_scores(list(results.values()))
    assert got.previous.assessed_on == date(2023, 1, 1)
    assert set(
        insights.latest_published(toolkit_a.pk, other_than_city=athens_report.city_id)
    ) == set(latest.values())


def test_the_report_issues_as_many_queries_with_more_assessments_and_rounds(
    client, athens_report, toolkit_a
):
    counts = []
    for cities, rounds in ((2, 1), (12, 3)):
        network(toolkit_a, cities=cities, rounds=rounds)
        cache.clear()  # the uncached report (test_report_cache.py: the cached one)
        queries = count_queries(client, athens_report.get_absolute_url())
        assert "Cities that could mentor on it:" in queries.response.content.decode()
        counts.append(queries)
        Assessment.objects.exclude(city=athens_report.city).delete()
    assert counts[0] == counts[1], queries.sql


@pytest.fixture
def pdf_calls():
    """WeasyPrint mocked: the list of HTML strings it was asked to lay out."""
    cache.clear()
    calls = []

    class FakeHTML:
        def __init__(self, *, string: str, base_url: str) -> None:
            calls.append(string)

        def write_pdf(self) -> bytes:
            return b"%PDF-1.7 fake " + str(len(calls)).encode()

    with mock.patch("weasyprint.HTML", FakeHTML):
        yield calls
    cache.clear()


def get_pdf(client, assessment) -> bytes:
    response = client.get(reverse("assessments:pdf", args=[assessment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


def test_a_published_reports_pdf_is_made_once(client, athens_report, toolkit_a, pdf_calls):
    first = get_pdf(client, athens_report)
    assert get_pdf(client, athens_report) == first
    assert get_pdf(Client(), athens_report) == first
    assert len(pdf_calls) == 1


def test_a_drafts_pdf_is_made_at_every_request(client, people, toolkit_a, pdf_calls):
    athens = City.objects.get(name="Athens")
    draft = make(
        athens, toolkit_a, values=["yes"] * 24, assessed_on=date(2024, 1, 1), published=False
    )
    client.force_login(people["officer"])
    get_pdf(client, draft)
    get_pdf(client, draft)
    assert len(pdf_calls) == 2


def test_the_pdf_is_made_again_when_its_report_changes(
    client, people, athens_report, toolkit_a, pdf_calls
):
    # A comment from the review (made before publication): the city's team sees it in its
    # report, visitors do not, so they get two different PDFs.
    key_factor = KeyFactor.objects.filter(toolkit=toolkit_a).order_by("position").first()
    Comment.objects.create(
        assessment=athens_report, key_factor=key_factor, author=people["mentor"], text="Why?"
    )
    get_pdf(client, athens_report)
    officer = web_client(people["officer"])
    get_pdf(officer, athens_report)
    assert len(pdf_calls) == 2
    assert "Why?" not in pdf_calls[0]
    assert "Why?" in pdf_calls[1]
    get_pdf(client, athens_report)
    get_pdf(officer, athens_report)
    assert len(pdf_calls) == 2
    # Another city publishes: the network mean on the report changes.
    network(toolkit_a, cities=1, rounds=1)
    get_pdf(client, athens_report)
    assert len(pdf_calls) == 3
    assert "Network mean (1 city)" in pdf_calls[2]
    get_pdf(client, athens_report)
    assert len(pdf_calls) == 3
    # Nothing changes a published assessment itself: no new comment, no answer.
    with pytest.raises(services.AssessmentError):
        services.add_comment(
            assessment=athens_report, key_factor=key_factor, text="Late", by=people["mentor"]
        )


def test_the_data_migration_fills_the_scores_of_published_assessments(athens_report, toolkit_a):
    from importlib import import_module

    from django.apps import apps

    before = list(PublishedScore.objects.order_by("assessment", "position").values())
    PublishedScore.objects.all().delete()
    migration = import_module("citygrow.assessments.migrations.0003_fill_published_scores")
    migration.fill(apps, None)
    after = list(PublishedScore.objects.order_by("assessment", "position").values())
    assert [{**r, "id": 0} for r in after] == [{**r, "id": 0} for r in before]
    assert len(after) == 2 * 7
