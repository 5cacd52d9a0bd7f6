"""The network part of a published assessment's report (means, similar cities, mentors) is
cached (`insights.network_cache_key`): used while nothing it depends on changes, computed again
when another city publishes on the edition, never cached for a draft, and the page's queries
stay the same whatever the size of the network. The figures are the same as computed. The
assessment's own frozen part (its sheet and every answer) is cached for readers outside its
team (`views.report_sheet`, `views.answers_section`).
"""

from collections.abc import Iterator
from datetime import date
from unittest import mock

import pytest
from django.core.cache import cache
from django.utils import timezone

from citygrow.assessments import insights
from citygrow.assessments.models import Answer, Assessment, Comment
from citygrow.assessments.sheet import load_sheet
from citygrow.catalogue.models import GuideQuestion, KeyFactor, Toolkit
from citygrow.people.models import City
from tests.support.assessments import make, network, same_insights
from tests.support.budgets import count_queries
from tests.support.clients import web_client


@pytest.fixture
def computed() -> Iterator[mock.MagicMock]:
    """`insights.network_of` spied on: each call is a cache miss. The cache starts empty."""
    cache.clear()
    with mock.patch.object(insights, "network_of", wraps=insights.network_of) as spy:
        yield spy
    cache.clear()


def network_header(client, assessment: Assessment) -> str:
    response = client.get(assessment.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    start = content.index("Network mean (")
    return content[start : content.index(")", start) + 1]


def test_a_published_reports_network_is_computed_once(client, athens_report, toolkit_a, computed):
    network(toolkit_a, cities=4, rounds=2)
    first = client.get(athens_report.get_absolute_url()).content
    assert computed.call_count == 1
    assert client.get(athens_report.get_absolute_url()).content == first
    assert computed.call_count == 1
    key = insights.network_cache_key(Assessment.objects.get(pk=athens_report.pk))
    assert isinstance(cache.get(key), insights.Network)


def test_the_cached_insights_are_the_computed_ones(athens_report, toolkit_a, computed):
    network(toolkit_a, cities=8, rounds=3)
    sheet = load_sheet(athens_report)
    fresh = insights.insights_for(athens_report, sheet)
    cached = insights.insights_for(athens_report, sheet)
    assert computed.call_count == 1
    same_insights(cached, fresh)
    assert cached.network_count == 8 and any(cached.mentors.values())
    assert any(cached.practices.values()) or not any(fresh.practices.values())


def test_another_city_publishing_renews_the_network(client, athens_report, toolkit_a, computed):
    network(toolkit_a, cities=3, rounds=1)
    assert network_header(client, athens_report) == "Network mean (3 cities)"
    assert network_header(client, athens_report) == "Network mean (3 cities)"
    assert computed.call_count == 1
    newcomer = City.objects.exclude(name="Athens").order_by("-name").first()
    make(newcomer, toolkit_a, values=["yes"] * 24, assessed_on=date(2024, 6, 1))
    assert network_header(client, athens_report) == "Network mean (4 cities)"
    assert computed.call_count == 2
    # A new round of a city already in the network: same count of cities, a new mean.
    before = insights.insights_for(athens_report, load_sheet(athens_report)).network_mean
    make(newcomer, toolkit_a, values=["no"] * 24, assessed_on=date(2025, 1, 1))
    after = insights.insights_for(athens_report, load_sheet(athens_report))
    assert after.network_count == 4 and after.network_mean != before
    assert computed.call_count == 3  # "before" was the page's cached network


def test_a_removed_published_round_renews_the_network(client, athens_report, toolkit_a, computed):
    network(toolkit_a, cities=3, rounds=1)
    assert network_header(client, athens_report) == "Network mean (3 cities)"
    Assessment.objects.exclude(city=athens_report.city).order_by("pk").first().delete()
    assert network_header(client, athens_report) == "Network mean (2 cities)"
    assert computed.call_count == 2


def test_a_drafts_network_is_never_cached(client, people, toolkit_a, computed):
    network(toolkit_a, cities=3, rounds=1)
    draft = make(
        City.objects.get(name="Athens"),
        toolkit_a,
        values=["partly"] * 24,
        assessed_on=date(2024, 1, 1),
        published=False,
    )
    assert insights.network_cache_key(draft) is None
    client.force_login(people["officer"])
    for _ in range(2):
        assert client.get(draft.get_absolute_url()).status_code == 200
    assert computed.call_count == 2
    # Submitted or reviewed is not published either.
    Assessment.objects.filter(pk=draft.pk).update(status=Assessment.Status.REVIEWED)
    draft.refresh_from_db()
    assert insights.network_cache_key(draft) is None
    # Published without a publication time (made directly): not cached, as for the PDF.
    Assessment.objects.filter(pk=draft.pk).update(status=Assessment.Status.PUBLISHED)
    draft.refresh_from_db()
    assert draft.published_at is None and insights.network_cache_key(draft) is None
    Assessment.objects.filter(pk=draft.pk).update(published_at=timezone.now())
    draft.refresh_from_db()
    assert insights.network_cache_key(draft) is not None


def test_a_cached_report_issues_as_many_queries_with_a_larger_network(
    client, athens_report, toolkit_a, computed
):
    counts = []
    for cities, rounds in ((2, 1), (12, 3)):
        network(toolkit_a, cities=cities, rounds=rounds)
        client.get(athens_report.get_absolute_url())  # fills the cache
        queries = count_queries(client, athens_report.get_absolute_url())
        assert "Cities that could mentor on it:" in queries.response.content.decode()
        counts.append(queries)
        Assessment.objects.exclude(city=athens_report.city).delete()
    assert counts[0] == counts[1], queries.sql
    assert computed.call_count == 2  # one miss per network, then a hit
    # The hit does not choose the network (each city's latest round: a window function).
    assert not any("ROW_NUMBER" in sql.upper() for sql in queries.sql)


# A published assessment's own part of the report (its sheet, and the rendered every-answer
# section) is cached too, for readers outside the city's team (assessments.views.report_sheet
# and answers_section): it is frozen once published.


def test_a_warm_published_report_reads_no_answers_and_renders_the_same(
    client, athens_report, toolkit_a, computed
):
    network(toolkit_a, cities=3, rounds=1)
    cold = client.get(athens_report.get_absolute_url()).content
    queries = count_queries(client, athens_report.get_absolute_url(), status=None)
    warm = queries.response.content
    assert warm == cold
    tables = " ".join(queries.sql)
    assert "assessments_answer" not in tables and "catalogue_guidequestion" not in tables
    assert queries < 10
    assert "Answers on " in warm.decode()


def test_the_citys_team_still_sees_the_reviews_comments(
    client, people, athens_report, toolkit_a, computed
):
    key_factor = KeyFactor.objects.filter(toolkit=toolkit_a).order_by("position").first()
    Comment.objects.create(
        assessment=athens_report, key_factor=key_factor, author=people["mentor"], text="Zqx note"
    )
    assert "Zqx note" not in client.get(athens_report.get_absolute_url()).content.decode()
    team = web_client(people["officer"])
    for _ in range(2):
        assert "Zqx note" in team.get(athens_report.get_absolute_url()).content.decode()
    assert "Zqx note" not in client.get(athens_report.get_absolute_url()).content.decode()


def test_an_edited_edition_renews_the_cached_sheet(client, athens_report, toolkit_a, computed):
    question = GuideQuestion.objects.filter(key_factor__toolkit=toolkit_a).first()
    assert question.text in client.get(athens_report.get_absolute_url()).content.decode()
    GuideQuestion.objects.filter(pk=question.pk).update(text="A reworded question")
    Toolkit.objects.filter(pk=toolkit_a.pk).update(content_hash="0" * 64)
    page = client.get(athens_report.get_absolute_url()).content.decode()
    assert "A reworded question" in page


def test_a_drafts_sheet_is_read_at_every_request(client, people, toolkit_a, computed):
    draft = make(
        City.objects.get(name="Athens"),
        toolkit_a,
        values=["no"] * 24,
        assessed_on=date(2024, 1, 1),
        published=False,
    )
    client.force_login(people["officer"])
    before = client.get(draft.get_absolute_url()).content.decode()
    Answer.objects.filter(assessment=draft).update(evidence="Fresh evidence Qjz")
    after = client.get(draft.get_absolute_url()).content.decode()
    assert "Fresh evidence Qjz" not in before and "Fresh evidence Qjz" in after
