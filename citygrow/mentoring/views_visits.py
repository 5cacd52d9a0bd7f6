"""Visits, their reports and calendars.

- Planning and editing a visit, cancelling it (kept, marked cancelled with the reason) and
  deleting one entered by mistake (with its draft report; not while its report is published):
  coordinators and the facilitators of the pairing's theme (`mentoring.plan_visit`).
- A visit's page is public; its participants are shown to the pairing's team
  (`mentoring.view_participants`), its report when published or to the team while a draft
  (`mentoring.view_report`).
- The report is written and published by the theme's facilitators and coordinators
  (`mentoring.write_report`); once published it is final.
- Calendar files (.ics) are public and never name the participants.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from citygrow.catalogue.models import KeyFactor
from citygrow.core.access import require
from citygrow.core.errors import ServiceError
from citygrow.mentoring import services
from citygrow.mentoring.calendar import CalendarEvent, calendar_bytes
from citygrow.mentoring.models import (
    Finding,
    Pairing,
    ProgrammeEvent,
    Visit,
    VisitQuerySet,
    VisitReport,
)
from citygrow.mentoring.visit_forms import (
    CancelVisitForm,
    FindingFormSet,
    ReportForm,
    ReportPublishForm,
    TieFindingForm,
    VisitForm,
    key_factor_choices,
    person_label,
    with_roles,
)
from citygrow.people.models import City

_VISIT_RELATED = (
    "pairing__scheme__programme",
    "pairing__scheme__theme",
    "pairing__mentor_city",
    "pairing__implementing_city",
)


def _visits() -> VisitQuerySet:
    return Visit.objects.select_related(*_VISIT_RELATED)


# Planning ----------------------------------------------------------------------------------


def _visit_form_page(
    request: HttpRequest, pairing: Pairing, form: VisitForm, visit: Visit | None, status: int
) -> HttpResponse:
    return render(
        request,
        "mentoring/visit_form.html",
        {"pairing": pairing, "form": form, "visit": visit},
        status=status,
    )


def _save_visit(
    request: HttpRequest, pairing: Pairing, form: VisitForm, visit: Visit | None
) -> HttpResponse:
    if form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.save_visit(
                pairing=pairing,
                kind=data["kind"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                agenda=data["agenda"],
                participants=list(data["participants"]),
                by=request.user,
                visit=visit,
            )
        except ServiceError as error:
            error.show_on(form)
        else:
            messages.success(request, _("Visit planned.") if visit is None else _("Visit changed."))
            return redirect(saved)
    return _visit_form_page(request, pairing, form, visit, status=400)


@require_http_methods(["GET", "POST"])
@login_required
def visit_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Plan a study or a mentoring visit of a pairing (`?kind=` preselects the kind)."""
    pairing = get_object_or_404(
        Pairing.objects.select_related(
            "scheme__programme", "scheme__theme", "mentor_city", "implementing_city"
        ),
        pk=pk,
    )
    require(request, "mentoring.plan_visit", pairing)
    if request.method == "POST":
        return _save_visit(request, pairing, VisitForm(request.POST, pairing=pairing), None)
    kind = request.GET.get("kind")
    initial = {"kind": kind} if kind in Visit.Kind.values else {}
    return _visit_form_page(
        request, pairing, VisitForm(initial=initial, pairing=pairing), None, 200
    )


@require_http_methods(["GET", "POST"])
@login_required
def visit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_object_or_404(_visits(), pk=pk)
    require(request, "mentoring.plan_visit", visit)
    pairing = visit.pairing
    if request.method == "POST":
        return _save_visit(request, pairing, VisitForm(request.POST, pairing=pairing), visit)
    initial = {
        "kind": visit.kind,
        "starts_on": visit.starts_on,
        "ends_on": visit.ends_on,
        "agenda": visit.agenda,
        "participants": list(visit.participants.values_list("pk", flat=True)),
    }
    return _visit_form_page(
        request, pairing, VisitForm(initial=initial, pairing=pairing), visit, 200
    )


# Correcting: cancelling and deleting -----------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def visit_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Call a visit off, with the reason: it stays on record, marked cancelled."""
    visit = get_object_or_404(_visits(), pk=pk)
    require(request, "mentoring.plan_visit", visit)
    form = CancelVisitForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.cancel_visit(
                    visit=visit, reason=form.cleaned_data["reason"], by=request.user
                )
            except ServiceError as error:
                error.show_on(form)
            else:
                messages.success(request, _("The visit is cancelled. It stays on record."))
                return redirect(visit)
        status = 400
    return render(
        request,
        "mentoring/visit_cancel.html",
        {"visit": visit, "pairing": visit.pairing, "scheme": visit.pairing.scheme, "form": form},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def visit_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a visit entered by mistake, with its draft report: what goes with it, and a
    button; or why it stays (its report is published) and what to do instead.

    `?back=pairing` (from the pairing's removal page) returns there afterwards."""
    visit = get_object_or_404(
        _visits().select_related("report").annotate(finding_count=Count("report__findings")),
        pk=pk,
    )
    require(request, "mentoring.plan_visit", visit)
    pairing = visit.pairing
    back_to_pairing = request.GET.get("back") == "pairing"
    if request.method == "POST":
        here = reverse("mentoring:visit_delete", args=[visit.pk])
        try:
            services.delete_visit(visit=visit, by=request.user)
        except ServiceError as error:
            messages.error(request, error.message)
            return redirect(f"{here}?back=pairing" if back_to_pairing else here)
        messages.success(request, _("The visit “%(visit)s” was deleted.") % {"visit": visit})
        if back_to_pairing:
            return redirect("mentoring:pairing_remove", pk=pairing.pk)
        return redirect(f"{pairing.scheme.get_absolute_url()}#pairings")
    return render(
        request,
        "mentoring/visit_delete.html",
        {
            "visit": visit,
            "pairing": pairing,
            "scheme": pairing.scheme,
            "report": visit.existing_report(),
            "reason": services.why_visit_stays(visit),
            "back_to_pairing": back_to_pairing,
        },
    )


# The visit's page ----------------------------------------------------------------------------

FINDING_GROUPS = (
    (Finding.Kind.STRENGTH, "strengths"),
    (Finding.Kind.BARRIER, "barriers"),
    (Finding.Kind.CHALLENGE, "challenges"),
    (Finding.Kind.ACTION, "actions"),
)


def _group_findings(findings: Iterable[Finding]) -> list[dict[str, Any]]:
    """The findings by kind, in the order a report reads: strengths, barriers, challenges,
    recommended actions. Kinds with no finding are left out."""
    titles = {
        Finding.Kind.STRENGTH: _("Strengths"),
        Finding.Kind.BARRIER: _("Barriers"),
        Finding.Kind.CHALLENGE: _("Challenges"),
        Finding.Kind.ACTION: _("Recommended actions"),
    }
    by_kind: dict[str, list[Finding]] = {kind: [] for kind, _slug in FINDING_GROUPS}
    for finding in findings:
        by_kind.setdefault(finding.kind, []).append(finding)
    return [
        {"id": f"findings-{slug}", "title": titles[kind], "findings": by_kind[kind]}
        for kind, slug in FINDING_GROUPS
        if by_kind[kind]
    ]


@require_safe
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_object_or_404(_visits().select_related("report"), pk=pk)
    user = request.user
    report = visit.existing_report()
    if report is not None and not user.has_perm("mentoring.view_report", report):
        report = None  # an unpublished report is not shown to those outside the team
    groups: list[dict[str, Any]] = []
    if report is not None:
        findings = report.findings.prefetch_related(
            Prefetch(
                "key_factors",
                queryset=KeyFactor.objects.select_related("toolkit__theme").order_by("position"),
            )
        )
        groups = _group_findings(findings)
    participants = None
    if user.has_perm("mentoring.view_participants", visit):
        people = visit.participants.order_by("first_name", "last_name", "username")
        participants = [person_label(person) for person in with_roles(people)]
    can_plan = user.has_perm("mentoring.plan_visit", visit)
    cancelled = visit.is_cancelled
    writable = visit.report_to_write()
    return render(
        request,
        "mentoring/visit_detail.html",
        {
            "visit": visit,
            "pairing": visit.pairing,
            "scheme": visit.pairing.scheme,
            "report": report,
            "groups": groups,
            "participants": participants,
            "can_plan": can_plan and not cancelled,
            "can_correct": can_plan,
            "can_write": not cancelled and user.has_perm("mentoring.write_report", writable),
            "can_publish": report is not None
            and not cancelled
            and not report.is_published
            and user.has_perm("mentoring.write_report", report),
            "publish_form": ReportPublishForm(auto_id="publish-%s"),
            # Findings kept without key factors can be tied to them once a toolkit exists.
            "can_tie": report is not None
            and user.has_perm("mentoring.publish_report", visit)
            and services.toolkit_of(visit.pairing.scheme) is not None,
        },
    )


# The report ----------------------------------------------------------------------------------


def _findings_initial(report: VisitReport | None) -> list[dict[str, Any]]:
    if report is None:
        return []
    findings = report.findings.prefetch_related(
        Prefetch("key_factors", queryset=KeyFactor.objects.only("pk"))
    )
    return [
        {
            "kind": finding.kind,
            "text": finding.text,
            "key_factors": [factor.pk for factor in finding.key_factors.all()],
        }
        for finding in findings
    ]


@require_http_methods(["GET", "POST"])
@login_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Write or change the report of a visit, while it is a draft."""
    visit = get_object_or_404(_visits().select_related("report"), pk=pk)
    report = visit.existing_report()
    require(request, "mentoring.write_report", visit.report_to_write())
    toolkit = services.toolkit_of(visit.pairing.scheme)
    key_factors = list(toolkit.key_factors.order_by("position")) if toolkit else []
    choices = key_factor_choices(key_factors)
    form_kwargs = {"key_factors": choices}
    status = 200
    if request.method == "POST":
        form = ReportForm(request.POST)
        formset = FindingFormSet(request.POST, prefix="findings", form_kwargs=form_kwargs)
        if form.is_valid() and formset.is_valid():
            findings = [
                services.FindingIn(
                    kind=row["kind"], text=row["text"], key_factors=row.get("key_factors", [])
                )
                for row in formset.cleaned_data
                if row and not row.get("DELETE")
            ]
            try:
                services.save_report(
                    visit=visit,
                    summary=form.cleaned_data["summary"],
                    findings=findings,
                    by=request.user,
                )
            except ServiceError as error:
                error.show_on(form)
            else:
                messages.success(request, _("Report saved. It stays a draft until published."))
                return redirect(visit)
        status = 400
    else:
        form = ReportForm(initial={"summary": report.summary if report else ""})
        formset = FindingFormSet(
            initial=_findings_initial(report), prefix="findings", form_kwargs=form_kwargs
        )
    return render(
        request,
        "mentoring/report_form.html",
        {
            "visit": visit,
            "pairing": visit.pairing,
            "report": report,
            "form": form,
            "formset": formset,
            "toolkit": toolkit,
        },
        status=status,
    )


@require_POST
def report_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish a visit's report: it becomes public and final."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("mentoring:visit", args=[pk]))
    visit = get_object_or_404(_visits().select_related("report"), pk=pk)
    report = visit.existing_report()
    # Asked about the visit, whatever the report's status, so that publishing twice gets the
    # service's message rather than a refusal.
    require(request, "mentoring.publish_report", visit)
    if report is None:
        messages.error(request, _("Write the report before publishing it."))
        return redirect(visit)
    form = ReportPublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["published_on"]))
        return redirect(visit)
    try:
        services.publish_report(
            report=report, by=request.user, published_on=form.cleaned_data["published_on"]
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Report published. It is now public and final."))
    return redirect(visit)


@require_http_methods(["GET", "POST"])
@login_required
def finding_tie(request: HttpRequest, pk: int, finding: int) -> HttpResponse:
    """Tie a finding kept without key factors (the theme had no toolkit when the report was
    written) to the key factors of the toolkit published since; on a published report too, as
    only the missing key factors are added. For the theme's facilitators and coordinators."""
    visit = get_object_or_404(_visits().select_related("report"), pk=pk)
    require(request, "mentoring.publish_report", visit)
    found = get_object_or_404(
        Finding.objects.prefetch_related("key_factors"), pk=finding, report__visit=visit
    )
    found.report = visit.report
    toolkit = services.toolkit_of(visit.pairing.scheme)
    key_factors = list(toolkit.key_factors.order_by("position")) if toolkit else []
    form = TieFindingForm(
        request.POST or None,
        key_factors=key_factor_choices(key_factors),
        initial={"key_factors": [factor.pk for factor in found.key_factors.all()]},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.tie_finding(
                    finding=found, key_factors=form.cleaned_data["key_factors"], by=request.user
                )
            except ServiceError as error:
                error.show_on(form)
            else:
                messages.success(request, _("The finding is tied to its key factors."))
                return redirect(f"{visit.get_absolute_url()}#report")
        status = 400
    return render(
        request,
        "mentoring/report_finding_form.html",
        {
            "visit": visit,
            "pairing": visit.pairing,
            "finding": found,
            "form": form,
            "toolkit": toolkit,
        },
        status=status,
    )


# Calendars -----------------------------------------------------------------------------------


def _visit_event(request: HttpRequest, visit: Visit) -> CalendarEvent:
    """A visit as a calendar event; it names cities, never the participants."""
    url = request.build_absolute_uri(visit.get_absolute_url())
    summary = _("%(kind)s: %(visiting)s to %(host)s") % {
        "kind": visit.get_kind_display(),
        "visiting": visit.visiting_city,
        "host": visit.host_city,
    }
    cancelled = ""
    if visit.is_cancelled:
        # Also in the title, for calendar programs that do not show STATUS.
        summary = _("Cancelled: %(visit)s") % {"visit": summary}
        cancelled = _("Cancelled: %(reason)s") % {"reason": visit.cancel_reason}
    description = "\n\n".join(part for part in (cancelled, visit.agenda.strip(), url) if part)
    return CalendarEvent(
        uid=str(visit.uid),
        sequence=visit.sequence,
        summary=summary,
        description=description,
        location=str(visit.host_city),
        first_day=visit.starts_on,
        last_day=visit.ends_on,
        url=url,
        last_modified=visit.updated_at,
        cancelled=visit.is_cancelled,
    )


def _event_event(request: HttpRequest, event: ProgrammeEvent) -> CalendarEvent:
    url = request.build_absolute_uri(event.programme.get_absolute_url())
    return CalendarEvent(
        uid=f"programme-event-{event.pk}",
        summary=f"{event.programme}: {event.title}",
        description=f"{event.get_kind_display()}\n\n{url}",
        location=event.place,
        first_day=event.starts_on,
        last_day=event.ends_on,
        url=url,
    )


def _ics_response(content: bytes, filename: str, disposition: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@require_safe
def visit_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """One visit as a calendar file to download."""
    visit = get_object_or_404(_visits(), pk=pk)
    event = _visit_event(request, visit)
    name = slugify(f"{visit.get_kind_display()} {visit.host_city} {visit.starts_on.isoformat()}")
    return _ics_response(calendar_bytes([event]), f"{name}.ics", "attachment")


@require_safe
def city_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """A calendar feed of a city: the visits of its pairings (as mentor or implementing city)
    and the meetings of the programmes it is a partner of."""
    city = get_object_or_404(City, slug=slug)
    visits = _visits().involving(city)
    events = (
        ProgrammeEvent.objects.filter(programme__partners__city=city)
        .select_related("programme")
        .distinct()
    )
    content = calendar_bytes(
        [
            *(_visit_event(request, visit) for visit in visits),
            *(_event_event(request, event) for event in events),
        ],
        name=_("CityGrow: visits and meetings of %(city)s") % {"city": city},
    )
    return _ics_response(content, f"citygrow-{city.slug}.ics", "inline")


urlpatterns = [
    path("pairings/<int:pk>/visits/new/", visit_create, name="visit_create"),
    path("visits/<int:pk>/", visit_detail, name="visit"),
    path("visits/<int:pk>/edit/", visit_edit, name="visit_edit"),
    path("visits/<int:pk>/cancel/", visit_cancel, name="visit_cancel"),
    path("visits/<int:pk>/delete/", visit_delete, name="visit_delete"),
    path("visits/<int:pk>/visit.ics", visit_ics, name="visit_ics"),
    path("visits/<int:pk>/report/", report_edit, name="report_edit"),
    path("visits/<int:pk>/report/publish/", report_publish, name="report_publish"),
    path(
        "visits/<int:pk>/findings/<int:finding>/key-factors/",
        finding_tie,
        name="finding_tie",
    ),
    path("cities/<slug:slug>/visits.ics", city_calendar, name="city_calendar"),
]
