"""Every page and API route has a query budget, and its query count does not grow with the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from citygrow.catalogue.services import load_toolkit
from citygrow.catalogue.toolkit_file import parse_toolkit
from citygrow.people.models import City, Country
from citygrow.practices.models import Practice
from tests.conftest import TOOLKITS


def grow_tenfold() -> None:
    """Ten times the toolkits, practices and cities of the seeded site."""
    text = (TOOLKITS / "A-2018.yaml").read_text(encoding="utf-8")
    cities = set(City.objects.values_list("name", flat=True))
    for year in range(2000, 2018):
        edited = text.replace("  year: 2018\n  status", f"  year: {year}\n  status")
        document = parse_toolkit(edited, known_cities=cities)
        load_toolkit(document=document, source=f"A-{year}.yaml")
    country = Country.objects.create(code="ZZ", name="Testland")
    City.objects.bulk_create(
        City(name=f"Town {n}", slug=f"town-{n}", country=country) for n in range(200)
    )


def munich_practice() -> str:
    return (
        f"/practices/{Practice.objects.filter(city__name='Munich', toolkit__year=2018).first().pk}/"
    )


PAGES = [
    ("/", 3),
    ("/toolkits/", 3),
    ("/toolkits/A/2018/", 9),
    ("/toolkits/A/2018/export.yaml", 8),
    ("/toolkits/B/", 2),
    ("/practices/", 7),
    ("/practices/?q=Munich&country=DE", 9),
    ("munich_practice", 2),
    ("/cities/", 1),
    ("/cities/munich/", 2),
    ("/api/v1/themes", 2),
    ("/api/v1/toolkits", 1),
    ("/api/v1/toolkits/A/2018", 8),
    ("/api/v1/practices?country=DE", 6),
    ("munich_practice_api", 1),
    ("/api/v1/cities", 1),
    ("/api/v1/cities/munich", 1),
]


def resolve(url: str) -> str:
    if url == "munich_practice":
        return munich_practice()
    if url == "munich_practice_api":
        return "/api/v1" + munich_practice().rstrip("/")
    return url


@pytest.mark.parametrize(("url", "budget"), PAGES)
def test_the_query_count_is_within_budget_and_does_not_grow(client, seeded, url, budget):
    url = resolve(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow_tenfold()
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
    assert len(large) <= budget, [q["sql"] for q in large.captured_queries]
