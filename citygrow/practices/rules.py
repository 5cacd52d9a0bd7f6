"""Who may see and change good practices.

A toolkit's example is seen by whoever may see its toolkit (see catalogue.rules); staff edit
examples in the admin (or the theme's authors through the toolkit's pages).

A city contributes practices of its own. Its officers (and coordinators, entering a programme's
history) write one as a draft, change it while it is a draft or returned to them, submit it,
and discard a draft never published. A reviewer (a facilitator of one of the practice's themes,
or a coordinator) comments, returns it for changes or publishes it, and withdraws a published
one. Before it is published a contribution is private to its city's officers, its themes'
facilitators, the city's mentors on those themes and coordinators (people.access); published or
withdrawn, it is public.
"""

from typing import TYPE_CHECKING, Any

import rules

from citygrow.people.rules import is_coordinator, roles_of

if TYPE_CHECKING:
    from citygrow.people.models import City
    from citygrow.practices.models import Practice


def _theme_ids(practice: "Practice") -> list[int]:
    return [theme.pk for theme in practice.themes.all()]


@rules.predicate
def practice_is_visible(user: Any, practice: "Practice | None") -> bool:
    if practice is None:
        return True
    if not practice.is_contributed:
        toolkit = practice.toolkit
        return toolkit is None or toolkit.is_visible_to(user)
    if practice.is_public:
        return True
    roles = roles_of(user)
    if roles.may_see_private(practice.city_id, None):
        return True
    return any(roles.may_see_private(practice.city_id, theme) for theme in _theme_ids(practice))


@rules.predicate
def contributes_for(user: Any, city: "City | None") -> bool:
    """Whether the person writes practices for `city` (None: for some city at all)."""
    roles = roles_of(user)
    if roles.coordinator:
        return True
    if city is None:
        return bool(roles.officer_of)
    return roles.is_officer_of(city.pk)


@rules.predicate
def contributes_practice(user: Any, practice: "Practice | None") -> bool:
    if practice is None or not practice.is_contributed:
        return False
    roles = roles_of(user)
    return roles.coordinator or roles.is_officer_of(practice.city_id)


@rules.predicate
def is_editable(user: Any, practice: "Practice | None") -> bool:
    return practice is not None and practice.is_editable


@rules.predicate
def never_published(user: Any, practice: "Practice | None") -> bool:
    return practice is not None and practice.published_at is None and practice.is_editable


@rules.predicate
def reviews_practice(user: Any, practice: "Practice | None") -> bool:
    """A facilitator of one of the contributed practice's themes, or a coordinator."""
    if practice is None or not practice.is_contributed:
        return False
    roles = roles_of(user)
    return roles.coordinator or any(roles.facilitates(theme) for theme in _theme_ids(practice))


@rules.predicate
def is_submitted(user: Any, practice: "Practice | None") -> bool:
    return practice is not None and practice.status == practice.Status.SUBMITTED


@rules.predicate
def is_published(user: Any, practice: "Practice | None") -> bool:
    return practice is not None and practice.status == practice.Status.PUBLISHED


@rules.predicate
def is_unpublished(user: Any, practice: "Practice | None") -> bool:
    return practice is not None and practice.is_contributed and not practice.is_public


rules.add_perm("practices.view_practice", practice_is_visible)
# Write a new practice for a city (the object is the city; None: for some city).
rules.add_perm("practices.contribute_practice", contributes_for)
# Change a draft or returned contribution: its texts, links, contact, outcomes, attachments;
# submit it for review.
rules.add_perm("practices.edit_contribution", contributes_practice & is_editable)
# Discard a contribution that was never published.
rules.add_perm("practices.discard_contribution", contributes_practice & never_published)
# Publish or return a submitted contribution.
rules.add_perm("practices.review_practice", reviews_practice & is_submitted)
# Withdraw a published contribution (it stays readable, marked withdrawn, and is no longer
# offered to plans).
rules.add_perm("practices.withdraw_practice", reviews_practice & is_published)
# Comment while it is not yet public: its contributors and its reviewers.
rules.add_perm(
    "practices.comment_on_practice", (contributes_practice | reviews_practice) & is_unpublished
)
# Read the comments: whoever may comment, and after publication still its people.
rules.add_perm("practices.read_practice_comments", contributes_practice | reviews_practice)
# The toolkit examples and any practice in the admin: staff.
rules.add_perm("practices.add_practice", rules.is_staff)
rules.add_perm("practices.change_practice", rules.is_staff)
rules.add_perm("practices.delete_practice", rules.is_staff)
# The list of contributions waiting for review: reviewers of some theme.
rules.add_perm(
    "practices.review_contributions",
    is_coordinator | rules.predicate(lambda user: bool(roles_of(user).facilitating)),
)
