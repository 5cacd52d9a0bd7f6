"""What every router of the API shares: the permission shorthands of the OpenAPI document, the
one way a route refuses a request, and absolute links.

A route refuses by raising `Refused` (or letting a service's `ServiceError` through): the
handlers in citygrow.api.api turn both into the API's one error shape, `ErrorOut`
(`{"detail": ..., "errors": {field: [messages]}}`), so no route builds that dict itself.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils.translation import gettext as _

from citygrow.api.schemas import ErrorOut
from citygrow.core import history
from citygrow.core.errors import ServiceError

#: For the routes open to anyone (auth=PUBLIC, the default): the OpenAPI document lists the
#: token and the session, and also no credentials at all (an empty requirement). A token that
#: is sent must be valid, though: a wrong one gets 401 everywhere.
ANYONE: dict[str, Any] = {"security": [{}]}
#: The refusals a read route documents, and those of a write route.
READ = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def file_response(description: str, *media_types: str) -> dict[str, Any]:
    """The OpenAPI of a public route whose 200 answer is a file, not JSON."""
    return {
        **ANYONE,
        "responses": {
            200: {
                "description": description,
                "content": {
                    media_type: {"schema": {"type": "string", "format": "binary"}}
                    for media_type in media_types
                },
            }
        },
    }


class Refused(Exception):
    """A request the route refuses: answered with `status` and the API's error shape."""

    def __init__(
        self, status: int, detail: str, errors: dict[str, list[str]] | None = None
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or {}

    def body(self) -> dict[str, Any]:
        return {"detail": self.detail, "errors": self.errors}


def forbidden(message: str) -> Refused:
    """403: the caller may see the object but not do this to it."""
    return Refused(403, message)


def not_found(message: str) -> Refused:
    return Refused(404, message)


def invalid(field: str | None, message: str) -> Refused:
    """422 about one field (or about none)."""
    return Refused(422, message, {field: [message]} if field else {})


def refused(
    error: ServiceError, field: str | None = None, renamed: dict[str, str] | None = None
) -> Refused:
    """A service's refusal as 422, under the field it names (`field` when it names none;
    `renamed` maps the services' field names to the API's)."""
    key = error.field or field
    if key and renamed:
        key = renamed.get(key, key)
    return invalid(key, error.message)


def errors_of(form: Any) -> dict[str, list[str]]:
    """A form's messages by field (`__all__`: about no one field)."""
    return {field: [str(m) for m in messages] for field, messages in form.errors.items()}


def form_refused(form: Any, detail: str) -> Refused:
    """A form of the pages that refused the data: 422 with its messages by field; the detail is
    the message when there is only one."""
    errors = errors_of(form)
    every = [message for messages in errors.values() for message in messages]
    return Refused(422, every[0] if len(every) == 1 else detail, errors)


def absolute(request: HttpRequest, path: str) -> str:
    """`path` as a full address on the host the caller used."""
    return request.build_absolute_uri(path)


def past_date(text: str, field: str) -> history.PastDate:
    """A date of the past as given ("2017-12-04" or "2017-12"), or 422 about `field`."""
    found = history.parse(text)
    if found is None:
        raise invalid(
            field,
            _(
                "“%(value)s” is not a date: give it as YYYY-MM-DD (2017-12-04), or as YYYY-MM "
                "(2017-12) when only the month is known."
            )
            % {"value": text},
        )
    return found


def paged(
    items: Any,
    page: int | None,
    render: Callable[[list[Any]], list[Any]],
    per_page: int | None = None,
) -> dict[str, Any]:
    """One page of `items` (an ordered QuerySet or a list) in the lists' one shape: `count`,
    `page` (a number out of range gives the last page), `pages` and the `results`: `render`
    turns the page's items into them, all at once (so it can load what they need in one
    query). `per_page`: CITYGROW_PAGE_SIZE unless given."""
    paginator = Paginator(items, per_page or settings.CITYGROW_PAGE_SIZE)
    found = paginator.get_page(page)
    return {
        "count": paginator.count,
        "page": found.number,
        "pages": paginator.num_pages,
        "results": render(list(found)),
    }
