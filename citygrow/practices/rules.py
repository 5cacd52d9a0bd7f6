"""Who may see and change good practices.

Practices from a published or withdrawn toolkit are public; those of a draft toolkit are seen by
staff only. Staff edit practices in the admin.
"""

import rules


@rules.predicate
def practice_is_public(user: object, practice: object) -> bool:
    if practice is None:
        return True
    toolkit = getattr(practice, "toolkit", None)
    return toolkit is None or toolkit.is_public


rules.add_perm("practices.view_practice", practice_is_public | rules.is_staff)
rules.add_perm("practices.add_practice", rules.is_staff)
rules.add_perm("practices.change_practice", rules.is_staff)
rules.add_perm("practices.delete_practice", rules.is_staff)
