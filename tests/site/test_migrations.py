"""Migrations keep what is stored: the pairing's move from `people` to `mentoring` (issue 5)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("people", "0002_roles_accounts_and_audit"),
    ("catalogue", "0001_initial"),
    ("mentoring", None),
]


@pytest.mark.django_db(transaction=True)
def test_a_pairing_made_before_programmes_keeps_its_row_and_its_mentors():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state([node for node in BEFORE if node[1]]).apps
    country = old.get_model("people", "Country").objects.create(code="DE", name="Germany")
    greece = old.get_model("people", "Country").objects.create(code="GR", name="Greece")
    city = old.get_model("people", "City")
    munich = city.objects.create(name="Munich", slug="munich", country=country)
    athens = city.objects.create(name="Athens", slug="athens", country=greece)
    theme = old.get_model("catalogue", "Theme").objects.create(code="A", title="Matching")
    pairing = old.get_model("people", "Pairing").objects.create(
        mentor_city=munich, implementing_city=athens, theme=theme
    )
    user = old.get_model("people", "User").objects.create(username="mia")
    old.get_model("people", "Role").objects.create(user=user, kind="mentor", pairing=pairing)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from citygrow.mentoring.models import Pairing
    from citygrow.people.models import Role
    from citygrow.people.rules import roles_of

    moved = Pairing.objects.select_related("scheme__programme").get(pk=pairing.pk)
    assert (moved.mentor_city.name, moved.implementing_city.name, moved.theme.code) == (
        "Munich",
        "Athens",
        "A",
    )
    assert moved.scheme.programme.name == "Pairings made before programmes"
    assert moved.scheme.theme.code == "A"
    assert {(m.city.name, m.role) for m in moved.scheme.members.all()} == {
        ("Munich", "mentor"),
        ("Athens", "implementing"),
    }
    role = Role.objects.get(user__username="mia")
    assert role.pairing == moved
    # The access rule still reads the pairing: mia sees Athens's drafts on theme A.
    assert roles_of(role.user).mentors(athens.pk, theme.pk)
