"""The permission matrix: every route, every role, on a public and on a draft toolkit.

A route without an entry here fails `test_every_route_has_a_matrix_entry`. Outsiders get 404 for
what they may not see, never 403: a draft's existence is not revealed.
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from citygrow.catalogue.models import Theme, Toolkit
from citygrow.practices.models import Practice

ROLES = ["anonymous", "user", "staff"]
OK, REDIRECT, HIDDEN = 200, 302, 404


def kwargs_for(toolkit: Toolkit) -> dict[str, dict]:
    """URL arguments per route, pointing into `toolkit`."""
    practice = Practice.objects.filter(toolkit=toolkit).first()
    code, year = toolkit.theme.code, toolkit.year
    return {
        "catalogue:theme": {"code": code},
        "catalogue:toolkit": {"code": code, "year": year},
        "catalogue:toolkit_pdf": {"code": code, "year": year},
        "catalogue:toolkit_export": {"code": code, "year": year, "fmt": "yaml"},
        "practices:detail": {"pk": practice.pk},
        "people:city": {"slug": practice.city.slug},
        "api:get_toolkit": {"code": code, "year": year},
        "api:get_practice": {"practice_id": practice.pk},
        "api:get_city": {"slug": practice.city.slug},
    }


# route: (expected on the public toolkit, expected on the draft toolkit), the same for every role
# unless a role is named.
PUBLIC = {role: (OK, OK) for role in ROLES}


def draft_hidden(public_status: int = OK, staff_draft: int = OK) -> dict[str, tuple[int, int]]:
    return {
        "anonymous": (public_status, HIDDEN),
        "user": (public_status, HIDDEN),
        "staff": (public_status, staff_draft),
    }


MATRIX: dict[str, dict[str, tuple[int, int]]] = {
    "home": PUBLIC,
    "catalogue:toolkit_list": PUBLIC,
    # The theme page redirects to the current edition; for others a draft-only theme has no
    # content yet (200, "not yet available"); staff are sent to the draft.
    "catalogue:theme": {
        "anonymous": (REDIRECT, OK),
        "user": (REDIRECT, OK),
        "staff": (REDIRECT, REDIRECT),
    },
    "catalogue:toolkit": draft_hidden(),
    "catalogue:toolkit_pdf": draft_hidden(),
    "catalogue:toolkit_export": draft_hidden(),
    "practices:list": PUBLIC,
    "practices:detail": draft_hidden(),
    "people:city_list": PUBLIC,
    "people:city": PUBLIC,
    "api:list_themes": PUBLIC,
    "api:list_toolkits": PUBLIC,
    "api:get_toolkit": draft_hidden(),
    "api:list_practices": PUBLIC,
    "api:get_practice": draft_hidden(),
    "api:list_cities": PUBLIC,
    "api:get_city": PUBLIC,
    "api:openapi-json": PUBLIC,
    "api:openapi-view": PUBLIC,
    "api:api-root": {role: (HIDDEN, HIDDEN) for role in ROLES},  # nothing at the bare root
    "admin:index": {
        "anonymous": (REDIRECT, REDIRECT),
        "user": (REDIRECT, REDIRECT),
        "staff": (OK, OK),
    },
}


def route_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace == "admin":
                names.add("admin:index")  # Django's admin: staff only, checked through its index
                continue
            names |= route_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_route_has_a_matrix_entry():
    assert route_names() == set(MATRIX)


@pytest.fixture
def draft(toolkit_c) -> Toolkit:
    """Toolkit C turned into a draft edition of a theme of its own."""
    theme = Theme.objects.create(code="X", title="A theme in preparation")
    Toolkit.objects.filter(pk=toolkit_c.pk).update(status=Toolkit.Status.DRAFT, theme=theme)
    return Toolkit.objects.get(pk=toolkit_c.pk)


@pytest.fixture
def clients(django_user_model) -> dict[str, Client]:
    user = django_user_model.objects.create_user("ulla", password="x-pass-123")
    staff = django_user_model.objects.create_user("stan", password="x-pass-123", is_staff=True)
    result = {"anonymous": Client(), "user": Client(), "staff": Client()}
    result["user"].force_login(user)
    result["staff"].force_login(staff)
    return result


@pytest.mark.parametrize("route", sorted(MATRIX))
def test_the_matrix(route, toolkit_a, draft, clients):
    from django.urls import reverse

    for role in ROLES:
        for toolkit, expected in zip((toolkit_a, draft), MATRIX[route][role], strict=True):
            url = reverse(route, kwargs=kwargs_for(toolkit).get(route, {}))
            status = clients[role].get(url).status_code
            assert status == expected, f"{role} on {url}: {status}, expected {expected}"
