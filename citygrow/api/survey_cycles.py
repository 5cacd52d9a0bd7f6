"""The Charter survey's cycles in the JSON API (issue 15 part 3): the cycles (public), opening
and changing one and inviting cities (coordinators), a city's response with its ratings and
role notes, rating a commitment and writing a role's note (the city's officers), and the
response's workflow: submit (officers), return or accept (coordinators), start from the
previous cycle's answers, publish or unpublish the answers (officers).

Who may do what is the pages' rule (citygrow.survey.rules), asked the same way: a response the
caller may not see is 404; one they see but may not act on is 403, whose detail says why (their
role, the response's status, or the cycle's dates). Anonymous callers get 401 on every write,
read-only tokens 403. Writes go through citygrow.survey.services; what the data does not allow
(a `SurveyError`) is 422 with the service's message under the field it names, and nothing is
stored. A save made over a newer one (ratings, role notes: send back the `version` you read) is
409 with the current one. Commitments and roles are given by their codes in the cycle's
questionnaire edition.
"""

import copy
import datetime
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status

from citygrow.api.auth import SIGNED_IN, require_write, signed_in
from citygrow.api.common import ANYONE, READ, WRITE, absolute, forbidden, form_refused, invalid
from citygrow.api.schemas import NO_NUL, CitySlug, ErrorOut
from citygrow.people.models import City
from citygrow.people.rules import is_coordinator_or_superuser, roles_of
from citygrow.survey import services
from citygrow.survey.forms import CycleForm, OpenCycleForm, RatingForm, ReturnForm, RoleNoteForm
from citygrow.survey.models import (
    CharterRole,
    Commitment,
    CommitmentAnswer,
    Cycle,
    Questionnaire,
    Response,
    RoleNote,
)
from citygrow.survey.rules import is_city_officer

router = Router(tags=["charter survey"])

#: A commitment's or a role's code in a path, in the questionnaire file's formats.
CommitmentCode = Annotated[
    str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$", description="e.g. PM1")
]
RoleCode = Annotated[str, Path(pattern=r"^[a-z][a-z0-9-]{0,39}$", description="e.g. employer")]
#: A version as the database stores it.
Version = Annotated[int, Field(ge=1, le=2_147_483_647)]

Phase = Literal["upcoming", "open", "closed"]
ResponseStatus = Literal["invited", "draft", "submitted", "returned", "accepted"]
RatingValue = Literal["fully", "partly", "not_at_all", "not_applicable", "dont_know"]
ExtraIn = bool | int | float | Annotated[str, Field(pattern=NO_NUL, max_length=10_000)]
ExtraOut = bool | int | float | str


# -- shapes -------------------------------------------------------------------------------------


class CycleSummaryOut(Schema):
    id: int
    label: str = Field(description='How the network names the cycle, e.g. "2019"')
    title: str
    questionnaire: str = Field(description="The label of the questionnaire edition it asks")
    questionnaire_id: int
    opens_on: datetime.date
    closes_on: datetime.date = Field(description="The last day answers are taken")
    phase: Phase = Field(description="Where the cycle stands today")
    invited: int = Field(description="How many cities were invited")
    submitted: int = Field(description="How many of them submitted (or were accepted)")
    url: str = Field(description="The cycle's page")


class CycleResponseOut(Schema):
    id: int
    city: str = Field(description="The city's slug")
    city_name: str
    status: ResponseStatus
    submitted_at: datetime.datetime | None
    url: str = Field(description="The response's page")


class CycleOut(CycleSummaryOut):
    responses: list[CycleResponseOut] = Field(
        description="The invited cities' responses the caller may follow: all of them for "
        "coordinators, their own cities' for officers, none for others"
    )


class CycleOpenIn(Schema):
    label: str = Field(
        pattern=r"^[-a-zA-Z0-9_]+$", max_length=40, description='How the network names it: "2019"'
    )
    title: str = Field(pattern=NO_NUL, max_length=200)
    questionnaire: str | None = Field(
        None,
        pattern=NO_NUL,
        max_length=40,
        description="The label of a published questionnaire edition; default: the current one",
    )
    opens_on: datetime.date = Field(description="Between 2000 and 2100")
    closes_on: datetime.date = Field(description="On or after opens_on")
    invite_signatories: bool = Field(True, description="Invite every recorded Charter signatory")
    cities: list[CitySlug] = Field(
        [], max_length=1_000, description="Slugs of cities to invite (as well as the signatories)"
    )


class CycleChangeIn(Schema):
    title: str = Field(pattern=NO_NUL, max_length=200)
    opens_on: datetime.date = Field(description="Between 2000 and 2100")
    closes_on: datetime.date = Field(description="On or after opens_on; extend it here")


class CycleInvitationsIn(Schema):
    cities: list[CitySlug] = Field(
        min_length=1, max_length=1_000, description="Slugs of the cities to invite"
    )


class SurveyCycleRefOut(Schema):
    id: int
    label: str
    title: str
    opens_on: datetime.date
    closes_on: datetime.date
    phase: Phase


class SurveyCommitmentOut(Schema):
    code: str
    text: str
    is_summary: bool = Field(description="The text is our summary, not the Charter's wording")
    rating: RatingValue | None = Field(description="None: not rated yet")
    evidence: str
    links: list[str]
    extra: dict[str, ExtraOut] = Field(description="Answers to its extra questions, by code")
    version: int | None = Field(description="Send it back when changing the rating")


class SurveyRoleOut(Schema):
    code: str
    title: str
    note: str
    note_version: int | None = Field(description="Send it back when changing the note")
    commitments: list[SurveyCommitmentOut]


class SurveyResponseOut(Schema):
    id: int
    city: str = Field(description="The city's slug")
    city_name: str
    cycle: SurveyCycleRefOut
    status: ResponseStatus
    submitted_at: datetime.datetime | None
    decided_at: datetime.datetime | None = Field(description="When it was returned or accepted")
    return_note: str | None = Field(
        description="Why it was returned (empty if it was not); None for readers outside the "
        "city's team and the coordinators"
    )
    answers_public: bool = Field(
        description="The city agrees to publish its answers (public once accepted)"
    )
    roles: list[SurveyRoleOut]
    unrated: int = Field(description="How many commitments have no rating")
    url: str = Field(description="The response's page")


class SurveyRatingIn(Schema):
    rating: str = Field(
        pattern=NO_NUL,
        max_length=20,
        description="fully, partly, not_at_all, not_applicable or dont_know",
    )
    evidence: str = Field("", pattern=NO_NUL, max_length=10_000)
    links: list[Annotated[str, Field(pattern=NO_NUL, max_length=2_000)]] = Field(
        [], max_length=100, description="Web addresses (http:// or https://), at most 20"
    )
    extra: dict[Annotated[str, Field(pattern=NO_NUL, max_length=40)], ExtraIn | None] = Field(
        {},
        max_length=100,
        description="Answers to the commitment's extra questions, by code: true or false, a "
        "number, one of the choices, or a text; empty or None leaves one unanswered",
    )
    version: Version | None = Field(
        None, description="The version you read; leave out for a commitment not rated yet"
    )


class SurveyRatingConflictOut(Schema):
    detail: str
    current: SurveyCommitmentOut


class SurveyRoleNoteIn(Schema):
    note: str = Field("", pattern=NO_NUL, max_length=10_000)
    version: Version | None = Field(
        None, description="The version you read; leave out for a role with no note yet"
    )


class SurveyRoleNoteOut(Schema):
    role: str = Field(description="The role's code")
    title: str
    note: str
    version: int | None = Field(description="Send it back when changing the note")


class SurveyRoleNoteConflictOut(Schema):
    detail: str
    current: SurveyRoleNoteOut


class SurveyReturnIn(Schema):
    note: str = Field(pattern=NO_NUL, max_length=5_000, description="What the city should change")


# -- cycles: helpers ----------------------------------------------------------------------------


def _cycle_summary(request: HttpRequest, cycle: Cycle, day: datetime.date) -> dict[str, Any]:
    """Needs `with_counts` and the questionnaire."""
    return {
        "id": cycle.pk,
        "label": cycle.label,
        "title": cycle.title,
        "questionnaire": cycle.questionnaire.label,
        "questionnaire_id": cycle.questionnaire_id,
        "opens_on": cycle.opens_on,
        "closes_on": cycle.closes_on,
        "phase": cycle.phase_on(day),
        "invited": cycle.invited,  # type: ignore[attr-defined]
        "submitted": cycle.submitted,  # type: ignore[attr-defined]
        "url": absolute(request, cycle.get_absolute_url()),
    }


def _cycles() -> Any:
    return Cycle.objects.with_counts().select_related("questionnaire")


def _cycle_out(request: HttpRequest, cycle_id: int) -> dict[str, Any]:
    """The cycle with the responses the caller may follow (coordinators: all; officers: their
    own cities'). Three queries."""
    cycle = get_object_or_404(_cycles(), pk=cycle_id)
    user = request.user
    roles = roles_of(user)
    responses = Response.objects.filter(cycle=cycle).select_related("city").order_by("city__name")
    if not (user.is_superuser or roles.coordinator):
        responses = responses.filter(city__in=roles.officer_of)
    return {
        **_cycle_summary(request, cycle, services.today()),
        "responses": [
            {
                "id": response.pk,
                "city": response.city.slug,
                "city_name": response.city.name,
                "status": response.status,
                "submitted_at": response.submitted_at,
                "url": absolute(request, response.get_absolute_url()),
            }
            for response in responses
        ],
    }


def _changing_cycle(request: HttpRequest, cycle_id: int) -> Cycle:
    require_write(request)
    cycle = get_object_or_404(Cycle, pk=cycle_id)
    if not request.user.has_perm("survey.change_cycle", cycle):
        raise forbidden(_("Only coordinators change a survey cycle and invite cities into it."))
    return cycle


def _cities(slugs: list[str], field: str) -> list[City]:
    """The cities of these slugs, in their order; else 422 about `field` naming one unknown."""
    found = {city.slug: city for city in City.objects.filter(slug__in=slugs)}
    unknown = [slug for slug in slugs if slug not in found]
    if unknown:
        raise invalid(field, _("There is no city “%(slug)s”.") % {"slug": unknown[0]})
    return list({slug: found[slug] for slug in slugs}.values())


def _form_data(title: str, opens_on: datetime.date, closes_on: datetime.date) -> dict[str, Any]:
    return {"title": title, "opens_on": opens_on.isoformat(), "closes_on": closes_on.isoformat()}


# -- cycles: routes -----------------------------------------------------------------------------


@router.get(
    "/charter/cycles",
    response={200: list[CycleSummaryOut], 401: ErrorOut},
    openapi_extra=ANYONE,
    summary="The Charter survey's cycles",
)
def list_survey_cycles(request: HttpRequest) -> Any:
    """Every cycle, newest first, with its edition, dates, phase today and how many cities
    were invited and submitted."""
    day = services.today()
    return [_cycle_summary(request, cycle, day) for cycle in _cycles()]


@router.get(
    "/charter/cycles/{cycle_id}",
    response={200: CycleOut, **READ},
    openapi_extra=ANYONE,
    summary="A survey cycle",
)
def get_survey_cycle(request: HttpRequest, cycle_id: int) -> Any:
    """Public; `responses` lists where each invited city stands for coordinators, and the
    caller's own cities' for officers (empty for others)."""
    return _cycle_out(request, cycle_id)


@router.post(
    "/charter/cycles",
    response={**WRITE, 201: CycleOut},
    auth=SIGNED_IN,
    summary="Open a survey cycle",
)
def open_survey_cycle(request: HttpRequest, payload: CycleOpenIn) -> Any:
    """For coordinators: a cycle on a published questionnaire edition (default: the current
    one), inviting every Charter signatory (unless `invite_signatories` is false) and the
    `cities` given. A label already used is 422 on `label`."""
    require_write(request)
    user = signed_in(request)
    if not user.has_perm("survey.add_cycle"):
        raise forbidden(_("Only coordinators open survey cycles."))
    if payload.questionnaire is None:
        questionnaire = Questionnaire.objects.current()
        if questionnaire is None:
            raise invalid("questionnaire", _("No questionnaire edition is published yet."))
    else:
        questionnaire = Questionnaire.objects.filter(label=payload.questionnaire).first()
        if questionnaire is None:
            raise invalid(
                "questionnaire",
                _("There is no questionnaire edition “%(label)s”.")
                % {"label": payload.questionnaire},
            )
    if questionnaire.status != Questionnaire.Status.PUBLISHED:
        raise invalid(
            "questionnaire", _("A cycle is opened on a published edition of the questionnaire.")
        )
    cities = _cities(payload.cities, "cities")
    form = OpenCycleForm(
        {
            **_form_data(payload.title, payload.opens_on, payload.closes_on),
            "label": payload.label,
            "questionnaire": questionnaire.pk,
            "invite_signatories": payload.invite_signatories,
        }
    )
    if not form.is_valid():
        raise form_refused(form, _("The cycle cannot open."))
    if form.cleaned_data["invite_signatories"]:
        chosen = {city.pk for city in cities}
        cities += [city for city in City.objects.signatories() if city.pk not in chosen]
    cycle = services.open_cycle(
        questionnaire=questionnaire,
        label=form.cleaned_data["label"],
        title=form.cleaned_data["title"],
        opens_on=form.cleaned_data["opens_on"],
        closes_on=form.cleaned_data["closes_on"],
        cities=cities,
        by=user,
    )
    return Status(201, _cycle_out(request, cycle.pk))


@router.put(
    "/charter/cycles/{cycle_id}",
    response={**WRITE, 200: CycleOut},
    auth=SIGNED_IN,
    summary="Change a survey cycle's title and dates",
)
def change_survey_cycle(request: HttpRequest, cycle_id: int, payload: CycleChangeIn) -> Any:
    """For coordinators: to extend a cycle, give it a later closing day."""
    cycle = _changing_cycle(request, cycle_id)
    form = CycleForm(_form_data(payload.title, payload.opens_on, payload.closes_on))
    if not form.is_valid():
        raise form_refused(form, _("The cycle cannot change."))
    services.change_cycle(cycle=cycle, by=signed_in(request), **form.cleaned_data)
    return _cycle_out(request, cycle.pk)


@router.post(
    "/charter/cycles/{cycle_id}/invitations",
    response={**WRITE, 200: list[CycleResponseOut]},
    auth=SIGNED_IN,
    summary="Invite cities into a survey cycle",
)
def invite_to_survey_cycle(request: HttpRequest, cycle_id: int, payload: CycleInvitationsIn) -> Any:
    """For coordinators, until the cycle closes. Answers the responses made (cities already
    invited are left as they are, and not listed)."""
    cycle = _changing_cycle(request, cycle_id)
    cities = _cities(payload.cities, "cities")
    made = services.invite(cycle=cycle, cities=cities, by=signed_in(request))
    return [
        {
            "id": response.pk,
            "city": response.city.slug,
            "city_name": response.city.name,
            "status": response.status,
            "submitted_at": response.submitted_at,
            "url": absolute(request, response.get_absolute_url()),
        }
        for response in sorted(made, key=lambda r: r.city.name)
    ]


# -- responses: helpers -------------------------------------------------------------------------


def _visible_response(request: HttpRequest, response_id: int) -> Response:
    response = get_object_or_404(Response.objects.select_related("cycle", "city"), pk=response_id)
    if not request.user.has_perm("survey.view_response", response):
        raise Http404
    return response


@dataclass(frozen=True)
class Step:
    """A permission of survey.rules, which ties who may act to the status the response must
    have: `who` says who may, `when` in which status (`status`, one it allows); `dated`: the
    cycle must also be open."""

    perm: str
    status: str
    who: str
    when: str
    dated: bool = False


def _steps() -> dict[str, Step]:
    """The steps, their messages in the caller's language."""
    draft, submitted = Response.Status.DRAFT, Response.Status.SUBMITTED
    answering = _("Only a response not yet submitted, or returned for changes, changes.")
    return {
        "answer": Step(
            "survey.answer_response",
            draft,
            _("Only the city's officers answer its survey response."),
            answering,
            dated=True,
        ),
        "submit": Step(
            "survey.answer_response",
            draft,
            _("Only the city's officers submit its survey response."),
            _("Only a response not yet submitted, or returned for changes, can be submitted."),
            dated=True,
        ),
        "decide": Step(
            "survey.decide_response",
            submitted,
            _("Only coordinators accept a survey response or return it for changes."),
            _("Only a submitted response is accepted or returned."),
        ),
        "publish": Step(
            "survey.publish_answers",
            draft,
            _("Only the city's officers decide whether its answers are public."),
            "",
        ),
    }


def _acting(request: HttpRequest, response_id: int, step: str) -> Response:
    """The opening of a write route, in this order: 403 for a read-only token; the response if
    the caller may see it (404 otherwise); 403 unless the pages' rule lets them do `step`,
    saying whether their role, the response's status or the cycle's dates are why."""
    require_write(request)
    response = _visible_response(request, response_id)
    rule = _steps()[step]
    if not request.user.has_perm(rule.perm, response):
        in_status = copy.copy(response)
        in_status.status = rule.status
        if rule.when and request.user.has_perm(rule.perm, in_status):
            raise forbidden(
                _("%(rule)s This response is %(status)s.")
                % {"rule": rule.when, "status": response.get_status_display()}
            )
        raise forbidden(rule.who)
    if rule.dated:
        _require_open(response.cycle)
    return response


def _require_open(cycle: Cycle) -> None:
    """403 unless the cycle takes answers today (the services' rule, said before they are
    asked)."""
    phase = cycle.phase_on(services.today())
    if phase == "upcoming":
        raise forbidden(
            _("This cycle opens on %(day)s: answers are taken from then.")
            % {"day": date_format(cycle.opens_on)}
        )
    if phase == "closed":
        raise forbidden(
            _("This cycle closed on %(day)s: answers can no longer change.")
            % {"day": date_format(cycle.closes_on)}
        )


def _commitment_out(commitment: Commitment, answer: CommitmentAnswer | None) -> dict[str, Any]:
    return {
        "code": commitment.code,
        "text": commitment.text,
        "is_summary": commitment.is_summary,
        "rating": answer.rating if answer else None,
        "evidence": answer.evidence if answer else "",
        "links": list(answer.links) if answer else [],
        "extra": dict(answer.extra) if answer else {},
        "version": answer.version if answer else None,
    }


def _note_out(role: CharterRole, note: RoleNote | None) -> dict[str, Any]:
    return {
        "role": role.code,
        "title": role.title,
        "note": note.note if note else "",
        "version": note.version if note else None,
    }


def _in_team(user: Any, response: Response) -> bool:
    """The city's officers and the coordinators: they read the coordinator's return note."""
    return bool((is_city_officer | is_coordinator_or_superuser).test(user, response))


def _response_out(request: HttpRequest, response: Response) -> dict[str, Any]:
    """The response with every role and commitment of its edition, rated or not. Four queries,
    whatever the number of commitments."""
    cycle = response.cycle
    roles = (
        CharterRole.objects.filter(questionnaire=cycle.questionnaire_id)
        .prefetch_related(Prefetch("commitments", queryset=Commitment.objects.order_by("position")))
        .order_by("position")
    )
    answers = {answer.commitment_id: answer for answer in response.answers.all()}
    notes = {note.role_id: note for note in response.role_notes.all()}
    unrated = 0
    role_rows = []
    for role in roles:
        commitments = []
        for commitment in role.commitments.all():
            answer = answers.get(commitment.pk)
            if answer is None:
                unrated += 1
            commitments.append(_commitment_out(commitment, answer))
        note = notes.get(role.pk)
        role_rows.append(
            {
                "code": role.code,
                "title": role.title,
                "note": note.note if note else "",
                "note_version": note.version if note else None,
                "commitments": commitments,
            }
        )
    return {
        "id": response.pk,
        "city": response.city.slug,
        "city_name": response.city.name,
        "cycle": {
            "id": cycle.pk,
            "label": cycle.label,
            "title": cycle.title,
            "opens_on": cycle.opens_on,
            "closes_on": cycle.closes_on,
            "phase": cycle.phase_on(services.today()),
        },
        "status": response.status,
        "submitted_at": response.submitted_at,
        "decided_at": response.decided_at,
        "return_note": response.return_note if _in_team(request.user, response) else None,
        "answers_public": response.answers_public,
        "roles": role_rows,
        "unrated": unrated,
        "url": absolute(request, response.get_absolute_url()),
    }


# -- responses: routes --------------------------------------------------------------------------


@router.get(
    "/charter/responses/{response_id}",
    response={200: SurveyResponseOut, **READ},
    openapi_extra=ANYONE,
    summary="A city's survey response",
)
def get_survey_response(request: HttpRequest, response_id: int) -> Any:
    """For the city's officers and the coordinators; for anyone once accepted, if the city
    publishes its answers (404 otherwise). Every role of the edition with its note and its
    commitments, each with its rating (None: not rated), evidence, links and extra answers."""
    return _response_out(request, _visible_response(request, response_id))


@router.put(
    "/charter/responses/{response_id}/commitments/{commitment_code}",
    response={**WRITE, 200: SurveyCommitmentOut, 409: SurveyRatingConflictOut},
    auth=SIGNED_IN,
    summary="Rate a commitment",
)
def save_survey_rating(
    request: HttpRequest, response_id: int, commitment_code: CommitmentCode, payload: SurveyRatingIn
) -> Any:
    """For the city's officers, while the cycle is open and the response not submitted (or
    returned). Send back the `version` you read: if someone changed the rating since, nothing
    is saved and 409 returns the current one."""
    response = _acting(request, response_id, "answer")
    commitment = get_object_or_404(
        Commitment.objects.prefetch_related("questions"),
        questionnaire=response.cycle.questionnaire_id,
        code=commitment_code,
    )
    form = RatingForm(
        {
            "rating": payload.rating,
            "evidence": payload.evidence,
            "links": "\n".join(payload.links),
            "version": payload.version,
        },
        commitment=commitment,
    )
    if not form.is_valid():
        raise form_refused(form, _("The rating is not valid."))
    try:
        answer = services.save_rating(
            response=response,
            commitment=commitment,
            rating=form.cleaned_data["rating"],
            evidence=form.cleaned_data["evidence"],
            links=form.cleaned_data["links"],
            extra=payload.extra,
            seen_version=form.cleaned_data["version"],
            by=signed_in(request),
        )
    except services.RatingConflict as conflict:
        return Status(
            409,
            {"detail": conflict.message, "current": _commitment_out(commitment, conflict.current)},
        )
    return _commitment_out(commitment, answer)


@router.put(
    "/charter/responses/{response_id}/roles/{role_code}/note",
    response={**WRITE, 200: SurveyRoleNoteOut, 409: SurveyRoleNoteConflictOut},
    auth=SIGNED_IN,
    summary="Write the note on a role",
)
def save_survey_role_note(
    request: HttpRequest, response_id: int, role_code: RoleCode, payload: SurveyRoleNoteIn
) -> Any:
    """For the city's officers, while they may rate. Send back the `version` you read: if
    someone changed the note since, nothing is saved and 409 returns the current one."""
    response = _acting(request, response_id, "answer")
    role = get_object_or_404(
        CharterRole, questionnaire=response.cycle.questionnaire_id, code=role_code
    )
    form = RoleNoteForm({"note": payload.note, "version": payload.version})
    if not form.is_valid():
        raise form_refused(form, _("The note is not valid."))
    try:
        note = services.save_role_note(
            response=response,
            role=role,
            note=form.cleaned_data["note"],
            seen_version=form.cleaned_data["version"],
            by=signed_in(request),
        )
    except services.RoleNoteConflict as conflict:
        return Status(
            409, {"detail": conflict.message, "current": _note_out(role, conflict.current)}
        )
    return _note_out(role, note)


@router.post(
    "/charter/responses/{response_id}/submit",
    response={**WRITE, 200: SurveyResponseOut},
    auth=SIGNED_IN,
    summary="Submit a survey response",
)
def submit_survey_response(request: HttpRequest, response_id: int) -> Any:
    """For the city's officers, while the cycle is open, once at least one commitment is
    rated; others may be left unrated (`unrated` counts them)."""
    response = _acting(request, response_id, "submit")
    services.submit_response(response=response, by=signed_in(request))
    return _response_out(request, response)


@router.post(
    "/charter/responses/{response_id}/return",
    response={**WRITE, 200: SurveyResponseOut},
    auth=SIGNED_IN,
    summary="Return a submitted survey response for changes",
)
def return_survey_response(request: HttpRequest, response_id: int, payload: SurveyReturnIn) -> Any:
    """For coordinators, saying what the city should change; the city changes it while the
    cycle is open (extend the cycle to give it time) and submits it again."""
    response = _acting(request, response_id, "decide")
    form = ReturnForm({"note": payload.note})
    if not form.is_valid():
        raise form_refused(form, _("Say what the city should change."))
    services.return_response(
        response=response, note=form.cleaned_data["note"], by=signed_in(request)
    )
    return _response_out(request, response)


@router.post(
    "/charter/responses/{response_id}/accept",
    response={**WRITE, 200: SurveyResponseOut},
    auth=SIGNED_IN,
    summary="Accept a submitted survey response",
)
def accept_survey_response(request: HttpRequest, response_id: int) -> Any:
    """For coordinators: it then counts in the cycle's results, and its answers are frozen."""
    response = _acting(request, response_id, "decide")
    services.accept_response(response=response, by=signed_in(request))
    return _response_out(request, response)


@router.post(
    "/charter/responses/{response_id}/start-from-previous",
    response={**WRITE, 200: SurveyResponseOut},
    auth=SIGNED_IN,
    summary="Start a survey response from the city's previous answers",
)
def start_survey_response_from_previous(request: HttpRequest, response_id: int) -> Any:
    """For the city's officers, while they may rate: the ratings, evidence, links and extra
    answers of the city's response in its latest earlier submitted cycle are copied for the
    commitments not rated yet (by code), and its role notes for the roles without one. 422
    when the city has no earlier response."""
    response = _acting(request, response_id, "answer")
    services.start_from_previous(response=response, by=signed_in(request))
    return _response_out(request, response)


@router.post(
    "/charter/responses/{response_id}/publish",
    response={**WRITE, 200: SurveyResponseOut},
    auth=SIGNED_IN,
    summary="Publish the city's survey answers",
)
def publish_survey_answers(request: HttpRequest, response_id: int) -> Any:
    """For the city's officers: the city agrees to publish its answers; they are public once
    the response is accepted."""
    response = _acting(request, response_id, "publish")
    services.set_answers_public(response=response, public=True, by=signed_in(request))
    return _response_out(request, response)


@router.post(
    "/charter/responses/{response_id}/unpublish",
    response={**WRITE, 200: SurveyResponseOut},
    auth=SIGNED_IN,
    summary="Keep the city's survey answers private",
)
def unpublish_survey_answers(request: HttpRequest, response_id: int) -> Any:
    """For the city's officers: the answers are private again (the cycle's aggregates still
    count them)."""
    response = _acting(request, response_id, "publish")
    services.set_answers_public(response=response, public=False, by=signed_in(request))
    return _response_out(request, response)
