"""The one way a page splits a long list: Django's Paginator, the page asked for (a page number
out of range gives the last page, a word the first), and the rest of the query string kept in
the links to other pages (citygrow/templates/_pagination.html)."""

from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def page_of(request: HttpRequest, items: Any, per_page: int | None = None) -> Page:
    """The page of `items` (a QuerySet, ordered, or a list) that `?page=` asks for."""
    paginator = Paginator(items, per_page or settings.CITYGROW_PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def other_params(request: HttpRequest) -> str:
    """The query string without `page`, ready to put before `page=` ("" or "a=1&")."""
    params = request.GET.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    return f"{encoded}&" if encoded else ""
