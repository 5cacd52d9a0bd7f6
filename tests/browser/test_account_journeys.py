"""Signed-in journeys: a coordinator invites an officer; an officer makes an API token.
Every page they pass through is checked with axe."""

import re
from typing import Any

from django.core import mail
from playwright.sync_api import expect

from citygrow.people.models import Invitation, Role
from tests.browser.a11y import assert_accessible
from tests.browser.people import log_in


def test_a_coordinator_invites_an_officer_who_joins_with_the_link(page: Any, demo: str) -> None:
    page.goto("/accounts/login/")
    assert_accessible(page)
    log_in(page, "cora")
    expect(page.get_by_text("Coordinator of the network", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Invite people").click()
    assert_accessible(page)
    page.get_by_label("E-mail address").fill("rita@riga.example.org")
    page.get_by_label("Role").select_option(label="City officer")
    page.get_by_label("City").select_option(label="Riga")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation sent to rita@riga.example.org")
    assert Invitation.objects.filter(email="rita@riga.example.org").exists()

    page.goto("/coordination/audit/")
    expect(page.get_by_role("cell", name="rita@riga.example.org: City officer")).to_be_visible()
    assert_accessible(page)
    page.goto("/coordination/people/")
    assert_accessible(page)

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()

    link = re.search(r"http://\S+/accounts/invitation/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    assert_accessible(page)
    page.get_by_label("Username").fill("rita")
    page.get_by_label("First name").fill("Rita")
    page.get_by_label("Password:", exact=True).fill("a-long-pass-phrase-42")
    page.get_by_label("Password confirmation").fill("a-long-pass-phrase-42")
    page.get_by_role("button", name="Create account and accept").click()
    expect(page.get_by_text("City officer of Riga", exact=True)).to_be_visible()
    assert Role.objects.filter(user__username="rita", kind="officer", city__name="Riga").exists()


def test_an_officer_creates_an_api_token_shown_once(page: Any, demo: str) -> None:
    log_in(page, "olga")
    expect(page.get_by_text("City officer of Athens", exact=True)).to_be_visible()
    page.get_by_role("link", name="Create a token").click()
    assert_accessible(page)
    page.get_by_label("Name").fill("monthly report")
    page.get_by_label("Scope").select_option(label="Read only")
    page.get_by_role("button", name="Create").click()
    secret = page.get_by_label("monthly report (Read only)").input_value()
    assert secret.startswith("cg_")
    assert_accessible(page)
    page.get_by_role("link", name="Back to your account").click()
    expect(page.get_by_role("cell", name=re.compile(r"^monthly report \("))).to_be_visible()
    assert secret not in page.content()
    page.get_by_role("button", name="Revoke monthly report").click()
    expect(page.get_by_role("status")).to_contain_text("is revoked")


def test_a_coordinator_page_is_refused_to_an_officer_in_plain_words(page: Any, demo: str) -> None:
    log_in(page, "olga")
    response = page.goto("/coordination/audit/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You may not open this page")
    assert_accessible(page)
