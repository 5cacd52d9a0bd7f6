"""Invitations into a role: the coordinator's form, the e-mail, and accepting the link."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from citygrow.mentoring.models import Pairing
from citygrow.people.models import AuditEntry, City, Invitation, Organisation, Role

URL = "/coordination/invitations/"
NEW_PASSWORD = "Seven-Lanterns-over-Piraeus-42"


def scope(kind: str) -> dict:
    """The form fields that say what a role of `kind` is about, for the people fixture."""
    if kind == "officer":
        return {"city": City.objects.get(name="Athens").pk}
    if kind == "mentor":
        return {"pairing": Pairing.objects.get(mentor_city__name="Munich").pk}
    if kind == "facilitator":
        return {"organisation": Organisation.objects.get(name="Migration Policy Group").pk}
    return {}


def invite(client, email: str, kind: str, scopes: tuple[str, ...] | None = None):
    """Post the form for `kind`, with the scope fields of `scopes` (by default, of `kind`)."""
    data = {"email": email, "kind": kind}
    for other in (kind,) if scopes is None else scopes:
        data.update(scope(other))
    return client.post(URL, data)


def link_in_mail() -> str:
    message = mail.outbox[-1]
    match = re.search(r"http://testserver(/accounts/invitation/[\w-]+/)", message.body)
    assert match, message.body
    return match.group(1)


def new_account(client, link: str, username: str = "ana", **extra):
    data = {
        "username": username,
        "first_name": "Ana",
        "last_name": "Papadaki",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **extra,
    }
    return client.post(link, data)


# -- the coordinator's page --------------------------------------------------------------------


def test_the_invitations_page_is_for_coordinators(client, people):
    client.force_login(people["officer"])
    assert client.get(URL).status_code == 403
    assert invite(client, "ana@example.org", "officer").status_code == 403
    assert Invitation.objects.count() == 0


def test_anonymous_visitors_are_sent_to_log_in(client, people):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/coordination/invitations/"


@pytest.mark.parametrize(
    "kind, described",
    [
        ("officer", "City officer of Athens"),
        ("mentor", "Mentor in Munich → Athens (A)"),
        ("facilitator", "Facilitator, Migration Policy Group"),
        ("coordinator", "Coordinator of the network"),
    ],
)
def test_a_coordinator_invites_an_address_into_each_kind_of_role(coordinator, kind, described):
    assert coordinator.web.get(URL).status_code == 200
    response = invite(coordinator.web, "ana@example.org", kind)
    assert response.status_code == 302
    page = coordinator.web.get(response["Location"]).content.decode()
    assert "Invitation sent to ana@example.org. The link works once, for 7 days." in page
    listed = f"{described}, Test programme" if kind == "mentor" else described
    assert f"<td>ana@example.org</td><td>{listed}</td><td>cora</td>" in page

    (message,) = mail.outbox
    assert message.to == ["ana@example.org"]
    assert message.subject == "You are invited to CityGrow"
    assert "cora invites you to CityGrow" in message.body
    assert described in message.body
    assert link_in_mail()


@pytest.mark.parametrize(
    "kind, scopes, field, error",
    [
        ("officer", (), "city", "Choose one for this role."),
        ("mentor", (), "pairing", "Choose one for this role."),
        ("facilitator", (), "organisation", "Choose one for this role."),
        ("coordinator", ("officer",), "city", "Leave this empty for this role."),
        ("officer", ("officer", "mentor"), "pairing", "Leave this empty for this role."),
        ("mentor", ("mentor", "facilitator"), "organisation", "Leave this empty for this role."),
    ],
    ids=[
        "officer without city",
        "mentor without pairing",
        "facilitator without organisation",
        "coordinator with a city",
        "officer with a pairing",
        "mentor with an organisation",
    ],
)
def test_a_role_with_the_wrong_scope_gets_a_form_error(coordinator, kind, scopes, field, error):
    response = invite(coordinator.web, "ana@example.org", kind, scopes)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [error]
    assert error in response.content.decode()
    assert Invitation.objects.count() == 0
    assert mail.outbox == []


def test_the_form_names_the_programme_of_every_pairing(coordinator, people):
    from citygrow.mentoring.models import Programme, Scheme, SchemeCity

    other = Programme.objects.create(
        name="CITIES GROW 2017-2019", slug="cg", starts_on="2017-01-01", ends_on="2019-12-31"
    )
    scheme = Scheme.objects.create(programme=other, theme=Pairing.objects.first().theme)
    munich, athens = (City.objects.get(name=name) for name in ("Munich", "Athens"))
    SchemeCity.objects.create(scheme=scheme, city=munich, role="mentor")
    SchemeCity.objects.create(scheme=scheme, city=athens, role="implementing")
    Pairing.objects.create(scheme=scheme, mentor_city=munich, implementing_city=athens)
    page = coordinator.web.get(URL).content.decode()
    assert "Munich → Athens, theme A (CITIES GROW 2017-2019)" in page
    assert "Munich → Athens, theme A (Test programme)" in page
    assert "Ghent → Helsinki, theme A (Test programme)" in page
    assert "The officers of the pairing's mentor city are its mentors already" in page


def test_an_invalid_address_gets_a_form_error(coordinator):
    response = invite(coordinator.web, "ana at example", "coordinator")
    assert "Enter a valid email address." in response.content.decode()
    assert mail.outbox == []


def test_the_invitation_is_in_the_audit_trail(coordinator, people):
    invite(coordinator.web, "ana@example.org", "officer")
    entry = AuditEntry.objects.get(target_type="people.invitation")
    assert entry.actor == people["coordinator"]
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.target_repr == "ana@example.org: City officer"
    assert entry.city.name == "Athens"


def test_the_database_keeps_only_a_hash_of_the_link(coordinator):
    invite(coordinator.web, "ana@example.org", "coordinator")
    token = link_in_mail().rstrip("/").rsplit("/", 1)[1]
    invitation = Invitation.objects.get()
    assert token not in invitation.token_hash
    assert len(invitation.token_hash) == 64


# -- accepting ---------------------------------------------------------------------------------


@pytest.fixture
def officer_link(coordinator) -> str:
    """A link inviting ana@example.org to be a city officer of Athens, sent by the coordinator
    from a client of their own (`client` is not logged in)."""
    invite(coordinator.web, "ana@example.org", "officer")
    return link_in_mail()


def test_a_new_person_creates_an_account_and_holds_the_role(client, officer_link):
    page = client.get(officer_link).content.decode()
    assert "You are invited to CityGrow as <strong>City officer of Athens</strong>" in page
    assert "Create your account" in page

    response = new_account(client, officer_link)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/"
    ana = Role.objects.get(kind="officer", city__name="Athens", user__username="ana").user
    assert ana.email == "ana@example.org"
    assert ana.get_full_name() == "Ana Papadaki"
    assert ana.check_password(NEW_PASSWORD)

    account = client.get("/accounts/").content.decode()
    assert "Welcome to CityGrow: your account is ready." in account
    assert "<li>City officer of Athens</li>" in account
    assert client.session["_auth_user_id"] == str(ana.pk)


def test_the_new_account_form_checks_what_it_is_given(client, officer_link):
    response = new_account(client, officer_link, username="cora", password2="something else")
    page = response.content.decode()
    assert response.status_code == 200
    assert "A user with that username already exists." in page
    assert "The two password fields didn\u2019t match." in page
    assert not Invitation.objects.get().accepted_at


def test_the_role_grant_is_in_the_audit_trail(client, officer_link, people):
    new_account(client, officer_link)
    entry = AuditEntry.objects.get(target_type="people.role")
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.actor == people["coordinator"]
    assert entry.target_repr == "Ana Papadaki: City officer of Athens"
    assert entry.city.name == "Athens"


def test_the_link_works_once(client, officer_link):
    new_account(client, officer_link)
    client.logout()
    for again in (client.get(officer_link), new_account(client, officer_link, username="ana2")):
        assert again.status_code == 410
        assert "This invitation has already been used." in again.content.decode()
    assert Role.objects.filter(user__username="ana2").count() == 0


def test_an_accepted_link_cannot_be_used_by_someone_logged_in_either(client, officer_link, people):
    new_account(client, officer_link)
    client.force_login(people["nobody"])
    response = client.post(officer_link)
    assert response.status_code == 410
    assert not people["nobody"].roles.exists()


def test_an_expired_link_is_refused(client, officer_link):
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    for response in (client.get(officer_link), new_account(client, officer_link)):
        assert response.status_code == 410
        assert "This invitation has expired." in response.content.decode()
    assert not Role.objects.filter(user__username="ana").exists()


def test_a_tampered_link_is_refused(client, officer_link):
    tampered = officer_link[:-3] + ("A" if officer_link[-3] != "A" else "B") + officer_link[-2:]
    for response in (client.get(tampered), client.get("/accounts/invitation/nonsense/")):
        assert response.status_code == 410
        assert "This invitation link is not valid." in response.content.decode()


def test_a_logged_in_person_adds_the_role_to_their_account(client, coordinator, people):
    invite(coordinator.web, "olga@example.org", "mentor")
    link = link_in_mail()
    client.force_login(people["officer"])
    page = client.get(link).content.decode()
    assert "Add this role to your account, olga?" in page

    response = client.post(link)
    assert response["Location"] == "/accounts/"
    account = client.get("/accounts/").content.decode()
    assert "Welcome: you now hold the role Mentor in Munich → Athens (A)." in account
    assert "<li>City officer of Athens</li>" in account
    assert "<li>Mentor in Munich → Athens (A)</li>" in account
    assert Invitation.objects.get().accepted_by == people["officer"]


def test_an_address_with_an_account_is_asked_to_log_in_first(client, coordinator, people):
    invite(coordinator.web, "OLGA@example.org", "mentor")
    link = link_in_mail()
    response = client.get(link)
    page = response.content.decode()
    assert "An account with this address exists. Log in with it, then open this link again." in (
        page
    )
    assert f'href="/accounts/login/?next={link}"' in page
    assert "Create your account" not in page

    new_account(client, link, username="olga2")
    assert not Role.objects.filter(user__username="olga2").exists()
    assert Invitation.objects.get().accepted_at is None


def test_logging_in_from_the_invitation_comes_back_to_accept_it(coordinator, people):
    invite(coordinator.web, "olga@example.org", "mentor")
    link = link_in_mail()
    client = Client()
    logged_in = client.post(
        "/accounts/login/", {"username": "olga", "password": "pass-1234-word", "next": link}
    )
    assert logged_in["Location"] == link
    client.post(link)
    assert people["officer"].roles.filter(kind="mentor").exists()
