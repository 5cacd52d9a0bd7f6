"""A city answers a Charter survey cycle, the coordinator accepts it and reads the aggregate
(issue 15), in a real browser: ratings save as they are given (htmx), the answer, response and
results pages pass axe and hold at 390 px. The demo's people act (`seed --demo`): olga answers for
Athens, cora coordinates. The cycle is opened here, under a label of its own."""

import datetime
import re
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from citygrow.people.models import City, User
from citygrow.survey import services
from citygrow.survey.models import Cycle, Response
from tests.browser.a11y import assert_accessible
from tests.browser.people import log_in
from tests.support.survey import charter_edition


def open_journey_cycle() -> Cycle:
    """A cycle open today, inviting Athens (recorded as a signatory for it)."""
    today = timezone.localdate()
    City.objects.filter(name="Athens").update(charter_signatory=True)
    return services.open_cycle(
        questionnaire=charter_edition(),
        label="journey",
        title="Charter survey, browser journey",
        opens_on=today - datetime.timedelta(days=3),
        closes_on=today + datetime.timedelta(days=30),
        cities=City.objects.filter(name="Athens"),
        by=User.objects.get(username="cora"),
    )


def fits_a_phone(page: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 800})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 800})


def test_an_officer_answers_and_submits_and_the_coordinator_reads_the_aggregate(
    page: Any, demo: str
) -> None:
    cycle = open_journey_cycle()
    athens = Response.objects.get(cycle=cycle, city__name="Athens")

    log_in(page, "olga")
    page.goto(cycle.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Charter survey, browser journey")
    page.get_by_role("link", name=re.compile(r"^Answer")).click()
    expect(page.get_by_text("0 of 11 commitments rated")).to_be_visible()
    assert_accessible(page)
    fits_a_phone(page)

    page.evaluate("window.__sameDocument = true")
    forms = page.locator("form.question")
    forms.nth(0).get_by_label("Fully").check()
    expect(forms.nth(0).get_by_role("status")).to_have_text("Saved")
    expect(page.get_by_text("1 of 11 commitments rated")).to_be_visible()
    second = forms.nth(1)
    second.get_by_text("Evidence and links").click()
    second.get_by_label("Evidence").fill("An equality plan, adopted in 2018.")
    second.get_by_label("Partly").check()
    expect(second.get_by_role("status")).to_have_text("Saved")
    expect(page.get_by_text("2 of 11 commitments rated")).to_be_visible()
    assert page.evaluate("window.__sameDocument") is True, "the page reloaded"
    ratings = dict(athens.answers.values_list("commitment__code", "rating"))
    assert ratings == {"PM1": "fully", "PM2": "partly"}
    assert athens.answers.get(commitment__code="PM2").evidence == (
        "An equality plan, adopted in 2018."
    )
    assert_accessible(page)

    page.get_by_role("link", name="See all answers and submit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Athens: Charter survey, browser journey"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.get_by_text("Submitted with 9 commitments not rated")).to_be_visible()
    athens.refresh_from_db()
    assert athens.status == Response.Status.SUBMITTED
    page.get_by_role("button", name="Log out").click()

    log_in(page, "cora")
    page.goto(cycle.get_absolute_url())
    page.get_by_role("link", name="Athens").click()
    expect(page.locator("#status")).to_have_text("submitted")
    assert_accessible(page)
    page.get_by_role("button", name="Accept", exact=True).click()
    accepted = page.get_by_text("Accepted: the response counts in the cycle's results.")
    expect(accepted).to_be_visible()
    expect(page.locator("#status")).to_have_text("accepted")
    athens.refresh_from_db()
    assert athens.status == Response.Status.ACCEPTED
    assert_accessible(page)

    # The coordinator reads the cycle's results (not published yet: only coordinators see them),
    # publishes them, and the public reads them too.
    page.goto(cycle.get_absolute_url())
    page.get_by_role("link", name="The results so far (not published)").click()
    expect(page.locator("#response-rate")).to_contain_text("1 of 1 invited city responded")
    pm2 = page.locator("#distribution-table tr", has_text="PM2")
    expect(pm2.locator("td").nth(1)).to_have_text("1")  # one city: partly
    assert_accessible(page)
    fits_a_phone(page)
    page.get_by_role("button", name="Publish the results").click()
    expect(page.get_by_text("The results are published")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    page.goto(f"/charter/cycles/{cycle.pk}/results/")
    expect(page.locator("#network-mean")).to_contain_text("75.0")
