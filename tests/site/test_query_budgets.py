"""Every page and API route has a query budget, and its query count does not grow with the data."""

import pytest
from django.core.cache import cache

from citygrow.catalogue.services import load_toolkit
from citygrow.catalogue.toolkit_file import parse_toolkit
from citygrow.people.models import City, CityFigure, Country, Indicator
from citygrow.practices.models import Practice
from tests.support.budgets import assert_flat, count_queries
from tests.support.toolkits import TOOLKITS


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
    # Cities' key figures (issue 13): a history of ten years of each standard indicator.
    indicators = list(Indicator.objects.filter(code__in=Indicator.STANDARD))
    CityFigure.objects.bulk_create(
        CityFigure(city=city, indicator=i, value=10, year=year, source="Test office")
        for city in City.objects.filter(name__in=["Munich", "Town 1", "Town 2"])
        for i in indicators
        for year in range(2010, 2020)
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
    # The practice, its key factor's other examples, the practices adapted from it and the
    # plans citing it (objectives and actions; issue 13).
    ("munich_practice", 5),
    ("/cities/", 2),  # a page of 100, and the count for its page links
    # With its key figures, the practices it gave and adopted (issue 13).
    ("/cities/munich/", 8),  # and its pairings and their infographics (issue 14)
    ("/api/v1/themes", 2),
    ("/api/v1/toolkits", 1),
    ("/api/v1/toolkits/A/2018", 8),
    # A practice's contributed details (themes, key factors, sources, outcomes, files) are
    # prefetched, one query each (issue 13).
    ("/api/v1/practices?country=DE", 11),
    ("munich_practice_api", 6),
    ("/api/v1/cities", 3),  # a page, its count, and their latest key figures (issue 13)
    ("/api/v1/cities/munich", 2),
    ("/api/v1/cities/munich/figures", 2),
    ("/api/v1/indicators", 1),
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
    cache.clear()  # measure pages that cache their content (the toolkit page) when cold
    small = count_queries(client, url)
    grow_tenfold()
    cache.clear()
    assert_flat(small, count_queries(client, url), budget)


def test_a_published_toolkit_page_served_from_the_cache_reads_only_the_edition(client, seeded):
    cache.clear()
    client.get("/toolkits/A/2018/")
    grow_tenfold()
    warm = count_queries(client, "/toolkits/A/2018/")
    # The edition and its other editions; no key factors, questions, examples or terms.
    assert warm == 2, warm.sql


def grow_people_and_their_records(people: dict, count: int, start: int = 0) -> None:
    """`count` more of everything the account, coordination and assessment list pages show."""
    from datetime import date

    from citygrow.assessments.models import Assessment
    from citygrow.catalogue.models import Toolkit
    from citygrow.people.models import Invitation, Role, User
    from citygrow.people.services import create_token, invite

    cora, olga = people["coordinator"], people["officer"]
    athens = City.objects.get(name="Athens")
    toolkit = Toolkit.objects.get(theme__code="C")
    for n in range(start, start + count):
        user = User.objects.create_user(f"person{n}", email=f"p{n}@example.org")
        Role.objects.create(user=user, kind="officer", city=athens)
        invite(
            email=f"new{n}@example.org",
            kind="officer",
            city=athens,
            by=cora,
            accept_url=lambda token: f"/accounts/invitation/{token}/",
        )
        create_token(user=olga, name=f"token {n}", scope="read")
        Assessment.objects.create(
            city=athens,
            toolkit=toolkit,
            title=f"Round {n}",
            assessed_on=date(2000 + n, 1, 1),
            status=Assessment.Status.PUBLISHED,
        )
    assert Invitation.objects.count() >= count


SIGNED_IN_PAGES = [
    ("officer", "/accounts/", 10),
    ("coordinator", "/coordination/invitations/", 10),
    ("coordinator", "/coordination/people/", 8),
    ("coordinator", "officer_page", 8),
    ("coordinator", "/coordination/audit/", 9),
    ("coordinator", "/coordination/audit/?city=athens&person=cora", 11),
    ("coordinator", "/coordination/mentions/?text=Munich", 7),
    ("anonymous", "/assessments/", 2),
    ("officer", "/assessments/", 8),  # a page of 20, and the count for its page links
    # Cities' key figures (issue 13): the figure form, and the city page with its link to it.
    ("coordinator", "/cities/munich/figures/new/", 9),
    ("coordinator", "/cities/munich/", 15),
]


@pytest.mark.parametrize(("who", "url", "budget"), SIGNED_IN_PAGES)
def test_signed_in_pages_keep_to_their_budget(client, people, who, url, budget):
    if who != "anonymous":
        client.force_login(people[who])
    if url == "officer_page":
        url = f"/coordination/people/{people['officer'].pk}/"
    grow_people_and_their_records(people, 1)
    small = count_queries(client, url)
    grow_people_and_their_records(people, 10, start=1)
    assert_flat(small, count_queries(client, url), budget)


# Toolkit editions (issue 12 part 1): for a coordinator, with a draft of theme B; the data
# grows by tenfold editions of A.
EDITION_PAGES = [
    ("/toolkits/A/editions/", 8),
    ("/toolkits/A/editions/new/", 9),
    ("/toolkits/A/compare/2018/2018/", 14),
    ("/toolkits/B/2026/upload/", 7),
    ("/toolkits/B/2026/publish/", 14),
    # Django's deletion collector asks once per relation that could hold a user of the
    # edition (practices' key factors, plans' citations...): flat, but one per relation.
    ("/toolkits/B/2026/delete/", 35),  # its key factors as infographics and Charter links name them
    ("/api/v1/themes/A/editions", 8),
    ("/api/v1/themes/A/compare/2018/2018", 12),
]


@pytest.mark.parametrize(("url", "budget"), EDITION_PAGES)
def test_the_edition_pages_keep_to_their_budget(client, people, url, budget):
    from citygrow.catalogue import services
    from citygrow.catalogue.models import Theme
    from tests.support.toolkits import made_up_toolkit

    header = services.EditionHeader(
        year=2026, title="T", source_title="T", source_publisher="T", source_year=2026,
        credit="T", standard="T",
    )  # fmt: skip
    draft = services.start_blank_edition(theme=Theme.objects.get(code="B"), header=header, by=None)
    document = services.read_upload(made_up_toolkit("B").encode(), source="b.yaml")
    services.upload_into_draft(toolkit=draft, document=document, source="b.yaml", by=None)
    client.force_login(people["coordinator"])
    small = count_queries(client, url)
    grow_tenfold()
    assert_flat(small, count_queries(client, url), budget)


# Editing a draft edition (issue 12 part 1): the edit page and the API's edition, which must not
# grow with the draft's key factors, questions, examples, terms and context factors.
AUTHORING_PAGES = [
    ("/toolkits/B/2030/edit/", 14),
    ("/api/v1/toolkits/B/2030/edition", 12),
]


@pytest.mark.parametrize(("url", "budget"), AUTHORING_PAGES)
def test_the_edit_page_of_a_draft_keeps_to_its_budget(client, people, url, budget):
    from citygrow.catalogue.services import ItemKind, add_item
    from tests.support.toolkits import blank_draft

    draft = blank_draft("B", 2030)
    by = people["coordinator"]

    def grow(start: int, end: int) -> None:
        for n in range(start, end):
            factor = add_item(
                toolkit=draft, kind=ItemKind.KEY_FACTOR, values={"heading": f"H{n}", "why": "W"},
                by=by,
            )  # fmt: skip
            for kind, values in [
                (ItemKind.GUIDE_QUESTION, {"text": "Q", "sub_items": ["a"]}),
                (ItemKind.EXAMPLE, {"city": "Ghent", "text": "E", "links": ["https://a.org"]}),
            ]:
                add_item(toolkit=draft, kind=kind, values=values, key_factor=factor, by=by)
            add_item(toolkit=draft, kind=ItemKind.TERM, values={"term": f"T{n}"}, by=by)
            add_item(
                toolkit=draft, kind=ItemKind.CONTEXT_FACTOR,
                values={"category": f"C{n}", "examples": ["E"]}, by=by,
            )  # fmt: skip

    grow(0, 1)
    client.force_login(by)
    small = count_queries(client, url)
    grow(1, 6)
    assert_flat(small, count_queries(client, url), budget)
