"""A coordinator keeps a city's key figures on its page (issue 13 part 1): a refused figure says
why, a recorded one shows with its year and source. Every page passed is checked with axe, and
the city page holds at 390 px wide. The figures are made up for the test."""

from typing import Any

from playwright.sync_api import expect

from citygrow.people.models import CityFigure
from tests.browser.a11y import assert_accessible
from tests.browser.people import log_in


def test_a_coordinator_records_a_citys_population_with_its_year_and_source(
    page: Any, demo: str
) -> None:
    log_in(page, "cora")
    page.goto("/cities/riga/")
    assert_accessible(page)
    page.get_by_role("link", name="Add or correct a figure").click()
    assert_accessible(page)

    page.get_by_role("combobox", name="Indicator").select_option(label="Population")
    page.get_by_label("Value").fill("-5")
    page.get_by_label("Source").fill("Test office")
    page.get_by_role("button", name="Record the figure").click()
    expect(page.get_by_text("Give the year the figure is about.")).to_be_visible()
    assert_accessible(page)
    assert not CityFigure.objects.filter(city__slug="riga").exists()

    page.get_by_label("Year").fill("2021")
    page.get_by_role("button", name="Record the figure").click()
    expect(page.get_by_text("A figure cannot be negative.")).to_be_visible()
    page.get_by_label("Value").fill("614618")
    page.get_by_role("button", name="Record the figure").click()

    expect(page.get_by_role("heading", name="Key figures")).to_be_visible()
    expect(page.get_by_text("614,618 (2021; source: Test office)")).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 800})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
