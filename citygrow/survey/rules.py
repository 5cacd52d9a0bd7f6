"""Who may see and do what in the Charter survey.

- Every questionnaire edition is public: the questionnaire is what signatory cities are asked,
  and its source is credited on every page. Coordinators (and superusers) load a new edition
  from a file, on the pages or through the API; staff also load them with `load_questionnaire`.
- Every cycle is public (its title, edition, dates and how many cities responded); who was
  invited and where each response stands is seen by coordinators, and by a city's officers for
  their own city. Coordinators open cycles, change their dates and invite cities.
- A city's response (its ratings, evidence and notes) is private to the city's officers and the
  coordinators, until it is accepted and the city agrees to publish it; to anyone else it does
  not exist (404). The city's officers answer it, start it from their previous cycle and
  submit it while it is open; coordinators return it for changes or accept it; the officers
  decide whether their accepted answers are public. A city's scores (its results page) follow
  its response.
- A cycle's aggregate results (response rate, distributions, role means, trend) are public
  once a coordinator publishes them; coordinators see them before, to check them.
- The links from commitments to toolkits and key factors are public; coordinators record them.
  What a city's results page suggests from them shows only the assessments and the other
  cities' responses that the reader may see.
"""

from typing import Any

import rules

from citygrow.people.rules import is_coordinator_or_superuser, roles_of


@rules.predicate
def is_city_officer(user: Any, response: Any) -> bool:
    return response is not None and roles_of(user).is_officer_of(response.city_id)


@rules.predicate
def is_public_response(user: Any, response: Any) -> bool:
    return response is not None and response.status == "accepted" and response.answers_public


@rules.predicate
def is_editable(user: Any, response: Any) -> bool:
    return response is not None and response.is_editable


@rules.predicate
def is_submitted(user: Any, response: Any) -> bool:
    return response is not None and response.status == "submitted"


rules.add_perm("survey.view_questionnaire", rules.always_allow)
rules.add_perm("survey.add_questionnaire", is_coordinator_or_superuser)
rules.add_perm("survey.view_cycle", rules.always_allow)
rules.add_perm("survey.add_cycle", is_coordinator_or_superuser)
rules.add_perm("survey.change_cycle", is_coordinator_or_superuser)
rules.add_perm(
    "survey.view_response", is_city_officer | is_coordinator_or_superuser | is_public_response
)
rules.add_perm("survey.answer_response", is_city_officer & is_editable)
rules.add_perm("survey.decide_response", is_coordinator_or_superuser & is_submitted)
rules.add_perm("survey.publish_answers", is_city_officer)


@rules.predicate
def results_published(user: Any, cycle: Any) -> bool:
    return cycle is not None and cycle.results_published_at is not None


# A cycle's aggregate results: public once a coordinator publishes them; coordinators read them
# before (to check them), and publish or withdraw them.
rules.add_perm("survey.view_results", results_published | is_coordinator_or_superuser)
rules.add_perm("survey.publish_results", is_coordinator_or_superuser)

# Which toolkits and key factors serve a commitment (issue 15 part 5): public to read (on the
# questionnaire's pages and in the API); coordinators record it, since the sources do not say.
rules.add_perm("survey.link_commitment", is_coordinator_or_superuser)
