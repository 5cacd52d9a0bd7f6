"""A facilitator of theme B enters a short two-key-factor toolkit on the pages (made-up test
text), its items saving as they are typed, and previews it; the pages pass axe (issue 12)."""

import re
from typing import Any

from playwright.sync_api import expect

from citygrow.catalogue.models import KeyFactor, Theme, Toolkit
from citygrow.people.models import Organisation, Role, User
from tests.browser.a11y import OVERFLOWING_JS, assert_accessible
from tests.browser.people import log_in


def label(text: str) -> re.Pattern[str]:
    """A field's label exactly (Django adds a colon)."""
    return re.compile(rf"^{re.escape(text)}:?$")


def facilitator_of_b() -> None:
    """Bea, of an organisation that facilitates theme B (password "citygrow-demo")."""
    organisation = Organisation.objects.create(name="Test facilitators of B")
    organisation.themes.add(Theme.objects.get(code="B"))
    bea = User.objects.create_user("bea", password="citygrow-demo")
    Role.objects.create(user=bea, kind="facilitator", organisation=organisation)


def start_the_first_edition(page: Any) -> None:
    page.goto("/toolkits/B/editions/")
    page.get_by_role("link", name="Start the first edition").click()
    form = page.locator("form", has=page.get_by_role("button", name="Start the first edition"))
    form.get_by_label("Edition year").fill("2026")
    form.get_by_label(label("Title")).fill("Test toolkit B")
    form.get_by_label("Source: title").fill("Test source")
    form.get_by_label("Source: publisher").fill("Test publisher")
    form.get_by_label("Source: year of publication").fill("2026")
    form.get_by_label("Credit").fill("Test credit")
    form.get_by_label("Integrating Cities standard").fill("Test standard statement.")
    form.get_by_role("button", name="Start the first edition").click()
    page.get_by_role("link", name="Edit the 2026 draft").click()


def add(page: Any, button: str, fields: dict[str, str], city: str | None = None) -> None:
    """Open the "add" part named `button`, fill it in and send it."""
    details = page.locator("details.add-item", has=page.get_by_text(button, exact=True))
    details.locator("summary").click()
    for name, value in fields.items():
        details.get_by_label(label(name)).fill(value)
    if city:
        details.get_by_label("City").select_option(city)
    details.get_by_role("button", name=button).click()


def test_a_facilitator_enters_a_two_key_factor_toolkit_and_previews_it(
    page: Any, site: str
) -> None:
    facilitator_of_b()
    log_in(page, "bea")
    start_the_first_edition(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("toolkit B, 2026 edition")
    assert_accessible(page)

    add(page, "Add a key factor", {"Heading": "Test factor one", "Why it matters": "Test why one."})
    add(page, "Add a guide question to key factor 1", {"Question": "Test question one?"})
    add(
        page,
        "Add an example to key factor 1",
        {"Text": "Test example from Ghent.", "Links": "https://example.org/ghent"},
        city="Ghent",
    )
    add(page, "Add a key factor", {"Heading": "Test factor two", "Why it matters": "Test why two."})
    add(
        page,
        "Add a guide question to key factor 2",
        {"Question": "Test question two?", "Sub-items": "First\nSecond"},
    )
    add(page, "Add a context factor", {"Category": "Test category", "Examples": "Test context"})
    expect(page.get_by_role("heading", name="2 Test factor two")).to_be_visible()

    # Typing saves the item, with a visible status, without reloading the page.
    page.evaluate("window.__sameDocument = true")
    toolkit = Toolkit.objects.get(theme__code="B", year=2026)
    first = KeyFactor.objects.get(toolkit=toolkit, position=1)
    item = page.locator(f"#factor-{first.pk}")
    summary = item.get_by_label("Summary")
    summary.fill("Test summary one.")
    # htmx attaches the form's input listener when it processes the content it swapped in; a
    # fill just after the last swap can come first (CI saw it once). One more input event a
    # moment later is saved then; if the first was heard, the delay makes the two one save.
    page.wait_for_timeout(200)
    summary.dispatch_event("input")
    expect(item.get_by_role("status")).to_have_text("Saved")
    assert page.evaluate("window.__sameDocument") is True, "the page reloaded"
    first.refresh_from_db()
    assert (first.summary, first.version) == ("Test summary one.", 2)
    item.get_by_label("Heading").fill("Test factor one, renamed")
    expect(page.get_by_role("heading", name="1 Test factor one, renamed")).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 800})
    assert page.evaluate(OVERFLOWING_JS) == [], "the edit page is wider than a phone"
    page.set_viewport_size({"width": 1280, "height": 800})

    page.get_by_role("link", name="Preview the edition").click()
    expect(page.get_by_role("heading", name="Draft preview of the 2026 edition")).to_be_visible()
    for text in ["Test factor one, renamed", "Test summary one.", "Test question two?", "Second"]:
        expect(page.get_by_text(text).first).to_be_visible()
    expect(page.get_by_text("Test example from Ghent.")).to_be_visible()
    assert_accessible(page)


def test_the_edit_page_works_without_javascript(page_without_js: Any, site: str) -> None:
    page = page_without_js
    facilitator_of_b()
    log_in(page, "bea")
    start_the_first_edition(page)
    add(page, "Add a term", {"Term": "Test term", "Definition": "Test definition."})
    toolkit = Toolkit.objects.get(theme__code="B", year=2026)
    term = toolkit.terms.get()
    item = page.locator(f"#term-{term.pk}")
    item.get_by_label("Definition").fill("Test definition, changed.")
    item.get_by_role("button", name="Save").click()
    assert page.url.endswith(f"#term-{term.pk}")
    term.refresh_from_db()
    assert term.definition == "Test definition, changed."
