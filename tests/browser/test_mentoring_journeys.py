"""Mentoring journeys in the demo: a coordinator pairs the cities of scheme C from the
recommender's proposal and plans both visits; a facilitator files and publishes a visit report.
Every page they pass through is checked with axe."""

import re
from typing import Any

from playwright.sync_api import expect

from citygrow.mentoring.models import Pairing, Visit, VisitReport
from tests.browser.a11y import assert_accessible
from tests.browser.people import log_in


def test_a_coordinator_pairs_cities_from_the_proposal_and_plans_both_visits(
    page: Any, demo: str
) -> None:
    log_in(page, "cora")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Programmes").click()
    assert_accessible(page)
    page.get_by_role("link", name="CITIES GROW").click()
    expect(page.get_by_text("illustrative", exact=False).first).to_be_visible()
    assert_accessible(page)
    page.locator(".cards").get_by_role("link", name=re.compile(r"^C\. ")).first.click()
    assert_accessible(page)

    page.get_by_role("link", name="Propose pairings").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pairing proposal")
    # Each proposed pair comes with its reason in figures.
    expect(
        page.get_by_text(re.compile(r"Rotterdam scores \d+ on .+, where Riga scores \d+"))
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Accept these pairings").click()
    expect(page.get_by_role("status")).to_contain_text("2")
    assert Pairing.objects.filter(scheme__theme__code="C").count() == 2
    assert_accessible(page)

    for kind, first, last in (
        ("study", "2018-03-05", "2018-03-07"),
        ("mentoring", "2018-06-11", "2018-06-13"),
    ):
        page.get_by_role("link", name=f"Plan a {kind} visit for Riga").click()
        expect(page.get_by_role("radio", name=f"{kind.capitalize()} visit")).to_be_checked()
        page.get_by_label("First day").fill(first)
        page.get_by_label("Last day").fill(last)
        page.get_by_label("Agenda").fill(f"Day 1: introductions. Day 2: site visits ({kind}).")
        assert_accessible(page)
        page.get_by_role("button", name="Plan the visit").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(
            "Study visit" if kind == "study" else "Mentoring visit"
        )
        assert_accessible(page)
        calendar = page.request.get(
            page.get_by_role("link", name="Add to calendar (.ics)").get_attribute("href")
        )
        assert calendar.ok and b"BEGIN:VEVENT" in calendar.body()
        page.go_back()
        page.go_back()
        page.reload()

    visits = Visit.objects.filter(pairing__implementing_city__name="Riga")
    assert sorted(visits.values_list("kind", flat=True)) == ["mentoring", "study"]
    study = visits.get(kind="study")
    assert study.host_city.name == "Rotterdam"


def test_a_facilitator_files_and_publishes_a_visit_report(page: Any, demo: str) -> None:
    visit = Visit.objects.get(pairing__implementing_city__name="Athens", kind="mentoring")
    log_in(page, "fatima")
    page.goto(f"/visits/{visit.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Write the report").click()
    assert_accessible(page)
    page.get_by_label("Summary").fill("The city's procurement team met the mentors.")
    finding = page.get_by_role("group", name="Finding 1")
    finding.get_by_label("Kind").select_option(label="Strength")
    finding.get_by_label("Finding").fill("Procurement officers already track supplier diversity.")
    finding.get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Save the report").click()
    expect(
        page.get_by_text("Procurement officers already track supplier diversity.")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Publish the report").click()
    expect(page.get_by_role("status")).to_contain_text("published")
    report = VisitReport.objects.get(visit=visit)
    assert report.is_published
    assert report.findings.get().key_factors.count() == 1
