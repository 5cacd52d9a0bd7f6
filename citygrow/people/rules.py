"""Who may see and change cities.

City records are public reference data: anyone may read them; staff edit them in the admin.
"""

import rules

rules.add_perm("people.view_city", rules.always_allow)
rules.add_perm("people.change_city", rules.is_staff)
rules.add_perm("people.add_city", rules.is_staff)
rules.add_perm("people.delete_city", rules.is_superuser)
