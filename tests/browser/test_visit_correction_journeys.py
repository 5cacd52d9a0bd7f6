"""Correcting visits in the demo (issue 13 part 2): a coordinator cancels a visit called off,
and deletes a mistaken visit and then the mistaken pairing it hung on. Every page they pass
through is checked with axe."""

import datetime
import re
from typing import Any

from playwright.sync_api import expect

from citygrow.mentoring import services
from citygrow.mentoring.models import Pairing, Scheme, Visit, VisitReport
from citygrow.people.models import City, User
from tests.browser.a11y import assert_accessible
from tests.browser.people import log_in


def test_a_coordinator_cancels_a_visit_that_was_called_off(page: Any, demo: str) -> None:
    visit = Visit.objects.get(pairing__implementing_city__name="Athens", kind="mentoring")
    log_in(page, "cora")
    page.goto(f"/visits/{visit.pk}/")
    page.get_by_role("link", name="Cancel the visit").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Cancel the mentoring visit to Athens"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Cancel the visit").click()
    expect(page.get_by_text("Say why the visit is cancelled.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Why the visit is cancelled").fill("Postponed: a strike closed the airport")
    page.get_by_role("button", name="Cancel the visit").click()
    expect(page.locator("#cancelled")).to_contain_text("Postponed: a strike closed the airport")
    expect(page.get_by_role("link", name="Change the visit")).to_have_count(0)
    assert_accessible(page)
    visit.refresh_from_db()
    assert visit.is_cancelled


def test_a_coordinator_deletes_a_mistaken_visit_and_then_the_mistaken_pairing(
    page: Any, demo: str
) -> None:
    cora = User.objects.get(username="cora")
    scheme = Scheme.objects.get(programme__slug="cities-grow", theme__code="C")
    rotterdam, riga = City.objects.get(name="Rotterdam"), City.objects.get(name="Riga")
    [pairing] = services.make_pairings(scheme=scheme, pairs=[(rotterdam.pk, riga.pk)], by=cora)
    visit = services.save_visit(
        pairing=pairing,
        kind="study",
        starts_on=datetime.date(2018, 3, 5),
        ends_on=datetime.date(2018, 3, 7),
        agenda="Entered on the wrong pairing",
        participants=[],
        by=cora,
    )
    services.save_report(
        visit=visit,
        summary="Draft",
        findings=[services.FindingIn(kind="strength", text="A made-up test finding")],
        by=cora,
    )

    log_in(page, "cora")
    page.goto(scheme.get_absolute_url())
    page.get_by_role("link", name="Remove pairing Rotterdam → Riga").click()
    expect(page.get_by_role("alert")).to_contain_text("This pairing cannot be removed now.")
    page.get_by_role("link", name=re.compile(r"^delete it")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Delete the study visit to Rotterdam"
    )
    expect(page.locator("#report-goes")).to_contain_text("the summary and 1 finding")
    assert_accessible(page)
    page.get_by_role("button", name="Delete the visit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remove the pairing Rotterdam → Riga")
    expect(page.get_by_role("status")).to_contain_text("was deleted")
    assert_accessible(page)
    page.get_by_role("button", name="Remove the pairing").click()
    expect(page.get_by_role("status")).to_contain_text("was removed")
    assert not Visit.objects.filter(pk=visit.pk).exists()
    assert not VisitReport.objects.filter(visit_id=visit.pk).exists()
    assert not Pairing.objects.filter(pk=pairing.pk).exists()
