"""What a reader does on CityGrow, in a real browser: the main journeys, the keyboard, and axe.

The expected content comes from the seed data through the ORM (toolkit A of 2018 and its key
factors, the practices a search should find), so the tests follow the data files rather than
copies of them.
"""

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from citygrow.catalogue.models import KeyFactor, Theme, Toolkit
from citygrow.people.models import City
from citygrow.practices.models import Practice
from tests.browser.a11y import FOCUS_OUTLINE_JS, OVERFLOWING_JS, axe_violations, describe

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="browser tests need the playwright Python package"
)
expect = sync_api.expect


def found(count: int) -> str:
    """The library's line that counts the results."""
    return f"{count} practice found." if count == 1 else f"{count} practices found."


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def htmx_response(page: Any) -> Any:
    """Wait for the library's next htmx request (use as a context manager)."""
    return page.expect_response(
        lambda response: (
            urlsplit(response.url).path == reverse("practices:list")
            and response.request.headers.get("hx-request") == "true"
        )
    )


# (1) From the home page to the city of an example of good practice.


def test_a_reader_finds_a_key_factor_of_toolkit_a_and_the_city_of_one_of_its_examples(
    page: Any,
) -> None:
    toolkit = Toolkit.objects.get(theme__code="A", year=2018)
    headings = list(toolkit.key_factors.order_by("position").values_list("heading", flat=True))
    assert len(headings) == 7
    # The last key factor with examples, so following its link has to scroll the page.
    factor = (
        KeyFactor.objects.filter(toolkit=toolkit, practices__isnull=False)
        .distinct()
        .order_by("position")
        .last()
    )
    assert factor is not None

    page.goto("/")
    main_nav = page.get_by_role("navigation", name="Main")
    main_nav.get_by_role("link", name="Toolkits").click()
    expect(page).to_have_url(re.compile(r"/toolkits/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Integrating Cities toolkits")
    expect(main_nav.get_by_role("link", name="Toolkits")).to_have_attribute("aria-current", "page")

    page.get_by_role("link", name=f"A. {toolkit.theme.title}", exact=True).click()
    expect(page).to_have_url(re.compile(r"/toolkits/A/2018/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(toolkit.title)

    standard = page.get_by_role("region", name="Integrating Cities standard")
    expect(standard).to_be_visible()
    expect(standard.locator("blockquote")).not_to_be_empty()

    contents = page.get_by_role("navigation", name="Key factors")
    expect(contents.get_by_role("link")).to_have_text(headings)
    expect(page.locator("section.key-factor h2")).to_have_text(
        [f"{position} {heading}" for position, heading in enumerate(headings, start=1)]
    )

    contents.get_by_role("link", name=factor.heading, exact=True).click()
    expect(page).to_have_url(re.compile(rf"#{factor.anchor}$"))
    section = page.get_by_role("region", name=f"{factor.position} {factor.heading}")
    expect(section.get_by_role("heading", level=2)).to_be_in_viewport()

    example_link = section.locator("article.example h4 a").first
    city_name = example_link.inner_text()
    example_link.click()

    expect(page).to_have_url(re.compile(r"/practices/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{city_name}: {factor.heading}")
    city = City.objects.get(name=city_name)
    city_link = page.locator("dl.facts").get_by_role("link", name=city_name, exact=True)
    expect(city_link).to_have_attribute("href", city.get_absolute_url())
    expect(page.locator("dl.facts")).to_contain_text(f"{factor.position}. {factor.heading}")


# (2) The good-practice library: search as you type, filters, odd input.


def test_a_reader_searching_the_library_sees_results_update_as_they_type_and_narrows_them_by_city(
    page: Any,
) -> None:
    matches = list(Practice.objects.search("finance").select_related("city", "key_factor"))
    assert len(matches) >= 2, "the seed data should have several practices about finance"
    city = min((p.city for p in matches), key=lambda c: c.name)
    in_city = [p for p in matches if p.city_id == city.pk]
    assert 0 < len(in_city) < len(matches)

    page.goto("/practices/")
    results = page.locator("#results")
    count = page.get_by_role("status")  # the count, announced to screen readers
    expect(count).to_have_text(found(Practice.objects.count()))
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads

    search = page.get_by_role("searchbox", name="Search")
    with htmx_response(page):
        search.press_sequentially("finance")  # and no Enter

    expect(count).to_have_text(found(len(matches)))
    titles = results.locator("ul.results > li h2")
    expect(titles).to_have_count(len(matches))
    assert sorted(titles.all_inner_texts()) == sorted(p.title for p in matches)
    expect(page).to_have_url(re.compile(r"[?&]q=finance(&|$)"))
    assert page.evaluate("window.__sameDocument") is True, "the page reloaded"
    expect(search).to_be_focused()

    with htmx_response(page):
        page.get_by_label("City", exact=True).select_option(label=city.name)

    expect(count).to_have_text(found(len(in_city)))
    expect(titles).to_have_count(len(in_city))
    assert sorted(titles.all_inner_texts()) == sorted(p.title for p in in_city)
    expect(page).to_have_url(re.compile(rf"[?&]city={city.slug}(&|$)"))
    query = query_of(page.url)
    assert query["q"] == ["finance"] and query["city"] == [city.slug]
    assert page.evaluate("window.__sameDocument") is True, "the page reloaded"


def test_a_search_of_only_punctuation_finds_nothing_and_shows_no_error(page: Any) -> None:
    page.goto("/practices/")
    with htmx_response(page) as response:
        page.get_by_role("searchbox", name="Search").press_sequentially("?!... ; -- ''")

    assert response.value.status == 200
    expect(page.get_by_role("status")).to_have_text(found(0))
    expect(page.locator("#results")).to_contain_text("No practice matches.")
    expect(page.get_by_role("alert")).to_have_count(0)
    assert query_of(page.url)["q"] == ["?!... ; -- ''"]


def test_a_300_character_search_is_answered_with_a_message_about_its_length(page: Any) -> None:
    limit = settings.CITYGROW_SEARCH_MAX_LENGTH
    text = ("integration of newcomers " * 20)[:299] + "s"
    assert len(text.strip()) == 300  # the form strips spaces before it counts
    page.goto("/practices/")
    with htmx_response(page) as response:
        page.get_by_role("searchbox", name="Search").fill(text)

    assert response.value.status == 200
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Please correct the search")
    expect(alert).to_contain_text(
        f"A search can be at most {limit} characters long (this one has 300)."
    )
    expect(page.get_by_role("status")).to_have_text(found(0))


def test_a_reader_without_javascript_searches_the_library_with_the_enter_key(
    page_without_js: Any,
) -> None:
    page = page_without_js
    matches = Practice.objects.search("finance").count()
    page.goto("/practices/")
    page.get_by_role("searchbox", name="Search").fill("finance")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert query_of(page.url)["q"] == ["finance"]
    expect(page.get_by_role("status")).to_have_text(found(matches))
    expect(page.get_by_role("searchbox", name="Search")).to_have_value("finance")


def test_a_reader_going_back_after_narrowing_a_search_sees_the_form_match_the_results(
    page: Any,
) -> None:
    """htmx pushes each search into the history; Back must show the search it lists."""
    city = City.objects.get(slug="helsinki")
    matches = Practice.objects.search("finance").count()
    page.goto("/practices/")
    search = page.get_by_role("searchbox", name="Search")
    city_select = page.get_by_label("City", exact=True)
    with htmx_response(page):
        search.press_sequentially("finance")
    with htmx_response(page):
        city_select.select_option(label=city.name)
    expect(page).to_have_url(re.compile(rf"[?&]city={city.slug}(&|$)"))

    page.go_back()

    expect(page).to_have_url(re.compile(r"[?&]city=(&|$)"))
    assert query_of(page.url)["q"] == ["finance"]
    expect(page.get_by_role("status")).to_have_text(found(matches))
    expect(city_select).to_have_value("")
    expect(search).to_have_value("finance")  # the URL and the results are for "finance"


# (3) A theme whose toolkit is not on CityGrow yet.


def test_a_reader_opening_theme_b_is_told_its_content_is_not_yet_available(page: Any) -> None:
    theme = Theme.objects.get(code="B")
    assert not theme.toolkits.exists()

    page.goto("/toolkits/")
    card = page.locator("li.card").filter(
        has=page.get_by_role("link", name=f"B. {theme.title}", exact=True)
    )
    expect(card).to_contain_text("Content not yet available.")

    card.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/toolkits/B/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"B. {theme.title}")
    expect(page.get_by_role("main")).to_contain_text("Content not yet available.")


# (4) The keyboard.


@pytest.mark.parametrize("path", ["/", "/toolkits/A/2018/"], ids=["home", "toolkit A"])
def test_a_keyboard_user_meets_the_skip_link_first_and_it_moves_focus_to_main(
    page: Any, path: str
) -> None:
    page.goto(path)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()  # shown while it has focus

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.get_by_role("main")).to_be_focused()

    page.keyboard.press("Tab")  # the next stop is in the content, not the header again
    assert page.evaluate("document.activeElement.closest('main') !== null"), page.evaluate(
        "document.activeElement.outerHTML"
    )


def test_a_keyboard_user_sees_a_focus_outline_with_3_to_1_contrast_on_every_stop_in_main(
    page: Any,
) -> None:
    """WCAG 1.4.11 (non-text contrast) applied to the focus indicator, and 2.4.7 (visible)."""
    problems: dict[str, list[str]] = {}
    for path in ("/", "/practices/"):
        page.goto(path)
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")  # the skip link: focus is on <main>
        for _ in range(60):
            page.keyboard.press("Tab")
            stop = page.evaluate(FOCUS_OUTLINE_JS)
            if not stop["inMain"]:
                break
            if not stop["visible"] or stop["contrast"] < 3:
                problem = f"outline {stop['outline']} on {stop['background']}: {stop['contrast']}:1"
                problems.setdefault(problem, []).append(f"{path} {stop['element']}")
    assert not problems, "focus outlines under 3:1 or invisible:\n" + "\n".join(
        f"{problem}, {len(stops)} stops, e.g. {'; '.join(stops[:3])}"
        for problem, stops in problems.items()
    )


# (5) axe-core: WCAG 2.0 and 2.1, A and AA.


def _toolkit_a() -> str:
    return Toolkit.objects.get(theme__code="A", year=2018).get_absolute_url()


def _a_practice() -> str:
    """A practice of toolkit A whose page shows every section: links and related examples."""
    practices = Practice.objects.filter(toolkit__theme__code="A").exclude(links=[])
    for practice in practices:
        if Practice.objects.filter(key_factor=practice.key_factor_id).count() > 1:
            return practice.get_absolute_url()
    return practices.first().get_absolute_url()


def _a_city() -> str:
    return City.objects.filter(practices__isnull=False).distinct().first().get_absolute_url()


def _library_with_a_too_long_search() -> str:
    return reverse("practices:list") + "?q=" + "x" * (settings.CITYGROW_SEARCH_MAX_LENGTH + 1)


PAGES: dict[str, Callable[[], str]] = {
    "home": lambda: reverse("home"),
    "toolkit list": lambda: reverse("catalogue:toolkit_list"),
    "toolkit A": _toolkit_a,
    "theme B, no content yet": lambda: reverse("catalogue:theme", args=["B"]),
    "practice list": lambda: reverse("practices:list"),
    "practice list, search refused": _library_with_a_too_long_search,
    "a practice": _a_practice,
    "city list": lambda: reverse("people:city_list"),
    "a city": _a_city,
}


@pytest.mark.parametrize("name", list(PAGES))
def test_a_page_has_no_wcag_a_or_aa_violations_found_by_axe(page: Any, name: str) -> None:
    response = page.goto(PAGES[name]())
    assert response is not None and response.ok, f"{name}: HTTP {response and response.status}"
    violations = axe_violations(page)
    assert not violations, f"axe found violations on {name} ({page.url}):\n" + describe(violations)


def test_the_axe_check_itself_fails_a_page_with_an_image_without_alt_text(browser: Any) -> None:
    """The harness itself: a page with a known fault must not pass."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content(
            '<!doctype html><html lang="en"><title>t</title><main><img src="data:,"></main></html>'
        )
        assert [v["id"] for v in axe_violations(page)] == ["image-alt"]
    finally:
        context.close()


# WCAG 1.4.10 reflow: at 320 CSS px wide (1280 px at 400 % zoom) nothing scrolls sideways.


def test_every_page_reflows_at_320_css_pixels_without_scrolling_sideways(page: Any) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    overflowing = {}
    for name, path in PAGES.items():
        page.goto(path())
        found_here = page.evaluate(OVERFLOWING_JS)
        if found_here:
            overflowing[f"{name} ({urlsplit(page.url).path})"] = found_here
    assert not overflowing, "wider than 320 px:\n" + "\n".join(
        f"{name}:\n    " + "\n    ".join(elements) for name, elements in overflowing.items()
    )
