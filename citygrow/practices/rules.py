"""Who may see and change good practices.

A practice is seen by whoever may see its toolkit (see catalogue.rules); one that belongs to no
toolkit is public. Staff edit practices in the admin.
"""

import rules


@rules.predicate
def practice_is_visible(user: object, practice: object) -> bool:
    if practice is None:
        return True
    toolkit = getattr(practice, "toolkit", None)
    return toolkit is None or toolkit.is_visible_to(user)


rules.add_perm("practices.view_practice", practice_is_visible)
rules.add_perm("practices.add_practice", rules.is_staff)
rules.add_perm("practices.change_practice", rules.is_staff)
rules.add_perm("practices.delete_practice", rules.is_staff)
