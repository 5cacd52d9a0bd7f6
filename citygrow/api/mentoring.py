"""The mentoring programmes in the JSON API: programmes, schemes and their cities, the pairing
recommender, pairings, visits and visit reports (issue 5).

Reads are public, as on the pages (mentoring.rules): programmes, schemes, pairings and visits are
published by the network; a visit's participants are shown to the pairing's team, a draft report
only to its team. Every write goes through `citygrow.mentoring.services`; what the data does not
allow (a `ServiceError`) is 422 with the service's message, keyed by the field it is about, and
nothing is stored.

Coordinators also set up programmes, their events and schemes, and a city's officers and
coordinators set its rates, through the same forms (citygrow.mentoring.forms, workload_forms)
and services as the pages, so that the pages and the API refuse and store the same things; a
form's refusal is 422 with its messages by field.

A route refuses by raising (citygrow.api.common) and lets a service's `ServiceError` through:
citygrow.api.api answers both in the API's one error shape. The answers are the objects
themselves, read by the schemas (citygrow.api.mentoring_schemas).
"""

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Count, Model, Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Query, Router, Status

from citygrow.api.auth import SIGNED_IN, require_write, signed_in
from citygrow.api.common import (
    ANYONE,
    READ,
    WRITE,
    forbidden,
    form_refused,
    invalid,
    not_found,
    past_date,
    refused,
)
from citygrow.api.mentoring_schemas import (
    AttendanceIn,
    CancelVisitIn,
    EventIn,
    EventOut,
    FindingKeyFactorsIn,
    MemberIn,
    MemberOut,
    PairingOut,
    PairingsIn,
    ProgrammeIn,
    ProgrammeOut,
    ProgrammePatch,
    ProgrammeSlug,
    ProgrammeSummary,
    ProposalOut,
    RatesIn,
    ReportIn,
    ReportOut,
    SchemeIn,
    SchemeOut,
    SchemePatch,
    ToolkitRefIn,
    VisitIn,
    VisitOut,
    WorkloadOut,
    WorkLogIn,
    WorkLogOut,
)
from citygrow.api.schemas import CitySlug, ErrorOut, ThemeCode
from citygrow.catalogue.models import Theme, Toolkit
from citygrow.core import history
from citygrow.core.errors import ServiceError
from citygrow.mentoring import services
from citygrow.mentoring.forms import EventForm, ProgrammeForm, SchemeForm
from citygrow.mentoring.models import (
    EventAttendance,
    Pairing,
    Programme,
    ProgrammeCity,
    ProgrammeEvent,
    Scheme,
    SchemeCity,
    Visit,
    VisitReport,
)
from citygrow.mentoring.rules import MANAGE
from citygrow.mentoring.workload_forms import RatesForm
from citygrow.people.models import City, Organisation, User

router = Router(tags=["mentoring"])

T = TypeVar("T")
M = TypeVar("M", bound=Model)


# -- refusing -----------------------------------------------------------------------------------


def _refuse_without(
    request: HttpRequest, perm: str, refusal: str, obj: Model | None = None
) -> None:
    """403 with `refusal` unless the caller has `perm` (on `obj`; None: a permission of a role
    on no one object, e.g. MANAGE)."""
    if not request.user.has_perm(perm, obj):
        raise forbidden(refusal)


def _itself(found: M) -> M:
    return found


def _opened(
    request: HttpRequest,
    load: Callable[[], T],
    perm: str,
    refusal: str,
    *,
    on: Callable[[T], Model] | None = None,
) -> T:
    """The opening of a write route, in this order: refused (403) with a read-only token; what
    `load()` finds (it raises 404 when there is nothing); refused (403, `refusal`) unless the
    caller has `perm`, on `on(found)` when `on` is given (else on no one object)."""
    require_write(request)
    found = load()
    _refuse_without(request, perm, refusal, on(found) if on is not None else None)
    return found


def _bound(form: Any, changes: dict[str, Any]) -> dict[str, Any]:
    """The data to bind a page's form with: the values `form` (unbound, on the stored
    object) shows, replaced by `changes`; so fields not sent keep their value."""
    return {**{name: form[name].value() for name in form.fields}, **changes}


def _organisation_ids(field: str, names: list[str]) -> list[int]:
    """The ids of the organisations named, in that order; 422 for a name nobody has."""
    found = Organisation.objects.in_bulk(list(dict.fromkeys(names)), field_name="name")
    unknown = [name for name in names if name not in found]
    if unknown:
        raise invalid(field, _("There is no such organisation: %(name)s.") % {"name": unknown[0]})
    return [found[name].pk for name in names]


def _organisation_id(field: str, name: str | None) -> int | None:
    return None if name is None else _organisation_ids(field, [name])[0]


# -- loading ------------------------------------------------------------------------------------


def _pairings() -> QuerySet[Pairing]:
    return Pairing.objects.select_related("mentor_city", "implementing_city", "theme")


def _schemes(*, with_visits: bool = False) -> QuerySet[Scheme]:
    """Schemes with what their answers show, in a fixed number of queries."""
    pairings = _pairings()
    if with_visits:
        pairings = pairings.prefetch_related("visits")
    return Scheme.objects.select_related(
        "programme", "theme", "toolkit", "facilitator"
    ).prefetch_related(
        Prefetch("members", queryset=SchemeCity.objects.select_related("city")),
        Prefetch("pairings", queryset=pairings),
    )


def _scheme(slug: str, code: str, *, with_visits: bool = False) -> Scheme:
    return get_object_or_404(
        _schemes(with_visits=with_visits), programme__slug=slug, theme__code=code
    )


def _visits() -> QuerySet[Visit]:
    return Visit.objects.select_related(
        "pairing__mentor_city",
        "pairing__implementing_city",
        "pairing__theme",
        "pairing__scheme__programme",
        "report",
    ).prefetch_related(
        Prefetch(
            "participants", queryset=User.objects.order_by("first_name", "last_name", "username")
        )
    )


def _visit(visit_id: int) -> Visit:
    return get_object_or_404(_visits(), pk=visit_id)


# -- programmes and schemes ---------------------------------------------------------------------


@router.get(
    "/programmes",
    response={200: list[ProgrammeSummary], 401: ErrorOut},
    openapi_extra=ANYONE,
    summary="Mentoring programmes",
)
def list_programmes(request: HttpRequest) -> Any:
    """Every programme, newest first; they are public."""
    return Programme.objects.annotate(
        city_count=Count("partners", distinct=True),
        scheme_count=Count("schemes", distinct=True),
        pairing_count=Count("schemes__pairings", distinct=True),
    )


@router.get(
    "/programmes/{slug}",
    response={**READ, 200: ProgrammeOut},
    openapi_extra=ANYONE,
    summary="One programme with its events, partner cities and schemes",
)
def get_programme(request: HttpRequest, slug: ProgrammeSlug) -> Any:
    return _programme(slug)


def _programme(slug: str) -> Programme:
    """The programme with what its answer shows, in a fixed number of queries (also with no
    event yet: the attendance by city is one query of its own)."""
    programme = get_object_or_404(
        Programme.objects.select_related("coordinator").prefetch_related(
            "organisations",
            "events",
            Prefetch("partners", queryset=ProgrammeCity.objects.select_related("city")),
            Prefetch("schemes", queryset=_schemes()),
        ),
        slug=slug,
    )
    by_event: dict[int, list[EventAttendance]] = {}
    for row in EventAttendance.objects.filter(event__programme=programme).select_related("city"):
        by_event.setdefault(row.event_id, []).append(row)
    for event in programme.events.all():
        event.city_attendances = by_event.get(event.pk, [])  # type: ignore[attr-defined]
    return programme


def _events() -> QuerySet[ProgrammeEvent]:
    """Events with their attendance by city."""
    return ProgrammeEvent.objects.prefetch_related(
        Prefetch("attendances", queryset=EventAttendance.objects.select_related("city"))
    )


def _programme_changes(payload: Any, *, partial: bool) -> dict[str, Any]:
    """The payload as the programme form's data: organisations by id."""
    changes: dict[str, Any] = payload.dict(exclude_unset=partial)
    if "coordinator" in changes:
        changes["coordinator"] = _organisation_id("coordinator", changes["coordinator"])
    if "organisations" in changes:
        changes["organisations"] = _organisation_ids(
            "organisations", changes["organisations"] or []
        )
    return changes


@router.post(
    "/programmes",
    response={400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 201: ProgrammeOut},
    auth=SIGNED_IN,
    summary="Create a programme",
)
def create_programme(request: HttpRequest, payload: ProgrammeIn) -> Any:
    """For coordinators. Checked as on the programme page: a unique name and short name, an
    end not before the start, a budget more than 0 (or none)."""
    require_write(request)
    _refuse_without(request, MANAGE, _("Only coordinators set up programmes."))
    form = ProgrammeForm(_programme_changes(payload, partial=False))
    if not form.is_valid():
        raise form_refused(form, _("The programme is not valid."))
    programme = services.save_programme(form=form, by=signed_in(request))
    return Status(201, _programme(programme.slug))


@router.patch(
    "/programmes/{slug}",
    response={**WRITE, 200: ProgrammeOut},
    auth=SIGNED_IN,
    summary="Change a programme",
)
def change_programme(request: HttpRequest, slug: ProgrammeSlug, payload: ProgrammePatch) -> Any:
    """For coordinators. Only the fields sent change (the others keep their value), checked
    as on the programme page; a new `slug` changes the programme's addresses."""
    programme = _opened(
        request,
        lambda: get_object_or_404(Programme, slug=slug),
        MANAGE,
        _("Only coordinators change programmes."),
    )
    changes = _programme_changes(payload, partial=True)
    before = services.programme_values(programme)
    data = _bound(ProgrammeForm(instance=programme), changes)
    form = ProgrammeForm(data, instance=programme)
    if not form.is_valid():
        raise form_refused(form, _("The programme is not valid."))
    programme = services.save_programme(form=form, by=signed_in(request), before=before)
    return _programme(programme.slug)


@router.post(
    "/programmes/{slug}/events",
    response={**WRITE, 201: EventOut},
    auth=SIGNED_IN,
    summary="Add an event to a programme",
)
def add_programme_event(request: HttpRequest, slug: ProgrammeSlug, payload: EventIn) -> Any:
    """For coordinators: a launch meeting, conference, final or other meeting of the whole
    programme, checked as on the event page."""
    programme = _opened(
        request,
        lambda: get_object_or_404(Programme, slug=slug),
        MANAGE,
        _("Only coordinators add a programme's events."),
    )
    form = EventForm(payload.dict())
    if not form.is_valid():
        raise form_refused(form, _("The event is not valid."))
    return Status(201, services.save_event(form=form, programme=programme, by=signed_in(request)))


@router.put(
    "/programmes/{slug}/events/{event_id}/attendance",
    response={**WRITE, 200: EventOut},
    auth=SIGNED_IN,
    summary="Record an event's attendance by city",
)
def put_event_attendance(
    request: HttpRequest, slug: ProgrammeSlug, event_id: int, payload: AttendanceIn
) -> Any:
    """For coordinators: how many people of each partner city took part (by city slug; null:
    not known), checked as on the event's attendance page. The cities sent replace the figures
    stored; a city left out is not known. `total` (everyone, the experts included) may be sent,
    null for the sum of the cities' figures; left out, the stored total stays. A negative
    count, a city that is not a partner or is named twice, a total below the cities' sum: 422,
    nothing stored."""
    event = _opened(
        request,
        lambda: get_object_or_404(ProgrammeEvent, pk=event_id, programme__slug=slug),
        MANAGE,
        _("Only coordinators record an event's attendance."),
    )
    slugs = [row.city for row in payload.cities]
    if len(set(slugs)) < len(slugs):
        raise invalid("cities", _("Each city may be named only once."))
    partners = dict(
        ProgrammeCity.objects.filter(
            programme_id=event.programme_id, city__slug__in=slugs
        ).values_list("city__slug", "city_id")
    )
    unknown = [name for name in slugs if name not in partners]
    if unknown:
        raise invalid(
            "cities",
            _("%(city)s is not a partner city of this programme.") % {"city": unknown[0]},
        )
    total = payload.total if "total" in payload.model_fields_set else event.attendance
    services.save_attendance(
        event=event,
        counts={partners[row.city]: row.count for row in payload.cities},
        total=total,
        by=signed_in(request),
    )
    return get_object_or_404(_events(), pk=event.pk)


def _scheme_changes(payload: Any, *, partial: bool) -> dict[str, Any]:
    """The payload as the scheme form's data: the toolkit and facilitator by id."""
    changes: dict[str, Any] = payload.dict(exclude_unset=partial)
    if "toolkit" in changes:
        ref: ToolkitRefIn | None = getattr(payload, "toolkit", None)
        toolkit = None
        if ref is not None:
            toolkit = Toolkit.objects.filter(theme__code=ref.theme, year=ref.year).first()
            if toolkit is None:
                raise invalid(
                    "toolkit",
                    _("There is no toolkit %(theme)s %(year)s.")
                    % {"theme": ref.theme, "year": ref.year},
                )
        changes["toolkit"] = toolkit.pk if toolkit else None
    if "facilitator" in changes:
        changes["facilitator"] = _organisation_id("facilitator", changes["facilitator"])
    return changes


@router.post(
    "/programmes/{slug}/schemes",
    response={**WRITE, 201: SchemeOut},
    auth=SIGNED_IN,
    summary="Create a scheme of a programme",
)
def create_scheme(request: HttpRequest, slug: ProgrammeSlug, payload: SchemeIn) -> Any:
    """For coordinators: one theme per programme, with a toolkit edition of that theme (or
    none: its current published one). The facilitating organisation is given the theme, as on
    the scheme page. Add the cities with the `members` route."""
    programme = _opened(
        request,
        lambda: get_object_or_404(Programme, slug=slug),
        MANAGE,
        _("Only coordinators set up schemes."),
    )
    theme = Theme.objects.filter(code=payload.theme).first()
    if theme is None:
        raise invalid("theme", _("There is no such theme."))
    if Scheme.objects.filter(programme=programme, theme=theme).exists():
        raise invalid("theme", _("This programme already has a scheme on this theme."))
    changes = _scheme_changes(payload, partial=False)
    form = SchemeForm({**changes, "theme": theme.pk}, programme=programme)
    if not form.is_valid():
        raise form_refused(form, _("The scheme is not valid."))
    scheme = services.save_scheme(form=form, by=signed_in(request))
    return Status(201, get_scheme(request, slug, scheme.theme.code))


@router.patch(
    "/programmes/{slug}/schemes/{code}",
    response={**WRITE, 200: SchemeOut},
    auth=SIGNED_IN,
    summary="Change a scheme",
)
def change_scheme(
    request: HttpRequest, slug: ProgrammeSlug, code: ThemeCode, payload: SchemePatch
) -> Any:
    """For coordinators. Only the fields sent change (the others keep their value), checked
    as on the scheme page; a new facilitating organisation is given the theme."""
    scheme = _opened(
        request,
        lambda: get_object_or_404(
            Scheme.objects.select_related("programme", "theme"),
            programme__slug=slug,
            theme__code=code,
        ),
        MANAGE,
        _("Only coordinators change schemes."),
    )
    changes = _scheme_changes(payload, partial=True)
    before = services.scheme_values(scheme)
    data = _bound(SchemeForm(instance=scheme, programme=scheme.programme), changes)
    form = SchemeForm(data, instance=scheme, programme=scheme.programme)
    if not form.is_valid():
        raise form_refused(form, _("The scheme is not valid."))
    services.save_scheme(form=form, by=signed_in(request), before=before)
    return get_scheme(request, slug, code)


@router.get(
    "/programmes/{slug}/schemes/{code}",
    response={**READ, 200: SchemeOut},
    openapi_extra=ANYONE,
    summary="One mentoring scheme with its cities, pairings and their visits",
)
def get_scheme(request: HttpRequest, slug: ProgrammeSlug, code: ThemeCode) -> Any:
    return _scheme(slug, code, with_visits=True)


@router.post(
    "/programmes/{slug}/schemes/{code}/members",
    response={**WRITE, 201: MemberOut},
    auth=SIGNED_IN,
    summary="Add a city to a scheme",
)
def add_scheme_member(
    request: HttpRequest, slug: ProgrammeSlug, code: ThemeCode, payload: MemberIn
) -> Any:
    """For coordinators. The city also becomes a partner city of the programme."""
    scheme = _opened(
        request,
        lambda: _scheme(slug, code),
        MANAGE,
        _("Only coordinators change a scheme's cities."),
    )
    city = City.objects.filter(slug=payload.city).first()
    if city is None:
        raise invalid("city", _("There is no such city."))
    member = services.add_member(scheme=scheme, city=city, role=payload.role, by=signed_in(request))
    return Status(201, member)


@router.delete(
    "/programmes/{slug}/schemes/{code}/members/{city}",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=SIGNED_IN,
    summary="Take a city out of a scheme",
)
def remove_scheme_member(
    request: HttpRequest, slug: ProgrammeSlug, code: ThemeCode, city: CitySlug
) -> Any:
    """For coordinators; refused while the city is in one of the scheme's pairings (undo the
    pairing first). The city stays a partner city of the programme."""
    scheme = _opened(
        request,
        lambda: _scheme(slug, code),
        MANAGE,
        _("Only coordinators change a scheme's cities."),
    )
    member = get_object_or_404(
        SchemeCity.objects.select_related("city"), scheme=scheme, city__slug=city
    )
    try:
        services.remove_member(member=member, by=signed_in(request))
    except ServiceError as error:
        raise refused(error, "city") from error
    return Status(204, None)


@router.post(
    "/programmes/{slug}/schemes/{code}/proposal",
    response={**WRITE, 200: ProposalOut},
    auth=SIGNED_IN,
    summary="The recommender's pairing proposal for a scheme",
)
def propose_pairings(request: HttpRequest, slug: ProgrammeSlug, code: ThemeCode) -> Any:
    """For coordinators. Proposes a mentor for each implementing city not paired yet, from the
    cities' latest submitted assessments on the scheme's toolkit, with the reasons. Nothing is
    stored: accept pairs with the `pairings` route."""
    scheme = _scheme(slug, code)  # nothing is stored: a read-only token may ask
    _refuse_without(request, MANAGE, _("Only coordinators ask for a pairing proposal."))
    found = services.propose(scheme)
    if found.proposal is None:
        return {
            "toolkit_year": None,
            "detail": _(
                "The theme has no published toolkit to compare the cities on, so there is no "
                "proposal."
            ),
            "pairs": [],
            "unpaired": [],
            "total_benefit": 0,
            "assessments": [],
            "already_paired": found.paired,
        }
    proposal = found.proposal
    count = len(proposal.pairs)
    return {
        "toolkit_year": found.toolkit.year if found.toolkit else None,
        "detail": ngettext(
            "%(count)s pair proposed; nothing is paired until the pairs are accepted.",
            "%(count)s pairs proposed; nothing is paired until the pairs are accepted.",
            count,
        )
        % {"count": count},
        "pairs": [
            {
                "mentor": found.city(pair.mentor).slug,
                "implementing": found.city(pair.implementing).slug,
                "benefit": pair.benefit,
                "explanation": pair.explanation,
                "strengths": [
                    {
                        "key_factor": {"number": strength.key, "heading": strength.heading},
                        "mentor_score": strength.mentor_score,
                        "implementing_score": strength.implementing_score,
                        "benefit": strength.benefit,
                    }
                    for strength in pair.strengths
                ],
            }
            for pair in proposal.pairs
        ],
        "unpaired": [
            {"city": found.city(left.city).slug, "role": str(left.role), "reason": left.reason}
            for left in proposal.unpaired
        ],
        "total_benefit": proposal.total_benefit,
        "assessments": [
            {
                "city": found.city(city_id).slug,
                "assessment_id": assessment.pk,
                "title": assessment.title,
                "assessed_on": assessment.assessed_on,
            }
            for city_id, assessment in sorted(
                found.assessments.items(), key=lambda item: found.city(item[0]).name
            )
        ],
        "already_paired": found.paired,
    }


@router.post(
    "/programmes/{slug}/schemes/{code}/pairings",
    response={**WRITE, 201: list[PairingOut]},
    auth=SIGNED_IN,
    summary="Pair cities of a scheme",
)
def accept_pairings(
    request: HttpRequest, slug: ProgrammeSlug, code: ThemeCode, payload: PairingsIn
) -> Any:
    """For coordinators: pairs each mentor city with an implementing city of the scheme: the
    pairs of a proposal, accepted or edited, or any pair chosen by hand (a theme without a
    toolkit has no proposal), as on the scheme page. All or nothing: when one pair is not
    allowed, none is made. The mentor city's officers become mentors of the implementing city
    on the scheme's theme, without an invitation, for as long as the pairing exists."""
    scheme = _opened(
        request, lambda: _scheme(slug, code), MANAGE, _("Only coordinators pair cities.")
    )
    if not payload.pairs:
        raise invalid("pairs", _("Send at least one pair."))
    slugs = {s for pair in payload.pairs for s in (pair.mentor, pair.implementing)}
    cities = City.objects.in_bulk(slugs, field_name="slug")
    unknown = sorted(slugs - set(cities))
    if unknown:
        raise invalid("pairs", _("There is no such city: %(slug)s.") % {"slug": unknown[0]})
    pairs = [(cities[pair.mentor].pk, cities[pair.implementing].pk) for pair in payload.pairs]
    try:
        created = services.make_pairings(scheme=scheme, pairs=pairs, by=signed_in(request))
    except ServiceError as error:
        raise refused(error, "pairs") from error
    return Status(201, _pairings().filter(pk__in=[p.pk for p in created]).order_by("pk"))


@router.delete(
    "/pairings/{pairing_id}",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=SIGNED_IN,
    summary="Undo a pairing",
)
def delete_pairing(request: HttpRequest, pairing_id: int) -> Any:
    """For coordinators; refused (422, with the reason) while the pairing has visits or an
    action plan, which would be lost with it. Its invited mentors' roles and open invitations
    go with it, and its mentor city's officers stop being mentors of its implementing city."""
    pairing = _opened(
        request,
        lambda: get_object_or_404(_pairings(), pk=pairing_id),
        MANAGE,
        _("Only coordinators undo a pairing."),
    )
    services.remove_pairing(pairing=pairing, by=signed_in(request))
    return Status(204, None)


# -- visits -------------------------------------------------------------------------------------


@router.get(
    "/pairings/{pairing_id}/visits",
    response={**READ, 200: list[VisitOut]},
    openapi_extra=ANYONE,
    summary="The visits of a pairing",
)
def list_pairing_visits(request: HttpRequest, pairing_id: int) -> Any:
    """Visits are public; their participants are shown to the pairing's team."""
    pairing = get_object_or_404(Pairing, pk=pairing_id)
    return _visits().filter(pairing=pairing)


def _participants(usernames: list[str]) -> list[User]:
    """The people named by `usernames`, in that order; 422 for a name nobody has."""
    wanted = list(dict.fromkeys(usernames))
    found = User.objects.in_bulk(wanted, field_name="username")
    unknown = [name for name in wanted if name not in found]
    if unknown:
        raise invalid(
            "participants", _("There is no such person: %(username)s.") % {"username": unknown[0]}
        )
    return [found[name] for name in wanted]


def _save_visit(
    request: HttpRequest, pairing: Pairing, payload: VisitIn, visit: Visit | None
) -> Visit:
    """Plan or change the visit; answered with it as stored."""
    saved = services.save_visit(
        pairing=pairing,
        kind=payload.kind,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        agenda=payload.agenda,
        participants=_participants(payload.participants),
        by=signed_in(request),
        visit=visit,
    )
    return _visit(saved.pk)


@router.post(
    "/pairings/{pairing_id}/visits",
    response={**WRITE, 201: VisitOut},
    auth=SIGNED_IN,
    summary="Plan a visit of a pairing",
)
def plan_visit(request: HttpRequest, pairing_id: int, payload: VisitIn) -> Any:
    """For coordinators and the facilitators of the pairing's theme. Participants are officers
    of the two cities, the scheme's facilitators and coordinators, each on one visit at a
    time."""
    pairing = _opened(
        request,
        lambda: get_object_or_404(_pairings().select_related("scheme"), pk=pairing_id),
        "mentoring.plan_visit",
        _("Only coordinators and the theme's facilitators plan visits."),
        on=_itself,
    )
    return Status(201, _save_visit(request, pairing, payload, None))


@router.get(
    "/visits/{visit_id}",
    response={**READ, 200: VisitOut},
    openapi_extra=ANYONE,
    summary="One visit",
)
def get_visit(request: HttpRequest, visit_id: int) -> Any:
    """Public; the participants are shown to the pairing's team."""
    return _visit(visit_id)


@router.put(
    "/visits/{visit_id}",
    response={**WRITE, 200: VisitOut},
    auth=SIGNED_IN,
    summary="Change a visit",
)
def change_visit(request: HttpRequest, visit_id: int, payload: VisitIn) -> Any:
    """For coordinators and the facilitators of the pairing's theme. Everything is replaced by
    what is sent (the participants too); calendars see a new version."""
    visit = _opened(
        request,
        lambda: _visit(visit_id),
        "mentoring.plan_visit",
        _("Only coordinators and the theme's facilitators change visits."),
        on=_itself,
    )
    return _save_visit(request, visit.pairing, payload, visit)


@router.post(
    "/visits/{visit_id}/cancel",
    response={**WRITE, 200: VisitOut},
    auth=SIGNED_IN,
    summary="Cancel a visit",
)
def cancel_visit(request: HttpRequest, visit_id: int, payload: CancelVisitIn) -> Any:
    """For coordinators and the facilitators of the pairing's theme. The visit is kept, marked
    cancelled with the reason (public); its calendar event becomes CANCELLED. It can no longer
    be changed, and its participants and the pairing are free on its days again. Refused (422)
    without a reason and for a visit already cancelled."""
    visit = _opened(
        request,
        lambda: _visit(visit_id),
        "mentoring.plan_visit",
        _("Only coordinators and the theme's facilitators cancel visits."),
        on=_itself,
    )
    services.cancel_visit(visit=visit, reason=payload.reason, by=signed_in(request))
    return _visit(visit.pk)


@router.delete(
    "/visits/{visit_id}",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=SIGNED_IN,
    summary="Delete a visit entered by mistake",
)
def delete_visit(request: HttpRequest, visit_id: int) -> Any:
    """For coordinators and the facilitators of the pairing's theme: the visit goes with its
    draft report. Refused (422, with what to do instead) while its report is published: a
    visit called off is cancelled instead (`POST /visits/{id}/cancel`). Once a pairing has no
    visits (and no action plan), it can be undone."""
    visit = _opened(
        request,
        lambda: _visit(visit_id),
        "mentoring.plan_visit",
        _("Only coordinators and the theme's facilitators delete visits."),
        on=_itself,
    )
    services.delete_visit(visit=visit, by=signed_in(request))
    return Status(204, None)


# -- visit reports ------------------------------------------------------------------------------


def _visible_report(request: HttpRequest, visit_id: int) -> VisitReport:
    """The visit's report, if the caller may see it; else 404, as if there were none."""
    report = _visit(visit_id).existing_report()
    if report is None or not request.user.has_perm("mentoring.view_report", report):
        raise Http404
    return report


@router.get(
    "/visits/{visit_id}/report",
    response={**READ, 200: ReportOut},
    openapi_extra=ANYONE,
    summary="The report of a visit",
)
def get_visit_report(request: HttpRequest, visit_id: int) -> Any:
    """Public once published; a draft is seen by the pairing's team only (404 for others, as
    for a visit with no report)."""
    return _visible_report(request, visit_id)


@router.put(
    "/visits/{visit_id}/report",
    response={**WRITE, 200: ReportOut},
    auth=SIGNED_IN,
    summary="Write the report of a visit",
)
def save_visit_report(request: HttpRequest, visit_id: int, payload: ReportIn) -> Any:
    """For the facilitators of the theme and coordinators, while the report is a draft. The
    findings sent replace the earlier ones; `key_factors` are the numbers of key factors of the
    scheme's toolkit."""
    visit = _opened(
        request,
        lambda: _visit(visit_id),
        "mentoring.write_report",
        _("Only the theme's facilitators and coordinators write visit reports."),
        # Asked of a draft whether or not the report exists: writing to a published report
        # is the service's refusal (422), not a 403.
        on=lambda visit: VisitReport(visit=visit),
    )
    toolkit = services.toolkit_of(visit.pairing.scheme)
    ids = dict(toolkit.key_factors.values_list("position", "pk")) if toolkit else {}
    findings = []
    for number, finding in enumerate(payload.findings, start=1):
        unknown = [n for n in finding.key_factors if n not in ids]
        if unknown:
            raise invalid(
                "findings",
                _(
                    "Finding %(number)s: the scheme's toolkit has no key factor %(key_factor)s "
                    "(it has %(count)s)."
                )
                % {"number": number, "key_factor": unknown[0], "count": len(ids)},
            )
        findings.append(
            services.FindingIn(
                kind=finding.kind,
                text=finding.text,
                key_factors=[ids[n] for n in dict.fromkeys(finding.key_factors)],
            )
        )
    return services.save_report(
        visit=visit, summary=payload.summary, findings=findings, by=signed_in(request)
    )


@router.post(
    "/visits/{visit_id}/report/publish",
    response={200: ReportOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=SIGNED_IN,
    summary="Publish the report of a visit",
)
def publish_visit_report(
    request: HttpRequest,
    visit_id: int,
    published_on: str | None = Query(
        None,
        pattern=history.PATTERN,
        description="When it was published, for a report of the past: YYYY-MM-DD, or YYYY-MM "
        "when only the month is known (default: today); not in the future, not before the "
        "visit began",
    ),
) -> Any:
    """For the facilitators of the theme and coordinators; a published report is public and
    final. It needs at least one finding. A report of the past takes the date it was
    published (`published_on`, in the query: the request has no body)."""
    report = _opened(
        request,
        lambda: _visible_report(request, visit_id),
        "mentoring.publish_report",
        _("Only the theme's facilitators and coordinators publish reports."),
        on=_itself,
    )
    services.publish_report(
        report=report,
        by=signed_in(request),
        published_on=past_date(published_on, "published_on") if published_on else None,
    )
    return report


@router.put(
    "/visits/{visit_id}/report/findings/{number}/key-factors",
    response={**WRITE, 200: ReportOut},
    auth=SIGNED_IN,
    summary="Tie a finding kept without key factors to them",
)
def tie_visit_finding(
    request: HttpRequest, visit_id: int, number: int, payload: FindingKeyFactorsIn
) -> Any:
    """For the facilitators of the theme and coordinators, once the theme has a published
    toolkit: the finding is the report's `number`th (from 1, in the report's order), and
    `key_factors` are the numbers of the toolkit's key factors. On a published report (final)
    only a finding without key factors can be tied; its text never changes."""
    report = _opened(
        request,
        lambda: _visible_report(request, visit_id),
        "mentoring.publish_report",
        _("Only the theme's facilitators and coordinators tie findings to key factors."),
        on=lambda report: report.visit,
    )
    findings = list(report.findings.all()) if 0 < number <= 200 else []
    if number > len(findings) or number < 1:
        raise not_found(_("This report has no finding %(number)s.") % {"number": number})
    finding = findings[number - 1]
    finding.report = report
    toolkit = services.toolkit_of(report.visit.pairing.scheme)
    ids = dict(toolkit.key_factors.values_list("position", "pk")) if toolkit else {}
    unknown = [n for n in payload.key_factors if n not in ids] if toolkit else []
    if unknown:
        raise invalid(
            "key_factors",
            _("The scheme's toolkit has no key factor %(key_factor)s (it has %(count)s).")
            % {"key_factor": unknown[0], "count": len(ids)},
        )
    services.tie_finding(
        finding=finding,
        key_factors=[ids[n] for n in dict.fromkeys(payload.key_factors) if n in ids],
        by=signed_in(request),
    )
    return report


# -- workload -----------------------------------------------------------------------------------


def _city_work(request: HttpRequest, slug: str, city_slug: str) -> tuple[Programme, City]:
    """The programme and the city whose work the caller may see; else 404, as for a private
    item."""
    programme = get_object_or_404(Programme, slug=slug)
    city = get_object_or_404(City, slug=city_slug)
    if not request.user.has_perm("mentoring.view_workload", city):
        raise Http404
    return programme, city


def _the_city(work: tuple[Programme, City]) -> City:
    return work[1]


@router.get(
    "/programmes/{slug}/workload/{city}",
    response={**READ, 200: WorkloadOut},
    openapi_extra=ANYONE,
    summary="A city's workload in a programme",
)
def get_workload(request: HttpRequest, slug: ProgrammeSlug, city: CitySlug) -> Any:
    """Days logged against the planned workload, staff cost and co-financing; for the city's
    officers and coordinators (404 for others, and for a city not in the programme)."""
    return _workload(*_city_work(request, slug, city))


def _workload(programme: Programme, city: City) -> dict[str, Any]:
    """The city's workload (a WorkloadOut); 404 for a city not in the programme."""
    try:
        load, entries = services.workload_of(programme, city)
    except ProgrammeCity.DoesNotExist:
        raise Http404 from None
    return {
        "programme": programme.slug,
        "city": city,
        **dataclasses.asdict(load),
        "entries": entries,
    }


@router.post(
    "/programmes/{slug}/workload/{city}/logs",
    response={**WRITE, 201: WorkLogOut},
    auth=SIGNED_IN,
    summary="Log days worked for a city",
)
def log_work_days(
    request: HttpRequest, slug: ProgrammeSlug, city: CitySlug, payload: WorkLogIn
) -> Any:
    """For the city's officers: days spent on the programme, per activity."""
    programme, found = _opened(
        request,
        lambda: _city_work(request, slug, city),
        "mentoring.log_work",
        _("Only the city's officers log its days."),
        on=_the_city,
    )
    entry = services.log_work(
        programme=programme,
        city=found,
        activity=payload.activity,
        worked_on=payload.worked_on,
        days=payload.days,
        note=payload.note,
        by=signed_in(request),
    )
    return Status(201, entry)


@router.put(
    "/programmes/{slug}/workload/{city}/rates",
    response={**WRITE, 200: WorkloadOut},
    auth=SIGNED_IN,
    summary="Set a city's day rate and co-financing",
)
def set_workload_rates(
    request: HttpRequest, slug: ProgrammeSlug, city: CitySlug, payload: RatesIn
) -> Any:
    """For the city's officers and coordinators (404 for others, as the workload): the staff
    day rate (more than 0) and the co-financing (0 or more), both replaced; null: not set.
    Answers with the workload as it now is."""
    partner = _opened(
        request,
        lambda: _partner(request, slug, city),
        "mentoring.set_rates",
        _("Only the city's officers and coordinators set its rates."),
        on=lambda partner: partner.city,
    )
    form = RatesForm(payload.dict())
    if not form.is_valid():
        raise form_refused(form, _("The rates are not valid."))
    services.save_rates(partner=partner, by=signed_in(request), **form.cleaned_data)
    return _workload(partner.programme, partner.city)


def _partner(request: HttpRequest, slug: str, city: str) -> ProgrammeCity:
    """The city in the programme, whose work the caller may see; else 404."""
    programme, found = _city_work(request, slug, city)
    return get_object_or_404(
        ProgrammeCity.objects.select_related("programme", "city"), programme=programme, city=found
    )
