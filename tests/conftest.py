"""Shared fixtures, chained: cities -> toolkits -> users.

`seeded` loads what a fresh site has (themes, the cities of data/cities.yaml, toolkits A and C),
through the same command the README's setup runs.
"""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from citygrow.catalogue.models import Toolkit

TOOLKITS = settings.DATA_DIR / "toolkits"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def seeded(db):
    call_command("seed", stdout=StringIO())


@pytest.fixture
def toolkit_a(seeded) -> Toolkit:
    return Toolkit.objects.get(theme__code="A", year=2018)


@pytest.fixture
def toolkit_c(seeded) -> Toolkit:
    return Toolkit.objects.get(theme__code="C", year=2018)


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("stella", password="staff-pass-123", is_staff=True)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def toolkit_a_text() -> str:
    return (TOOLKITS / "A-2018.yaml").read_text(encoding="utf-8")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
