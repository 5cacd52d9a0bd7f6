"""A plan on a theme without a toolkit (issue 12, part 2), in the browser: Nicosia's officer
starts the plan from a finding of a visit before any assessment; once a (made-up, test-only)
toolkit for the theme is published, the facilitator ties the finding to a key factor and the
officer ties the plan to the city's assessment. Every page they pass through is checked with
axe.

The plan is made in a pairing of its own (a programme of the test's, Barcelona → Nicosia on
theme D), so that the journey does not depend on what the demo holds."""

import re
from datetime import date
from typing import Any

from playwright.sync_api import expect

from citygrow.catalogue.models import KeyFactor, Theme
from citygrow.mentoring import services as mentoring
from citygrow.mentoring.models import Finding, Pairing, Programme, Scheme, SchemeCity, Visit
from citygrow.people.models import City, Organisation, User
from citygrow.plans.models import ActionPlan
from tests.browser.a11y import assert_accessible
from tests.browser.people import log_in
from tests.support.no_toolkit import assess_on, publish_toolkit_b

BARRIER = "Test barrier: no shared way of recording complaints."


def _pairing() -> Pairing:
    """Barcelona mentors Nicosia on theme D (no toolkit) in a programme of the test's own, with
    a study visit whose published report has a barrier without key factors."""
    programme = Programme.objects.create(
        name="No toolkit journey programme",
        slug="no-toolkit-journey",
        starts_on=date(2024, 1, 1),
        ends_on=date(2026, 12, 31),
    )
    scheme = Scheme.objects.create(
        programme=programme,
        theme=Theme.objects.get(code="D"),
        facilitator=Organisation.objects.get(name="Migration Policy Group"),
    )
    barcelona, nicosia = City.objects.get(name="Barcelona"), City.objects.get(name="Nicosia")
    SchemeCity.objects.create(scheme=scheme, city=barcelona, role=SchemeCity.Role.MENTOR)
    SchemeCity.objects.create(scheme=scheme, city=nicosia, role=SchemeCity.Role.IMPLEMENTING)
    pairing = Pairing.objects.create(
        scheme=scheme, mentor_city=barcelona, implementing_city=nicosia
    )
    fatima = User.objects.get(username="fatima")
    visit = Visit.objects.create(
        pairing=pairing, kind="study", starts_on=date(2024, 3, 4), ends_on=date(2024, 3, 6)
    )
    report = mentoring.save_report(
        visit=visit,
        summary="Test summary.",
        findings=[mentoring.FindingIn(kind="barrier", text=BARRIER)],
        by=fatima,
    )
    mentoring.publish_report(report=report, by=fatima)
    return pairing


def _field(page: Any, label: str) -> Any:
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def test_a_plan_starts_from_a_finding_and_is_tied_to_an_assessment_later(
    page: Any, demo: str
) -> None:
    pairing = _pairing()
    log_in(page, "nico")

    page.goto(pairing.scheme.get_absolute_url())
    page.get_by_role("link", name="Start the action plan of Nicosia").click()
    expect(page.get_by_text("has no published toolkit yet")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Title").fill("Nicosia, from the visit")
    page.get_by_role("button", name="Start the plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nicosia, from the visit")
    expect(page.locator("#assessment")).to_contain_text("No assessment yet")
    assert_accessible(page)
    plan = ActionPlan.objects.get(pairing=pairing)

    # The barrier is offered; picked, it is saved without a key factor.
    page.get_by_role("link", name="Add an objective").click()
    page.get_by_role("link", name=BARRIER).click()
    expect(page.get_by_text("(picked)")).to_be_visible()
    expect(_field(page, "Objective")).to_have_value(BARRIER)
    assert_accessible(page)
    page.get_by_role("button", name="Save the objective").click()
    expect(page.get_by_role("status")).to_contain_text("Objective added")
    objective = plan.objectives.get()
    assert objective.source == "finding" and not objective.key_factors.exists()
    assert_accessible(page)

    # A toolkit for D is published; the facilitator ties the finding to a key factor.
    toolkit = publish_toolkit_b("D")
    first = KeyFactor.objects.get(toolkit=toolkit, position=1)
    finding = Finding.objects.get(text=BARRIER)
    page.get_by_role("button", name="Log out").click()
    log_in(page, "fatima")
    page.goto(finding.report.visit.get_absolute_url())
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("^Tie it to key factors")).click()
    assert_accessible(page)
    page.get_by_label("1. Test factor 1").check()
    page.get_by_role("button", name="Save the key factors").click()
    expect(page.get_by_role("status")).to_contain_text("tied to its key factors")
    assert list(finding.key_factors.all()) == [first]

    # Nicosia assesses itself; its officer ties the plan to that assessment.
    assessment = assess_on(
        toolkit,
        User.objects.get(username="nico"),
        answers={1: "no", 2: "partly"},
        assessed_on=date(2024, 6, 1),
        city="Nicosia",
    )
    page.get_by_role("button", name="Log out").click()
    log_in(page, "nico")
    page.goto(plan.get_absolute_url())
    expect(page.get_by_role("heading", name="Tie the plan to an assessment")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("The city's assessment").select_option(str(assessment.pk))
    page.get_by_role("button", name="Tie the plan to this assessment").click()
    expect(page.get_by_role("status")).to_contain_text("The plan now starts from")
    expect(page.locator("#assessment")).to_contain_text(assessment.title)
    expect(page.get_by_text("One objective is not tied to a key factor yet")).to_be_visible()
    assert_accessible(page)
    plan.refresh_from_db()
    assert plan.assessment == assessment
