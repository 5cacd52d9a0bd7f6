"""A facilitator composes, previews and publishes a pairing's infographic (issue 14, part 2): in
a real browser, with axe on every page passed and the pages held at 390 px. The demo's people
act (`seed --demo`, which publishes the Munich → Athens infographic); the facilitator makes its
second version. The texts typed here are made up for the test."""

from typing import Any

from playwright.sync_api import expect

from citygrow.reporting.models import Infographic
from tests.browser.a11y import assert_accessible
from tests.browser.people import log_in

CHALLENGE = "Few migrant-owned firms know the city's tender portal"


def fits_a_phone(page: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 800})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 800})


def test_a_facilitator_composes_previews_and_publishes_an_infographic(page: Any, demo: str) -> None:
    log_in(page, "fatima")
    page.goto("/cities/athens/")
    page.get_by_role("link", name="Munich → Athens").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Athens learns from Munich").click()
    expect(page.locator("figure.infographic svg")).to_be_visible()
    assert_accessible(page)
    fits_a_phone(page)
    page.get_by_role("button", name="Make a new version").click()

    # The editor: bad input first (too wide for its place); what was typed stays.
    expect(page.get_by_role("heading", level=1)).to_contain_text("version 2")
    assert_accessible(page)
    fits_a_phone(page)
    box = page.get_by_label("Challenges, item 3")
    box.fill("W" * 80)
    page.get_by_role("button", name="Save and preview").click()
    expect(page.get_by_text("Too long for its place on the printed page").first).to_be_visible()
    expect(page.get_by_label("Challenges, item 3")).to_have_value("W" * 80)
    assert_accessible(page)

    page.get_by_label("Challenges, item 3").fill(CHALLENGE)
    page.get_by_role("button", name="Save and preview").click()
    expect(page.get_by_text("Infographic saved").first).to_be_visible()
    expect(page.locator("figure.infographic svg")).to_contain_text("tender portal")
    expect(page.get_by_text("Draft").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Infographic published").first).to_be_visible()
    second = Infographic.objects.get(number=2)
    assert second.is_published and CHALLENGE in second.content["challenges"]
    page.get_by_role("button", name="Log out").click()

    # Anyone finds it in the gallery, with its files and its text version.
    page.goto("/infographics/?theme=A")
    assert_accessible(page)
    fits_a_phone(page)
    page.get_by_role("link", name="Athens learns from Munich", exact=True).click()
    expect(page.get_by_role("link", name="PDF, A4")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="PNG picture").click()
    assert download.value.suggested_filename.endswith(".png")
    page.get_by_role("link", name="Text version").click()
    expect(page.get_by_text(CHALLENGE)).to_be_visible()
    assert_accessible(page)
