"""Who may see and change an assessment.

A published assessment is public. Until then it is private to the city's officers, the city's
mentors on the toolkit's theme, the theme's facilitators and coordinators (people.access); to
anyone else it does not exist (404).

- Officers of the city start assessments, answer while it is a draft, submit it, reopen it, and
  publish it once reviewed; they copy any assessment of their city into a new draft.
- Mentors, facilitators, coordinators and the officers comment on a submitted assessment.
- The theme's facilitators (and coordinators) mark a submitted assessment reviewed.
"""

from typing import Any

import rules

from citygrow.people.rules import may_see_private, roles_of


@rules.predicate
def is_published(user: Any, assessment: Any) -> bool:
    return assessment is not None and assessment.is_published


@rules.predicate
def is_city_officer(user: Any, assessment: Any) -> bool:
    return assessment is not None and roles_of(user).is_officer_of(assessment.city_id)


@rules.predicate
def is_draft(user: Any, assessment: Any) -> bool:
    return assessment is not None and assessment.status == "draft"


@rules.predicate
def is_submitted(user: Any, assessment: Any) -> bool:
    return assessment is not None and assessment.status == "submitted"


@rules.predicate
def is_under_review(user: Any, assessment: Any) -> bool:
    return assessment is not None and assessment.status in ("submitted", "reviewed")


@rules.predicate
def is_reviewed(user: Any, assessment: Any) -> bool:
    return assessment is not None and assessment.status == "reviewed"


@rules.predicate
def reviews_theme(user: Any, assessment: Any) -> bool:
    if assessment is None:
        return False
    roles = roles_of(user)
    return roles.coordinator or roles.facilitates(assessment.theme_id)


@rules.predicate
def is_any_officer(user: Any) -> bool:
    return bool(roles_of(user).officer_of)


rules.add_perm("assessments.view_assessment", is_published | may_see_private)
rules.add_perm("assessments.add_assessment", is_any_officer)
rules.add_perm("assessments.change_assessment", is_city_officer & is_draft)
rules.add_perm("assessments.submit_assessment", is_city_officer & is_draft)
rules.add_perm("assessments.reopen_assessment", is_city_officer & is_under_review)
rules.add_perm("assessments.comment_assessment", may_see_private & is_under_review)
rules.add_perm("assessments.review_assessment", reviews_theme & is_submitted)
rules.add_perm("assessments.publish_assessment", is_city_officer & is_reviewed)
rules.add_perm("assessments.copy_assessment", is_city_officer)
