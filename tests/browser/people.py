"""Helpers for journeys of signed-in people."""

from typing import Any

from playwright.sync_api import expect


def log_in(page: Any, username: str) -> None:
    """Log in through the form as one of the demo people (see the `demo` fixture)."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("citygrow-demo")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
