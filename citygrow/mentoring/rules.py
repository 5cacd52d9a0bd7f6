"""Who may see and change mentoring programmes, schemes, visits, reports and work logs.

- Programmes, schemes, pairings and visits (dates, cities, agenda) are public: the network
  publishes who mentors whom. The participants of a visit are shown to those who may see the
  pairing's private items (people.access), as they name people.
- Coordinators set up programmes, events and schemes, decide pairings and plan visits; the
  facilitators of a scheme's theme plan its visits too.
- A visit report is private to the pairing's team while it is a draft (the implementing city's
  officers, its mentors on the theme, the theme's facilitators, coordinators) and public once
  published. The theme's facilitators and coordinators write and publish it. The mentor
  city's officers also see who takes part in the pairing's visits.
- A city's work log and workload report are private to its officers and coordinators; the
  city's officers log their days.
"""

from typing import Any

import rules

from citygrow.people.rules import is_coordinator, may_see_private, roles_of

MANAGE = "mentoring.manage_programme"
"""Setting up programmes, their events and schemes, and deciding the pairings: coordinators."""


@rules.predicate
def facilitates_visit(user: Any, visit: Any) -> bool:
    """For a visit, a pairing or a report: whether the person facilitates its theme."""
    return visit is not None and roles_of(user).facilitates(visit.theme_id)


@rules.predicate
def is_officer_of_mentor_city(user: Any, visit: Any) -> bool:
    """The mentor city's officers are part of a pairing's team for its visits."""
    return visit is not None and roles_of(user).is_officer_of(visit.pairing.mentor_city_id)


@rules.predicate
def is_published(user: Any, report: Any) -> bool:
    return report is not None and report.is_published


@rules.predicate
def is_draft(user: Any, report: Any) -> bool:
    return report is None or not report.is_published


@rules.predicate
def is_officer_of_city(user: Any, city: Any) -> bool:
    return city is not None and roles_of(user).is_officer_of(city.pk)


@rules.predicate
def sees_city_work(user: Any, city: Any) -> bool:
    return city is not None and roles_of(user).may_see_private(city.pk, None)


rules.add_perm("mentoring.view_programme", rules.always_allow)
rules.add_perm(MANAGE, is_coordinator)
rules.add_perm("mentoring.view_visit", rules.always_allow)
rules.add_perm("mentoring.view_participants", may_see_private | is_officer_of_mentor_city)
rules.add_perm("mentoring.plan_visit", is_coordinator | facilitates_visit)
rules.add_perm("mentoring.view_report", is_published | may_see_private)
rules.add_perm("mentoring.write_report", (is_coordinator | facilitates_visit) & is_draft)
rules.add_perm("mentoring.publish_report", is_coordinator | facilitates_visit)
rules.add_perm("mentoring.view_workload", sees_city_work)
rules.add_perm("mentoring.log_work", is_officer_of_city)
rules.add_perm("mentoring.set_rates", is_coordinator | is_officer_of_city)
