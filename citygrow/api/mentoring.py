"""The mentoring programmes in the JSON API: programmes, schemes and their cities, the pairing
recommender, pairings, visits and visit reports (issue 5).

Reads are public, as on the pages (mentoring.rules): programmes, schemes, pairings and visits are
published by the network; a visit's participants are shown to the pairing's team, a draft report
only to its team. Every write goes through `citygrow.mentoring.services`; what the data does not
allow (a `MentoringError`) is 422 with the service's message, keyed by the field it is about, and
nothing is stored.

Coordinators also set up programmes, their events and schemes, and a city's officers and
coordinators set its rates, through the same forms and write functions as the pages
(citygrow.mentoring.forms, views_programmes, workload_forms, views_workload), so that the pages
and the API refuse and store the same things; a form's refusal is 422 with its messages by field.
"""

from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Router, Status

from citygrow.api.auth import SIGNED_IN, require_write
from citygrow.api.mentoring_schemas import (
    EventIn,
    EventOut,
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
from citygrow.mentoring import services
from citygrow.mentoring.forms import EventForm, ProgrammeForm, SchemeForm
from citygrow.mentoring.models import (
    Pairing,
    Programme,
    ProgrammeCity,
    Scheme,
    SchemeCity,
    Visit,
    VisitReport,
    WorkLog,
)
from citygrow.mentoring.services import MentoringError
from citygrow.mentoring.views_programmes import (
    programme_values,
    save_event,
    save_programme,
    save_scheme,
)
from citygrow.mentoring.views_workload import save_rates
from citygrow.mentoring.workload_forms import RatesForm
from citygrow.people import audit
from citygrow.people.models import AuditEntry, City, Organisation, User

router = Router(tags=["mentoring"])

#: For the routes open to anyone (see citygrow.api.api.ANYONE).
ANYONE = {"security": [{}]}
READ = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _refused(error: MentoringError, field: str | None = None) -> Status:
    """What the data does not allow: 422 with the service's message, under the field it is
    about (`field` when the service names none)."""
    key = error.field or field
    return Status(422, {"detail": error.message, "errors": {key: [error.message]} if key else {}})


def _invalid(field: str, message: str) -> Status:
    return Status(422, {"detail": message, "errors": {field: [message]}})


def _forbidden(message: str) -> Status:
    return Status(403, {"detail": message})


def _form_refused(form: Any, detail: str) -> Status:
    """A form of the pages that refused the data: 422 with its messages by field (`__all__`:
    about no one field); the detail is the message when there is only one."""
    errors = {field: [str(m) for m in messages] for field, messages in form.errors.items()}
    every = [message for messages in errors.values() for message in messages]
    return Status(422, {"detail": every[0] if len(every) == 1 else detail, "errors": errors})


def _bound(form: Any, changes: dict[str, Any]) -> dict[str, Any]:
    """The data to bind a page's form with: the values `form` (unbound, on the stored
    object) shows, replaced by `changes`; so fields not sent keep their value."""
    return {**{name: form[name].value() for name in form.fields}, **changes}


def _organisation_ids(field: str, names: list[str]) -> list[int] | Status:
    """The ids of the organisations named, in that order; 422 for a name nobody has."""
    found = Organisation.objects.in_bulk(list(dict.fromkeys(names)), field_name="name")
    unknown = [name for name in names if name not in found]
    if unknown:
        return _invalid(field, _("There is no such organisation: %(name)s.") % {"name": unknown[0]})
    return [found[name].pk for name in names]


def _organisation_id(field: str, name: str | None) -> int | Status | None:
    if name is None:
        return None
    found = _organisation_ids(field, [name])
    return found if isinstance(found, Status) else found[0]


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


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


def _report_of(visit: Visit) -> VisitReport | None:
    try:
        return visit.report
    except VisitReport.DoesNotExist:
        return None


def _may_write_report(request: HttpRequest, visit: Visit) -> bool:
    """Whether the caller writes and publishes this visit's report (its theme's facilitators,
    coordinators), asked of a draft of it whether or not one exists yet."""
    return request.user.has_perm("mentoring.write_report", VisitReport(visit=visit))


# -- shapes -------------------------------------------------------------------------------------


def _city(city: City) -> dict[str, str]:
    return {"slug": city.slug, "name": city.name}


def _pairing(pairing: Pairing) -> dict[str, Any]:
    return {
        "id": pairing.pk,
        "theme": pairing.theme.code,
        "mentor": _city(pairing.mentor_city),
        "implementing": _city(pairing.implementing_city),
    }


def _visit_ref(visit: Visit) -> dict[str, Any]:
    return {
        "id": visit.pk,
        "kind": visit.kind,
        "starts_on": visit.starts_on,
        "ends_on": visit.ends_on,
    }


def _scheme_out(request: HttpRequest, scheme: Scheme, *, with_visits: bool = False) -> dict:
    pairings = []
    for pairing in scheme.pairings.all():
        out = _pairing(pairing)
        if with_visits:
            out["visits"] = [_visit_ref(visit) for visit in pairing.visits.all()]
        pairings.append(out)
    return {
        "theme": scheme.theme.code,
        "theme_title": scheme.theme.title,
        "toolkit_year": scheme.toolkit.year if scheme.toolkit else None,
        "facilitator": scheme.facilitator.name if scheme.facilitator else None,
        "constraints": {
            "capacity": scheme.capacity,
            "forbid_same_country": scheme.forbid_same_country,
            "require_shared_language": scheme.require_shared_language,
        },
        "members": [
            {"city": _city(member.city), "role": member.role} for member in scheme.members.all()
        ],
        "pairings": pairings,
        "url": _absolute(request, scheme.get_absolute_url()),
    }


def _visit_out(request: HttpRequest, visit: Visit) -> dict[str, Any]:
    user = request.user
    report = _report_of(visit)
    participants = None
    if user.has_perm("mentoring.view_participants", visit):
        participants = [
            {"username": person.username, "name": person.get_full_name()}
            for person in visit.participants.all()
        ]
    seen = report is not None and user.has_perm("mentoring.view_report", report)
    return {
        "id": visit.pk,
        "pairing_id": visit.pairing_id,
        "programme": visit.pairing.scheme.programme.slug,
        "theme": visit.pairing.theme.code,
        "kind": visit.kind,
        "host_city": _city(visit.host_city),
        "visiting_city": _city(visit.visiting_city),
        "starts_on": visit.starts_on,
        "ends_on": visit.ends_on,
        "agenda": visit.agenda,
        "participants": participants,
        "report_status": report.status if seen and report else None,
        "url": _absolute(request, visit.get_absolute_url()),
        "calendar_url": _absolute(request, reverse("mentoring:visit_ics", args=[visit.pk])),
    }


def _report_out(report: VisitReport) -> dict[str, Any]:
    findings = report.findings.prefetch_related("key_factors")
    return {
        "visit_id": report.visit_id,
        "status": report.status,
        "summary": report.summary,
        "findings": [
            {
                "kind": finding.kind,
                "text": finding.text,
                "key_factors": [
                    {"number": factor.position, "heading": factor.heading}
                    for factor in sorted(finding.key_factors.all(), key=lambda f: f.position)
                ],
            }
            for finding in findings
        ],
        "updated_at": report.updated_at,
        "published_at": report.published_at,
    }


# -- programmes and schemes ---------------------------------------------------------------------


@router.get(
    "/programmes",
    response={200: list[ProgrammeSummary], 401: ErrorOut},
    openapi_extra=ANYONE,
    summary="Mentoring programmes",
)
def list_programmes(request: HttpRequest) -> list[dict[str, Any]]:
    """Every programme, newest first; they are public."""
    programmes = Programme.objects.annotate(
        city_count=Count("partners", distinct=True),
        scheme_count=Count("schemes", distinct=True),
        pairing_count=Count("schemes__pairings", distinct=True),
    )
    return [
        {
            "slug": programme.slug,
            "name": programme.name,
            "starts_on": programme.starts_on,
            "ends_on": programme.ends_on,
            "is_demo": programme.is_demo,
            "cities": programme.city_count,
            "schemes": programme.scheme_count,
            "pairings": programme.pairing_count,
            "url": _absolute(request, programme.get_absolute_url()),
        }
        for programme in programmes
    ]


@router.get(
    "/programmes/{slug}",
    response={**READ, 200: ProgrammeOut},
    openapi_extra=ANYONE,
    summary="One programme with its events, partner cities and schemes",
)
def get_programme(request: HttpRequest, slug: ProgrammeSlug) -> Any:
    return _programme_out(request, slug)


def _programme_out(request: HttpRequest, slug: str) -> dict[str, Any]:
    programme = get_object_or_404(
        Programme.objects.select_related("coordinator").prefetch_related(
            "organisations",
            "events",
            Prefetch("partners", queryset=ProgrammeCity.objects.select_related("city")),
            Prefetch("schemes", queryset=_schemes()),
        ),
        slug=slug,
    )
    return {
        "slug": programme.slug,
        "name": programme.name,
        "summary": programme.summary,
        "starts_on": programme.starts_on,
        "ends_on": programme.ends_on,
        "is_demo": programme.is_demo,
        "budget": programme.budget,
        "funder": programme.funder,
        "coordinator": programme.coordinator.name if programme.coordinator else None,
        "planned_days": programme.planned_days,
        "organisations": [organisation.name for organisation in programme.organisations.all()],
        "events": [
            {
                "kind": event.kind,
                "title": event.title,
                "place": event.place,
                "starts_on": event.starts_on,
                "ends_on": event.ends_on,
                "attendance": event.attendance,
            }
            for event in programme.events.all()
        ],
        "cities": [_city(partner.city) for partner in programme.partners.all()],
        "schemes": [_scheme_out(request, scheme) for scheme in programme.schemes.all()],
        "url": _absolute(request, programme.get_absolute_url()),
    }


MANAGE = "mentoring.manage_programme"
WRITE = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _programme_changes(payload: Any, *, partial: bool) -> dict[str, Any] | Status:
    """The payload as the programme form's data: organisations by id."""
    changes = payload.dict(exclude_unset=partial)
    if "coordinator" in changes:
        coordinator = _organisation_id("coordinator", changes["coordinator"])
        if isinstance(coordinator, Status):
            return coordinator
        changes["coordinator"] = coordinator
    if "organisations" in changes:
        organisations = _organisation_ids("organisations", changes["organisations"] or [])
        if isinstance(organisations, Status):
            return organisations
        changes["organisations"] = organisations
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
    if not request.user.has_perm(MANAGE):
        return _forbidden(_("Only coordinators set up programmes."))
    changes = _programme_changes(payload, partial=False)
    if isinstance(changes, Status):
        return changes
    form = ProgrammeForm(changes)
    if not form.is_valid():
        return _form_refused(form, _("The programme is not valid."))
    programme = save_programme(form, by=request.user)
    return Status(201, _programme_out(request, programme.slug))


@router.patch(
    "/programmes/{slug}",
    response={**WRITE, 200: ProgrammeOut},
    auth=SIGNED_IN,
    summary="Change a programme",
)
def change_programme(request: HttpRequest, slug: ProgrammeSlug, payload: ProgrammePatch) -> Any:
    """For coordinators. Only the fields sent change (the others keep their value), checked
    as on the programme page; a new `slug` changes the programme's addresses."""
    require_write(request)
    programme = get_object_or_404(Programme, slug=slug)
    if not request.user.has_perm(MANAGE):
        return _forbidden(_("Only coordinators change programmes."))
    changes = _programme_changes(payload, partial=True)
    if isinstance(changes, Status):
        return changes
    before = programme_values(programme)
    data = _bound(ProgrammeForm(instance=programme), changes)
    form = ProgrammeForm(data, instance=programme)
    if not form.is_valid():
        return _form_refused(form, _("The programme is not valid."))
    programme = save_programme(form, by=request.user, before=before)
    return _programme_out(request, programme.slug)


@router.post(
    "/programmes/{slug}/events",
    response={**WRITE, 201: EventOut},
    auth=SIGNED_IN,
    summary="Add an event to a programme",
)
def add_programme_event(request: HttpRequest, slug: ProgrammeSlug, payload: EventIn) -> Any:
    """For coordinators: a launch meeting, conference, final or other meeting of the whole
    programme, checked as on the event page."""
    require_write(request)
    programme = get_object_or_404(Programme, slug=slug)
    if not request.user.has_perm(MANAGE):
        return _forbidden(_("Only coordinators add a programme's events."))
    form = EventForm(payload.dict())
    if not form.is_valid():
        return _form_refused(form, _("The event is not valid."))
    event = save_event(form, programme=programme, by=request.user)
    return Status(
        201,
        {
            "kind": event.kind,
            "title": event.title,
            "place": event.place,
            "starts_on": event.starts_on,
            "ends_on": event.ends_on,
            "attendance": event.attendance,
        },
    )


def _scheme_changes(payload: Any, *, partial: bool) -> dict[str, Any] | Status:
    """The payload as the scheme form's data: the toolkit and facilitator by id."""
    changes = payload.dict(exclude_unset=partial)
    if "toolkit" in changes:
        ref: ToolkitRefIn | None = getattr(payload, "toolkit", None)
        toolkit = None
        if ref is not None:
            toolkit = Toolkit.objects.filter(theme__code=ref.theme, year=ref.year).first()
            if toolkit is None:
                return _invalid(
                    "toolkit",
                    _("There is no toolkit %(theme)s %(year)s.")
                    % {"theme": ref.theme, "year": ref.year},
                )
        changes["toolkit"] = toolkit.pk if toolkit else None
    if "facilitator" in changes:
        facilitator = _organisation_id("facilitator", changes["facilitator"])
        if isinstance(facilitator, Status):
            return facilitator
        changes["facilitator"] = facilitator
    return changes


def _saved_scheme(request: HttpRequest, form: SchemeForm, before: dict[str, Any]) -> Any:
    """Save a valid scheme form as the pages do; 422 when a scheme on the theme was made
    meanwhile."""
    action = AuditEntry.Action.CHANGE if before else AuditEntry.Action.CREATE
    scheme = save_scheme(form, by=request.user, action=action, before=before)
    if scheme is None:
        return _form_refused(form, _("The scheme is not valid."))
    return scheme


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
    require_write(request)
    programme = get_object_or_404(Programme, slug=slug)
    if not request.user.has_perm(MANAGE):
        return _forbidden(_("Only coordinators set up schemes."))
    theme = Theme.objects.filter(code=payload.theme).first()
    if theme is None:
        return _invalid("theme", _("There is no such theme."))
    if Scheme.objects.filter(programme=programme, theme=theme).exists():
        return _invalid("theme", _("This programme already has a scheme on this theme."))
    changes = _scheme_changes(payload, partial=False)
    if isinstance(changes, Status):
        return changes
    form = SchemeForm({**changes, "theme": theme.pk}, programme=programme)
    if not form.is_valid():
        return _form_refused(form, _("The scheme is not valid."))
    scheme = _saved_scheme(request, form, {})
    if isinstance(scheme, Status):
        return scheme
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
    require_write(request)
    scheme = get_object_or_404(
        Scheme.objects.select_related("programme", "theme"), programme__slug=slug, theme__code=code
    )
    if not request.user.has_perm(MANAGE):
        return _forbidden(_("Only coordinators change schemes."))
    changes = _scheme_changes(payload, partial=True)
    if isinstance(changes, Status):
        return changes
    before = audit.field_values(scheme)
    data = _bound(SchemeForm(instance=scheme, programme=scheme.programme), changes)
    form = SchemeForm(data, instance=scheme, programme=scheme.programme)
    if not form.is_valid():
        return _form_refused(form, _("The scheme is not valid."))
    saved = _saved_scheme(request, form, before)
    if isinstance(saved, Status):
        return saved
    return get_scheme(request, slug, code)


@router.get(
    "/programmes/{slug}/schemes/{code}",
    response={**READ, 200: SchemeOut},
    openapi_extra=ANYONE,
    summary="One mentoring scheme with its cities, pairings and their visits",
)
def get_scheme(request: HttpRequest, slug: ProgrammeSlug, code: ThemeCode) -> Any:
    scheme = _scheme(slug, code, with_visits=True)
    return {
        **_scheme_out(request, scheme, with_visits=True),
        "programme": scheme.programme.slug,
    }


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
    require_write(request)
    scheme = _scheme(slug, code)
    if not request.user.has_perm("mentoring.manage_programme"):
        return _forbidden(_("Only coordinators change a scheme's cities."))
    city = City.objects.filter(slug=payload.city).first()
    if city is None:
        return _invalid("city", _("There is no such city."))
    try:
        member = services.add_member(scheme=scheme, city=city, role=payload.role, by=request.user)
    except MentoringError as error:
        return _refused(error)
    return Status(201, {"city": _city(city), "role": member.role})


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
    require_write(request)
    scheme = _scheme(slug, code)
    if not request.user.has_perm(MANAGE):
        return _forbidden(_("Only coordinators change a scheme's cities."))
    member = get_object_or_404(
        SchemeCity.objects.select_related("city"), scheme=scheme, city__slug=city
    )
    try:
        services.remove_member(member=member, by=request.user)
    except MentoringError as error:
        return _refused(error, "city")
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
    scheme = _scheme(slug, code)
    if not request.user.has_perm("mentoring.manage_programme"):
        return _forbidden(_("Only coordinators ask for a pairing proposal."))
    found = services.propose(scheme)
    paired = [_pairing(pairing) for pairing in found.paired]
    for pairing in paired:
        pairing["theme"] = scheme.theme.code
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
            "already_paired": paired,
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
        "already_paired": paired,
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
    """For coordinators: pairs each mentor city with an implementing city of the scheme (e.g.
    the pairs of a proposal, accepted or edited). All or nothing: when one pair is not allowed,
    none is made."""
    require_write(request)
    scheme = _scheme(slug, code)
    if not request.user.has_perm("mentoring.manage_programme"):
        return _forbidden(_("Only coordinators pair cities."))
    if not payload.pairs:
        return _invalid("pairs", _("Send at least one pair."))
    slugs = {s for pair in payload.pairs for s in (pair.mentor, pair.implementing)}
    cities = City.objects.in_bulk(slugs, field_name="slug")
    unknown = sorted(slugs - set(cities))
    if unknown:
        return _invalid("pairs", _("There is no such city: %(slug)s.") % {"slug": unknown[0]})
    pairs = [(cities[pair.mentor].pk, cities[pair.implementing].pk) for pair in payload.pairs]
    try:
        created = services.make_pairings(scheme=scheme, pairs=pairs, by=request.user)
    except MentoringError as error:
        return _refused(error, "pairs")
    made = _pairings().filter(pk__in=[pairing.pk for pairing in created]).order_by("pk")
    return Status(201, [_pairing(pairing) for pairing in made])


@router.delete(
    "/pairings/{pairing_id}",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=SIGNED_IN,
    summary="Undo a pairing",
)
def delete_pairing(request: HttpRequest, pairing_id: int) -> Any:
    """For coordinators; refused once the pairing has visits."""
    require_write(request)
    pairing = get_object_or_404(_pairings(), pk=pairing_id)
    if not request.user.has_perm("mentoring.manage_programme"):
        return _forbidden(_("Only coordinators undo a pairing."))
    try:
        services.remove_pairing(pairing=pairing, by=request.user)
    except MentoringError as error:
        return _refused(error)
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
    return [_visit_out(request, visit) for visit in _visits().filter(pairing=pairing)]


def _participants(usernames: list[str]) -> list[User] | Status:
    """The people named by `usernames`, in that order; 422 for a name nobody has."""
    wanted = list(dict.fromkeys(usernames))
    found = User.objects.in_bulk(wanted, field_name="username")
    unknown = [name for name in wanted if name not in found]
    if unknown:
        return _invalid(
            "participants", _("There is no such person: %(username)s.") % {"username": unknown[0]}
        )
    return [found[name] for name in wanted]


def _save_visit(
    request: HttpRequest, pairing: Pairing, payload: VisitIn, visit: Visit | None
) -> Visit | Status:
    participants = _participants(payload.participants)
    if isinstance(participants, Status):
        return participants
    try:
        return services.save_visit(
            pairing=pairing,
            kind=payload.kind,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            agenda=payload.agenda,
            participants=participants,
            by=request.user,
            visit=visit,
        )
    except MentoringError as error:
        return _refused(error)


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
    require_write(request)
    pairing = get_object_or_404(_pairings().select_related("scheme"), pk=pairing_id)
    if not request.user.has_perm("mentoring.plan_visit", pairing):
        return _forbidden(_("Only coordinators and the theme's facilitators plan visits."))
    saved = _save_visit(request, pairing, payload, None)
    if isinstance(saved, Status):
        return saved
    return Status(201, _visit_out(request, _visit(saved.pk)))


@router.get(
    "/visits/{visit_id}",
    response={**READ, 200: VisitOut},
    openapi_extra=ANYONE,
    summary="One visit",
)
def get_visit(request: HttpRequest, visit_id: int) -> Any:
    """Public; the participants are shown to the pairing's team."""
    return _visit_out(request, _visit(visit_id))


@router.put(
    "/visits/{visit_id}",
    response={**WRITE, 200: VisitOut},
    auth=SIGNED_IN,
    summary="Change a visit",
)
def change_visit(request: HttpRequest, visit_id: int, payload: VisitIn) -> Any:
    """For coordinators and the facilitators of the pairing's theme. Everything is replaced by
    what is sent (the participants too); calendars see a new version."""
    require_write(request)
    visit = _visit(visit_id)
    if not request.user.has_perm("mentoring.plan_visit", visit):
        return _forbidden(_("Only coordinators and the theme's facilitators change visits."))
    saved = _save_visit(request, visit.pairing, payload, visit)
    if isinstance(saved, Status):
        return saved
    return _visit_out(request, _visit(saved.pk))


# -- visit reports ------------------------------------------------------------------------------


def _visible_report(request: HttpRequest, visit_id: int) -> VisitReport:
    """The visit's report, if the caller may see it; else 404, as if there were none."""
    visit = _visit(visit_id)
    report = _report_of(visit)
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
    return _report_out(_visible_report(request, visit_id))


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
    require_write(request)
    visit = _visit(visit_id)
    if not _may_write_report(request, visit):
        return _forbidden(_("Only the theme's facilitators and coordinators write visit reports."))
    toolkit = services.toolkit_of(visit.pairing.scheme)
    ids = dict(toolkit.key_factors.values_list("position", "pk")) if toolkit else {}
    findings = []
    for number, finding in enumerate(payload.findings, start=1):
        unknown = [n for n in finding.key_factors if n not in ids]
        if unknown:
            return _invalid(
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
    try:
        report = services.save_report(
            visit=visit, summary=payload.summary, findings=findings, by=request.user
        )
    except MentoringError as error:
        return _refused(error)
    return _report_out(report)


@router.post(
    "/visits/{visit_id}/report/publish",
    response={200: ReportOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=SIGNED_IN,
    summary="Publish the report of a visit",
)
def publish_visit_report(request: HttpRequest, visit_id: int) -> Any:
    """For the facilitators of the theme and coordinators; a published report is public and
    final. It needs at least one finding."""
    require_write(request)
    report = _visible_report(request, visit_id)
    if not request.user.has_perm("mentoring.publish_report", report):
        return _forbidden(_("Only the theme's facilitators and coordinators publish reports."))
    try:
        services.publish_report(report=report, by=request.user)
    except MentoringError as error:
        return _refused(error)
    return _report_out(report)


# -- workload -----------------------------------------------------------------------------------


HUNDREDTH = Decimal("0.01")


def _work_log(entry: WorkLog) -> dict[str, Any]:
    officer = entry.officer
    return {
        "id": entry.pk,
        "activity": entry.activity,
        "worked_on": entry.worked_on,
        "days": entry.days.quantize(HUNDREDTH),  # as stored, also when just made
        "note": entry.note,
        "officer": (officer.get_full_name() or officer.username) if officer else None,
    }


def _city_work(request: HttpRequest, slug: str, city_slug: str) -> tuple[Programme, City]:
    """The programme and the city whose work the caller may see; else 404, as for a private
    item."""
    programme = get_object_or_404(Programme, slug=slug)
    city = get_object_or_404(City, slug=city_slug)
    if not request.user.has_perm("mentoring.view_workload", city):
        raise Http404
    return programme, city


@router.get(
    "/programmes/{slug}/workload/{city}",
    response={**READ, 200: WorkloadOut},
    openapi_extra=ANYONE,
    summary="A city's workload in a programme",
)
def get_workload(request: HttpRequest, slug: ProgrammeSlug, city: CitySlug) -> Any:
    """Days logged against the planned workload, staff cost and co-financing; for the city's
    officers and coordinators (404 for others, and for a city not in the programme)."""
    programme, found = _city_work(request, slug, city)
    return _workload_out(programme, found)


def _workload_out(programme: Programme, found: City) -> dict[str, Any]:
    try:
        load, entries = services.workload_of(programme, found)
    except ProgrammeCity.DoesNotExist:
        raise Http404 from None
    return {
        "programme": programme.slug,
        "city": _city(found),
        "planned_days": load.planned_days,
        "days_by_activity": load.days_by_activity,
        "total_days": load.total_days,
        "remaining_days": load.remaining_days,
        "percent_of_plan": load.percent_of_plan,
        "day_rate": load.day_rate,
        "staff_cost": load.staff_cost,
        "co_financing": load.co_financing,
        "budget": load.budget,
        "co_financing_share": load.co_financing_share,
        "covers_co_financing": load.covers_co_financing,
        "entries": [_work_log(entry) for entry in entries],
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
    require_write(request)
    programme, found = _city_work(request, slug, city)
    if not request.user.has_perm("mentoring.log_work", found):
        return _forbidden(_("Only the city's officers log its days."))
    try:
        entry = services.log_work(
            programme=programme,
            city=found,
            activity=payload.activity,
            worked_on=payload.worked_on,
            days=payload.days,
            note=payload.note,
            by=request.user,
        )
    except MentoringError as error:
        return _refused(error)
    return Status(201, _work_log(entry))


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
    require_write(request)
    programme, found = _city_work(request, slug, city)
    partner = get_object_or_404(
        ProgrammeCity.objects.select_related("city"), programme=programme, city=found
    )
    if not request.user.has_perm("mentoring.set_rates", found):
        return _forbidden(_("Only the city's officers and coordinators set its rates."))
    form = RatesForm(payload.dict())
    if not form.is_valid():
        return _form_refused(form, _("The rates are not valid."))
    save_rates(partner, form, by=request.user)
    return _workload_out(programme, found)
