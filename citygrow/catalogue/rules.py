"""Who may see and change toolkits.

Published and withdrawn editions are public. A draft edition is seen by staff, coordinators and
the facilitators of its theme; to anyone else it does not exist (404). Staff load and edit
toolkits.
"""

from typing import TYPE_CHECKING

import rules

if TYPE_CHECKING:
    from citygrow.catalogue.models import Toolkit


@rules.predicate
def toolkit_is_visible(user: object, toolkit: "Toolkit | None") -> bool:
    return toolkit is None or toolkit.is_visible_to(user)


rules.add_perm("catalogue.view_toolkit", toolkit_is_visible)
rules.add_perm("catalogue.add_toolkit", rules.is_staff)
rules.add_perm("catalogue.change_toolkit", rules.is_staff)
rules.add_perm("catalogue.delete_toolkit", rules.is_superuser)
rules.add_perm("catalogue.view_theme", rules.always_allow)
