"""Who is calling the API: a personal token (Authorization: Bearer cg_...), the browser session,
or nobody. Public routes accept all three; a token that is wrong is refused, not ignored."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer, SessionAuth

from citygrow.people.models import User
from citygrow.people.services import authenticate_token


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = authenticate_token(token)
        if api_token is None:
            raise AuthenticationError(401, "This API token is not valid, or it was revoked.")
        request.user = api_token.user
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token.user


class Anonymous:
    """Lets a request without credentials through, as an anonymous reader."""

    def __call__(self, request: HttpRequest) -> Any:
        if request.headers.get("Authorization"):
            raise AuthenticationError(401, "Send a token as 'Authorization: Bearer <token>'.")
        return AnonymousUser()


#: Routes anyone may read; signed-in callers may see more (e.g. drafts, for staff).
PUBLIC: list[Callable[..., Any]] = [TokenAuth(), SessionAuth(), Anonymous()]
#: Routes for signed-in callers only.
SIGNED_IN: list[Callable[..., Any]] = [TokenAuth(), SessionAuth()]


def signed_in(request: HttpRequest) -> User:
    """The caller of a route with `auth=SIGNED_IN` (which lets nobody else through)."""
    user = request.user
    if not isinstance(user, User):
        raise AuthenticationError(
            401, "Log in, or send a token as 'Authorization: Bearer <token>'."
        )
    return user


def require_write(request: HttpRequest) -> None:
    """Refuse a write made with a read-only token (the browser session may write)."""
    token = getattr(request, "api_token", None)
    if token is not None and not token.can_write:
        raise HttpError(
            403, "This API token is read-only; create a read-write token to change data."
        )
