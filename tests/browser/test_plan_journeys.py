"""Action plan journeys (issue 7): an implementing city's officer turns a gap into a plan,
adds an action and a sub-action, submits the plan, records both endorsements with their signed
PDFs, reports progress, and reads the timeline, the changes, the measured change and an import
preview; a mentor comments on a draft plan. Every page they pass through is checked with axe.

The plans are made in a pairing of their own (a second programme, Munich → Athens on theme A),
so that the journeys do not depend on what the demo holds."""

import re
from datetime import date
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from citygrow.catalogue.models import Theme, Toolkit
from citygrow.mentoring.models import Pairing, Programme, Scheme, SchemeCity
from citygrow.people.models import City, User
from citygrow.plans import services
from citygrow.plans.models import Action, ActionPlan, Endorsement, PlanComment, ProgressUpdate
from tests.browser.a11y import assert_accessible
from tests.browser.people import log_in
from tests.support.plans import SIGNED_PDF, assess_athens, key_factor


def _pairing() -> Pairing:
    """Munich mentors Athens on theme A in a programme of the test's own."""
    toolkit = Toolkit.objects.get(theme__code="A", year=2018)
    programme = Programme.objects.create(
        name="Plans journey programme",
        slug="plans-journey",
        starts_on=date(2024, 1, 1),
        ends_on=date(2026, 12, 31),
    )
    scheme = Scheme.objects.create(
        programme=programme, theme=Theme.objects.get(code="A"), toolkit=toolkit
    )
    munich, athens = City.objects.get(name="Munich"), City.objects.get(name="Athens")
    SchemeCity.objects.create(scheme=scheme, city=munich, role=SchemeCity.Role.MENTOR)
    SchemeCity.objects.create(scheme=scheme, city=athens, role=SchemeCity.Role.IMPLEMENTING)
    return Pairing.objects.create(scheme=scheme, mentor_city=munich, implementing_city=athens)


def _field(page: Any, label: str) -> Any:
    """The form field labelled exactly `label` (Django's label may end with a colon)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def _submit_with_keyboard(page: Any, button: str) -> None:
    """Reach the form's button with the keyboard and press it."""
    page.get_by_role("button", name=button).focus()
    page.keyboard.press("Enter")


def test_an_officer_plans_gets_the_plan_endorsed_and_follows_it_up(page: Any, demo: str) -> None:
    pairing = _pairing()
    assessment = assess_athens()
    log_in(page, "olga")

    # The scheme page offers to start the plan.
    page.goto(pairing.scheme.get_absolute_url())
    assert_accessible(page)
    page.get_by_role("link", name="Start the action plan of Athens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start the action plan of Athens")
    assert_accessible(page)
    page.get_by_label("Assessment it starts from").select_option(str(assessment.pk))
    page.get_by_label("Title").fill("Athens opens its doors")
    _submit_with_keyboard(page, "Start the plan")
    expect(page.get_by_role("heading", level=1)).to_have_text("Athens opens its doors")
    plan = ActionPlan.objects.get(pairing=pairing)
    assert plan.assessment == assessment
    assert_accessible(page)

    # An objective picked from the gaps: key factor 1 is the largest gap.
    page.get_by_role("link", name="Add an objective").click()
    assert_accessible(page)
    page.locator("main ul.stacked a").first.click()
    expect(page.get_by_text("(picked)")).to_be_visible()
    assert_accessible(page)
    title = _field(page, "Objective").input_value()
    assert title
    _field(page, "Objective").fill(title + " (for newcomers)")
    _submit_with_keyboard(page, "Save the objective")
    expect(page.get_by_role("status")).to_contain_text("Objective added")
    objective = plan.objectives.get()
    assert key_factor(1) in objective.key_factors.all()
    assert_accessible(page)

    # An action, then a sub-action of it, typed and submitted with the keyboard.
    page.get_by_role("link", name=re.compile(r"^Add an action to ")).click()
    assert_accessible(page)
    page.get_by_label("Title").fill("Open a one-stop shop")
    page.get_by_label("Lead department").fill("Social services")
    _field(page, "Start").fill("2024-06-01")
    _field(page, "End").fill("2030-12-31")
    page.get_by_label("Budget (EUR)").fill("12000")
    page.get_by_label("Progress (%)").fill("20")
    _submit_with_keyboard(page, "Save the action")
    expect(page.get_by_role("status")).to_contain_text("Action added")
    shop = Action.objects.get(plan=plan, title="Open a one-stop shop")
    assert_accessible(page)

    page.get_by_role("link", name="Add a sub-action to Open a one-stop shop").click()
    expect(page.get_by_label("Part of")).to_have_value(str(shop.pk))
    assert_accessible(page)
    page.get_by_label("Title").fill("Train the front desk")
    _field(page, "Start").fill("2024-07-01")
    _field(page, "End").fill("2030-06-30")
    page.get_by_label("Progress (%)").fill("60")
    _submit_with_keyboard(page, "Save the action")
    expect(page.get_by_role("status")).to_contain_text("Action added")
    desk = Action.objects.get(plan=plan, title="Train the front desk")
    assert desk.parent == shop

    # The parent's progress rolls up from its only sub-action, and so does the plan's.
    row = page.locator(f"#action-{shop.pk}")
    expect(row).to_contain_text("60 %")
    expect(row).to_contain_text("(from its sub-actions)")
    expect(page.locator(".facts")).to_contain_text("60 %")
    # The Gantt chart, and the same figures as a table.
    chart = page.locator("figure.chart-figure svg")
    expect(chart).to_have_count(1)
    expect(chart).to_have_attribute("role", "img")
    expect(chart.locator("title")).to_have_count(1)
    page.get_by_text("The schedule as a table").click()
    table = page.get_by_role("table", name="Actions with their dates, progress and status")
    expect(table).to_be_visible()
    expect(table.get_by_role("rowheader", name=re.compile("Train the front desk"))).to_be_visible()
    assert_accessible(page)

    # Submitted for endorsement (in the past, the month only known), then endorsed at both
    # levels with the signed documents, on the days they happened.
    page.get_by_label("Submitted on").fill("2024-06")
    page.get_by_role("button", name="Submit this version for endorsement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Version 1 of Athens opens its doors")
    expect(page.locator(".facts").first).to_contain_text("June 2024")
    assert_accessible(page)
    page.get_by_role("link", name="Back to the plan").click()
    expect(page.get_by_role("table", name="Versions submitted for endorsement")).to_contain_text(
        "June 2024"
    )
    for level, name, role, day in [
        ("administrative", "Eleni Papadopoulou", "Director-General", "2024-07-02"),
        ("political", "City Council of Athens", "City Council", "2024-07"),
    ]:
        page.get_by_role("link", name=f"Record the {level} endorsement of version 1").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Record an endorsement of version 1"
        )
        expect(page.get_by_role("radio", name=level.capitalize())).to_be_checked()
        assert_accessible(page)
        page.get_by_label("Endorsed by").fill(name)
        page.get_by_label("In the role of").fill(role)
        page.get_by_label("Date of the endorsement").fill(day)
        page.get_by_label("Signed document").set_input_files(
            files=[{"name": f"{level}.pdf", "mimeType": "application/pdf", "buffer": SIGNED_PDF}]
        )
        _submit_with_keyboard(page, "Record the endorsement")
        expect(page.get_by_role("heading", level=1)).to_have_text("Athens opens its doors")
        assert_accessible(page)
    plan.refresh_from_db()
    assert plan.is_endorsed
    assert Endorsement.objects.filter(version__plan=plan).count() == 2
    expect(page.locator(".facts")).to_contain_text("Endorsed")
    expect(page.get_by_text("City Council of Athens, City Council, on July 2024")).to_be_visible()
    document = page.request.get(
        page.get_by_role("link", name=re.compile("signed document of the political")).get_attribute(
            "href"
        )
    )
    assert document.ok and document.body().startswith(b"%PDF-")

    # The version as endorsed.
    page.get_by_role("link", name="Version 1", exact=True).click()
    assert_accessible(page)
    page.go_back()

    # Progress on the sub-action.
    page.get_by_text("The schedule as a table").click()
    page.get_by_role("link", name="Report progress on “Train the front desk”").click()
    assert_accessible(page)
    _field(page, "Date").fill(timezone.localdate().isoformat())
    page.get_by_label("What happened").fill("The front desk took the first two courses.")
    page.get_by_label("New progress (%)").fill("80")
    _submit_with_keyboard(page, "Report progress")
    expect(page.get_by_role("heading", level=1)).to_have_text("Athens opens its doors")
    update = ProgressUpdate.objects.get(action=desk)
    assert update.progress == 80
    expect(page.locator(f"#action-{shop.pk}")).to_contain_text("80 %")
    assert_accessible(page)

    # The timeline, the changes since the endorsed version, the measured change.
    page.get_by_role("link", name="Timeline of the plan").click()
    expect(page.get_by_text("The front desk took the first two courses.")).to_be_visible()
    assert_accessible(page)
    page.go_back()
    # An edit after the endorsement makes a new draft, compared with the endorsed version.
    page.get_by_role("link", name="Edit Open a one-stop shop").click()
    assert_accessible(page)
    page.get_by_label("Budget (EUR)").fill("15000")
    _submit_with_keyboard(page, "Save the action")
    page.get_by_role("link", name="The changes since the endorsed version 1").click()
    expect(page.get_by_role("main")).to_contain_text("15000")
    assert_accessible(page)
    page.goto(plan.get_absolute_url())
    page.get_by_role("link", name="Measured change since the plan started").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)

    # An import previews what a file exported from the plan changes: nothing.
    page.goto(plan.get_absolute_url())
    exported = page.request.get(
        page.get_by_role("link", name="The actions as a CSV file").get_attribute("href")
    )
    assert exported.ok
    page.get_by_role("link", name="Import actions").click()
    assert_accessible(page)
    page.get_by_label("CSV or XLSX file").set_input_files(
        files=[{"name": "actions.csv", "mimeType": "text/csv", "buffer": exported.body()}]
    )
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("heading", name="Preview")).to_be_visible()
    expect(page.get_by_text("adds 0 actions, changes 0 and leaves 2")).to_be_visible()
    assert_accessible(page)

    # The plan list.
    page.goto("/plans/")
    expect(page.get_by_role("link", name="Athens opens its doors")).to_be_visible()
    assert_accessible(page)


def test_a_mentor_comments_on_a_draft_plan(page: Any, demo: str) -> None:
    pairing = _pairing()
    olga = User.objects.get(username="olga")
    plan = services.start_plan(
        pairing=pairing, assessment=assess_athens(), title="Athens drafts its plan", by=olga
    )
    services.save_objective(
        plan=plan, title="Open a one-stop shop", key_factors=[key_factor(1).pk], by=olga
    )
    log_in(page, "mia")
    page.goto(pairing.scheme.get_absolute_url())
    assert_accessible(page)
    page.get_by_role("link", name="Action plan of Athens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Athens drafts its plan")
    # A mentor reads and comments, but does not edit the plan.
    expect(page.get_by_role("link", name="Add an objective")).to_have_count(0)
    assert_accessible(page)
    page.get_by_label("Your comment").fill("Ask Munich's one-stop shop for its opening hours.")
    _submit_with_keyboard(page, "Add the comment")
    expect(page.get_by_text("Ask Munich's one-stop shop for its opening hours.")).to_be_visible()
    assert PlanComment.objects.get(plan=plan).author.username == "mia"
    assert_accessible(page)
