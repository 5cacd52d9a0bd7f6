"""Programme and scheme pages: the programme list, the programme's form, events, schemes, their
cities, pairings (by hand, or from the recommender's proposal) and their removal. The programme's
own page is composed in `citygrow.front.views_programmes` (it shows the programme's deliverables).

Programmes and schemes are public (mentoring.rules); coordinators (`mentoring.manage_programme`)
set them up, decide the scheme's cities and pairings. Every write goes through
`citygrow.mentoring.services`, which the API shares; its refusals (`ServiceError`) are shown as
messages, or next to the form field they are about.
"""

import copy
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from citygrow.core.decorators import permission_required
from citygrow.core.errors import ServiceError
from citygrow.mentoring import services
from citygrow.mentoring.forms import (
    AttendanceForm,
    EventForm,
    MemberForm,
    PairingForm,
    ProgrammeForm,
    ProposalForm,
    SchemeForm,
)
from citygrow.mentoring.models import (
    EventAttendance,
    Pairing,
    Programme,
    ProgrammeCity,
    ProgrammeEvent,
    Scheme,
    SchemeCity,
    Visit,
)
from citygrow.mentoring.rules import MANAGE
from citygrow.people.models import CityFigure, Indicator, migrant_share


def _get_scheme(slug: str, code: str) -> Scheme:
    return get_object_or_404(
        Scheme.objects.select_related("programme", "theme", "facilitator", "toolkit__theme"),
        programme__slug=slug,
        theme__code=code,
    )


def _by_role(members: Iterable[SchemeCity]) -> tuple[list[SchemeCity], list[SchemeCity]]:
    """A scheme's cities: its mentor cities, and its implementing cities."""
    members = list(members)
    return (
        [m for m in members if m.role == SchemeCity.Role.MENTOR],
        [m for m in members if m.role == SchemeCity.Role.IMPLEMENTING],
    )


def _pairing_form(
    scheme: Scheme,
    members: Iterable[SchemeCity],
    pairings: Iterable[Pairing],
    data: Any = None,
) -> PairingForm:
    """The form to pair two of the scheme's cities by hand, its choices marked with the places
    the scheme's `pairings` (with their cities) already take."""
    mentors, implementing = _by_role(members)
    pairings = list(pairings)
    taken = Counter(pairing.mentor_city_id for pairing in pairings)
    return PairingForm(
        data,
        mentors=[member.city for member in mentors],
        implementing=[member.city for member in implementing],
        full={city_id for city_id, count in taken.items() if count >= scheme.capacity},
        mentored={pairing.implementing_city_id: pairing.mentor_city.name for pairing in pairings},
    )


def _form_errors(form: Any) -> list[str]:
    """A form's errors as sentences, for a message on the page the person returns to."""
    return [
        f"{form.fields[name].label}: {error}" if name in form.fields else str(error)
        for name, errors in form.errors.items()
        for error in errors
    ]


# Programmes ---------------------------------------------------------------------------------


@require_safe
def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = Programme.objects.annotate(
        city_count=Count("partners", distinct=True), scheme_count=Count("schemes", distinct=True)
    )
    return render(request, "mentoring/programme_list.html", {"programmes": programmes})


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def programme_create(request: HttpRequest) -> HttpResponse:
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        programme = services.save_programme(form=form, by=request.user)
        messages.success(request, _("Programme created."))
        return redirect(programme)
    return render(request, "mentoring/programme_form.html", {"form": form, "programme": None})


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def programme_edit(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    before = services.programme_values(programme)
    # The form changes its instance as it validates; the page keeps showing the stored name.
    form = ProgrammeForm(request.POST or None, instance=copy.copy(programme))
    if request.method == "POST" and form.is_valid():
        programme = services.save_programme(form=form, by=request.user, before=before)
        messages.success(request, _("Programme saved."))
        return redirect(programme)
    return render(request, "mentoring/programme_form.html", {"form": form, "programme": programme})


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def event_create(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.save_event(form=form, programme=programme, by=request.user)
        messages.success(request, _("Event added."))
        return redirect(f"{programme.get_absolute_url()}#events")
    return render(request, "mentoring/event_form.html", {"form": form, "programme": programme})


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def event_attendance(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """An event's attendance: its total and one row per partner city (empty: not known).
    A refusal re-renders the page (400) with what was typed; nothing is stored."""
    event = get_object_or_404(
        ProgrammeEvent.objects.select_related("programme"), pk=pk, programme__slug=slug
    )
    programme = event.programme
    cities = [
        partner.city
        for partner in ProgrammeCity.objects.filter(programme=programme).select_related("city")
    ]
    stored = {a.city_id: a.people for a in EventAttendance.objects.filter(event=event)}
    initial: dict[str, Any] = {"total": event.attendance}
    initial.update({AttendanceForm.field_name(city): stored.get(city.pk) for city in cities})
    form = AttendanceForm(
        request.POST if request.method == "POST" else None, initial=initial, cities=cities
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                changes = services.save_attendance(
                    event=event,
                    counts=form.counts(),
                    total=form.cleaned_data["total"],
                    by=request.user,
                )
            except ServiceError as error:
                error.show_on(form)
            else:
                if changes:
                    messages.success(request, _("Attendance saved."))
                else:
                    messages.info(request, _("Nothing changed."))
                return redirect(f"{programme.get_absolute_url()}#events")
        status = 400
    return render(
        request,
        "mentoring/event_attendance.html",
        {"form": form, "programme": programme, "event": event},
        status=status,
    )


# Schemes ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def scheme_create(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    form = SchemeForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            scheme = services.save_scheme(form=form, by=request.user)
        except ServiceError as error:
            error.show_on(form)
        else:
            messages.success(request, _("Scheme created. Now add its cities."))
            return redirect(scheme)
    return render(
        request,
        "mentoring/scheme_form.html",
        {"form": form, "programme": programme, "scheme": None},
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def scheme_edit(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    scheme = _get_scheme(slug, code)
    before = services.scheme_values(scheme)
    form = SchemeForm(request.POST or None, instance=scheme, programme=scheme.programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_scheme(form=form, by=request.user, before=before)
        except ServiceError as error:
            error.show_on(form)
        else:
            messages.success(request, _("Scheme saved."))
            return redirect(scheme)
    return render(
        request,
        "mentoring/scheme_form.html",
        {"form": form, "programme": scheme.programme, "scheme": scheme},
    )


@require_safe
def scheme_detail(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """The scheme's facilitator, constraints and toolkit, its cities by role and its pairings
    with their mentors and visits; for coordinators, the forms to add a city and to pair two
    cities by hand."""
    scheme = _get_scheme(slug, code)
    members = list(scheme.members.select_related("city__country"))
    pairings = list(
        scheme.pairings.select_related("mentor_city", "implementing_city", "plan")
        .annotate(invited_mentors=Count("mentors", distinct=True))
        .prefetch_related(Prefetch("visits", queryset=Visit.objects.order_by("starts_on", "pk")))
        .order_by("mentor_city__name", "implementing_city__name")
    )
    user = request.user
    for pairing in pairings:
        pairing.can_plan = user.has_perm("mentoring.plan_visit", pairing)
        plan = getattr(pairing, "plan", None)  # the action plan (issue 7), if started
        pairing.plan_shown = plan if user.has_perm("plans.view_plan", plan) else None
        pairing.can_start_plan = plan is None and user.has_perm("plans.add_plan", pairing)
    can_manage = user.has_perm(MANAGE)
    mentors, implementing = _by_role(members)
    pairing_form = _pairing_form(scheme, members, pairings) if can_manage else None
    return render(
        request,
        "mentoring/scheme_detail.html",
        {
            "scheme": scheme,
            "programme": scheme.programme,
            "toolkit": services.toolkit_of(scheme),
            "mentors": mentors,
            "implementing": implementing,
            "pairings": pairings,
            "can_manage": can_manage,
            "member_form": MemberForm() if can_manage else None,
            "pairing_form": pairing_form,
            "all_paired": bool(implementing) and len(pairings) >= len(implementing),
        },
    )


@require_POST
@permission_required(MANAGE)
def member_add(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    scheme = _get_scheme(slug, code)
    form = MemberForm(request.POST)
    if not form.is_valid():
        for error in _form_errors(form):
            messages.error(request, error)
        return redirect(f"{scheme.get_absolute_url()}#members")
    city, role = form.cleaned_data["city"], form.cleaned_data["role"]
    try:
        member = services.add_member(scheme=scheme, city=city, role=role, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(city)s added to the scheme as %(role)s.")
            % {"city": city, "role": member.get_role_display().lower()},
        )
    return redirect(f"{scheme.get_absolute_url()}#members")


@require_POST
@permission_required(MANAGE)
def member_remove(request: HttpRequest, slug: str, code: str, pk: int) -> HttpResponse:
    scheme = _get_scheme(slug, code)
    member = get_object_or_404(SchemeCity.objects.select_related("city"), pk=pk, scheme=scheme)
    try:
        services.remove_member(member=member, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(city)s was taken out of the scheme.") % {"city": member.city}
        )
    return redirect(f"{scheme.get_absolute_url()}#members")


@require_POST
@permission_required(MANAGE)
def pairing_add(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """Pair a mentor city with an implementing city of the scheme, chosen by hand (with or
    without a proposal); the services check the scheme's rules."""
    scheme = _get_scheme(slug, code)
    members = scheme.members.select_related("city")
    pairings = scheme.pairings.select_related("mentor_city")
    form = _pairing_form(scheme, members, pairings, request.POST)
    if not form.is_valid():
        for error in _form_errors(form):
            messages.error(request, error)
        return redirect(f"{scheme.get_absolute_url()}#pair")
    try:
        (pairing,) = services.make_pairings(scheme=scheme, pairs=[form.pair()], by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect(f"{scheme.get_absolute_url()}#pair")
    messages.success(
        request,
        _(
            "%(mentor)s → %(city)s paired. The officers of %(mentor)s are now mentors of "
            "%(city)s on this theme."
        )
        % {"mentor": pairing.mentor_city, "city": pairing.implementing_city},
    )
    return redirect(f"{scheme.get_absolute_url()}#pairings")


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def pairing_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Removing a pairing: what it takes away, and a button; or why it stays (its visits, its
    action plan) with links to them and what to do."""
    pairing = get_object_or_404(
        Pairing.objects.select_related(
            "scheme__programme", "scheme__theme", "mentor_city", "implementing_city", "plan"
        ).annotate(invited_mentors=Count("mentors", distinct=True)),
        pk=pk,
    )
    scheme = pairing.scheme
    if request.method == "POST":
        try:
            services.remove_pairing(pairing=pairing, by=request.user)
        except ServiceError as error:
            messages.error(request, error.message)
            return redirect("mentoring:pairing_remove", pk=pairing.pk)
        messages.success(
            request,
            _("The pairing %(mentor)s → %(city)s was removed.")
            % {"mentor": pairing.mentor_city, "city": pairing.implementing_city},
        )
        return redirect(f"{scheme.get_absolute_url()}#pairings")
    return render(
        request,
        "mentoring/pairing_remove.html",
        {
            "pairing": pairing,
            "scheme": scheme,
            "programme": scheme.programme,
            "reason": services.why_pairing_stays(pairing),
            "visits": list(pairing.visits.order_by("starts_on", "pk")),
            "plan": getattr(pairing, "plan", None),
        },
    )


# The recommender ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def proposal(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """The recommender's proposal for the scheme's implementing cities without a mentor.

    The coordinator accepts it (after changing any mentor, if they like) or rejects it; nothing
    is paired until they accept."""
    scheme = _get_scheme(slug, code)
    if request.method == "POST" and request.POST.get("action") == "reject":
        messages.info(request, _("The proposal was rejected; nothing was paired."))
        return redirect(scheme)
    result = services.propose(scheme)
    members = sorted(result.cities.values(), key=lambda city: city.name)
    roles = _roles(result)
    paired = {pairing.implementing_city_id for pairing in result.paired}
    mentors = [city for city in members if roles[city.pk] == SchemeCity.Role.MENTOR]
    open_cities = [
        city
        for city in members
        if roles[city.pk] == SchemeCity.Role.IMPLEMENTING and city.pk not in paired
    ]
    pairs = {pair.implementing: pair for pair in result.proposal.pairs} if result.proposal else {}
    unpaired = {u.city: u for u in result.proposal.unpaired} if result.proposal else {}
    form = ProposalForm(
        request.POST if request.method == "POST" else None,
        cities=open_cities,
        mentors=mentors,
        proposed={city_id: pair.mentor for city_id, pair in pairs.items()},
        full=_full_mentors(result),
    )
    status = 200
    if request.method == "POST" and result.proposal is not None and mentors and open_cities:
        if form.is_valid():
            chosen = form.pairs()
            if not chosen:
                messages.info(request, _("No mentor was chosen; nothing was paired."))
                return redirect(scheme)
            try:
                made = services.make_pairings(scheme=scheme, pairs=chosen, by=request.user)
            except ServiceError as error:
                messages.error(request, error.message)
                status = 400
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d pairing was made.",
                        "%(count)d pairings were made.",
                        len(made),
                    )
                    % {"count": len(made)},
                )
                return redirect(f"{scheme.get_absolute_url()}#pairings")
        else:
            for error in _form_errors(form):
                messages.error(request, error)
            status = 400
    elif request.method == "POST":
        messages.error(request, _("There is nothing to pair in this scheme now; see below why."))
        status = 400
    rows = [
        {
            "city": city,
            "field": form[ProposalForm.field_name(city)],
            "pair": pairs.get(city.pk),
            "unpaired": unpaired.get(city.pk),
            "assessment": result.assessments.get(city.pk),
        }
        for city in open_cities
    ]
    names = {city.pk: city.name for city in members}
    # Each city's latest population and migrant share, with year and source (one query).
    figures = CityFigure.objects.latest_by_city(city.pk for city in members)
    by_hand = None
    if result.proposal is None and mentors and open_cities:
        by_hand = PairingForm(mentors=mentors, implementing=open_cities, full=_full_mentors(result))
    return render(
        request,
        "mentoring/proposal.html",
        {
            "scheme": scheme,
            "programme": scheme.programme,
            "result": result,
            "form": form,
            "rows": rows,
            "mentors": mentors,
            "cities": [
                {
                    "city": city,
                    "role": SchemeCity.Role(roles[city.pk]).label,
                    "assessment": result.assessments.get(city.pk),
                    "figures": _context_figures(figures.get(city.pk, {})),
                }
                for city in members
            ],
            "unpaired": [
                {"name": names.get(u.city, u.city), "reason": u.reason}
                for u in (result.proposal.unpaired if result.proposal else ())
            ],
            "has_implementing": any(
                role == SchemeCity.Role.IMPLEMENTING for role in roles.values()
            ),
            "pairing_form": by_hand,
        },
        status=status,
    )


def _context_figures(by_code: dict[str, CityFigure]) -> list[CityFigure]:
    """The figures that set a city's context beside its scores: population and migrant share."""
    found = (by_code.get(Indicator.POPULATION), migrant_share(by_code))
    return [figure for figure in found if figure is not None]


def _full_mentors(result: services.SchemeProposal) -> set[int]:
    """The mentor cities whose places the scheme's earlier pairings take."""
    taken = Counter(pairing.mentor_city_id for pairing in result.paired)
    return {city_id for city_id, count in taken.items() if count >= result.scheme.capacity}


def _roles(result: services.SchemeProposal) -> dict[int, str]:
    """Each scheme city's role, by city id, from the members `propose` read."""
    return dict(
        SchemeCity.objects.filter(scheme=result.scheme, city__in=list(result.cities)).values_list(
            "city_id", "role"
        )
    )


urlpatterns = [
    path("programmes/", programme_list, name="programmes"),
    path("programmes/new/", programme_create, name="programme_create"),
    path("programmes/<slug:slug>/edit/", programme_edit, name="programme_edit"),
    path("programmes/<slug:slug>/events/new/", event_create, name="event_create"),
    path(
        "programmes/<slug:slug>/events/<int:pk>/attendance/",
        event_attendance,
        name="event_attendance",
    ),
    path("programmes/<slug:slug>/schemes/new/", scheme_create, name="scheme_create"),
    path("programmes/<slug:slug>/schemes/<str:code>/", scheme_detail, name="scheme"),
    path("programmes/<slug:slug>/schemes/<str:code>/edit/", scheme_edit, name="scheme_edit"),
    path("programmes/<slug:slug>/schemes/<str:code>/cities/", member_add, name="member_add"),
    path(
        "programmes/<slug:slug>/schemes/<str:code>/cities/<int:pk>/remove/",
        member_remove,
        name="member_remove",
    ),
    path("programmes/<slug:slug>/schemes/<str:code>/proposal/", proposal, name="proposal"),
    path("programmes/<slug:slug>/schemes/<str:code>/pairings/", pairing_add, name="pairing_add"),
    path("pairings/<int:pk>/remove/", pairing_remove, name="pairing_remove"),
]
