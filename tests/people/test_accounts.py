"""Accounts: logging in and out, the lock-out, passwords, the account page, session settings."""

import importlib
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core import mail
from django.utils import timezone

from citygrow.people.models import FailedLogin

LOGIN = "/accounts/login/"
PASSWORD = "pass-1234-word"
NEW_PASSWORD = "Seven-Lanterns-over-Piraeus-42"
WRONG = "That user name and password do not match an active account. Both are case-sensitive."
LOCKED = "Too many failed log-ins. Log-in is paused for"


@pytest.fixture
def olga(django_user_model):
    return django_user_model.objects.create_user(
        "olga", email="olga@example.org", password=PASSWORD, first_name="Olga"
    )


def log_in(client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, username: str, times: int) -> None:
    for _ in range(times):
        assert WRONG in log_in(client, username, "not-the-password").content.decode()


def move_failures_out_of_the_window() -> None:
    long_ago = timezone.now() - timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS + 1)
    FailedLogin.objects.update(at=long_ago)


# -- logging in and out ------------------------------------------------------------------------


def test_the_login_page_renders_with_a_link_to_reset_the_password(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Log in</h1>" in page
    assert 'href="/accounts/password/reset/"' in page


def test_a_person_logs_in_and_lands_on_their_account(client, olga):
    response = log_in(client, "olga", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/"
    assert client.session["_auth_user_id"] == str(olga.pk)


def test_logging_in_follows_next(client, olga):
    response = client.post(LOGIN, {"username": "olga", "password": PASSWORD, "next": "/cities/"})
    assert response["Location"] == "/cities/"


def test_logging_out_is_a_post_that_ends_the_session(client, olga):
    log_in(client, "olga", PASSWORD)
    assert client.get("/accounts/logout/").status_code == 405
    assert logged_in(client)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not logged_in(client)
    assert client.get("/accounts/")["Location"].startswith("/accounts/login/")


def test_a_wrong_password_gets_a_clear_message_and_no_session(client, olga):
    response = log_in(client, "olga", "pass-1234-WORD")
    assert response.status_code == 200
    assert WRONG in response.content.decode()
    assert not logged_in(client)


def test_an_unknown_user_name_gets_the_same_message_as_a_wrong_password(client, olga):
    response = log_in(client, "olgaa", PASSWORD)
    assert WRONG in response.content.decode()
    assert not logged_in(client)


@pytest.mark.parametrize(
    "username, error",
    [
        ("o" * 151, WRONG),
        ("x" * 10_000, WRONG),
        ("olga\x00", "Null characters are not allowed."),
        ("olga'; DROP TABLE people_user; --", WRONG),
        ("<script>alert(1)</script>", WRONG),
        ("🦉 ǆ ﬁ \u202e", WRONG),
    ],
    ids=["151 characters", "10000 characters", "null character", "sql", "html", "unicode"],
)
def test_an_odd_user_name_gets_a_form_error_not_a_server_error(client, olga, username, error):
    response = log_in(client, username, PASSWORD)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert not logged_in(client)


# -- lock-out ----------------------------------------------------------------------------------


def test_after_too_many_failures_even_the_right_password_is_refused(client, olga):
    fail(client, "olga", settings.LOGIN_FAILURE_LIMIT)
    response = log_in(client, "olga", PASSWORD)
    assert response.status_code == 200
    page = response.content.decode()
    minutes = settings.LOGIN_LOCKOUT_SECONDS // 60
    assert f"{LOCKED} {minutes} minutes; you can also reset your password." in page
    assert not logged_in(client)


def test_one_failure_fewer_than_the_limit_does_not_lock(client, olga):
    fail(client, "olga", settings.LOGIN_FAILURE_LIMIT - 1)
    log_in(client, "olga", PASSWORD)
    assert logged_in(client)


def test_the_lock_out_ignores_the_case_of_the_user_name(client, olga):
    fail(client, "OLGA", settings.LOGIN_FAILURE_LIMIT)
    assert LOCKED in log_in(client, "olga", PASSWORD).content.decode()


def test_log_in_works_again_after_the_window(client, olga):
    fail(client, "olga", settings.LOGIN_FAILURE_LIMIT)
    assert LOCKED in log_in(client, "olga", PASSWORD).content.decode()
    move_failures_out_of_the_window()
    log_in(client, "olga", PASSWORD)
    assert logged_in(client)


def test_the_lock_out_also_applies_to_a_user_name_that_does_not_exist(client, olga):
    fail(client, "ghost", settings.LOGIN_FAILURE_LIMIT)
    fail(client, "olga", settings.LOGIN_FAILURE_LIMIT)
    ghost = log_in(client, "ghost", "anything")
    real = log_in(client, "olga", PASSWORD)
    assert LOCKED in ghost.content.decode()
    # The same message either way: nothing tells whether the account exists.
    assert ghost.context["form"].errors == real.context["form"].errors


def test_the_lock_out_of_one_user_name_does_not_lock_another(client, olga, django_user_model):
    django_user_model.objects.create_user("hugo", password=PASSWORD)
    fail(client, "olga", settings.LOGIN_FAILURE_LIMIT)
    log_in(client, "hugo", PASSWORD)
    assert logged_in(client)


def test_a_successful_log_in_clears_the_failures(client, olga):
    fail(client, "olga", settings.LOGIN_FAILURE_LIMIT - 1)
    log_in(client, "olga", PASSWORD)
    assert not FailedLogin.objects.filter(username="olga").exists()
    client.post("/accounts/logout/")
    fail(client, "olga", settings.LOGIN_FAILURE_LIMIT - 1)
    log_in(client, "olga", PASSWORD)
    assert logged_in(client)


def test_a_log_in_without_password_does_not_clear_the_failures(client, olga):
    fail(client, "olga", settings.LOGIN_FAILURE_LIMIT - 1)
    response = log_in(client, "olga", "")
    assert "This field is required." in response.content.decode()
    fail(client, "olga", 1)
    assert LOCKED in log_in(client, "olga", PASSWORD).content.decode()


# -- passwords ---------------------------------------------------------------------------------


def test_a_person_changes_their_password_and_stays_logged_in(client, olga):
    client.force_login(olga)
    assert client.get("/accounts/password/change/").status_code == 200
    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == "/accounts/password/change/done/"
    assert "Your password is changed." in client.get(response["Location"]).content.decode()
    assert client.get("/accounts/").status_code == 200
    olga.refresh_from_db()
    assert olga.check_password(NEW_PASSWORD)
    assert not olga.check_password(PASSWORD)


def test_a_password_change_needs_the_old_password(client, olga):
    client.force_login(olga)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": "guess", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly." in response.content.decode()
    olga.refresh_from_db()
    assert olga.check_password(PASSWORD)


def test_the_password_change_page_needs_a_log_in(client, db):
    response = client.get("/accounts/password/change/")
    assert response["Location"] == "/accounts/login/?next=/accounts/password/change/"


def ask_for_a_reset(client, email: str):
    return client.post("/accounts/password/reset/", {"email": email})


def reset_link() -> str:
    (message,) = mail.outbox
    match = re.search(r"http://testserver(/accounts/password/reset/[^/\s]+/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_a_password_reset_sends_a_link_that_sets_a_new_password(client, olga):
    assert client.get("/accounts/password/reset/").status_code == 200
    response = ask_for_a_reset(client, "olga@example.org")
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox[0].to == ["olga@example.org"]
    assert mail.outbox[0].subject == "Reset your CityGrow password"
    assert "Your user name: olga" in mail.outbox[0].body

    form = client.get(reset_link(), follow=True)
    assert "Choose a new password" in form.content.decode()
    set_password = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert set_password["Location"] == "/accounts/password/reset/complete/"

    log_in(client, "olga", NEW_PASSWORD)
    assert logged_in(client)


def test_a_password_reset_link_works_once(client, olga):
    ask_for_a_reset(client, "olga@example.org")
    link = reset_link()
    form = client.get(link, follow=True)
    client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    again = client.get(link, follow=True)
    assert "This link is not valid: it was used already, or it expired." in (again.content.decode())
    olga.refresh_from_db()
    assert olga.check_password(NEW_PASSWORD)


def test_a_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, olga):
    response = ask_for_a_reset(client, "nobody@example.org")
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_a_locked_out_person_can_log_in_after_resetting_their_password(client, olga):
    fail(client, "olga", settings.LOGIN_FAILURE_LIMIT)
    ask_for_a_reset(client, "olga@example.org")
    form = client.get(reset_link(), follow=True)
    client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    response = log_in(client, "olga", NEW_PASSWORD)
    assert LOCKED not in response.content.decode()
    assert logged_in(client)


# -- the account page --------------------------------------------------------------------------


def test_the_account_page_needs_a_log_in(client, db):
    assert client.get("/accounts/")["Location"] == "/accounts/login/?next=/accounts/"


def test_the_account_page_shows_the_person_and_their_roles(client, people):
    client.force_login(people["officer"])
    response = client.get("/accounts/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<dd>olga@example.org</dd>" in page
    assert "<li>City officer of Athens</li>" in page
    assert "Coordination" not in page


@pytest.mark.parametrize(
    "role, described",
    [
        ("mentor", "Mentor in Munich → Athens (A)"),
        ("facilitator", "Facilitator, Migration Policy Group"),
        ("coordinator", "Coordinator of the network"),
    ],
)
def test_the_account_page_describes_each_kind_of_role(client, people, role, described):
    client.force_login(people[role])
    assert f"<li>{described}</li>" in client.get("/accounts/").content.decode()


def test_a_person_without_a_role_is_told_how_to_get_one(client, people):
    client.force_login(people["nobody"])
    page = client.get("/accounts/").content.decode()
    assert "You hold no role yet. A coordinator gives roles by invitation." in page


def test_a_coordinator_s_account_page_links_the_coordination_pages(client, people):
    client.force_login(people["coordinator"])
    page = client.get("/accounts/").content.decode()
    assert 'href="/coordination/invitations/"' in page
    assert 'href="/coordination/audit/"' in page


# -- session and password settings -------------------------------------------------------------


def test_the_session_ends_with_the_browser_and_after_eight_idle_hours():
    real = importlib.import_module("citygrow.settings")
    assert real.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert real.SESSION_SAVE_EVERY_REQUEST is True
    assert real.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert real.SESSION_COOKIE_HTTPONLY is True


def test_the_session_cookie_has_no_expiry_date(client, olga):
    response = log_in(client, "olga", PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_passwords_are_hashed_with_argon2_first():
    real = importlib.import_module("citygrow.settings")
    assert real.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert Argon2PasswordHasher().encode("pass-1234-word", "saltsaltsalt").startswith("argon2$")
