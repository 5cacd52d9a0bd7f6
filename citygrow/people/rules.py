"""Who may see and change what, for people, cities and anything private to a city.

Every app's rules build on `roles_of` and the predicates here; `people.access.Roles` holds the
rule for private items (see its docstring).
"""

from typing import Any

import rules

from citygrow.people.access import Roles

_CACHE = "_citygrow_roles"


def roles_of(user: Any) -> Roles:
    """The roles of `user`, loaded once per user object (so once per request) in two queries."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Roles()
    cached = getattr(user, _CACHE, None)
    if cached is not None:
        return cached
    from citygrow.people.models import Role

    officer_of: set[int] = set()
    mentoring: set[tuple[int, int, int]] = set()
    facilitating: set[int] = set()
    coordinator = False
    roles = user.roles.select_related("pairing", "organisation").prefetch_related(
        "organisation__themes"
    )
    for role in roles:
        if role.kind == Role.Kind.OFFICER:
            officer_of.add(role.city_id)
        elif role.kind == Role.Kind.MENTOR:
            pairing = role.pairing
            mentoring.add((pairing.mentor_city_id, pairing.implementing_city_id, pairing.theme_id))
        elif role.kind == Role.Kind.FACILITATOR:
            facilitating.update(theme.pk for theme in role.organisation.themes.all())
        elif role.kind == Role.Kind.COORDINATOR:
            coordinator = True
    result = Roles(
        officer_of=frozenset(officer_of),
        mentoring=frozenset(mentoring),
        facilitating=frozenset(facilitating),
        coordinator=coordinator,
        staff=user.is_staff,
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

# Coordinators invite people into roles, read the audit trail, and export or erase a person's
# data on request. Everybody may export their own data.
rules.add_perm("people.invite", is_coordinator_or_superuser)
rules.add_perm("people.view_audit", is_coordinator_or_superuser)
rules.add_perm("people.manage_people", is_coordinator_or_superuser)
rules.add_perm("people.export_person", is_self | is_coordinator_or_superuser)
rules.add_perm("people.erase_person", is_coordinator_or_superuser)
