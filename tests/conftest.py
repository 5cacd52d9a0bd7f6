"""What every app's tests use: fast password hashing, uploads in a temporary folder, and the
shared fixtures, chained: cities -> toolkits -> users.

`seeded` loads what a fresh site has (themes, the cities of data/cities.yaml, toolkits A and C),
through the same command the README's setup runs. `people` adds a person per role and relation
around `pairing` (Munich → Athens on theme A).

The plugins below add, without an import in the test module:
- tests/support/people.py: a fixture per person of `people` (`officer`, ..., `nobody`), each a
  `Person` with a logged-in web client and an API client;
- tests/support/plans.py: the action plan fixtures (`athens_assessment`, `plan`,
  `endorsed_plan`).
Each app's own fixtures are in its folder's conftest.py; helpers are in tests/support/.
"""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest

# Before anything imports them: show the values in the support package's failed asserts.
pytest.register_assert_rewrite("tests.support")

from django.core.management import call_command  # noqa: E402

from citygrow.catalogue.models import Toolkit  # noqa: E402
from tests.support.toolkits import TOOLKITS  # noqa: E402

pytest_plugins = ["tests.support.people", "tests.support.plans"]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def uploads_in_a_temporary_folder(settings, tmp_path):
    """Uploaded files (and the demo's signed documents) go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


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
def staff_client(client, django_user_model):
    """The test client, logged in as a staff member with no role (stella; without `people`,
    whose staff member is the `staff` fixture)."""
    staff = django_user_model.objects.create_user(
        "stella", password="staff-pass-123", is_staff=True
    )
    client.force_login(staff)
    return client


@pytest.fixture
def toolkit_a_text() -> str:
    return (TOOLKITS / "A-2018.yaml").read_text(encoding="utf-8")


@pytest.fixture
def people(seeded, django_user_model) -> dict:
    """One person per role and relation, around a pairing Munich (mentor) → Athens on theme A.

    The pairings belong to scheme A of "Test programme" (slug test-programme), facilitated by
    MPG, with Munich and Ghent as mentors and Athens and Helsinki as implementing cities; the
    four are partner cities with a day rate of 300.

    Keys: officer (of Athens), other_officer (of Helsinki), mentor (in Munich → Athens, A),
    other_mentor (in Ghent → Helsinki, A), facilitator (of A), other_facilitator (of C),
    coordinator, staff, nobody (an account with no role). Every password is "pass-1234-word".
    """
    from citygrow.catalogue.models import Theme
    from citygrow.mentoring.models import Pairing, Programme, ProgrammeCity, Scheme, SchemeCity
    from citygrow.people.models import City, Organisation, Role

    city = {c.name: c for c in City.objects.all()}
    theme = {t.code: t for t in Theme.objects.all()}
    mpg = Organisation.objects.create(name="Migration Policy Group")
    mpg.themes.add(theme["A"])
    programme = Programme.objects.create(
        name="Test programme",
        slug="test-programme",
        starts_on=date(2017, 1, 1),
        ends_on=date(2018, 12, 31),
        budget=Decimal("650000"),
    )
    scheme = Scheme.objects.create(programme=programme, theme=theme["A"], facilitator=mpg)
    for name, role in [
        ("Munich", "mentor"),
        ("Ghent", "mentor"),
        ("Athens", "implementing"),
        ("Helsinki", "implementing"),
    ]:
        SchemeCity.objects.create(scheme=scheme, city=city[name], role=role)
        ProgrammeCity.objects.create(programme=programme, city=city[name], day_rate=Decimal("300"))
    pairing = Pairing.objects.create(
        scheme=scheme, mentor_city=city["Munich"], implementing_city=city["Athens"]
    )
    other_pairing = Pairing.objects.create(
        scheme=scheme, mentor_city=city["Ghent"], implementing_city=city["Helsinki"]
    )
    mpi = Organisation.objects.create(name="Migration Policy Institute Europe")
    mpi.themes.add(theme["C"])

    def person(username: str, **extra) -> object:
        return django_user_model.objects.create_user(
            username, email=f"{username}@example.org", password="pass-1234-word", **extra
        )

    result = {
        "officer": person("olga", first_name="Olga"),
        "other_officer": person("hugo"),
        "mentor": person("mia"),
        "other_mentor": person("gert"),
        "facilitator": person("fatima"),
        "other_facilitator": person("felix"),
        "coordinator": person("cora"),
        "staff": person("stan", is_staff=True),
        "nobody": person("nora"),
    }
    Role.objects.create(user=result["officer"], kind="officer", city=city["Athens"])
    Role.objects.create(user=result["other_officer"], kind="officer", city=city["Helsinki"])
    Role.objects.create(user=result["mentor"], kind="mentor", pairing=pairing)
    Role.objects.create(user=result["other_mentor"], kind="mentor", pairing=other_pairing)
    Role.objects.create(user=result["facilitator"], kind="facilitator", organisation=mpg)
    Role.objects.create(user=result["other_facilitator"], kind="facilitator", organisation=mpi)
    Role.objects.create(user=result["coordinator"], kind="coordinator")
    return result


@pytest.fixture
def pairing(people):
    """The `people` fixture's pairing: Munich (mentor) → Athens (implementing) on theme A."""
    from citygrow.mentoring.models import Pairing

    return Pairing.objects.get(mentor_city__name="Munich", implementing_city__name="Athens")
