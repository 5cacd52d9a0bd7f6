"""Toolkit edition journeys (issue 12, part 1): a facilitator of theme B, which has no content,
starts its first edition, uploads a toolkit file into the draft (made-up test text: never
benchmark text), previews it, publishes it and compares it; every page is checked with axe, and
the comparison at 390 px wide does not scroll sideways."""

import re
from typing import Any

from playwright.sync_api import expect

from citygrow.catalogue.models import Theme, Toolkit
from citygrow.people.models import Organisation, Role, User
from tests.browser.a11y import OVERFLOWING_JS, assert_accessible
from tests.browser.people import log_in
from tests.support.toolkits import made_up_toolkit


def _facilitator_of_b() -> None:
    organisation = Organisation.objects.create(name="Journey organisation for B")
    organisation.themes.add(Theme.objects.get(code="B"))
    user = User.objects.create_user("bea", password="citygrow-demo", first_name="Bea")
    Role.objects.create(user=user, kind="facilitator", organisation=organisation)


def _field(page: Any, label: str) -> Any:
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def test_a_facilitator_starts_uploads_previews_and_publishes_the_first_edition_of_b(
    page: Any, site: str, tmp_path: Any
) -> None:
    _facilitator_of_b()
    log_in(page, "bea")

    # The theme without content offers to start its first edition.
    page.goto("/toolkits/B/")
    assert_accessible(page)
    page.get_by_role("link", name="Start the first edition").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Start the first edition of B.")
    assert_accessible(page)
    _field(page, "Edition year").fill("2026")
    _field(page, "Title").fill("Test toolkit B")
    _field(page, "Source: title").fill("Test source")
    _field(page, "Source: publisher").fill("Test publisher")
    _field(page, "Source: year of publication").fill("2026")
    _field(page, "Credit").fill("Test credit.")
    _field(page, "Integrating Cities standard").fill("Test standard statement.")
    page.get_by_role("button", name="Start the first edition").click()

    # The editions page lists the draft with its actions.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Editions of toolkit B.")
    expect(page.get_by_role("heading", name=re.compile("2026 edition"))).to_be_visible()
    assert_accessible(page)

    # Publishing the blank draft is refused: it has no key factor yet.
    page.get_by_role("link", name="Publish the 2026 draft").click()
    expect(page.get_by_role("heading", name="Not ready to publish")).to_be_visible()
    assert_accessible(page)

    # A file with a problem: every problem listed, the draft untouched.
    page.goto("/toolkits/B/2026/upload/")
    assert_accessible(page)
    bad = tmp_path / "bad.yaml"
    bad.write_text(made_up_toolkit("B").replace("why: Test reason 1.", "wy: x"), encoding="utf-8")
    page.get_by_label(re.compile("Toolkit file")).set_input_files(str(bad))
    page.get_by_role("button", name="Upload and replace the draft's content").click()
    expect(
        page.get_by_role("heading", name=re.compile("was not loaded: 2 problems"))
    ).to_be_visible()
    expect(page.get_by_role("cell", name="key_factors[0].wy")).to_be_visible()
    assert_accessible(page)

    # The good file fills the draft; the preview says what it is.
    good = tmp_path / "b.yaml"
    good.write_text(made_up_toolkit("B"), encoding="utf-8")
    page.get_by_label(re.compile("Toolkit file")).set_input_files(str(good))
    page.get_by_role("button", name="Upload and replace the draft's content").click()
    expect(page.get_by_role("heading", name="Draft preview of the 2026 edition")).to_be_visible()
    expect(page.get_by_text("Test factor 2").first).to_be_visible()
    assert_accessible(page)

    # Publish: the edition is public and assessable.
    page.get_by_role("link", name="Publish", exact=True).click()
    assert_accessible(page)
    page.get_by_role("button", name="Publish the 2026 edition").click()
    expect(page.get_by_text("The 2026 edition is published")).to_be_visible()
    expect(page.get_by_role("heading", name="Draft preview of the 2026 edition")).to_have_count(0)
    toolkit = Toolkit.objects.get(theme__code="B", year=2026)
    assert toolkit.status == Toolkit.Status.PUBLISHED and toolkit.published_at is not None

    # The comparison page is readable at 390 px (an edition with itself: nothing changed).
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto("/toolkits/B/compare/2026/2026/")
    expect(page.get_by_text("No differences")).to_be_visible()
    assert page.evaluate(OVERFLOWING_JS) == []
    assert_accessible(page)


def test_the_comparison_of_two_editions_marks_changes_with_words(page: Any, site: str) -> None:
    from citygrow.catalogue import services

    toolkit_c = Toolkit.objects.get(theme__code="C", year=2018)
    draft = services.start_copy_edition(theme=toolkit_c.theme, year=2026, by=None)
    factor = draft.key_factors.get(position=1)
    factor.why = factor.why + " Test addition."
    factor.save()
    draft.key_factors.get(position=2).guide_questions.first().delete()
    services.publish_edition(toolkit=draft, by=None)

    page.set_viewport_size({"width": 390, "height": 800})
    page.goto("/toolkits/C/compare/2018/2026/")
    expect(page.get_by_text(re.compile(r"0 added, 1 removed, 1 reworded"))).to_be_visible()
    expect(page.locator("ins").first).to_contain_text("Test addition")
    assert page.evaluate(OVERFLOWING_JS) == []
    assert_accessible(page)
