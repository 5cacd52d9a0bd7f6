"""Who may see and change an action plan.

- A plan with an endorsed version is public: the city adopted it. Until then it is private to
  the pairing's team (people.access: the implementing city's officers, its mentors on the
  theme, the theme's facilitators, coordinators); to anyone else it does not exist (404).
- The implementing city's officers start the plan, edit its objectives and actions, submit a
  version for endorsement, record the endorsements with the signed documents, report progress
  and import actions. Coordinators also submit versions and record endorsements, to enter a
  programme's history as it happened.
- Everyone who may see the private plan comments on it (mentors and facilitators included).
"""

from typing import Any

import rules

from citygrow.people.rules import is_coordinator, may_see_private, roles_of


@rules.predicate
def is_endorsed(user: Any, plan: Any) -> bool:
    return plan is not None and plan.is_endorsed


@rules.predicate
def is_city_officer(user: Any, plan: Any) -> bool:
    return plan is not None and roles_of(user).is_officer_of(plan.city_id)


@rules.predicate
def is_implementing_officer(user: Any, pairing: Any) -> bool:
    """For starting a plan: an officer of the pairing's implementing city."""
    return pairing is not None and roles_of(user).is_officer_of(pairing.implementing_city_id)


rules.add_perm("plans.view_plan", is_endorsed | may_see_private)
rules.add_perm("plans.add_plan", is_implementing_officer)
rules.add_perm("plans.change_plan", is_city_officer)
# Coordinators too, who enter a programme's history: a version and its endorsements on the
# dates they happened (issue 13).
rules.add_perm("plans.endorse_plan", is_city_officer | is_coordinator)
rules.add_perm("plans.report_progress", is_city_officer)
rules.add_perm("plans.comment_plan", may_see_private)
