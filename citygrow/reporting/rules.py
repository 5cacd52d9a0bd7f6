"""Who may see and make infographics, and a programme's deliverables.

- A published infographic is public, like the visit reports it is drawn from. A draft is private
  to the pairing's team (those who may see the implementing city's private items on the theme:
  its officers, its mentors, the theme's facilitators, coordinators).
- A facilitator of the pairing's theme, or a coordinator, composes an infographic (for a pairing:
  starts a draft or a new version), edits and publishes it, or discards a draft.
- A programme's deliverables are public (the programme reports to its funder); coordinators
  record what was promised.
"""

from typing import Any

import rules

from citygrow.people.rules import is_coordinator, may_see_private, roles_of


@rules.predicate
def facilitates_theme(user: Any, item: Any) -> bool:
    """For a pairing or an infographic: whether the person facilitates its theme."""
    return item is not None and roles_of(user).facilitates(item.theme_id)


@rules.predicate
def is_published(user: Any, infographic: Any) -> bool:
    return infographic is not None and infographic.is_published


@rules.predicate
def is_draft(user: Any, infographic: Any) -> bool:
    return infographic is not None and not infographic.is_published


composes = is_coordinator | facilitates_theme

rules.add_perm("reporting.view_infographic", is_published | may_see_private)
rules.add_perm("reporting.compose_infographic", composes)
rules.add_perm("reporting.edit_infographic", composes & is_draft)
rules.add_perm("reporting.publish_infographic", composes & is_draft)
rules.add_perm("reporting.discard_infographic", composes & is_draft)
rules.add_perm("reporting.new_infographic_version", composes & is_published)
rules.add_perm("reporting.set_deliverables", is_coordinator)
