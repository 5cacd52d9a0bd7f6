"""The good-practice library: list, filters, search, paging and the practice page."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citygrow.practices.models import Practice

URL = "/practices/"


def found(response) -> list[str]:
    return [practice.title for practice in response.context["page"].object_list]


def test_the_library_lists_every_example_of_both_toolkits(client, seeded):
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 33
    assert "33 practices found." in response.content.decode()


def test_it_is_paged(client, seeded):
    first = client.get(URL)
    second = client.get(URL, {"page": 2})
    assert len(first.context["page"].object_list) == 20
    assert len(second.context["page"].object_list) == 13
    assert 'href="?page=2"' in first.content.decode()
    assert client.get(URL, {"page": "nonsense"}).status_code == 200
    assert client.get(URL, {"page": "9999"}).context["page"].number == 2


def test_it_filters_by_toolkit_key_factor_city_and_country(client, toolkit_a, toolkit_c):
    assert client.get(URL, {"toolkit": toolkit_c.pk}).context["page"].paginator.count == 21
    factor = toolkit_a.key_factors.get(position=2)
    assert found(client.get(URL, {"key_factor": factor.pk})) == [
        "Munich: Engagement with stakeholders",
        "Vienna: Engagement with stakeholders",
    ]
    assert client.get(URL, {"city": "helsinki"}).context["page"].paginator.count == 4
    gb = client.get(URL, {"country": "GB"}).context["page"]
    assert {p.city.name for p in gb.object_list} == {
        "Birmingham", "Brighton & Hove", "London", "West Midlands", "Wolverhampton",
    }  # fmt: skip
    both = client.get(URL, {"toolkit": toolkit_a.pk, "city": "birmingham"})
    assert both.context["page"].paginator.count == 4


def test_a_filter_keeps_the_other_filters_in_the_page_links(client, seeded):
    response = client.get(URL, {"country": "GB", "page": 1})
    assert response.context["query"] == "country=GB"


def test_a_tampered_filter_gets_a_message_and_no_results(client, seeded):
    response = client.get(URL, {"toolkit": "999999", "city": "atlantis"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is no such toolkit." in page
    assert "There is no such city." in page
    assert response.context["page"].paginator.count == 0


def test_the_search_finds_words_in_the_text_city_and_country(client, seeded):
    assert "Munich: Engagement with stakeholders" in found(client.get(URL, {"q": "Phönix"}))
    assert client.get(URL, {"q": "finance"}).context["page"].paginator.count >= 1
    austria = client.get(URL, {"q": "austria"}).context["page"]
    assert {p.city.name for p in austria.object_list} == {"Vienna"}
    assert client.get(URL, {"q": "Munich business"}).context["page"].paginator.count >= 1


def test_every_word_must_match(client, seeded):
    assert client.get(URL, {"q": "Munich zanzibar"}).context["page"].paginator.count == 0


def test_a_search_of_punctuation_finds_nothing_and_says_so(client, seeded):
    response = client.get(URL, {"q": "!!! ??? ''' %%% ___"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert "No practice matches." in response.content.decode()


def test_a_very_long_search_gets_a_clear_message(client, seeded):
    response = client.get(URL, {"q": "x" * 10_000})
    assert response.status_code == 200
    assert "A search can be at most 200 characters long (this one has 10000)" in (
        response.content.decode()
    )
    assert response.context["page"].paginator.count == 0


def test_htmx_requests_get_only_the_results(client, seeded):
    response = client.get(URL, {"q": "Vienna"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page
    assert "practices found." in page


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=300))
def test_no_search_text_gives_a_server_error(client, seeded, query):
    response = client.get(URL, {"q": query})
    assert response.status_code == 200


def test_the_practice_page_shows_city_toolkit_key_factor_text_and_links(client, toolkit_a):
    practice = Practice.objects.get(toolkit=toolkit_a, key_factor__position=1)
    response = client.get(practice.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Munich: Mapping and needs assessment</h1>" in page
    assert "Germany" in page
    assert f'href="{toolkit_a.get_absolute_url()}#key-factor-1"' in page
    assert "https://bit.ly/2PlzCtg" in page
    assert "Integrating Cities Toolkit: Matching buyers and suppliers" in page


def test_the_practice_page_links_the_other_examples_of_its_key_factor(client, toolkit_a):
    munich = Practice.objects.get(toolkit=toolkit_a, key_factor__position=2, city__name="Munich")
    response = client.get(munich.get_absolute_url())
    assert [p.city.name for p in response.context["related"]] == ["Vienna"]


def test_an_unknown_practice_is_not_found(client, seeded):
    assert client.get(reverse("practices:detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_library_pages_only_read(client, seeded, method):
    assert getattr(client, method)(URL).status_code == 405
