"""A fixture per person of the `people` fixture (pytest plugin, see tests/conftest.py).

Each fixture is named after the person's key in `people` (`officer`, `other_officer`, `mentor`,
`other_mentor`, `facilitator`, `other_facilitator`, `coordinator`, `staff`, `nobody`) and gives
a `Person`:

    def test_the_officer_edits(officer, plan):
        assert officer.web.get(plan.get_absolute_url()).status_code == 200
        assert officer.api.get(f"/api/v1/plans/{plan.pk}").status_code == 200

`web` is a client of the person's own, logged in; `api` a client with no session that sends a
read-write API token of the person's. Each is made when first used, so a test that uses
neither writes no session, token or audit entry.
"""

from dataclasses import dataclass
from functools import cached_property

import pytest
from django.test import Client

from tests.support.clients import api_client, web_client
from tests.support.roles import PEOPLE


@dataclass(eq=False)
class Person:
    """One of the `people` fixture's people, with a web and an API client of their own."""

    user: object

    @cached_property
    def web(self) -> Client:
        """A client logged in as this person (made on first use)."""
        return web_client(self.user)

    @cached_property
    def api(self) -> Client:
        """A client with a read-write API token of this person (made on first use)."""
        return api_client(self.user)


def _person_fixture(key: str):
    def fixture(people: dict) -> Person:
        return Person(people[key])

    fixture.__name__ = key
    fixture.__doc__ = f'`people["{key}"]` as a Person: `.user`, `.web` and `.api` clients.'
    return pytest.fixture(name=key)(fixture)


for _key in PEOPLE:
    globals()[_key] = _person_fixture(_key)
