"""Personal API tokens: creating one on the account page, using it, revoking it."""

import hashlib
import re

import pytest
from django.test import Client

from citygrow.catalogue.models import Toolkit
from citygrow.people.models import ApiToken, AuditEntry
from citygrow.people.services import create_token
from tests.support.clients import authorization


@pytest.fixture
def api():
    """A client with no session: only the token it is given speaks for it."""
    return Client()


@pytest.fixture
def olga_token(people) -> tuple[ApiToken, str]:
    return create_token(user=people["officer"], name="monthly report", scope="read")


def create_on_the_page(client, name: str = "monthly report", scope: str = "read") -> str:
    response = client.post("/accounts/tokens/new/", {"name": name, "scope": scope})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    match = re.search(r'id="token-secret"[^>]* value="(cg_[^"]+)"', response.content.decode())
    assert match
    return match.group(1)


# -- creating ----------------------------------------------------------------------------------


def test_creating_a_token_shows_its_secret_once(client, people):
    client.force_login(people["officer"])
    assert client.get("/accounts/tokens/new/").status_code == 200
    secret = create_on_the_page(client)
    token = ApiToken.objects.get(user=people["officer"])
    assert token.name == "monthly report"
    assert token.scope == "read"

    account = client.get("/accounts/").content.decode()
    assert "monthly report" in account
    assert f"({token.prefix}…)" in account
    assert secret not in account


def test_only_a_hash_of_the_secret_is_kept(client, people):
    client.force_login(people["officer"])
    secret = create_on_the_page(client)
    token = ApiToken.objects.get()
    assert token.secret_hash != secret
    assert secret not in token.secret_hash
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()


def test_a_token_needs_a_name(client, people):
    client.force_login(people["officer"])
    response = client.post("/accounts/tokens/new/", {"name": "", "scope": "read"})
    assert "This field is required." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_creating_a_token_needs_a_log_in(client, people):
    response = client.post("/accounts/tokens/new/", {"name": "x", "scope": "read"})
    assert response["Location"] == "/accounts/login/?next=/accounts/tokens/new/"
    assert not ApiToken.objects.exists()


def test_creating_a_token_is_in_the_audit_trail(client, people):
    client.force_login(people["officer"])
    secret = create_on_the_page(client)
    entry = AuditEntry.objects.get(target_type="people.apitoken")
    assert entry.actor == people["officer"]
    assert entry.action == AuditEntry.Action.CREATE
    assert secret not in str(entry.changes) + entry.target_repr


# -- using -------------------------------------------------------------------------------------


def test_the_token_speaks_for_its_owner(client, api, people):
    client.force_login(people["officer"])
    secret = create_on_the_page(client, scope="read-write")
    response = api.get("/api/v1/me", headers=authorization(secret))
    assert response.status_code == 200
    assert response.json() == {
        "username": "olga",
        "name": "Olga",
        "roles": ["City officer of Athens"],
        "token_scope": "read-write",
    }
    assert ApiToken.objects.get().last_used_at is not None


def test_the_browser_session_has_no_token_scope(client, people):
    client.force_login(people["officer"])
    assert client.get("/api/v1/me").json()["token_scope"] is None


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/toolkits", "/api/v1/cities/athens"])
def test_a_wrong_token_is_refused_even_on_public_routes(api, olga_token, path):
    token, secret = olga_token
    for wrong in (secret + "x", f"cg_{token.prefix}_guess", "cg_nothing_here", "nonsense"):
        response = api.get(path, headers=authorization(wrong))
        assert response.status_code == 401, wrong
        assert response.json() == {"detail": "This API token is not valid, or it was revoked."}


def test_a_wrong_token_is_refused_even_with_a_browser_session(client, olga_token):
    _, secret = olga_token
    client.force_login(olga_token[0].user)
    assert client.get("/api/v1/toolkits", headers=authorization(secret + "x")).status_code == 401


def test_credentials_that_are_not_a_bearer_token_are_refused(api, seeded):
    response = api.get("/api/v1/toolkits", headers={"Authorization": "Basic b2xnYTpwYXNz"})
    assert response.status_code == 401


def test_without_credentials_public_routes_answer_and_me_does_not(api, seeded):
    assert api.get("/api/v1/toolkits").status_code == 200
    assert api.get("/api/v1/me").status_code == 401
    assert api.get("/api/v1/me/tokens").status_code == 401


def test_a_token_of_an_erased_or_deactivated_person_is_refused(api, olga_token):
    token, secret = olga_token
    token.user.is_active = False
    token.user.save(update_fields=["is_active"])
    assert api.get("/api/v1/me", headers=authorization(secret)).status_code == 401


def test_the_token_list_shows_no_secrets(api, olga_token):
    token, secret = olga_token
    response = api.get("/api/v1/me/tokens", headers=authorization(secret))
    assert response.status_code == 200
    (listed,) = response.json()
    assert listed["id"] == token.pk
    assert listed["prefix"] == token.prefix
    assert secret not in response.content.decode()
    assert token.secret_hash not in response.content.decode()


# -- revoking through the API ------------------------------------------------------------------


def test_a_read_token_cannot_revoke_a_token(api, olga_token):
    token, secret = olga_token
    response = api.delete(f"/api/v1/me/tokens/{token.pk}", headers=authorization(secret))
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    token.refresh_from_db()
    assert token.revoked_at is None
    assert api.get("/api/v1/me", headers=authorization(secret)).status_code == 200


def test_a_read_write_token_revokes_a_token_which_then_fails(api, people, olga_token):
    read, read_secret = olga_token
    _, write_secret = create_token(user=people["officer"], name="sync", scope="read-write")
    response = api.delete(f"/api/v1/me/tokens/{read.pk}", headers=authorization(write_secret))
    assert response.status_code == 204
    assert api.get("/api/v1/me", headers=authorization(read_secret)).status_code == 401
    assert api.get("/api/v1/toolkits", headers=authorization(read_secret)).status_code == 401
    assert AuditEntry.objects.filter(
        target_type="people.apitoken", target_id=str(read.pk), action="delete"
    ).exists()


def test_a_read_write_token_cannot_revoke_someone_else_s_token(api, people, olga_token):
    _, write_secret = create_token(user=people["mentor"], name="sync", scope="read-write")
    token, secret = olga_token
    response = api.delete(f"/api/v1/me/tokens/{token.pk}", headers=authorization(write_secret))
    assert response.status_code == 404
    assert api.get("/api/v1/me", headers=authorization(secret)).status_code == 200


# -- revoking on the account page --------------------------------------------------------------


def test_a_person_revokes_a_token_on_the_account_page(client, api, olga_token):
    token, secret = olga_token
    client.force_login(token.user)
    assert (
        f'action="/accounts/tokens/{token.pk}/revoke/"' in client.get("/accounts/").content.decode()
    )
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response["Location"] == "/accounts/"
    account = client.get("/accounts/").content.decode()
    assert "The token “monthly report” is revoked." in account
    assert f"({token.prefix}…)" not in account
    assert api.get("/api/v1/me", headers=authorization(secret)).status_code == 401


def test_revoking_is_a_post(client, olga_token):
    token, _ = olga_token
    client.force_login(token.user)
    assert client.get(f"/accounts/tokens/{token.pk}/revoke/").status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_someone_else_s_token_cannot_be_revoked(client, api, people, olga_token):
    token, secret = olga_token
    client.force_login(people["mentor"])
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert api.get("/api/v1/me", headers=authorization(secret)).status_code == 200


# -- what a token may see ----------------------------------------------------------------------


def test_a_staff_member_s_token_sees_draft_toolkits(api, people):
    Toolkit.objects.filter(theme__code="A", year=2018).update(status=Toolkit.Status.DRAFT)
    _, staff_secret = create_token(user=people["staff"], name="drafts", scope="read")
    _, nobody_secret = create_token(user=people["nobody"], name="drafts", scope="read")
    url = "/api/v1/toolkits/A/2018"

    assert api.get(url).status_code == 404
    assert api.get(url, headers=authorization(nobody_secret)).status_code == 404
    response = api.get(url, headers=authorization(staff_secret))
    assert response.status_code == 200
    assert response.json()["status"] == "draft"
    listed = api.get("/api/v1/toolkits", headers=authorization(staff_secret)).json()
    assert ("A", 2018) in {(toolkit["theme"], toolkit["year"]) for toolkit in listed}
    public = api.get("/api/v1/toolkits").json()
    assert ("A", 2018) not in {(toolkit["theme"], toolkit["year"]) for toolkit in public}


def test_a_token_with_odd_characters_is_refused_not_a_server_error(seeded, client):
    for secret in ["cg_a\x00b_x", "cg_ZZZZZZZZ_x", "cg__x", "cg_" + "a" * 500 + "_x"]:
        response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
        assert response.status_code == 401
