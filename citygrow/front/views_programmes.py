"""The programme page: composed here because it shows, beside the programme's own records
(mentoring), what the programme promised to deliver against what exists in the platform:
endorsed action plans (plans), published toolkits (catalogue), infographics and the links
recorded (reporting). See `citygrow.reporting.deliverables` for what is counted.

The programme's other pages (its form, events, schemes, pairings) stay in
`citygrow.mentoring.views_programmes`.
"""

from collections import defaultdict

from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from citygrow.mentoring import services
from citygrow.mentoring.models import (
    EventAttendance,
    Programme,
    ProgrammeCity,
    Scheme,
    SchemeCity,
)
from citygrow.mentoring.rules import MANAGE
from citygrow.reporting.deliverables import track


@require_safe
def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme's facts, its events with their attendance by city, its partner cities
    (whether or not in a scheme) with their roles and, for those who may see them, their
    pledges, the co-financing target against what the cities pledged, its schemes, and its
    deliverables: each promise against what exists (public)."""
    programme = get_object_or_404(
        Programme.objects.select_related("coordinator").prefetch_related(
            "organisations",
            "events",
            Prefetch(
                "events__attendances", queryset=EventAttendance.objects.select_related("city")
            ),
            Prefetch("partners", queryset=ProgrammeCity.objects.select_related("city__country")),
            Prefetch(
                "schemes",
                queryset=Scheme.objects.select_related("theme", "facilitator")
                .annotate(pairing_count=Count("pairings", distinct=True))
                .prefetch_related(
                    Prefetch("members", queryset=SchemeCity.objects.select_related("city"))
                ),
            ),
        ),
        slug=slug,
    )
    schemes = list(programme.schemes.all())
    roles: dict[int, list[tuple[Scheme, SchemeCity]]] = defaultdict(list)
    for scheme in schemes:
        members = list(scheme.members.all())
        scheme.mentors = [m for m in members if m.role == SchemeCity.Role.MENTOR]
        scheme.implementing = [m for m in members if m.role == SchemeCity.Role.IMPLEMENTING]
        for member in members:
            roles[member.city_id].append((scheme, member))
    user = request.user
    partner_list = list(programme.partners.all())
    partners = [
        {
            "partner": partner,
            "city": partner.city,
            "roles": roles.get(partner.city_id, []),
            # A city's pledge is part of its workload report: its officers and coordinators.
            "can_see_work": user.has_perm("mentoring.view_workload", partner.city),
        }
        for partner in partner_list
    ]
    events = []
    for event in programme.events.all():
        attendances = list(event.attendances.all())
        events.append(
            {
                "event": event,
                "total": services.attendance_total(event, attendances),
                "total_is_sum": event.attendance is None and bool(attendances),
                "attended": [a for a in attendances if a.people > 0],
                "absent": [a for a in attendances if a.people == 0],
            }
        )
    can_manage = user.has_perm(MANAGE)
    return render(
        request,
        "mentoring/programme_detail.html",
        {
            "programme": programme,
            "partners": partners,
            "events": events,
            "schemes": schemes,
            "can_manage": can_manage,
            # The sum of the pledges adds up every city's: shown to coordinators only.
            "co_financing": services.co_financing_of(programme, partner_list),
            "sees_pledges": can_manage,
            "deliverables": track(programme),
            "can_set_deliverables": user.has_perm("reporting.set_deliverables"),
        },
    )
