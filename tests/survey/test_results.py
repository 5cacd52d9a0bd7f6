"""A cycle's results and a city's scores (issue 15 part 4), on a small case checked by hand.

Cycle 2019 invites Athens, Helsinki and Ghent. Athens rates as scoring.py's worked example:
policy-maker fully, partly, not at all = 50; service provider fully, not applicable = 100;
employer don't know, partly, fully = 50 (one data gap); buyer all not applicable = no score;
overall (50 + 100 + 50) / 3 = 66.7. Helsinki rates everything fully: 100 everywhere. Ghent starts
but does not submit: it counts as invited, not as responding. So 2 of 3 responded (66.7%), the
policy-maker's network mean is (50 + 100) / 2 = 75, the buyer's is Helsinki's 100 (one city),
and the network mean is (66.7 + 100) / 2 = 83.3.

In cycle 2017 (results published) only Athens responded, rating everything partly: 50 in every
role, overall 50. Athens's change: policy-maker 0, service provider +50, employer 0, buyer none,
overall +16.7.
"""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from citygrow.people.models import City, CityFigure, Indicator
from citygrow.survey import services
from citygrow.survey.models import Cycle
from tests.support.clients import web_client
from tests.support.survey import open_cycle_for, rate, response_of

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
CODES = ["PM1", "PM2", "PM3", "SP1", "SP2", "EM1", "EM2", "EM3", "BU1", "BU2", "BU3"]
ATHENS_2019 = {
    "PM1": "fully",
    "PM2": "partly",
    "PM3": "not_at_all",
    "SP1": "fully",
    "SP2": "not_applicable",
    "EM1": "dont_know",
    "EM2": "partly",
    "EM3": "fully",
    "BU1": "not_applicable",
    "BU2": "not_applicable",
    "BU3": "not_applicable",
}


def submitted(cycle, city, ratings, by) -> None:
    response = response_of(cycle, city)
    rate(response, ratings, by=by)
    services.submit_response(response=response, by=by)


@pytest.fixture
def cycles(people):
    City.objects.filter(name="Ghent").update(charter_signatory=True)
    earlier = open_cycle_for(people, label="2017", cities=("Athens",))
    submitted(earlier, "Athens", dict.fromkeys(CODES, "partly"), people["officer"])
    Cycle.objects.filter(pk=earlier.pk).update(
        opens_on=TODAY - 800 * DAY, closes_on=TODAY - 700 * DAY
    )
    services.publish_results(cycle=earlier, by=people["coordinator"])
    cycle = open_cycle_for(people, label="2019", cities=("Athens", "Helsinki", "Ghent"))
    submitted(cycle, "Athens", ATHENS_2019, people["officer"])
    submitted(cycle, "Helsinki", dict.fromkeys(CODES, "fully"), people["other_officer"])
    rate(response_of(cycle, "Ghent"), {"PM1": "not_at_all"}, by=people["coordinator"])
    return {"2017": earlier, "2019": cycle}


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def row(html: str, table: str, heading: str) -> list[str]:
    """The cells of the row headed `heading` in the table with id `table`."""
    body = html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    for found in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = [text_of(c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", found)]
        if cells and cells[0].startswith(heading):
            return cells[1:]
    raise AssertionError(f"no row {heading!r} in {table}")


def test_the_cycles_results_add_up_by_hand(people, cycles):
    page = web_client(people["coordinator"]).get(f"/charter/cycles/{cycles['2019'].pk}/results/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "2 of 3 invited cities responded (66.7%)" in text_of(html)
    assert "Not published" in html
    # fully, partly, not at all, don't know, not applicable, not rated, mean
    assert row(html, "distribution-table", "PM1") == ["2", "0", "0", "0", "0", "0", "100.0"]
    assert row(html, "distribution-table", "PM3") == ["1", "0", "1", "0", "0", "0", "50.0"]
    assert row(html, "distribution-table", "EM1") == ["1", "0", "0", "1", "0", "0", "50.0"]
    assert row(html, "distribution-table", "BU1") == ["1", "0", "0", "0", "1", "0", "100.0"]
    assert row(html, "trend-table", "The city as a policy-maker") == ["50.0", "75.0"]
    assert row(html, "trend-table", "Network mean") == ["50.0", "83.3"]
    assert row(html, "trend-table", "Response rate") == ["100.0", "66.7"]
    assert html.count("<svg") == 2  # the distribution and the trend, with tables


def test_a_citys_scores_change_and_standing(people, cycles):
    response = response_of(cycles["2019"], "Athens")
    html = web_client(people["officer"]).get(f"/charter/responses/{response.pk}/results/")
    html = html.content.decode()
    # city, 2017, change, network
    assert row(html, "scores-table", "The city as a policy-maker") == [
        "50.0",
        "50.0",
        "0.0",
        "75.0",
    ]
    assert row(html, "scores-table", "The city as a service provider") == [
        "100.0",
        "50.0",
        "+50.0",
        "100.0",
    ]
    assert row(html, "scores-table", "The city as a buyer") == ["—", "50.0", "—", "100.0"]
    assert row(html, "scores-table", "Overall") == ["66.7", "50.0", "+16.7", "83.3"]
    assert "EM1" in html.split('id="gaps"', 1)[1]
    assert "not recorded, so it is not compared with similar cities" in text_of(html)


def test_similar_cities_are_those_in_the_same_bands(people, cycles):
    for name in ["Athens", "Helsinki"]:
        city = City.objects.get(name=name)
        for code, value in [(Indicator.POPULATION, 600_000), (Indicator.BORN_ABROAD, 12)]:
            CityFigure.objects.create(
                city=city,
                indicator=Indicator.objects.get(code=code),
                value=value,
                year=2020,
                source="test",
            )
    response = response_of(cycles["2019"], "Athens")
    html = web_client(people["officer"]).get(f"/charter/responses/{response.pk}/results/")
    html = html.content.decode()
    assert row(html, "scores-table", "Overall") == ["66.7", "50.0", "+16.7", "83.3", "100.0"]
    assert "Similar cities: 1 responding city" in text_of(html)


def test_results_are_public_once_published_and_a_citys_scores_follow_its_response(people, cycles):
    url = f"/charter/cycles/{cycles['2019'].pk}/results/"
    assert Client().get(url).status_code == 404
    assert web_client(people["officer"]).get(url).status_code == 404
    assert Client().get(f"/charter/cycles/{cycles['2017'].pk}/results/").status_code == 200
    coordinator = web_client(people["coordinator"])
    assert coordinator.post(f"{url}publish/").status_code == 302
    assert Client().get(url).status_code == 200
    assert "Publish the results" not in Client().get(url).content.decode()
    assert web_client(people["officer"]).post(f"{url}withdraw/").status_code == 403
    coordinator.post(f"{url}withdraw/")
    assert Client().get(url).status_code == 404
    athens = response_of(cycles["2019"], "Athens")
    scores = f"/charter/responses/{athens.pk}/results/"
    assert web_client(people["other_officer"]).get(scores).status_code == 404
    assert Client().get(scores).status_code == 404
    assert coordinator.get(scores).status_code == 200


def test_the_results_pages_queries_do_not_grow_with_cities_or_cycles(
    people, cycles, django_assert_max_num_queries
):
    def counts() -> tuple[int, int]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client = web_client(people["coordinator"])
        athens = response_of(cycles["2019"], "Athens")
        with CaptureQueriesContext(connection) as first:
            assert client.get(f"/charter/cycles/{cycles['2019'].pk}/results/").status_code == 200
        with CaptureQueriesContext(connection) as second:
            assert client.get(f"/charter/responses/{athens.pk}/results/").status_code == 200
        return len(first), len(second)

    before = counts()
    names = ["Munich", "Vienna", "Lisbon", "Riga"]
    City.objects.filter(name__in=names).update(charter_signatory=True)
    services.invite(
        cycle=cycles["2019"], cities=City.objects.filter(name__in=names), by=people["coordinator"]
    )
    for name in City.objects.filter(name__in=names).values_list("name", flat=True):
        submitted(cycles["2019"], name, dict.fromkeys(CODES, "partly"), people["coordinator"])
    more = open_cycle_for(people, label="2018", cities=("Athens",))
    submitted(more, "Athens", {"PM1": "fully"}, people["officer"])
    Cycle.objects.filter(pk=more.pk).update(opens_on=TODAY - 400 * DAY, closes_on=TODAY - 300 * DAY)
    services.publish_results(cycle=more, by=people["coordinator"])
    assert counts() == before
