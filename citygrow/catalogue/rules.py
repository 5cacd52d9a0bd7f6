"""Who may see and change toolkits.

Published and withdrawn editions are public. A draft edition is seen by staff, coordinators and
the facilitators of its theme; to anyone else it does not exist (404). Staff load and edit
toolkits in the admin.

Authors of a theme (its facilitators, coordinators and staff: the people who see its drafts)
write toolkits on the pages and through the API: they start editions, edit drafts, upload a
toolkit file into a draft, publish and compare. Only a draft's content can change; a published
edition changes through a new edition.
"""

from typing import TYPE_CHECKING

import rules

from citygrow.people.rules import roles_of

if TYPE_CHECKING:
    from citygrow.catalogue.models import Theme, Toolkit


@rules.predicate
def toolkit_is_visible(user: object, toolkit: "Toolkit | None") -> bool:
    return toolkit is None or toolkit.is_visible_to(user)


@rules.predicate
def authors_theme(user: object, theme: "Theme | None") -> bool:
    """Whether the person writes toolkits for `theme` (None: for some theme at all)."""
    scope = roles_of(user).draft_scope()
    if theme is None:
        return scope.everything or bool(scope.themes)
    return scope.contains(None, theme.pk)


@rules.predicate
def authors_toolkit(user: object, toolkit: "Toolkit | None") -> bool:
    return toolkit is not None and roles_of(user).draft_scope().contains(None, toolkit.theme_id)


@rules.predicate
def is_draft(user: object, toolkit: "Toolkit | None") -> bool:
    return toolkit is not None and not toolkit.is_public


rules.add_perm("catalogue.view_toolkit", toolkit_is_visible)
# Start an edition of a theme (blank or as a copy of the last), list its editions to work on.
rules.add_perm("catalogue.author_theme", authors_theme)
# Publish an edition, compare editions, see its authoring history: the theme's authors.
rules.add_perm("catalogue.author_toolkit", authors_toolkit)
# Change a draft's content (its fields and items, or by uploading a file into it), delete it.
rules.add_perm("catalogue.edit_toolkit", authors_toolkit & is_draft)
rules.add_perm("catalogue.add_toolkit", rules.is_staff)
rules.add_perm("catalogue.change_toolkit", rules.is_staff)
rules.add_perm("catalogue.delete_toolkit", rules.is_superuser)
rules.add_perm("catalogue.view_theme", rules.always_allow)
