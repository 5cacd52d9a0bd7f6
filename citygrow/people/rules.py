"""Who may see and change what, for people, cities and anything private to a city.

Every app's rules build on `roles_of` and the predicates here; `people.access.Roles` holds the
rule for private items (see its docstring).
"""

from typing import Any

import rules

from citygrow.people.access import Roles

_CACHE = "_citygrow_roles"


def roles_of(user: Any) -> Roles:
    """The roles of `user`, loaded once per user object (so once per request) in one query.

    The query reads each of the person's roles with what it is about, joined: an officer role
    with the pairings its city mentors in (an officer of a mentor city is a mentor of the
    pairing's implementing city on its theme, people.access), a mentor role with its pairing, a
    facilitator role with its organisation's themes. A role row repeats once per pairing or
    theme joined; the count of queries stays one however many there are."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Roles()
    cached = getattr(user, _CACHE, None)
    if cached is not None:
        return cached
    from citygrow.people.models import Role

    officer_of: set[int] = set()
    mentoring: set[tuple[int, int, int]] = set()
    city_pairings: set[tuple[int, int, int]] = set()
    facilitating: set[int] = set()
    coordinator = False
    rows = user.roles.values_list(
        "kind",
        "city_id",
        "city__pairings_as_mentor__implementing_city_id",
        "city__pairings_as_mentor__theme_id",
        "pairing__mentor_city_id",
        "pairing__implementing_city_id",
        "pairing__theme_id",
        "organisation__themes",
    )
    for kind, city, mentee, mentee_theme, mentor, implementing, theme, organisation_theme in rows:
        if kind == Role.Kind.OFFICER:
            officer_of.add(city)
            if mentee is not None:
                city_pairings.add((city, mentee, mentee_theme))
        elif kind == Role.Kind.MENTOR:
            mentoring.add((mentor, implementing, theme))
        elif kind == Role.Kind.FACILITATOR:
            if organisation_theme is not None:
                facilitating.add(organisation_theme)
        elif kind == Role.Kind.COORDINATOR:
            coordinator = True
    result = Roles(
        officer_of=frozenset(officer_of),
        mentoring=frozenset(mentoring),
        facilitating=frozenset(facilitating),
        coordinator=coordinator,
        staff=user.is_staff,
        city_pairings=frozenset(city_pairings),
    )
    setattr(user, _CACHE, result)
    return result


def forget_roles(user: Any) -> None:
    """Drop the cached roles of `user` (after granting or removing one)."""
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)


@rules.predicate
def is_coordinator(user: Any) -> bool:
    return roles_of(user).coordinator


@rules.predicate
def has_a_role(user: Any) -> bool:
    return roles_of(user).any


@rules.predicate
def is_self(user: Any, person: Any) -> bool:
    return person is not None and user.is_authenticated and user.pk == person.pk


@rules.predicate
def may_see_private(user: Any, item: Any) -> bool:
    """For any item with `city_id` and `theme_id` that is not published (see people.access)."""
    if item is None:
        return False
    return roles_of(user).may_see_private(item.city_id, getattr(item, "theme_id", None))


is_coordinator_or_superuser = is_coordinator | rules.is_superuser

# Cities are public reference data; staff edit them.
rules.add_perm("people.view_city", rules.always_allow)
rules.add_perm("people.add_city", rules.is_staff)
rules.add_perm("people.change_city", rules.is_staff)
rules.add_perm("people.delete_city", rules.is_superuser)
# Coordinators keep the cities' key figures (with year and source) and define new indicators.
rules.add_perm("people.keep_city_figures", is_coordinator_or_superuser)
# Coordinators record a city's Charter signature (date, who signed) or withdraw it (issue 15).
rules.add_perm("people.record_charter_signature", is_coordinator_or_superuser)

# Coordinators invite people into roles, read the audit trail, and export or erase a person's
# data on request. Everybody may export their own data.
rules.add_perm("people.invite", is_coordinator_or_superuser)
rules.add_perm("people.view_audit", is_coordinator_or_superuser)
rules.add_perm("people.manage_people", is_coordinator_or_superuser)
rules.add_perm("people.export_person", is_self | is_coordinator_or_superuser)
rules.add_perm("people.erase_person", is_coordinator_or_superuser)
