"""A city contributes a practice, a facilitator publishes it, and a plan adapts it (issue 13,
parts 4 and 5): in a real browser, with axe on every page passed and the pages held at 390 px.
The demo's people act (`seed --demo`); the texts typed here are made up for the test."""

import re
from typing import Any

from django.urls import reverse
from playwright.sync_api import expect

from citygrow.demo.plan import TITLE
from citygrow.plans.models import ActionPlan
from citygrow.practices.models import Practice
from tests.browser.a11y import assert_accessible
from tests.browser.people import log_in

NAME = "Business mentors from the diaspora"


def fits_a_phone(page: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 800})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 800})


def test_an_officer_contributes_a_practice_and_a_facilitator_publishes_it(
    page: Any, demo: str
) -> None:
    log_in(page, "mia")
    page.goto("/practices/")
    page.get_by_role("link", name="Contribute a practice").click()
    assert_accessible(page)

    # Bad input first: no title and no theme; what was typed stays.
    page.get_by_label("Full text").fill("Entrepreneurs who arrived years ago mentor newcomers.")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_text("Choose at least one theme the practice serves.").first).to_be_visible()
    expect(page.get_by_label("Full text")).to_have_value(
        "Entrepreneurs who arrived years ago mentor newcomers."
    )
    assert_accessible(page)
    assert not Practice.objects.filter(origin=Practice.Origin.CONTRIBUTED, name=NAME).exists()

    page.get_by_label("Title").fill(NAME)
    page.get_by_label("Summary").fill("Made up for the test.")
    page.get_by_role("checkbox", name=re.compile(r"^A\. ")).check()
    page.get_by_label("What was measured").first.fill("Mentoring pairs")
    page.get_by_label("Figure").first.fill("40")
    page.get_by_role("button", name="Save the draft").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    expect(page.get_by_text("Draft", exact=False).first).to_be_visible()
    assert_accessible(page)
    fits_a_phone(page)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Submitted for review").first).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    # Theme A's facilitator finds it waiting, and publishes it.
    log_in(page, "fatima")
    page.goto("/practices/review/")
    assert_accessible(page)
    page.get_by_role("link", name=NAME).click()
    assert_accessible(page)
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published").first).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    # Anyone finds it in the library, marked as contributed by Munich.
    page.goto("/practices/?source=contributed")
    assert_accessible(page)
    result = page.get_by_role("link", name=NAME)
    expect(result).to_be_visible()
    expect(page.get_by_text("Contributed by Munich").first).to_be_visible()
    fits_a_phone(page)


def test_the_implementing_city_cites_a_mentor_city_practice_and_its_page_shows_it(
    page: Any, demo: str
) -> None:
    plan = ActionPlan.objects.get(title=TITLE)
    objective = plan.objectives.order_by("position").last()
    vienna = Practice.objects.get(
        city__name="Vienna", toolkit__theme__code="A", key_factor__position=2
    )
    log_in(page, "olga")
    page.goto(reverse("plans:objective_edit", args=[plan.pk, objective.pk]))
    assert_accessible(page)

    # A practice that is not in the library is refused beside the field.
    box = page.get_by_label("Other practices of the library it adapts")
    box.fill("999999")
    page.get_by_role("button", name=re.compile("Save")).click()
    expect(page.get_by_text(re.compile("no practice 999999"))).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Other practices of the library it adapts").fill(f"/practices/{vienna.pk}/")
    page.get_by_role("button", name=re.compile("Save")).click()
    expect(page.get_by_text("Adapts:").first).to_be_visible()
    assert_accessible(page)
    fits_a_phone_plan = page.get_by_role("link", name=vienna.title).first
    expect(fits_a_phone_plan).to_be_visible()

    # The practice's page says where it was adapted.
    fits_a_phone_plan.click()
    expect(page.get_by_role("heading", name="Where it was adapted")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Adapted by Athens in its \d{4} plan"))).to_be_visible()
    assert_accessible(page)
    fits_a_phone(page)
