"""The security baseline: deploy checks, the Content Security Policy, CSRF."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_with_production_settings():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "citygrow.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"} | {"DEBUG": "false"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_every_page_has_a_content_security_policy(client, seeded):
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-inline" in client.get("/admin/login/")["Content-Security-Policy"]


def test_a_form_posted_by_another_site_is_refused(people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["officer"])
    response = client.post("/accounts/tokens/new/", {"name": "x", "scope": "read"})
    assert response.status_code == 403
    assert not people["officer"].api_tokens.exists()


def test_a_session_cannot_write_through_the_api_without_csrf(people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["officer"])
    response = client.delete("/api/v1/me/tokens/1")
    assert response.status_code in (401, 403)
