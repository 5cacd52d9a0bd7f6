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
    assert client.get(reverse("front:practice", args=[999999])).status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_library_pages_only_read(client, seeded, method):
    assert getattr(client, method)(URL).status_code == 405


# The filter form offers plain options (practices.forms.PlainSelect), few key factors.


def _options(response, name: str) -> list[str]:
    import re

    page = response.content.decode()
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select, f"no select named {name}"
    return re.findall(r'<option value="([^"]*)"', select.group(1))


def _another_edition_of_a(toolkit_a_text: str, year: int, status: str = "published"):
    from citygrow.catalogue.services import load_toolkit, read_toolkit_text

    text = toolkit_a_text.replace(
        "  year: 2018\n  status: published", f"  year: {year}\n  status: {status}"
    )
    assert text != toolkit_a_text
    return load_toolkit(document=read_toolkit_text(text, source="x.yaml"), source="x.yaml").toolkit


def test_the_key_factors_offered_are_those_of_the_current_editions(
    client, toolkit_a, toolkit_c, toolkit_a_text
):
    older = _another_edition_of_a(toolkit_a_text, 2010)
    offered = _options(client.get(URL), "key_factor")
    current = [str(pk) for pk in toolkit_a.key_factors.values_list("pk", flat=True)]
    assert offered[0] == ""
    assert set(current) <= set(offered)
    assert set(toolkit_c.key_factors.values_list("pk", flat=True)) <= {int(v) for v in offered if v}
    assert not {str(pk) for pk in older.key_factors.values_list("pk", flat=True)} & set(offered)


def test_choosing_a_toolkit_offers_only_its_key_factors(
    client, toolkit_a, toolkit_c, toolkit_a_text
):
    older = _another_edition_of_a(toolkit_a_text, 2010)
    offered = _options(client.get(URL, {"toolkit": older.pk}), "key_factor")
    assert offered == ["", *(str(pk) for pk in older.key_factors.values_list("pk", flat=True))]


def test_a_key_factor_of_an_older_edition_still_filters_and_stays_selected(
    client, toolkit_a, toolkit_a_text
):
    older = _another_edition_of_a(toolkit_a_text, 2010)
    factor = older.key_factors.get(position=2)
    response = client.get(URL, {"key_factor": factor.pk})
    assert not response.context["form"].errors
    assert response.context["page"].paginator.count == factor.practices.count() > 0
    assert f'<option value="{factor.pk}" selected>' in response.content.decode()


def test_a_draft_edition_and_its_key_factors_are_not_offered_to_a_visitor(
    client, toolkit_a, toolkit_a_text
):
    draft = _another_edition_of_a(toolkit_a_text, 2030, status="draft")
    assert str(draft.pk) not in _options(client.get(URL), "toolkit")
    factor = draft.key_factors.first()
    response = client.get(URL, {"key_factor": factor.pk})
    assert "There is no such key factor." in response.content.decode()
    assert str(factor.pk) not in _options(response, "key_factor")


def test_the_chosen_filters_are_selected_and_labelled(client, toolkit_a):
    response = client.get(URL, {"toolkit": toolkit_a.pk, "city": "helsinki", "country": "FI"})
    page = response.content.decode()
    assert f'<option value="{toolkit_a.pk}" selected>A. {toolkit_a.title} (2018)</option>' in page
    assert '<option value="helsinki" selected>Helsinki</option>' in page
    assert '<option value="FI" selected>Finland</option>' in page
    assert '<label for="id_city">City</label>' in page and 'id="id_city"' in page
    from citygrow.people.models import City

    names = list(
        City.objects.filter(slug__in=[s for s in _options(response, "city") if s])
        .order_by("name")
        .values_list("slug", flat=True)
    )
    assert _options(response, "city")[1:] == names


@pytest.mark.parametrize(
    ("page", "number", "shown"),
    [
        (None, 1, 20),
        ("1", 1, 20),
        ("2", 2, 13),
        ("3", 2, 13),
        ("0", 2, 13),
        ("-1", 2, 13),
        ("nonsense", 1, 20),
        ("2.0", 1, 20),
    ],
)
def test_every_page_number_gives_the_page_and_count_the_paginator_would(
    client, seeded, page, number, shown
):
    from django.core.paginator import Paginator

    expected = Paginator(Practice.objects.all(), 20).get_page(page)
    response = client.get(URL, {"page": page} if page is not None else {})
    got = response.context["page"]
    assert (got.number, len(got.object_list), got.paginator.count) == (number, shown, 33)
    assert got.number == expected.number
    assert [p.pk for p in got.object_list] == [p.pk for p in expected.object_list]
    assert "33 practices found." in response.content.decode()


def test_a_search_with_no_match_counts_zero_on_every_page(client, seeded):
    for page in ("1", "2"):
        response = client.get(URL, {"q": "xylophone", "page": page})
        assert response.context["page"].paginator.count == 0
        assert "0 practices found." in response.content.decode()


def test_the_key_factor_options_follow_an_edit_of_the_edition(client, toolkit_a):
    from django.core.cache import cache

    from citygrow.catalogue.services import refresh_fingerprint

    cache.clear()
    assert "A renamed key factor" not in client.get(URL).content.decode()
    toolkit_a.key_factors.filter(position=1).update(heading="A renamed key factor")
    refresh_fingerprint(toolkit_a)  # what an edit in the admin calls
    assert "A1. A renamed key factor" in client.get(URL).content.decode()


def test_a_warm_library_search_reads_the_editions_and_one_page(client, seeded):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    client.get(URL, {"q": "finance"})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"q": "finance"})
    assert response.context["page"].paginator.count == Practice.objects.search("finance").count()
    assert len(queries) == 2, [q["sql"] for q in queries.captured_queries]


# Contributed practices on the practice's page (issue 13, parts 4 and 5) ---------------------------


def _munich_practice(people, name="Supplier days", **extra):
    from citygrow.catalogue.models import Theme
    from citygrow.people.models import City
    from citygrow.practices import services

    practice = services.save_contribution(
        city=City.objects.get(name="Munich"),
        data=services.ContributionIn(
            name=name,
            text="The city invites migrant entrepreneurs to meet its buyers.",
            themes=[Theme.objects.get(code="A").pk],
            **extra,
        ),
        by=people["coordinator"],
    )
    services.submit_practice(practice=practice, by=None)
    return services.publish_practice(practice=practice, by=None)


def _grow(practice, people, plan, n: int) -> None:
    """`n` more outcomes, attachments, comments, adaptations, and objectives and actions of
    `plan` citing `practice`."""
    from datetime import date
    from decimal import Decimal

    from django.core.files.uploadedfile import SimpleUploadedFile

    from citygrow.plans import services as plan_services
    from citygrow.practices.models import Outcome, PracticeAttachment, PracticeComment
    from tests.support.plans import SIGNED_PDF, key_factor

    start = practice.outcomes.count()
    for i in range(start, start + n):
        Outcome.objects.create(
            practice=practice, description=f"Figure {i}", value=Decimal(i), position=i
        )
        attachment = PracticeAttachment(practice=practice, name=f"file{i}.pdf")
        attachment.file.save(f"f{i}.pdf", SimpleUploadedFile(f"f{i}.pdf", SIGNED_PDF))
        PracticeComment.objects.create(practice=practice, text=f"Comment {i}")
        _munich_practice(people, name=f"Adaptation {i}", adapted_from=[practice.pk])
        objective = plan_services.save_objective(
            plan=plan,
            title=f"Objective {i}",
            key_factors=[key_factor(1).pk],
            practices=[practice.pk],
            by=people["coordinator"],
        )
        plan_services.save_action(
            plan=plan,
            objective=objective,
            data=plan_services.ActionIn(
                title=f"Action {i}", starts_on=date(2024, 1, 1), ends_on=date(2024, 12, 31)
            ),
            practices=[practice.pk],
            by=people["coordinator"],
        )


def _second_plan_citing(practice, people) -> None:
    """Helsinki's plan (in the Ghent → Helsinki pairing) cites `practice` too."""
    from citygrow.mentoring.models import Pairing
    from citygrow.plans import services as plan_services
    from tests.support.plans import key_factor

    pairing = Pairing.objects.get(implementing_city__name="Helsinki")
    other = plan_services.start_plan(
        pairing=pairing, assessment=None, title="Helsinki grows", by=people["coordinator"]
    )
    plan_services.save_objective(
        plan=other,
        title="Supplier days in Helsinki",
        key_factors=[key_factor(2).pk],
        practices=[practice.pk],
        by=people["coordinator"],
    )


@pytest.mark.parametrize("role", ["anonymous", "officer", "coordinator"])
def test_a_contributed_practice_page_keeps_its_query_count(people, plan, settings, tmp_path, role):
    from datetime import date

    from citygrow.plans import services as plan_services
    from tests.support.budgets import assert_flat, count_queries
    from tests.support.clients import client_as
    from tests.support.plans import assess_athens

    settings.MEDIA_ROOT = tmp_path
    source = Practice.objects.filter(origin="toolkit").first()
    practice = _munich_practice(people, adapted_from=[source.pk])
    plan_services.link_follow_up(
        plan=plan, assessment=assess_athens({1: "yes"}, assessed_on=date(2025, 5, 1)), by=None
    )
    _grow(practice, people, plan, 1)
    client = client_as(people, role)
    url = practice.get_absolute_url()
    small = count_queries(client, url)
    _grow(practice, people, plan, 4)
    _second_plan_citing(practice, people)
    large = count_queries(client, url)
    assert_flat(small, large, budget=24)
    page = large.response.content.decode()
    assert "Figure 4" in page and "file4.pdf" in page and "Adaptation 4" in page
    if role == "coordinator":
        assert "Adapted by Helsinki in its" in page and "Adapted by Athens in its" in page


def test_a_toolkit_example_page_keeps_its_query_count(client, people, plan):
    from tests.support.budgets import assert_flat, count_queries

    example = Practice.objects.filter(origin="toolkit", city__name="Munich").first()
    small = count_queries(client, example.get_absolute_url())
    for n in range(3):
        _munich_practice(people, name=f"Adaptation {n}", adapted_from=[example.pk])
    assert_flat(small, count_queries(client, example.get_absolute_url()), budget=5)


def test_the_library_lists_only_published_practices_and_filters_by_source(client, people):
    from citygrow.practices import services

    published = _munich_practice(people)
    draft = _munich_practice(people, name="Another")
    services.withdraw_practice(practice=draft, by=None, reason="Closed.")
    page = client.get(URL)
    assert page.context["page"].paginator.count == 34
    contributed = client.get(URL, {"source": "contributed"})
    assert [p.pk for p in contributed.context["page"].object_list] == [published.pk]
    html = contributed.content.decode()
    assert '<option value="contributed" selected>Contributed by cities</option>' in html
    assert '<label for="id_source">Source</label>' in html
