"""An officer assesses Athens in the browser: answers save as they are given (htmx), also by
keyboard alone, and the questionnaire and the report pass axe."""

from typing import Any

from playwright.sync_api import expect

from citygrow.assessments.models import Answer
from tests.browser.a11y import assert_accessible
from tests.browser.people import log_in


def start(page: Any) -> None:
    page.goto("/assessments/new/")
    assert_accessible(page)
    page.get_by_label("Toolkit").select_option(index=0)  # A, the first published toolkit
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_text("0 of 24 questions answered")).to_be_visible()


def test_an_officer_s_answers_save_as_they_are_given(page: Any, demo: str) -> None:
    log_in(page, "olga")
    start(page)
    page.evaluate("window.__sameDocument = true")
    first = page.locator("form.question").first
    first.get_by_label("Partly").check()
    expect(first.get_by_role("status")).to_have_text("Saved")
    expect(page.get_by_text("1 of 24 questions answered")).to_be_visible()
    assert page.evaluate("window.__sameDocument") is True, "the page reloaded"
    assert (
        Answer.objects.get(assessment__city__name="Athens", assessment__status="draft").value
        == "partly"
    )
    assert_accessible(page)

    page.get_by_role("link", name="See scores and submit").click()
    expect(page.get_by_role("heading", name="Scores and distance to the standard")).to_be_visible()
    expect(page.get_by_role("img", name="Scores per key factor")).to_be_visible()
    expect(page.get_by_text("Network mean (1 city)").first).to_be_visible()
    assert_accessible(page)


def test_an_officer_answers_by_keyboard_alone_with_the_focus_visible(page: Any, demo: str) -> None:
    log_in(page, "olga")
    start(page)
    first_radio = page.locator("form.question").first.get_by_label("Yes")
    first_radio.focus()
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused answer shows no outline"
    page.keyboard.press("ArrowRight")  # moves to "Partly" and selects it
    expect(page.locator("form.question").first.get_by_role("status")).to_have_text("Saved")
    assert (
        Answer.objects.get(assessment__city__name="Athens", assessment__status="draft").value
        == "partly"
    )
