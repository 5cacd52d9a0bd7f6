"""The permission matrix: every route, for every role and relation.

Relations are around a pairing Munich (mentor) → Athens (implementing) on theme A (see the
`people` fixture): the officer works for Athens, the mentor mentors Athens on A, the facilitator
facilitates A; "other_" people hold the same kind of role elsewhere. Object routes are checked on
a published toolkit (C) and on a draft toolkit (A): a draft is seen by staff, coordinators and
the facilitators of its theme, and does not exist (404, never 403) for anyone else.

A route without an entry here fails `test_every_route_has_a_matrix_entry`.
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from citygrow.catalogue.models import Toolkit
from citygrow.practices.models import Practice

ROLES = [
    "anonymous",
    "officer",
    "other_officer",
    "mentor",
    "other_mentor",
    "facilitator",
    "other_facilitator",
    "coordinator",
    "staff",
    "nobody",
]
OK, REDIRECT, FORBIDDEN, HIDDEN, NOT_ALLOWED, GONE, UNAUTHORISED = 200, 302, 403, 404, 405, 410, 401


def everyone(status: int) -> dict[str, tuple[int, int]]:
    return {role: (status, status) for role in ROLES}


def signed_in(status: int = OK, anonymous: int = REDIRECT) -> dict[str, tuple[int, int]]:
    """For signed-in people only; anonymous visitors are sent to log in."""
    return {**everyone(status), "anonymous": (anonymous, anonymous)}


def coordinators() -> dict[str, tuple[int, int]]:
    """Coordinators' pages: others are refused (403), anonymous visitors sent to log in."""
    return {**signed_in(FORBIDDEN), "coordinator": (OK, OK)}


def draft_hidden() -> dict[str, tuple[int, int]]:
    """An object route: public on a published toolkit; on a draft, only its team sees it."""
    result = {role: (OK, HIDDEN) for role in ROLES}
    for role in ("facilitator", "coordinator", "staff"):
        result[role] = (OK, OK)
    return result


def theme_page() -> dict[str, tuple[int, int]]:
    """The theme redirects to its current edition; with only a draft, those who may not see it
    are told the theme has no content yet."""
    result = {role: (REDIRECT, OK) for role in ROLES}
    for role in ("facilitator", "coordinator", "staff"):
        result[role] = (REDIRECT, REDIRECT)
    return result


MATRIX: dict[str, dict[str, tuple[int, int]]] = {
    "home": everyone(OK),
    "catalogue:toolkit_list": everyone(OK),
    "catalogue:theme": theme_page(),
    "catalogue:toolkit": draft_hidden(),
    "catalogue:toolkit_pdf": draft_hidden(),
    "catalogue:toolkit_export": draft_hidden(),
    "practices:list": everyone(OK),
    "practices:detail": draft_hidden(),
    "people:city_list": everyone(OK),
    "people:city": everyone(OK),
    # Accounts
    "people:login": {**everyone(REDIRECT), "anonymous": (OK, OK)},
    "people:logout": everyone(NOT_ALLOWED),  # POST only
    "people:account": signed_in(),
    "people:password_change": signed_in(),
    "people:password_change_done": signed_in(),
    "people:password_reset": everyone(OK),
    "people:password_reset_done": everyone(OK),
    "people:password_reset_confirm": everyone(OK),  # an invalid link says so
    "people:password_reset_complete": everyone(OK),
    "people:token_create": signed_in(),
    "people:token_revoke": everyone(NOT_ALLOWED),  # POST only
    "people:my_data": signed_in(),
    "people:invitation": everyone(GONE),  # a made-up token
    # Coordination
    "people:invitations": coordinators(),
    "people:people": coordinators(),
    "people:person": coordinators(),
    "people:person_data": coordinators(),
    "people:audit": coordinators(),
    "people:mentions": coordinators(),
    # API
    "api:list_themes": everyone(OK),
    "api:list_toolkits": everyone(OK),
    "api:get_toolkit": draft_hidden(),
    "api:list_practices": everyone(OK),
    "api:get_practice": draft_hidden(),
    "api:list_cities": everyone(OK),
    "api:get_city": everyone(OK),
    "api:me": signed_in(anonymous=UNAUTHORISED),
    "api:list_my_tokens": signed_in(anonymous=UNAUTHORISED),
    "api:revoke_my_token": everyone(NOT_ALLOWED),  # DELETE only
    "api:openapi-json": everyone(OK),
    "api:openapi-view": everyone(OK),
    "api:api-root": everyone(HIDDEN),
    "admin:index": {**everyone(REDIRECT), "staff": (OK, OK)},
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


def kwargs_for(route: str, toolkit: Toolkit, people: dict) -> dict:
    practice = Practice.objects.filter(toolkit=toolkit).select_related("city").first()
    code, year = toolkit.theme.code, toolkit.year
    return {
        "catalogue:theme": {"code": code},
        "catalogue:toolkit": {"code": code, "year": year},
        "catalogue:toolkit_pdf": {"code": code, "year": year},
        "catalogue:toolkit_export": {"code": code, "year": year, "fmt": "yaml"},
        "practices:detail": {"pk": practice.pk},
        "people:city": {"slug": practice.city.slug},
        "people:password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
        "people:token_revoke": {"pk": 1},
        "people:invitation": {"token": "made-up"},
        "people:person": {"pk": people["officer"].pk},
        "people:person_data": {"pk": people["officer"].pk},
        "api:get_toolkit": {"code": code, "year": year},
        "api:get_practice": {"practice_id": practice.pk},
        "api:get_city": {"slug": practice.city.slug},
        "api:revoke_my_token": {"token_id": 1},
    }.get(route, {})


@pytest.fixture
def objects(people):
    """(published toolkit C, draft toolkit A)."""
    Toolkit.objects.filter(theme__code="A").update(status=Toolkit.Status.DRAFT)
    return Toolkit.objects.get(theme__code="C"), Toolkit.objects.get(theme__code="A")


@pytest.fixture
def clients(people) -> dict[str, Client]:
    result = {"anonymous": Client()}
    for role in ROLES[1:]:
        result[role] = Client()
        result[role].force_login(people[role])
    return result


@pytest.mark.parametrize("route", sorted(MATRIX))
def test_the_matrix(route, objects, clients, people):
    failures = []
    for role in ROLES:
        for toolkit, expected in zip(objects, MATRIX[route][role], strict=True):
            url = reverse(route, kwargs=kwargs_for(route, toolkit, people))
            status = clients[role].get(url).status_code
            if status != expected:
                failures.append(f"{role} on {url}: {status}, expected {expected}")
    assert not failures, "\n".join(failures)
