"""The view decorators, in one place: built on Django's own and on `functools.wraps`.

- `permission_required(perm)`: anonymous visitors are sent to log in; signed-in people without
  `perm` get 403. (Django's own decorator of that name redirects both, or refuses both.)
- `sends_anonymous_to_login`: for views whose access loader decides per object (e.g. a plan):
  the loader raises `LoginRequired` when an anonymous visitor asks to act, and the visitor is
  sent to log in.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import user_passes_test
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from citygrow.core.errors import LoginRequired

View = Callable[..., HttpResponse]


def permission_required(perm: str) -> Callable[[View], View]:
    """Send anonymous visitors to log in; refuse (403) people without `perm`."""

    def check(user: Any) -> bool:
        if not user.is_authenticated:
            return False
        if not user.has_perm(perm):
            raise PermissionDenied
        return True

    return user_passes_test(check)


def sends_anonymous_to_login(view: View) -> View:
    """Turn a `LoginRequired` raised while the view runs into the log-in page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except LoginRequired:
            return redirect_to_login(request.get_full_path())

    return wrapped
