"""Personal data: a person's download, a coordinator's download and erasure, and removing a
person's mentions from the good practices."""

import json
import re
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.test import Client

from citygrow.mentoring.models import Pairing
from citygrow.people.models import AuditEntry, FailedLogin, Invitation, Role
from citygrow.people.services import create_token, grant_role, invite, personal_data
from citygrow.practices.models import Practice
from tests.support.clients import web_client

ADDRESS = "r.gringhuis@rotterdam.nl"


def download(response) -> dict:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store"
    return json.loads(response.content)


# -- downloading -------------------------------------------------------------------------------


def test_a_person_downloads_their_own_data(client, people):
    olga = people["officer"]
    token, secret = create_token(user=olga, name="monthly report", scope="read")
    client.force_login(olga)
    response = client.get("/accounts/my-data.json")
    data = download(response)
    assert data["account"]["username"] == "olga"
    assert data["account"]["email"] == "olga@example.org"
    assert data["account"]["first_name"] == "Olga"
    assert [role["role"] for role in data["roles"]] == ["City officer of Athens"]
    (listed,) = data["api_tokens"]
    assert listed["name"] == "monthly report"
    assert listed["scope"] == "read"
    assert secret not in response.content.decode()
    assert token.secret_hash not in response.content.decode()
    assert "monthly report" in {entry["record"].split(" (")[0] for entry in data["audit_trail"]}


def test_the_download_is_in_the_audit_trail(client, people):
    olga = people["officer"]
    client.force_login(olga)
    client.get("/accounts/my-data.json")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.actor == olga
    assert (entry.target_type, entry.target_id) == ("people.user", str(olga.pk))


def test_the_download_needs_a_log_in(client, people):
    assert client.get("/accounts/my-data.json")["Location"].startswith("/accounts/login/")


def test_a_coordinator_downloads_anyone_s_data(client, people):
    olga = people["officer"]
    client.force_login(people["coordinator"])
    data = download(client.get(f"/coordination/people/{olga.pk}/data.json"))
    assert data["account"]["username"] == "olga"
    assert [role["role"] for role in data["roles"]] == ["City officer of Athens"]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.actor == people["coordinator"]
    assert entry.target_id == str(olga.pk)


@pytest.mark.parametrize("role", ["officer", "mentor", "facilitator", "staff", "nobody"])
def test_only_coordinators_download_someone_else_s_data(client, people, role):
    client.force_login(people[role])
    assert client.get(f"/coordination/people/{people['mentor'].pk}/data.json").status_code == (403)
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_a_coordinator_s_download_of_an_unknown_person_is_not_found(client, people):
    client.force_login(people["coordinator"])
    assert client.get("/coordination/people/999999/data.json").status_code == 404


# -- erasure -----------------------------------------------------------------------------------


@pytest.fixture
def history(people) -> None:
    """Olga's traces in the audit trail: her own actions, and records that name her."""
    olga, cora = people["officer"], people["coordinator"]
    create_token(user=olga, name="monthly report", scope="read")
    personal_data(person=olga, by=olga)
    personal_data(person=olga, by=cora)
    grant_role(
        by=cora, user=olga, kind="mentor", pairing=Pairing.objects.get(mentor_city__name="Munich")
    )
    invite(
        by=cora,
        email="olga@example.org",
        kind="coordinator",
        accept_url=lambda token: f"http://testserver/accounts/invitation/{token}/",
    )
    FailedLogin.objects.create(username="olga", address="127.0.0.1")


def erase(client, person, confirm: str):
    return client.post(f"/coordination/people/{person.pk}/", {"confirm": confirm})


def traces_of_olga() -> list[str]:
    """Every audit entry's text that names Olga, by name, user name or address."""
    found = []
    for entry in AuditEntry.objects.all():
        text = f"{entry.actor_name} | {entry.target_repr} | {json.dumps(entry.changes)}"
        if "olga" in text.lower():
            found.append(text)
    return found


def test_the_person_page_offers_erasure_with_a_confirmation(client, people):
    client.force_login(people["coordinator"])
    page = client.get(f"/coordination/people/{people['officer'].pk}/").content.decode()
    assert "<li>City officer of Athens</li>" in page
    assert "Type the person&#x27;s user name to confirm" in page
    assert "Erase this person's data" in page


def test_a_wrong_confirmation_changes_nothing(client, people):
    olga = people["officer"]
    client.force_login(people["coordinator"])
    response = erase(client, olga, "Olga")
    assert response.status_code == 200
    assert "That is not the user name of this person." in response.content.decode()
    olga.refresh_from_db()
    assert (olga.username, olga.email, olga.is_active) == ("olga", "olga@example.org", True)
    assert olga.roles.count() == 1


def test_the_right_confirmation_anonymises_the_person(client, people, history):
    olga = people["officer"]
    client.force_login(people["coordinator"])
    response = erase(client, olga, "olga")
    assert response["Location"] == f"/coordination/people/{olga.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "The person&#x27;s personal data is erased." in page
    assert "Erase this person's data" not in page

    olga.refresh_from_db()
    assert olga.username == f"erased-{olga.pk}"
    assert (olga.first_name, olga.last_name, olga.email) == ("", "", "")
    assert not olga.has_usable_password()
    assert not olga.is_active
    assert not olga.roles.exists()
    assert not olga.api_tokens.exists()
    assert not Invitation.objects.filter(email__iexact="olga@example.org").exists()
    assert not FailedLogin.objects.filter(username="olga").exists()


def test_an_erased_person_can_no_longer_log_in(client, people):
    olga = people["officer"]
    own = web_client(olga)
    client.force_login(people["coordinator"])
    erase(client, olga, "olga")

    assert own.get("/accounts/")["Location"].startswith("/accounts/login/")
    for username in ("olga", f"erased-{olga.pk}"):
        fresh = Client()
        response = fresh.post(
            "/accounts/login/", {"username": username, "password": "pass-1234-word"}
        )
        assert response.status_code == 200
        assert "do not match an active account" in response.content.decode()
        assert fresh.get("/accounts/").status_code == 302


def test_the_audit_trail_keeps_the_erased_person_s_actions_without_naming_them(
    client, people, history
):
    olga = people["officer"]
    assert traces_of_olga()
    her_actions = AuditEntry.objects.filter(actor=olga).count()
    assert her_actions == 2
    client.force_login(people["coordinator"])
    erase(client, olga, "olga")

    assert traces_of_olga() == []
    assert AuditEntry.objects.filter(actor=olga, actor_name="erased user").count() == her_actions
    assert AuditEntry.objects.filter(
        target_type="people.role", target_repr="erased user: Mentor in Munich → Athens (A)"
    ).exists()
    assert AuditEntry.objects.filter(
        target_type="people.invitation", target_repr="erased user: Coordinator"
    ).exists()
    erased = AuditEntry.objects.get(action=AuditEntry.Action.DELETE, target_type="people.user")
    assert (erased.actor, erased.target_repr) == (people["coordinator"], "erased user")

    page = client.get("/coordination/audit/").content.decode()
    assert "erased user" in page
    assert "olga" not in page.lower()


def test_an_invitation_to_the_address_in_other_capitals_leaves_no_trace(client, people):
    olga = people["officer"]
    invite(
        by=people["coordinator"],
        email="Olga@Example.org",
        kind="coordinator",
        accept_url=lambda token: f"http://testserver/accounts/invitation/{token}/",
    )
    client.force_login(people["coordinator"])
    erase(client, olga, "olga")
    assert not Invitation.objects.exists()
    assert traces_of_olga() == []


def test_a_coordinator_cannot_erase_themselves_there(client, people):
    cora = people["coordinator"]
    client.force_login(cora)
    response = erase(client, cora, "cora")
    assert response.status_code == 200
    assert "You cannot erase your own account here." in response.content.decode()
    cora.refresh_from_db()
    assert (cora.username, cora.is_active) == ("cora", True)
    assert cora.roles.filter(kind=Role.Kind.COORDINATOR).exists()


def test_an_invitation_accepted_under_another_address_leaves_no_trace(client, people):
    olga, cora = people["officer"], people["coordinator"]
    invite(
        by=cora,
        email="olga.work@example.org",
        kind="coordinator",
        accept_url=lambda token: f"http://testserver/accounts/invitation/{token}/",
    )
    link = re.search(r"/accounts/invitation/[\w-]+/", mail.outbox[-1].body).group(0)
    client.force_login(olga)
    client.post(link)
    assert olga.roles.filter(kind="coordinator").exists()

    client.force_login(cora)
    erase(client, olga, "olga")
    assert traces_of_olga() == []
    assert not Invitation.objects.filter(email="olga.work@example.org").exists()


@pytest.mark.parametrize("role", ["officer", "staff", "nobody"])
def test_only_coordinators_erase(client, people, role):
    target = people["mentor"]
    client.force_login(people[role])
    assert client.get(f"/coordination/people/{target.pk}/").status_code == 403
    assert erase(client, target, "mia").status_code == 403
    target.refresh_from_db()
    assert target.is_active


# -- mentions in good practices ----------------------------------------------------------------


def mentions_url(text: str) -> str:
    return f"/coordination/mentions/?{urlencode({'text': text})}"


def test_a_coordinator_finds_the_practices_naming_a_contact(client, people):
    client.force_login(people["coordinator"])
    response = client.get(mentions_url(ADDRESS))
    assert response.status_code == 200
    (practice,) = response.context["found"]
    assert practice.city.name == "Rotterdam"
    assert practice.toolkit.theme.code == "C"
    page = response.content.decode()
    assert "1 practice mentions it" in page
    assert f'href="{practice.get_absolute_url()}"' in page
    assert f"Remove “{ADDRESS}” from these practices" in page


def test_the_mentions_page_is_for_coordinators(client, people):
    client.force_login(people["officer"])
    assert client.get(mentions_url(ADDRESS)).status_code == 403
    assert client.post("/coordination/mentions/", {"text": ADDRESS}).status_code == 403
    assert Practice.objects.filter(text__contains=ADDRESS).exists()


def test_removing_a_contact_takes_it_out_of_the_practice_and_the_library(client, people):
    practice = Practice.objects.get(text__contains=ADDRESS)
    assert f"mailto:{ADDRESS}" in practice.links
    client.force_login(people["coordinator"])

    response = client.post("/coordination/mentions/", {"text": ADDRESS})
    assert response["Location"] == mentions_url(ADDRESS)
    after = client.get(response["Location"])
    assert "Removed from 1 good practice(s)." in after.content.decode()
    assert list(after.context["found"]) == []

    practice.refresh_from_db()
    assert ADDRESS not in practice.text
    assert "Contact: [removed at the person's request]" in practice.text
    assert not [link for link in practice.links if "gringhuis" in link]
    assert "gringhuis" not in client.get(practice.get_absolute_url()).content.decode().lower()
    client.logout()
    assert client.get("/practices/", {"q": "gringhuis"}).context["page"].paginator.count == 0


def test_the_removal_is_in_the_audit_trail(client, people):
    practice = Practice.objects.get(text__contains=ADDRESS)
    client.force_login(people["coordinator"])
    client.post("/coordination/mentions/", {"text": ADDRESS})
    entry = AuditEntry.objects.get(target_type="practices.practice")
    assert entry.action == AuditEntry.Action.CHANGE
    assert entry.actor == people["coordinator"]
    assert entry.target_id == str(practice.pk)
    assert entry.city.name == "Rotterdam"
    assert set(entry.changes) == {"text", "links"}
    assert "gringhuis" not in json.dumps(entry.changes)


def test_a_role_removed_before_erasure_leaves_no_trace_of_the_person(people, admin_client):
    from citygrow.people.models import AuditEntry, City, Role
    from citygrow.people.services import erase_person, grant_role

    nora = people["nobody"]
    nora.first_name, nora.last_name = "Nora", "Nordqvist"
    nora.save()
    role = grant_role(
        by=people["coordinator"], user=nora, kind="officer", city=City.objects.get(name="Riga")
    )
    assert (
        admin_client.post(f"/admin/people/role/{role.pk}/delete/", {"post": "yes"}).status_code
        == 302
    )
    assert not Role.objects.filter(pk=role.pk).exists()
    erase_person(person=nora, by=people["coordinator"])
    for entry in AuditEntry.objects.all():
        text = f"{entry.actor_name} {entry.target_repr} {entry.changes}"
        assert "Nordqvist" not in text and "nora" not in text.lower(), text
    assert AuditEntry.objects.filter(target_repr="erased user: City officer of Riga").count() == 2
