"""The rule for unpublished items (people.access.Scope) as a database filter.

`visible(queryset, scope, public=..., city=..., theme=...)` keeps what is public and what the
scope reaches; `city` and `theme` name the lookups from the queryset's model to the item's
city and theme. It is the same rule as `Scope.contains`, and tests check both on the same
cases (tests/people/test_visibility.py).
"""

from typing import Any, TypeVar

from django.db.models import Q, QuerySet

from citygrow.people.access import Scope

QS = TypeVar("QS", bound=QuerySet[Any])


def scope_q(scope: Scope, *, city: str | None, theme: str) -> Q:
    """The items `scope` reaches (not counting `everything`: see `visible`)."""
    reached = Q(pk__in=[])
    if city is not None and scope.cities:
        reached |= Q(**{f"{city}__in": sorted(scope.cities)})
    if scope.themes:
        reached |= Q(**{f"{theme}__in": sorted(scope.themes)})
    if city is not None:
        for city_id, theme_id in sorted(scope.city_themes):
            reached |= Q(**{city: city_id, theme: theme_id})
    return reached


def visible(queryset: QS, scope: Scope, *, public: Q, city: str | None, theme: str) -> QS:
    """The rows of `queryset` that are `public` or that `scope` reaches."""
    if scope.everything:
        return queryset
    return queryset.filter(public | scope_q(scope, city=city, theme=theme))
