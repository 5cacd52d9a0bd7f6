"""The one access loader of the pages: an object a person may see, or 404 (its existence is not
revealed), and 403 when they may see it but not do what they ask."""

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from citygrow.core.errors import LoginRequired

M = TypeVar("M", bound=Model)


def require(
    request: HttpRequest, perm: str, obj: Model | None = None, *, login_first: bool = False
) -> None:
    """403 unless the person may do `perm` (on `obj`). With `login_first`, an anonymous visitor
    is sent to log in instead (`LoginRequired`)."""
    if login_first and not request.user.is_authenticated:
        raise LoginRequired
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def get_for_user(
    request: HttpRequest,
    queryset: QuerySet[M],
    *,
    view: str,
    perm: str | None = None,
    login_first: bool = False,
    **lookup: Any,
) -> M:
    """The object of `queryset` found by `lookup`, if the person has `view` on it (404
    otherwise); 403 when they may not do `perm` on it. With `login_first`, an anonymous visitor
    asked to do `perm` is sent to log in first (`LoginRequired`, see
    core.decorators.sends_anonymous_to_login)."""
    if perm and login_first and not request.user.is_authenticated:
        raise LoginRequired
    found = get_object_or_404(queryset, **lookup)
    if not request.user.has_perm(view, found):
        raise Http404
    if perm:
        require(request, perm, found)
    return found
