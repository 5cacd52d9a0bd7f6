"""Pairing by hand in the demo (issue 12): a coordinator unpairs and pairs two cities of scheme B,
whose theme has no toolkit, on the scheme page; a pairing with visits and an action plan is not
removed, and its page says why and what to do. Every page they pass through is checked with axe.
"""

import re
from typing import Any

from playwright.sync_api import expect

from citygrow.mentoring.models import Pairing
from tests.browser.a11y import assert_accessible
from tests.browser.people import log_in


def _open_scheme(page: Any, code: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Programmes").click()
    page.get_by_role("link", name="CITIES GROW").click()
    page.locator(".cards").get_by_role("link", name=re.compile(rf"^{code}\. ")).first.click()


def test_a_coordinator_pairs_two_cities_by_hand_on_theme_b_and_unpairs_them(
    page: Any, demo: str
) -> None:
    log_in(page, "cora")
    _open_scheme(page, "B")
    expect(page.get_by_text("This theme has no published toolkit yet.")).to_be_visible()
    # The scheme page tells who gets access through a pairing, so nobody invites them again.
    expect(page.locator("#pairing-access")).to_contain_text(
        "The officers of a mentor city are mentors of the implementing city"
    )
    assert_accessible(page)

    # Every implementing city has a mentor: free Tampere first.
    page.get_by_role("link", name="Remove pairing Utrecht → Tampere").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Remove the pairing Utrecht → Tampere"
    )
    expect(
        page.get_by_text("the officers of Utrecht stop being mentors of Tampere")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Remove the pairing").click()
    expect(page.get_by_role("status")).to_contain_text("The pairing Utrecht → Tampere was removed.")
    assert not Pairing.objects.filter(
        scheme__theme__code="B", implementing_city__name="Tampere"
    ).exists()
    assert_accessible(page)

    # Pair them by hand (there is no toolkit, so no proposal to accept).
    page.get_by_role("combobox", name="Mentor city").select_option(label="Utrecht")
    page.get_by_role("combobox", name="Implementing city").select_option(label="Tampere")
    page.get_by_role("button", name="Pair the two cities").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Utrecht → Tampere paired. The officers of Utrecht are now mentors of Tampere on this "
        "theme."
    )
    expect(page.get_by_role("row", name=re.compile("Utrecht → Tampere"))).to_contain_text(
        "the officers of Utrecht"
    )
    pairing = Pairing.objects.get(scheme__theme__code="B", implementing_city__name="Tampere")
    assert pairing.mentor_city.name == "Utrecht"
    assert_accessible(page)

    # The form refuses what the scheme's rules do not allow, with the reason.
    page.get_by_role("link", name="Remove pairing Utrecht → Tampere").click()
    page.get_by_role("button", name="Remove the pairing").click()
    page.get_by_role("combobox", name="Mentor city").select_option(label="Ghent (full)")
    page.get_by_role("combobox", name="Implementing city").select_option(label="Tampere")
    page.get_by_role("button", name="Pair the two cities").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Ghent would mentor 2 implementing cities; this scheme allows 1 per mentor."
    )
    assert_accessible(page)


def test_a_pairing_with_visits_and_a_plan_stays_and_its_page_says_what_to_do(
    page: Any, demo: str
) -> None:
    log_in(page, "cora")
    _open_scheme(page, "A")
    page.get_by_role("link", name="Remove pairing Munich → Athens").click()
    expect(page.get_by_role("alert")).to_contain_text("This pairing cannot be removed now.")
    expect(page.get_by_role("alert")).to_contain_text("and an action plan")
    expect(page.get_by_role("heading", name="What to do")).to_be_visible()
    expect(page.get_by_role("button", name="Remove the pairing")).to_have_count(0)
    assert_accessible(page)
    # The way out: the visits and the plan, one click away.
    page.get_by_role("heading", name="Action plan").locator("xpath=following::a[1]").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Athens")
    assert Pairing.objects.filter(
        scheme__theme__code="A", implementing_city__name="Athens"
    ).exists()
