"""Lists are paged (issue 16, part 2): the assessments' page and API list show 20 at a time
whatever their number, and what they render does not grow with the data."""

from datetime import date

import pytest
from django.test import Client

from citygrow.assessments.models import Answer, Assessment
from citygrow.assessments.services import store_published_scores
from citygrow.catalogue.models import GuideQuestion, Toolkit
from citygrow.people.models import City


def publish_assessments(count: int) -> None:
    toolkit = Toolkit.objects.get(theme__code="A")
    cities = list(City.objects.order_by("pk"))
    made = Assessment.objects.bulk_create(
        Assessment(
            city=cities[n % len(cities)],
            toolkit=toolkit,
            title=f"Round {n}",
            assessed_on=date(2020, 1, 1 + n % 28),
            status=Assessment.Status.PUBLISHED,
        )
        for n in range(count)
    )
    question = GuideQuestion.objects.filter(key_factor__toolkit=toolkit).first()
    Answer.objects.bulk_create(Answer(assessment=a, question=question, value="yes") for a in made)
    store_published_scores(assessments=made)


@pytest.mark.parametrize("url", ["/assessments/", "/api/v1/assessments"])
def test_the_assessments_list_is_paged_and_its_size_does_not_grow(seeded, url):
    publish_assessments(25)
    small = Client().get(url).content
    publish_assessments(225)
    large = Client().get(url).content
    assert len(large) <= len(small) * 1.05
    if url.startswith("/api/"):
        body = Client().get(url, {"page": 13}).json()
        assert (body["count"], body["pages"], body["page"]) == (250, 13, 13)
        assert len(body["results"]) == 10
        assert Client().get(url).json()["results"][0]["overall"] is not None
        assert Client().get(url, {"page": 0}).status_code == 422
    else:
        assert large.decode().count('<th scope="row">') == 20
        last = Client().get(url, {"page": 99}).content.decode()  # out of range: the last page
        assert "Page 13 of 13" in last
        assert last.count('<th scope="row">') == 10


@pytest.mark.parametrize("url", ["/cities/", "/api/v1/cities"])
def test_the_city_list_is_paged_by_a_hundred(seeded, url):
    from citygrow.people.models import Country

    country = Country.objects.first()
    City.objects.bulk_create(
        City(name=f"Town {n:03d}", slug=f"town-{n:03d}", country=country) for n in range(200)
    )
    total = City.objects.count()
    if url.startswith("/api/"):
        body = Client().get(url, {"page": 3}).json()
        assert (body["count"], body["pages"]) == (total, 3)
        assert len(body["results"]) == total - 200
    else:
        html = Client().get(url).content.decode()
        assert html.count('<th scope="row">') == 100
        assert "Page 1 of 3" in html


def test_the_toolkit_page_shows_twenty_examples_a_key_factor_and_links_to_the_rest(seeded):
    from django.core.cache import cache

    from citygrow.catalogue.models import KeyFactor
    from citygrow.practices.models import Practice

    toolkit = Toolkit.objects.get(theme__code="A")
    factor = KeyFactor.objects.get(toolkit=toolkit, position=1)
    own = factor.practices.count()
    city = City.objects.first()
    url = f"/toolkits/A/{toolkit.year}/"

    def add(count: int) -> None:
        start = factor.practices.count()
        Practice.objects.bulk_create(
            Practice(
                toolkit=toolkit, key_factor=factor, city=city, position=100 + start + n,
                text=f"Example {start + n}", year=2018,
            )
            for n in range(count)
        )  # fmt: skip
        cache.clear()

    add(30 - own)
    small = Client().get(url).content.decode()
    add(270)
    large = Client().get(url).content.decode()
    assert "All 300 examples of this key factor in the library" in large
    assert f"?toolkit={toolkit.pk}&amp;key_factor={factor.pk}" in large
    assert large.count("Example 2") <= 20
    assert len(large) <= len(small) * 1.02
    # The toolkit file keeps every example: the page is bounded, not the benchmark.
    export = Client().get(f"/toolkits/A/{toolkit.year}/export.yaml").content.decode()
    assert export.count("Example ") == 300 - own


def test_a_city_page_lists_twenty_practices_and_links_to_the_rest(seeded):
    from citygrow.catalogue.models import KeyFactor
    from citygrow.practices.models import Practice

    toolkit = Toolkit.objects.get(theme__code="A")
    factor = KeyFactor.objects.get(toolkit=toolkit, position=1)
    city = City.objects.get(name="Athens")

    def add(count: int) -> None:
        Practice.objects.bulk_create(
            Practice(
                toolkit=toolkit, key_factor=factor, city=city, position=500 + n,
                name=f"Athens practice {n}", text="Text", year=2018,
            )
            for n in range(count)
        )  # fmt: skip

    add(25)
    small = Client().get("/cities/athens/").content.decode()
    add(250)
    large = Client().get("/cities/athens/").content.decode()
    assert "Every practice from Athens in the library" in large
    assert '?city=athens"' in large
    assert large.count("Athens practice ") <= 20
    assert len(large) <= len(small) * 1.02
