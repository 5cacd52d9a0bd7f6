"""Clients that speak for a person: in the browser (a session) or through the API (a token)."""

from django.test import Client

from citygrow.people.services import create_token


def web_client(user) -> Client:
    """A client of its own, logged in as `user`."""
    client = Client()
    client.force_login(user)
    return client


def client_as(people: dict, role: str) -> Client:
    """A client of its own for a role of `roles.ROLES`: logged in as `people[role]`, or not
    logged in for "anonymous"."""
    return Client() if role == "anonymous" else web_client(people[role])


def authorization(secret: str) -> dict:
    """The header that presents an API token's secret."""
    return {"Authorization": f"Bearer {secret}"}


def bearer(user, scope: str = "read-write") -> dict:
    """The header of a new API token of `user` (named "test"; "read" or "read-write")."""
    _token, secret = create_token(user=user, name="test", scope=scope)
    return authorization(secret)


def api_client(user, scope: str = "read-write") -> Client:
    """A client with no session, speaking through a new API token of `user`."""
    return Client(headers=bearer(user, scope))
