"""The permission matrix: every route, for every role and relation.

Relations are around a pairing Munich (mentor) → Athens (implementing) on theme A (see the
`people` fixture): the officer works for Athens, the mentor mentors Athens on A, the facilitator
facilitates A; "other_" people hold the same kind of role elsewhere. Object routes are checked on
a public object and on a private one:
- toolkits: the published toolkit C, and toolkit A turned into a draft (seen by staff,
  coordinators and the facilitators of its theme);
- assessments: Athens's published assessment on C, and its draft on A (seen by Athens's
  officers, its mentors on A, A's facilitators and coordinators);
- visits of the Munich → Athens pairing: one whose report is published, one whose report is a
  draft (seen by the same people as the draft assessment).
Programmes, schemes and workloads are the same in both columns: "Test programme", its scheme A
and Athens's workload in it;
- action plans of Athens on theme A: an endorsed one (in a second programme's Munich → Athens
  pairing, so public) and a draft one (in Test programme's, frozen as version 1 with only its
  administrative endorsement), each with an objective, an action and a progress update with an
  attachment. Both have the same team: Athens's officers, its mentors on A, A's facilitators,
  coordinators.
A private object does not exist (404, never 403) for anyone else.

The officers of a pairing's mentor city are mentors of its implementing city on its theme, with
no invitation (issue 12): an officer of Munich would see what the mentor sees. Nobody in the
fixture is one (other_officer works for Helsinki, an implementing city), so no column changes;
tests/mentoring/test_pairing_by_hand.py checks that access.

A route without an entry here fails `test_every_route_has_a_matrix_entry`.
"""

from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from citygrow.assessments.models import Assessment
from citygrow.catalogue.models import GuideQuestion, Theme, Toolkit
from citygrow.mentoring.models import (
    Finding,
    Pairing,
    Programme,
    ProgrammeEvent,
    Scheme,
    SchemeCity,
    Visit,
    VisitReport,
)
from citygrow.people.models import City
from citygrow.plans import services as plan_services
from citygrow.plans.models import ActionPlan, Attachment, Endorsement, ProgressUpdate
from citygrow.practices import services as practice_services
from citygrow.practices.models import Practice
from citygrow.reporting.models import Infographic
from citygrow.survey import services as survey_services
from citygrow.survey.models import CharterRole, Commitment, Questionnaire
from tests.support.clients import client_as
from tests.support.plans import SIGNED_PDF, assess_athens, endorse, key_factor
from tests.support.roles import ROLES
from tests.support.survey import open_cycle_for, rate, response_of

OK, REDIRECT, FORBIDDEN, HIDDEN, NOT_ALLOWED, GONE, UNAUTHORISED = 200, 302, 403, 404, 405, 410, 401


def everyone(status: int) -> dict[str, tuple[int, int]]:
    return {role: (status, status) for role in ROLES}


def signed_in(status: int = OK, anonymous: int = REDIRECT) -> dict[str, tuple[int, int]]:
    """For signed-in people only; anonymous visitors are sent to log in."""
    return {**everyone(status), "anonymous": (anonymous, anonymous)}


def coordinators() -> dict[str, tuple[int, int]]:
    """Coordinators' pages: others are refused (403), anonymous visitors sent to log in."""
    return {**signed_in(FORBIDDEN), "coordinator": (OK, OK)}


def draft_hidden() -> dict[str, tuple[int, int]]:
    """An object route: public on a published toolkit; on a draft, only its team sees it."""
    result = {role: (OK, HIDDEN) for role in ROLES}
    for role in ("facilitator", "coordinator", "staff"):
        result[role] = (OK, OK)
    return result


def theme_authors(anonymous: int = REDIRECT) -> dict[str, tuple[int, int]]:
    """A theme's authoring route (toolkit editions, issue 12 part 1): its facilitators (A's on
    the private column, C's on the public one), coordinators and staff; others are refused."""
    result = {**everyone(FORBIDDEN), "anonymous": (anonymous, anonymous)}
    result["facilitator"] = (FORBIDDEN, OK)
    result["other_facilitator"] = (OK, FORBIDDEN)
    result["coordinator"] = result["staff"] = (OK, OK)
    return result


def draft_authors() -> dict[str, tuple[int, int]]:
    """A draft's authoring route: a published edition does not change (403 for all who see it);
    a draft is its theme's authors' (404 for those who may not see it); anonymous: log in."""
    result = {role: (FORBIDDEN, HIDDEN) for role in ROLES}
    result["anonymous"] = (REDIRECT, REDIRECT)
    for role in ("facilitator", "coordinator", "staff"):
        result[role] = (FORBIDDEN, OK)
    return result


def theme_page() -> dict[str, tuple[int, int]]:
    """The theme redirects to its current edition; with only a draft, those who may not see it
    are told the theme has no content yet."""
    result = {role: (REDIRECT, OK) for role in ROLES}
    for role in ("facilitator", "coordinator", "staff"):
        result[role] = (REDIRECT, REDIRECT)
    return result


def assessment_page() -> dict[str, tuple[int, int]]:
    """Public when published; the draft is seen by Athens's team on theme A only."""
    result = {role: (OK, HIDDEN) for role in ROLES}
    for role in ("officer", "mentor", "facilitator", "coordinator"):
        result[role] = (OK, OK)
    return result


def infographic_editors() -> dict[str, tuple[int, int]]:
    """An infographic's editor: a published one does not change (403 to all who see it); a
    draft is edited by the theme's facilitators and coordinators, seen by the rest of Athens's
    team (403) and by no one else (404); anonymous visitors are sent to log in."""
    result = {role: (FORBIDDEN, HIDDEN) for role in ROLES}
    result["anonymous"] = (REDIRECT, REDIRECT)
    result["officer"] = result["mentor"] = (FORBIDDEN, FORBIDDEN)
    result["facilitator"] = result["coordinator"] = (FORBIDDEN, OK)
    return result


def planners() -> dict[str, tuple[int, int]]:
    """Visits are planned by coordinators and the facilitators of the pairing's theme."""
    return {**coordinators(), "facilitator": (OK, OK)}


def athens_work() -> dict[str, tuple[int, int]]:
    """Athens's workload: its officers and coordinators."""
    return {**coordinators(), "officer": (OK, OK)}


def report_writers() -> dict[str, tuple[int, int]]:
    """A published report is final; a draft is written by the facilitators and coordinators."""
    result = {role: (FORBIDDEN, FORBIDDEN) for role in ROLES}
    result["anonymous"] = (REDIRECT, REDIRECT)
    result["facilitator"] = result["coordinator"] = (FORBIDDEN, OK)
    return result


def plan_editors() -> dict[str, tuple[int, int]]:
    """A plan's officers' pages: those who see the plan but are not its city's officers are
    refused (403); a draft does not exist for others (404); anonymous visitors log in."""
    return {
        **officers_of_the_city(on_published=OK, on_draft=OK),
        "anonymous": (REDIRECT, REDIRECT),
    }


def plan_team_api() -> dict[str, tuple[int, int]]:
    """An API route for the plan's team only: 401 without credentials, 403 on an endorsed plan
    for others, 404 on a draft."""
    result = {role: (FORBIDDEN, HIDDEN) for role in ROLES}
    for role in ("officer", "mentor", "facilitator", "coordinator"):
        result[role] = (OK, OK)
    result["anonymous"] = (UNAUTHORISED, UNAUTHORISED)
    return result


def assessment_team_api() -> dict[str, tuple[int, int]]:
    """The review's comments in the API: for the assessment's team, also once published (the
    published one is on theme C: Athens's officers, C's facilitators, coordinators); 403 for
    others who see it, 404 on the draft, 401 without credentials."""
    result = {role: (FORBIDDEN, HIDDEN) for role in ROLES}
    for role in ("officer", "coordinator"):
        result[role] = (OK, OK)
    result["mentor"] = result["facilitator"] = (FORBIDDEN, OK)
    result["other_facilitator"] = (OK, HIDDEN)
    result["anonymous"] = (UNAUTHORISED, UNAUTHORISED)
    return result


def toolkit_editors() -> dict[str, tuple[int, int]]:
    """The edit page of a draft: for its theme's authors (A's facilitator, coordinators,
    staff); 404 to others; a published edition is not edited (403 to all who see it)."""
    result = {role: (FORBIDDEN, HIDDEN) for role in ROLES}
    for role in ("facilitator", "coordinator", "staff"):
        result[role] = (FORBIDDEN, OK)
    result["anonymous"] = (REDIRECT, REDIRECT)
    return result


def officers_of_the_city(*, on_published: int, on_draft: int) -> dict[str, tuple[int, int]]:
    """An action for Athens's officers; others who may see the assessment are refused (403),
    and those who may not see the draft get 404."""
    result = {}
    for role, (public, private) in assessment_page().items():
        result[role] = (
            FORBIDDEN if public == OK else public,
            FORBIDDEN if private == OK else private,
        )
    result["officer"] = (on_published, on_draft)
    return result


#: Who sees Athens's draft contribution on theme A: its officers, its mentors on A, A's
#: facilitators and coordinators (people.access).
CONTRIBUTION_TEAM = ("officer", "mentor", "facilitator", "coordinator")


def contribution_step(
    on_published: tuple[str, ...] = (), on_draft: tuple[str, ...] = ()
) -> dict[str, tuple[int, int]]:
    """A step on a contributed practice (issue 13 part 4): the public column is Athens's
    published contribution, the private one its draft. Those named may take the step (200 for
    its page); those who see the practice but may not are refused (403); a draft does not exist
    for anyone else (404); anonymous visitors are sent to log in."""
    result = {}
    for role in ROLES:
        public = OK if role in on_published else FORBIDDEN
        private = OK if role in on_draft else FORBIDDEN if role in CONTRIBUTION_TEAM else HIDDEN
        result[role] = (public, private)
    result["anonymous"] = (REDIRECT, REDIRECT)
    return result


def contribution_read(anonymous: int = OK) -> dict[str, tuple[int, int]]:
    """Reading a contributed practice (a file, its adoptions): public once published; a draft
    for its team only."""
    result = {role: (OK, OK if role in CONTRIBUTION_TEAM else HIDDEN) for role in ROLES}
    result["anonymous"] = (anonymous, HIDDEN)
    return result


def contribution_comments_api() -> dict[str, tuple[int, int]]:
    """A contribution's review comments: its contributors and reviewers."""
    result = {role: (FORBIDDEN, HIDDEN) for role in ROLES}
    for role in ("officer", "facilitator", "coordinator"):
        result[role] = (OK, OK)
    result["mentor"] = (FORBIDDEN, FORBIDDEN)
    result["anonymous"] = (UNAUTHORISED, UNAUTHORISED)
    return result


def survey_response() -> dict[str, tuple[int, int]]:
    """A city's survey response: public once accepted with its answers public; a draft is seen
    by the city's officers and the coordinators only (not its mentors or facilitators)."""
    result = {role: (OK, HIDDEN) for role in ROLES}
    result["officer"] = result["coordinator"] = (OK, OK)
    return result


def survey_answering() -> dict[str, tuple[int, int]]:
    """Answering a response: the city's officers, while it is not submitted or accepted."""
    result = {role: (FORBIDDEN, HIDDEN) for role in ROLES}
    result["officer"] = (FORBIDDEN, OK)
    result["coordinator"] = (FORBIDDEN, FORBIDDEN)
    return result


def survey_results() -> dict[str, tuple[int, int]]:
    """A cycle's results: public once published, seen by coordinators before."""
    result = {role: (OK, HIDDEN) for role in ROLES}
    result["coordinator"] = (OK, OK)
    return result


MATRIX: dict[str, dict[str, tuple[int, int]]] = {
    "home": everyone(OK),
    "catalogue:toolkit_list": everyone(OK),
    "catalogue:theme": theme_page(),
    "catalogue:toolkit": draft_hidden(),
    "catalogue:toolkit_pdf": draft_hidden(),
    "catalogue:toolkit_export": draft_hidden(),
    "practices:list": everyone(OK),
    "front:practice": draft_hidden(),
    # The pairing page (issue 14 part 1): public; its private parts are left out of the page
    # for those who may not see them (tests/site/test_pairing_page.py).
    "front:pairing": everyone(OK),
    # Attendance of a programme's events by city (issue 14 part 4): coordinators.
    "mentoring:event_attendance": coordinators(),
    "api:put_event_attendance": everyone(NOT_ALLOWED),  # PUT only
    # Practices contributed by cities and their review (issue 13 part 4). The contribution
    # routes below are checked on Athens's published contribution and its draft.
    "practices:contribute": {
        **signed_in(FORBIDDEN),
        "officer": (OK, OK),
        "other_officer": (OK, OK),
        "coordinator": (OK, OK),
    },
    "practices:review": {
        **signed_in(FORBIDDEN),
        **{
            role: (OK, OK)
            for role in (
                "officer",
                "other_officer",
                "facilitator",
                "other_facilitator",
                "coordinator",
            )
        },
    },
    "practices:edit": contribution_step(on_draft=("officer", "coordinator")),
    "practices:submit": contribution_step(on_draft=("officer", "coordinator")),
    "practices:discard": contribution_step(on_draft=("officer", "coordinator")),
    "practices:publish": contribution_step(),  # a draft is not submitted yet
    "practices:return": contribution_step(),
    "practices:withdraw": contribution_step(on_published=("facilitator", "coordinator")),
    "practices:comment": contribution_step(on_draft=("officer", "facilitator", "coordinator")),
    "practices:attachment": contribution_read(),
    "practices:attach": everyone(NOT_ALLOWED),  # POST only
    "practices:attachment_remove": everyone(NOT_ALLOWED),  # POST only
    "people:city_list": everyone(OK),
    "front:city": everyone(OK),
    # Cities' key figures (issue 13 part 1): the figure form for coordinators only.
    "front:city_figure_add": coordinators(),
    "front:indicator_add": everyone(NOT_ALLOWED),  # POST only
    # Accounts
    "people:login": {**everyone(REDIRECT), "anonymous": (OK, OK)},
    "people:logout": everyone(NOT_ALLOWED),  # POST only
    "people:account": signed_in(),
    "people:password_change": signed_in(),
    "people:password_change_done": signed_in(),
    "people:password_reset": everyone(OK),
    "people:password_reset_done": everyone(OK),
    "people:password_reset_confirm": everyone(OK),  # an invalid link says so
    "people:password_reset_complete": everyone(OK),
    "people:token_create": signed_in(),
    "people:token_revoke": everyone(NOT_ALLOWED),  # POST only
    "people:my_data": signed_in(),
    "people:invitation": everyone(GONE),  # a made-up token
    # Coordination
    "people:invitations": coordinators(),
    "people:people": coordinators(),
    "people:person": coordinators(),
    "people:person_data": coordinators(),
    "people:audit": coordinators(),
    "practices:mentions": coordinators(),
    # Assessments
    "assessments:list": everyone(OK),
    "assessments:start": {
        **signed_in(FORBIDDEN),
        "officer": (OK, OK),
        "other_officer": (OK, OK),
    },
    "assessments:detail": assessment_page(),
    "assessments:answer": officers_of_the_city(on_published=FORBIDDEN, on_draft=OK),
    "assessments:answer_save": officers_of_the_city(on_published=FORBIDDEN, on_draft=OK),
    "assessments:copy": officers_of_the_city(on_published=OK, on_draft=OK),
    "assessments:pdf": assessment_page(),
    "assessments:export": assessment_page(),
    "assessments:factor_save": everyone(NOT_ALLOWED),  # POST only
    "assessments:context_save": everyone(NOT_ALLOWED),
    "assessments:comment_add": everyone(NOT_ALLOWED),
    "assessments:transition": everyone(NOT_ALLOWED),
    # Mentoring
    "mentoring:programmes": everyone(OK),
    "front:programme": everyone(OK),
    "mentoring:programme_create": coordinators(),
    "mentoring:programme_edit": coordinators(),
    "mentoring:event_create": coordinators(),
    "mentoring:scheme_create": coordinators(),
    "mentoring:scheme": everyone(OK),
    "mentoring:scheme_edit": coordinators(),
    "mentoring:member_add": everyone(NOT_ALLOWED),  # POST only
    "mentoring:member_remove": everyone(NOT_ALLOWED),
    "mentoring:proposal": coordinators(),
    # Pairing by hand and its removal page (issue 12): coordinators only.
    "mentoring:pairing_remove": coordinators(),  # the page says why a pairing with visits stays
    "mentoring:pairing_add": everyone(NOT_ALLOWED),  # POST only
    "mentoring:visit_create": planners(),
    "mentoring:visit": everyone(OK),
    "mentoring:visit_edit": planners(),
    # Correcting visits (issue 13 part 2): cancel and delete, for those who plan visits
    "mentoring:visit_cancel": planners(),
    "mentoring:visit_delete": planners(),  # says why a visit with a published report stays
    "mentoring:visit_ics": everyone(OK),
    "mentoring:report_edit": report_writers(),
    "mentoring:report_publish": everyone(NOT_ALLOWED),
    "mentoring:city_calendar": everyone(OK),
    "mentoring:workload_overview": coordinators(),
    "mentoring:workload": athens_work(),
    "mentoring:log_work": everyone(NOT_ALLOWED),
    "mentoring:workload_rates": everyone(NOT_ALLOWED),
    "mentoring:workload_export": athens_work(),
    # Action plans
    "plans:list": everyone(OK),
    "plans:start": {**signed_in(FORBIDDEN), "officer": (REDIRECT, REDIRECT)},  # it has a plan
    "plans:detail": assessment_page(),
    "plans:edit": plan_editors(),
    "plans:objective_create": plan_editors(),
    "plans:objective_edit": plan_editors(),
    "plans:objective_delete": everyone(NOT_ALLOWED),  # POST only
    "plans:action_create": plan_editors(),
    "plans:action_edit": plan_editors(),
    "plans:action_delete": everyone(NOT_ALLOWED),
    "plans:comment_add": everyone(NOT_ALLOWED),
    "plans:freeze": everyone(NOT_ALLOWED),
    "plans:version": assessment_page(),
    "plans:endorse": {**plan_editors(), "coordinator": (OK, OK)},  # entering history too
    "plans:endorsement_document": assessment_page(),
    "plans:changes": assessment_page(),
    "plans:update_create": plan_editors(),
    "plans:attachment": assessment_page(),
    "plans:timeline": assessment_page(),
    "plans:measured_change": assessment_page(),
    "plans:pdf": assessment_page(),
    "plans:docx": assessment_page(),
    "plans:actions_export": assessment_page(),
    "plans:actions_import": plan_editors(),
    # API
    "api:list_themes": everyone(OK),
    "api:list_toolkits": everyone(OK),
    "api:get_toolkit": draft_hidden(),
    "api:list_practices": everyone(OK),
    "api:get_practice": draft_hidden(),
    # Contributed practices in the API (issue 13 parts 4-5); each write route's path answers
    # GET with the practice.
    "api:edit_practice": contribution_read(),
    "api:discard_practice": contribution_read(),
    "api:list_practice_adoptions": contribution_read(),
    "api:list_practice_comments": contribution_comments_api(),
    "api:add_practice_comment": contribution_comments_api(),  # its path's GET lists them
    "api:contribute_practice": everyone(NOT_ALLOWED),  # POST only
    "api:submit_practice": everyone(NOT_ALLOWED),
    "api:return_practice": everyone(NOT_ALLOWED),
    "api:publish_practice": everyone(NOT_ALLOWED),
    "api:withdraw_practice": everyone(NOT_ALLOWED),
    "api:attach_practice_file": everyone(NOT_ALLOWED),
    "api:remove_practice_file": everyone(NOT_ALLOWED),  # DELETE only
    "api:list_adopted_practices": everyone(OK),
    "api:get_pairing_story": everyone(OK),  # the pairing page's rule
    # Infographics (issue 14): the public column's is published, the private one's a draft
    # (version 2) of the same pairing, seen by Athens's team on theme A.
    "reporting:gallery": everyone(OK),
    # The Charter questionnaire (issue 15): every edition is public; coordinators add one.
    "survey:charter": everyone(OK),
    "survey:questionnaire": everyone(OK),
    "survey:questionnaire_new": coordinators(),
    "survey:questionnaire_file": everyone(OK),
    "api:list_questionnaires": everyone(OK),
    "front:city_charter": coordinators(),
    "survey:signatories": everyone(OK),
    "api:record_charter_signature": everyone(NOT_ALLOWED),  # PUT and DELETE only
    "api:withdraw_charter_signature": everyone(NOT_ALLOWED),  # the same path
    "api:list_signatories": everyone(OK),
    "api:load_questionnaire": everyone(OK),  # its path's GET lists the editions
    "api:get_questionnaire": everyone(OK),
    "api:questionnaire_file": everyone(OK),
    # Survey cycles, responses and results (issue 15 parts 3-6): the public column's cycle has
    # published results and Athens's response accepted with its answers public; the private
    # column's cycle is unpublished, with Athens's response a draft.
    "survey:cycle_new": coordinators(),
    "survey:cycle": everyone(OK),
    "survey:cycle_edit": everyone(NOT_ALLOWED),  # POST only
    "survey:cycle_invite": everyone(NOT_ALLOWED),
    "survey:response": survey_response(),
    "survey:response_answer": survey_answering(),
    "survey:rating_save": survey_answering(),  # its GET gives the stored form
    "survey:role_note_save": everyone(NOT_ALLOWED),
    "survey:response_action": everyone(NOT_ALLOWED),
    "survey:cycle_results": survey_results(),
    "survey:results_publish": everyone(NOT_ALLOWED),
    "survey:cycle_export": survey_results(),
    "survey:results_export": survey_results(),
    "survey:response_results": survey_response(),
    "survey:response_results_pdf": survey_response(),
    "api:list_survey_cycles": everyone(OK),
    "api:open_survey_cycle": everyone(OK),  # its path's GET lists the cycles
    "api:get_survey_cycle": everyone(OK),
    "api:change_survey_cycle": everyone(OK),  # the same path's GET
    "api:invite_to_survey_cycle": everyone(NOT_ALLOWED),
    "api:get_survey_response": survey_response(),
    "api:save_survey_rating": everyone(NOT_ALLOWED),
    "api:save_survey_role_note": everyone(NOT_ALLOWED),
    "api:submit_survey_response": everyone(NOT_ALLOWED),
    "api:return_survey_response": everyone(NOT_ALLOWED),
    "api:accept_survey_response": everyone(NOT_ALLOWED),
    "api:start_survey_response_from_previous": everyone(NOT_ALLOWED),
    "api:publish_survey_answers": everyone(NOT_ALLOWED),
    "api:unpublish_survey_answers": everyone(NOT_ALLOWED),
    "api:get_survey_results": survey_results(),
    "api:publish_survey_results": everyone(NOT_ALLOWED),
    "api:withdraw_survey_results": everyone(NOT_ALLOWED),
    "api:survey_answers_file": survey_results(),
    "api:survey_results_file": survey_results(),
    "api:get_city_survey_results": survey_response(),
    "api:city_survey_results_pdf": survey_response(),
    # Commitments linked to toolkits (issue 15 part 5).
    "survey:commitment_links": coordinators(),
    "api:get_commitment_links": everyone(OK),
    "api:save_commitment_links": everyone(OK),  # its path's GET is public
    "api:get_survey_suggestions": survey_response(),
    "reporting:deliverables": coordinators(),
    "api:get_deliverables": everyone(OK),
    "api:put_deliverables": everyone(OK),  # its path's GET is the deliverables
    "reporting:pairing_infographic": everyone(REDIRECT),  # to its published version
    "reporting:start": everyone(NOT_ALLOWED),  # POST only
    "reporting:infographic": assessment_page(),
    "reporting:infographic_text": assessment_page(),
    "reporting:infographic_file": assessment_page(),
    "reporting:infographic_edit": infographic_editors(),
    "reporting:infographic_publish": everyone(NOT_ALLOWED),  # POST only
    "reporting:infographic_discard": everyone(NOT_ALLOWED),
    "reporting:infographic_new_version": everyone(NOT_ALLOWED),
    "api:list_infographics": everyone(OK),
    "api:list_pairing_infographics": everyone(OK),
    "api:start_infographic": everyone(OK),  # its path's GET lists the versions
    "api:get_infographic": assessment_page(),
    "api:edit_infographic": assessment_page(),  # its path's GET reads it
    "api:discard_infographic": assessment_page(),
    "api:publish_infographic": everyone(NOT_ALLOWED),  # POST only
    "api:new_infographic_version": everyone(NOT_ALLOWED),
    "api:infographic_file": assessment_page(),
    "api:list_pairings": everyone(OK),
    "api:list_practice_suggestions": plan_team_api(),
    "api:list_cities": everyone(OK),
    "api:get_city": everyone(OK),
    # Cities' key figures (issue 13 part 1): public reads; coordinators write (POST, tested
    # in tests/people/test_city_figures.py); each POST route's path answers GET with the list.
    "api:city_figures": everyone(OK),
    "api:record_figure": everyone(OK),  # its path's GET gives the city's figures
    "api:list_indicators": everyone(OK),
    "api:define_indicator": everyone(OK),  # its path's GET lists the indicators
    "api:list_assessments": everyone(OK),
    "api:get_assessment": assessment_page(),
    "api:save_answer": everyone(NOT_ALLOWED),  # PUT only
    # The assessment workflow in the API (citygrow/api/assessments.py)
    "api:start_assessment": everyone(OK),  # its path's GET lists the assessments
    "api:copy_assessment": everyone(NOT_ALLOWED),  # POST only
    "api:save_key_factor_note": everyone(NOT_ALLOWED),  # PUT only
    "api:save_assessment_context": everyone(NOT_ALLOWED),  # PUT only
    "api:submit_assessment": everyone(NOT_ALLOWED),  # POST only
    "api:reopen_assessment": everyone(NOT_ALLOWED),
    "api:review_assessment": everyone(NOT_ALLOWED),
    "api:publish_assessment": everyone(NOT_ALLOWED),
    "api:list_assessment_comments": assessment_team_api(),
    "api:add_assessment_comment": assessment_team_api(),  # its path's GET lists the comments
    "api:me": signed_in(anonymous=UNAUTHORISED),
    "api:list_my_tokens": signed_in(anonymous=UNAUTHORISED),
    "api:revoke_my_token": everyone(NOT_ALLOWED),  # DELETE only
    "api:list_programmes": everyone(OK),
    "api:get_programme": everyone(OK),
    "api:get_scheme": everyone(OK),
    "api:add_scheme_member": everyone(NOT_ALLOWED),  # POST only
    "api:propose_pairings": everyone(NOT_ALLOWED),
    "api:accept_pairings": everyone(NOT_ALLOWED),
    "api:delete_pairing": everyone(NOT_ALLOWED),  # DELETE only
    "api:list_pairing_visits": everyone(OK),
    "api:plan_visit": everyone(OK),  # its path's GET lists the visits
    "api:get_visit": everyone(OK),
    "api:change_visit": everyone(OK),  # its path's GET is the visit
    # Correcting visits (issue 13 part 2)
    "api:delete_visit": everyone(OK),  # its path's GET is the visit
    "api:cancel_visit": everyone(NOT_ALLOWED),  # POST only
    "api:get_visit_report": assessment_page(),  # a draft report: the pairing's team
    "api:save_visit_report": assessment_page(),
    "api:publish_visit_report": everyone(NOT_ALLOWED),
    "api:get_workload": {**everyone(HIDDEN), "officer": (OK, OK), "coordinator": (OK, OK)},
    "api:log_work_days": everyone(NOT_ALLOWED),
    "api:create_programme": everyone(OK),  # its path's GET lists the programmes
    "api:change_programme": everyone(OK),  # its path's GET is the programme
    "api:add_programme_event": everyone(NOT_ALLOWED),  # POST only
    "api:create_scheme": everyone(NOT_ALLOWED),  # POST only
    "api:change_scheme": everyone(OK),  # its path's GET is the scheme
    "api:remove_scheme_member": everyone(NOT_ALLOWED),  # DELETE only
    "api:set_workload_rates": everyone(NOT_ALLOWED),  # PUT only
    "api:list_plans": everyone(OK),
    "api:get_plan": assessment_page(),
    "api:list_suggestions": plan_team_api(),
    "api:start_plan": everyone(NOT_ALLOWED),  # POST only
    "api:add_objective": everyone(NOT_ALLOWED),
    "api:change_objective": everyone(NOT_ALLOWED),  # PATCH and DELETE only
    "api:delete_objective": everyone(NOT_ALLOWED),
    "api:add_action": everyone(NOT_ALLOWED),
    "api:change_action": everyone(NOT_ALLOWED),
    "api:delete_action": everyone(NOT_ALLOWED),
    "api:add_comment": everyone(NOT_ALLOWED),
    "api:list_versions": assessment_page(),
    "api:freeze_version": assessment_page(),  # its path's GET lists the versions
    "api:get_version": assessment_page(),
    "api:change_version": assessment_page(),  # its path's GET is the version
    "api:delete_version": assessment_page(),
    "api:record_endorsement": everyone(NOT_ALLOWED),
    "api:get_changes": assessment_page(),
    "api:report_progress": everyone(NOT_ALLOWED),
    "api:get_timeline": assessment_page(),
    "api:get_schedule": assessment_page(),
    "api:get_change": assessment_page(),
    "api:put_change": assessment_page(),  # its path's GET is the measured change
    "api:export_actions_csv": assessment_page(),
    "api:export_actions_xlsx": assessment_page(),
    "api:import_actions": everyone(NOT_ALLOWED),
    # A plan without a toolkit (issue 12 part 2): tying a plan and a finding later
    "plans:tie": everyone(NOT_ALLOWED),  # POST only
    "mentoring:finding_tie": planners(),
    "api:tie_plan": everyone(NOT_ALLOWED),  # PUT only
    "api:tie_visit_finding": everyone(NOT_ALLOWED),  # PUT only
    # Toolkit editions (issue 12 part 1): starting, uploading, publishing, comparing
    "catalogue:editions": theme_authors(),
    "catalogue:edition_start": theme_authors(),
    "catalogue:edition_upload": draft_authors(),
    "catalogue:edition_publish": draft_authors(),
    "catalogue:edition_delete": draft_authors(),
    "catalogue:edition_compare": draft_hidden(),
    "api:list_editions": theme_authors(anonymous=UNAUTHORISED),
    "api:start_edition": theme_authors(anonymous=UNAUTHORISED),  # its path's GET lists them
    "api:upload_edition_file": everyone(NOT_ALLOWED),  # POST only
    "api:publish_edition": everyone(NOT_ALLOWED),  # POST only
    "api:delete_edition": everyone(NOT_ALLOWED),  # DELETE only
    "api:compare_edition_years": draft_hidden(),
    # Editing a draft toolkit edition (issue 12 part 1, views_authoring and api/toolkit_authoring)
    "catalogue:toolkit_edit": toolkit_editors(),
    "catalogue:edition_save": everyone(NOT_ALLOWED),  # POST only
    "catalogue:item_add": everyone(NOT_ALLOWED),
    "catalogue:child_add": everyone(NOT_ALLOWED),
    "catalogue:item_save": everyone(NOT_ALLOWED),
    "catalogue:item_move": everyone(NOT_ALLOWED),
    "catalogue:item_remove": everyone(NOT_ALLOWED),
    "api:get_edition": draft_hidden(),
    "api:change_edition": draft_hidden(),  # its path's GET is the edition
    "api:move_toolkit_item": everyone(NOT_ALLOWED),  # POST only
    **{
        f"api:{action}_{kind}": everyone(NOT_ALLOWED)  # POST, PATCH and DELETE only
        for action in ("add", "change", "remove")
        for kind in ("term", "key_factor", "question", "example", "context_factor")
    },
    "api:openapi-json": everyone(OK),
    "api:openapi-view": everyone(OK),
    "api:api-root": everyone(HIDDEN),
    "admin:index": {**everyone(REDIRECT), "staff": (OK, OK)},
}


def route_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace == "admin":
                names.add("admin:index")  # Django's admin: staff only, checked through its index
                continue
            names |= route_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_route_has_a_matrix_entry():
    assert route_names() == set(MATRIX)


#: API routes whose only path parameter is the plan.
PLAN_API_ROUTES = {
    "api:get_plan",
    "api:list_practice_suggestions",
    "api:list_suggestions",
    "api:add_objective",
    "api:add_comment",
    "api:list_versions",
    "api:freeze_version",
    "api:get_changes",
    "api:get_timeline",
    "api:get_schedule",
    "api:get_change",
    "api:put_change",
    "api:export_actions_csv",
    "api:export_actions_xlsx",
    "api:import_actions",
}


def survey_commitment(cycle) -> Commitment:
    return Commitment.objects.get(questionnaire=cycle.questionnaire_id, code="PM1")


def survey_role(cycle) -> CharterRole:
    return CharterRole.objects.get(questionnaire=cycle.questionnaire_id, code="buyer")


def kwargs_for(route: str, objects: dict, people: dict) -> dict:
    toolkit, assessment = objects["toolkit"], objects["assessment"]
    practice = Practice.objects.filter(toolkit=toolkit).select_related("city").first()
    code, year = toolkit.theme.code, toolkit.year
    question = GuideQuestion.objects.filter(key_factor__toolkit=assessment.toolkit_id).first()
    key_factor = question.key_factor
    visit, plan = objects["visit"], objects["plan"]
    objective, action = plan.objectives.first(), plan.actions.first()
    in_plan = {"pk": plan.pk}
    in_plan_api = {"plan_id": plan.pk}
    endorsement = Endorsement.objects.filter(version__plan=plan).first()
    attachment = Attachment.objects.filter(update__action__plan=plan).first()
    plan_routes = {
        "plans:start": {"pk": plan.pairing_id},
        "plans:objective_edit": {**in_plan, "objective": objective.pk},
        "plans:objective_delete": {**in_plan, "objective": objective.pk},
        "plans:action_create": {**in_plan, "objective": objective.pk},
        "plans:action_edit": {**in_plan, "action": action.pk},
        "plans:action_delete": {**in_plan, "action": action.pk},
        "plans:version": {**in_plan, "number": 1},
        "plans:endorse": {**in_plan, "number": 1},
        "plans:endorsement_document": {**in_plan, "endorsement": endorsement.pk},
        "plans:update_create": {**in_plan, "action": action.pk},
        "plans:attachment": {**in_plan, "attachment": attachment.pk},
        "plans:actions_export": {**in_plan, "fmt": "csv"},
        "api:start_plan": {"pairing_id": plan.pairing_id},
        "api:change_objective": {**in_plan_api, "objective_id": objective.pk},
        "api:delete_objective": {**in_plan_api, "objective_id": objective.pk},
        "api:add_action": {**in_plan_api, "objective_id": objective.pk},
        "api:change_action": {**in_plan_api, "action_id": action.pk},
        "api:delete_action": {**in_plan_api, "action_id": action.pk},
        "api:report_progress": {**in_plan_api, "action_id": action.pk},
        "api:get_version": {**in_plan_api, "number": 1},
        "api:change_version": {**in_plan_api, "number": 1},
        "api:delete_version": {**in_plan_api, "number": 1},
        "api:record_endorsement": {**in_plan_api, "number": 1},
    }
    if route in plan_routes:
        return plan_routes[route]
    if route.startswith("plans:") and route != "plans:list":
        return in_plan
    if route in PLAN_API_ROUTES:
        return in_plan_api
    programme, scheme = {"slug": "test-programme"}, {"slug": "test-programme", "code": "A"}
    charter = {"pk": Questionnaire.objects.get(label="charter-2010").pk}
    athens = {"slug": "test-programme", "city": "athens"}
    cycle, response = objects["cycle"], objects["response"]
    survey = {
        "survey:cycle": {"pk": cycle.pk},
        "survey:cycle_edit": {"pk": cycle.pk},
        "survey:cycle_invite": {"pk": cycle.pk},
        "survey:cycle_results": {"pk": cycle.pk},
        "survey:results_publish": {"pk": cycle.pk, "action": "publish"},
        "survey:cycle_export": {"pk": cycle.pk, "fmt": "csv"},
        "survey:results_export": {"pk": cycle.pk, "fmt": "csv"},
        "survey:response": {"pk": response.pk},
        "survey:response_answer": {"pk": response.pk},
        "survey:rating_save": {"pk": response.pk, "commitment_pk": survey_commitment(cycle).pk},
        "survey:role_note_save": {"pk": response.pk, "role_pk": survey_role(cycle).pk},
        "survey:response_action": {"pk": response.pk, "action": "submit"},
        "survey:response_results": {"pk": response.pk},
        "survey:response_results_pdf": {"pk": response.pk},
        "api:get_survey_cycle": {"cycle_id": cycle.pk},
        "api:change_survey_cycle": {"cycle_id": cycle.pk},
        "api:invite_to_survey_cycle": {"cycle_id": cycle.pk},
        "api:get_survey_results": {"cycle_id": cycle.pk},
        "api:publish_survey_results": {"cycle_id": cycle.pk},
        "api:withdraw_survey_results": {"cycle_id": cycle.pk},
        "api:survey_answers_file": {"cycle_id": cycle.pk, "fmt": "csv"},
        "api:survey_results_file": {"cycle_id": cycle.pk, "fmt": "csv"},
        "api:save_survey_rating": {"response_id": response.pk, "commitment_code": "PM1"},
        "api:save_survey_role_note": {"response_id": response.pk, "role_code": "buyer"},
        "survey:commitment_links": {"pk": survey_commitment(cycle).pk},
        "api:get_commitment_links": {"commitment_id": survey_commitment(cycle).pk},
        "api:save_commitment_links": {"commitment_id": survey_commitment(cycle).pk},
    }
    if route in survey:
        return survey[route]
    if route.startswith("api:") and "survey" in route and "cycle" not in route:
        return {"response_id": response.pk}
    return {
        "front:programme": programme,
        "reporting:deliverables": programme,
        "survey:questionnaire": charter,
        "survey:questionnaire_file": charter,
        "api:get_questionnaire": {"questionnaire_id": charter["pk"]},
        "api:questionnaire_file": {"questionnaire_id": charter["pk"]},
        "api:get_deliverables": programme,
        "api:put_deliverables": programme,
        "mentoring:programme_edit": programme,
        "mentoring:event_create": programme,
        "mentoring:scheme_create": programme,
        "mentoring:scheme": scheme,
        "mentoring:scheme_edit": scheme,
        "mentoring:member_add": scheme,
        "mentoring:member_remove": {**scheme, "pk": SchemeCity.objects.first().pk},
        "mentoring:proposal": scheme,
        "mentoring:pairing_remove": {"pk": visit.pairing_id},
        "mentoring:pairing_add": scheme,
        "mentoring:visit_create": {"pk": visit.pairing_id},
        "mentoring:visit": {"pk": visit.pk},
        "mentoring:visit_edit": {"pk": visit.pk},
        "mentoring:visit_cancel": {"pk": visit.pk},  # correcting visits (issue 13 part 2)
        "mentoring:visit_delete": {"pk": visit.pk},
        "mentoring:visit_ics": {"pk": visit.pk},
        "mentoring:report_edit": {"pk": visit.pk},
        "mentoring:report_publish": {"pk": visit.pk},
        "mentoring:city_calendar": {"slug": "athens"},
        "mentoring:workload_overview": programme,
        "mentoring:workload": athens,
        "mentoring:log_work": athens,
        "mentoring:workload_rates": athens,
        "mentoring:workload_export": {**athens, "fmt": "csv"},
        "api:get_programme": programme,
        "api:get_scheme": scheme,
        "api:add_scheme_member": scheme,
        "api:propose_pairings": scheme,
        "api:accept_pairings": scheme,
        "api:delete_pairing": {"pairing_id": visit.pairing_id},
        "api:list_pairing_visits": {"pairing_id": visit.pairing_id},
        "api:plan_visit": {"pairing_id": visit.pairing_id},
        "api:get_visit": {"visit_id": visit.pk},
        "api:change_visit": {"visit_id": visit.pk},
        "api:delete_visit": {"visit_id": visit.pk},  # correcting visits (issue 13 part 2)
        "api:cancel_visit": {"visit_id": visit.pk},
        "api:get_visit_report": {"visit_id": visit.pk},
        "api:save_visit_report": {"visit_id": visit.pk},
        "api:publish_visit_report": {"visit_id": visit.pk},
        "api:get_workload": athens,
        "api:log_work_days": athens,
        "api:change_programme": programme,
        "api:add_programme_event": programme,
        "api:create_scheme": programme,
        "api:change_scheme": scheme,
        "api:remove_scheme_member": {**scheme, "city": "athens"},
        "api:set_workload_rates": athens,
        "catalogue:theme": {"code": code},
        "catalogue:toolkit": {"code": code, "year": year},
        "catalogue:toolkit_pdf": {"code": code, "year": year},
        "catalogue:toolkit_export": {"code": code, "year": year, "fmt": "yaml"},
        "front:practice": {"pk": practice.pk},
        "front:city": {"slug": practice.city.slug},
        "front:city_figure_add": {"slug": practice.city.slug},
        "front:indicator_add": {"slug": practice.city.slug},
        "people:password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
        "people:token_revoke": {"pk": 1},
        "people:invitation": {"token": "made-up"},
        "people:person": {"pk": people["officer"].pk},
        "people:person_data": {"pk": people["officer"].pk},
        "assessments:detail": {"pk": assessment.pk},
        "assessments:answer": {"pk": assessment.pk},
        "assessments:answer_save": {"pk": assessment.pk, "question_pk": question.pk},
        "assessments:copy": {"pk": assessment.pk},
        "assessments:pdf": {"pk": assessment.pk},
        "assessments:export": {"pk": assessment.pk, "fmt": "csv"},
        "api:list_assessments": {},
        "api:get_assessment": {"assessment_id": assessment.pk},
        "api:save_answer": {"assessment_id": assessment.pk, "question_id": question.pk},
        # The assessment workflow in the API
        **{
            f"api:{name}": {"assessment_id": assessment.pk}
            for name in (
                "copy_assessment",
                "save_assessment_context",
                "submit_assessment",
                "reopen_assessment",
                "review_assessment",
                "publish_assessment",
                "list_assessment_comments",
                "add_assessment_comment",
            )
        },
        # A plan without a toolkit (issue 12 part 2)
        "api:tie_plan": {"plan_id": objects["plan"].pk},
        "mentoring:finding_tie": {
            "pk": visit.pk,
            "finding": Finding.objects.filter(report__visit=visit).first().pk,
        },
        "api:tie_visit_finding": {"visit_id": visit.pk, "number": 1},
        "api:save_key_factor_note": {
            "assessment_id": assessment.pk,
            "key_factor": key_factor.position,
        },
        "assessments:factor_save": {"pk": assessment.pk, "key_factor_pk": key_factor.pk},
        "assessments:context_save": {"pk": assessment.pk},
        "assessments:comment_add": {"pk": assessment.pk, "key_factor_pk": key_factor.pk},
        "assessments:transition": {"pk": assessment.pk, "action": "submit"},
        "api:get_toolkit": {"code": code, "year": year},
        # Editing a draft toolkit edition (any ids: only the edit page answers a GET)
        "catalogue:toolkit_edit": {"code": code, "year": year},
        "catalogue:edition_save": {"code": code, "year": year},
        "catalogue:item_add": {"code": code, "year": year, "kind": "terms"},
        "catalogue:child_add": {"code": code, "year": year, "key_factor": 1, "kind": "examples"},
        **{
            f"catalogue:item_{action}": {"code": code, "year": year, "kind": "terms", "pk": 1}
            for action in ("save", "move", "remove")
        },
        **{
            f"api:{name}": {"code": code, "year": year}
            for name in (
                "get_edition",
                "change_edition",
                "move_toolkit_item",
                "add_term",
                "add_key_factor",
                "add_context_factor",
            )
        },
        **{
            f"api:{action}_{kind}": {"code": code, "year": year, "item_id": 1}
            for action in ("change", "remove")
            for kind in ("term", "key_factor", "context_factor")
        },
        **{
            f"api:{action}_{kind}": {"code": code, "year": year, "key_factor_id": 1, "item_id": 1}
            for action in ("change", "remove")
            for kind in ("question", "example")
        },
        "api:add_question": {"code": code, "year": year, "key_factor_id": 1},
        "api:add_example": {"code": code, "year": year, "key_factor_id": 1},
        # Toolkit editions (issue 12 part 1); an edition is compared with itself
        "catalogue:editions": {"code": code},
        "catalogue:edition_start": {"code": code},
        "catalogue:edition_upload": {"code": code, "year": year},
        "catalogue:edition_publish": {"code": code, "year": year},
        "catalogue:edition_delete": {"code": code, "year": year},
        "catalogue:edition_compare": {"code": code, "year_a": year, "year_b": year},
        "api:list_editions": {"code": code},
        "api:start_edition": {"code": code},
        "api:upload_edition_file": {"code": code, "year": year},
        "api:publish_edition": {"code": code, "year": year},
        "api:delete_edition": {"code": code, "year": year},
        "api:compare_edition_years": {"code": code, "year_a": year, "year_b": year},
        "api:get_practice": {"practice_id": practice.pk},
        "front:pairing": {"pk": visit.pairing_id},
        "mentoring:event_attendance": {"slug": "test-programme", "pk": objects["event"].pk},
        "api:put_event_attendance": {"slug": "test-programme", "event_id": objects["event"].pk},
        "api:get_pairing_story": {"pairing_id": visit.pairing_id},
        **infographic_routes(objects["infographic"]),
        **contribution_routes(objects["contribution"]),
        "api:get_city": {"slug": practice.city.slug},
        "api:city_figures": {"slug": practice.city.slug},
        "api:record_figure": {"slug": practice.city.slug},
        "front:city_charter": {"slug": practice.city.slug},
        "api:record_charter_signature": {"slug": practice.city.slug},
        "api:withdraw_charter_signature": {"slug": practice.city.slug},
        "api:revoke_my_token": {"token_id": 1},
    }.get(route, {})


def infographic_routes(infographic: Infographic) -> dict[str, dict]:
    """The path parameters of the routes about an infographic."""
    own, in_api = {"pk": infographic.pk}, {"infographic_id": infographic.pk}
    pairing = {"pk": infographic.pairing_id}
    return {
        "reporting:pairing_infographic": pairing,
        "reporting:start": pairing,
        **{
            f"reporting:{name}": own
            for name in (
                "infographic",
                "infographic_text",
                "infographic_edit",
                "infographic_publish",
                "infographic_discard",
                "infographic_new_version",
            )
        },
        "reporting:infographic_file": {**own, "fmt": "svg"},
        "api:list_pairing_infographics": {"pairing_id": infographic.pairing_id},
        "api:start_infographic": {"pairing_id": infographic.pairing_id},
        **{
            f"api:{name}": in_api
            for name in (
                "get_infographic",
                "edit_infographic",
                "discard_infographic",
                "publish_infographic",
                "new_infographic_version",
            )
        },
        "api:infographic_file": {**in_api, "fmt": "svg"},
    }


def contribution_routes(practice: Practice) -> dict[str, dict]:
    """The path parameters of the routes about a contributed practice and its file."""
    attachment = practice.attachments.get()
    own = {"pk": practice.pk}
    in_api = {"practice_id": practice.pk}
    return {
        **{
            f"practices:{name}": own
            for name in (
                "edit",
                "submit",
                "discard",
                "publish",
                "return",
                "withdraw",
                "comment",
                "attach",
            )
        },
        "practices:attachment": {**own, "attachment": attachment.pk},
        "practices:attachment_remove": {**own, "attachment": attachment.pk},
        **{
            f"api:{name}": in_api
            for name in (
                "edit_practice",
                "discard_practice",
                "list_practice_adoptions",
                "list_practice_comments",
                "add_practice_comment",
                "submit_practice",
                "return_practice",
                "publish_practice",
                "withdraw_practice",
                "attach_practice_file",
            )
        },
        "api:remove_practice_file": {**in_api, "attachment_id": attachment.pk},
        "api:contribute_practice": {"slug": practice.city.slug},
        "api:list_adopted_practices": {"slug": practice.city.slug},
    }


def athens_contribution(people: dict, *, published: bool) -> Practice:
    """A practice Athens contributed on theme A, with a file: published, or a draft."""
    officer = people["officer"]
    practice = practice_services.save_contribution(
        city=City.objects.get(name="Athens"),
        data=practice_services.ContributionIn(
            name="Published" if published else "Draft",
            text="Volunteers host weekly conversation tables.",
            themes=[Theme.objects.get(code="A").pk],
        ),
        by=officer,
    )
    practice_services.attach_file(
        practice=practice,
        upload=SimpleUploadedFile("minutes.pdf", SIGNED_PDF),
        by=officer,
    )
    if published:
        practice = practice_services.submit_practice(practice=practice, by=officer)
        practice = practice_services.publish_practice(practice=practice, by=people["facilitator"])
    return practice


def athens_plan(people: dict, *, endorsed: bool) -> ActionPlan:
    """Athens's plan on theme A with an objective, an action and a progress update with an
    attachment, frozen as version 1: endorsed at both levels (in a pairing of a second
    programme) or only at the administrative level (in Test programme's pairing)."""
    officer = people["officer"]
    if endorsed:
        scheme = Scheme.objects.get(programme__slug="test-programme")
        earlier = Programme.objects.create(
            name="Earlier programme",
            slug="earlier-programme",
            starts_on=date(2014, 1, 1),
            ends_on=date(2015, 12, 31),
        )
        scheme = Scheme.objects.create(
            programme=earlier, theme=scheme.theme, facilitator=scheme.facilitator
        )
        munich, athens = City.objects.get(name="Munich"), City.objects.get(name="Athens")
        SchemeCity.objects.create(scheme=scheme, city=munich, role="mentor")
        SchemeCity.objects.create(scheme=scheme, city=athens, role="implementing")
        pairing = Pairing.objects.create(
            scheme=scheme, mentor_city=munich, implementing_city=athens
        )
    else:
        pairing = Pairing.objects.get(
            scheme__programme__slug="test-programme", implementing_city__name="Athens"
        )
    assessment = assess_athens(assessed_on=date(2024, 5, 1) if endorsed else date(2024, 6, 1))
    plan = plan_services.start_plan(
        pairing=pairing, assessment=assessment, title="Athens welcomes", by=officer
    )
    objective = plan_services.save_objective(
        plan=plan, title="Open a one-stop shop", key_factors=[key_factor(1).pk], by=officer
    )
    action = plan_services.save_action(
        plan=plan,
        objective=objective,
        data=plan_services.ActionIn(title="Map the services", progress=40),
        by=officer,
    )
    update = ProgressUpdate.objects.create(
        action=action, reported_on=date(2024, 7, 1), text="Mapped", author=officer
    )
    Attachment.objects.create(
        update=update, file=ContentFile(SIGNED_PDF, name="minutes.pdf"), name="minutes.pdf"
    )
    # Submitted before its endorsements (an endorsement cannot predate its version).
    plan_services.freeze(plan=plan, by=officer, submitted_on=date(2024, 6, 28))
    for level in ("administrative", "political") if endorsed else ("administrative",):
        document = SimpleUploadedFile(f"{level}.pdf", SIGNED_PDF)
        endorse(plan, level, endorsed_on=date(2024, 7, 2), document=document, user=officer)
    plan.refresh_from_db()
    assert plan.is_endorsed is endorsed
    return plan


@pytest.fixture
def objects(people, settings, tmp_path) -> tuple[dict, dict]:
    """(public objects, private objects): see the module's docstring."""
    athens = City.objects.get(name="Athens")
    toolkit_a, toolkit_c = (
        Toolkit.objects.get(theme__code="A"),
        Toolkit.objects.get(theme__code="C"),
    )
    published = Assessment.objects.create(
        city=athens, toolkit=toolkit_c, title="2025", assessed_on=date(2025, 6, 1),
        status=Assessment.Status.PUBLISHED,
    )  # fmt: skip
    draft = Assessment.objects.create(
        city=athens, toolkit=toolkit_a, title="2026", assessed_on=date(2026, 6, 1)
    )
    settings.MEDIA_ROOT = tmp_path / "media"
    plans = {
        status: athens_plan(people, endorsed=status == "endorsed")
        for status in ("endorsed", "draft")
    }
    Toolkit.objects.filter(pk=toolkit_a.pk).update(status=Toolkit.Status.DRAFT)
    toolkit_a.refresh_from_db()
    pairing = Pairing.objects.get(
        scheme__programme__slug="test-programme", implementing_city=athens
    )
    event = ProgrammeEvent.objects.create(
        programme=pairing.scheme.programme, kind="launch", title="Launch", place="Brussels",
        starts_on=date(2017, 2, 1), ends_on=date(2017, 2, 1),
    )  # fmt: skip
    infographics = {
        status: Infographic.objects.create(
            pairing=pairing,
            number=number,
            status=status,
            title=status,
            created_by=people["facilitator"],
        )
        for number, status in ((1, "published"), (2, "draft"))
    }
    # Survey cycles: 2017's results published, Athens's response accepted and public; 2019's
    # unpublished, Athens's response a draft.
    cycles = {label: open_cycle_for(people, label=label) for label in ("2017", "2019")}
    for cycle in cycles.values():
        rate(response_of(cycle), {"PM1": "fully"}, by=people["officer"])
    accepted = response_of(cycles["2017"])
    survey_services.submit_response(response=accepted, by=people["officer"])
    survey_services.accept_response(response=accepted, by=people["coordinator"])
    survey_services.set_answers_public(response=accepted, public=True, by=people["officer"])
    survey_services.publish_results(cycle=cycles["2017"], by=people["coordinator"])
    visits = []
    for month, status in ((5, VisitReport.Status.PUBLISHED), (10, VisitReport.Status.DRAFT)):
        visit = Visit.objects.create(
            pairing=pairing,
            kind="study",
            starts_on=date(2017, month, 2),
            ends_on=date(2017, month, 4),
        )
        report = VisitReport.objects.create(visit=visit, status=status, summary="Findings")
        Finding.objects.create(report=report, kind="strength", text="A strength")
        visits.append(visit)
    return (
        {
            "toolkit": toolkit_c,
            "assessment": published,
            "visit": visits[0],
            "plan": plans["endorsed"],
            "contribution": athens_contribution(people, published=True),
            "event": event,
            "infographic": infographics["published"],
            "cycle": cycles["2017"],
            "response": accepted,
        },
        {
            "toolkit": toolkit_a,
            "assessment": draft,
            "visit": visits[1],
            "plan": plans["draft"],
            "contribution": athens_contribution(people, published=False),
            "event": event,
            "infographic": infographics["draft"],
            "cycle": cycles["2019"],
            "response": response_of(cycles["2019"]),
        },
    )


@pytest.fixture
def clients(people) -> dict[str, Client]:
    return {role: client_as(people, role) for role in ROLES}


def check_routes(routes: list[str], objects, clients, people) -> None:
    """Every route given, for every role, on both columns' objects. The objects are made once
    per test (they are the same for every route, and only read here), which took a third of the
    whole suite's time when each route made them anew. A failure names the route, the person
    and the address; a request that raises is a failure too, and the others still run."""
    failures = []
    for route in routes:
        for role in ROLES:
            for objs, expected in zip(objects, MATRIX[route][role], strict=True):
                url = reverse(route, kwargs=kwargs_for(route, objs, people))
                try:
                    status = clients[role].get(url).status_code
                except Exception as error:  # reported with the others
                    failures.append(f"{route}: {role} on {url}: raised {error!r}")
                    continue
                if status != expected:
                    failures.append(f"{route}: {role} on {url}: {status}, expected {expected}")
    assert not failures, f"{len(failures)} refusals differ:\n" + "\n".join(failures)


def test_the_matrix_of_the_pages(objects, clients, people):
    """The pages' half of the matrix; the API's half is in test_permissions_api.py, a file of
    its own so that the two halves run on two test processes at once."""
    check_routes(sorted(r for r in MATRIX if not r.startswith("api:")), objects, clients, people)
