"""Work logs and the workload report.

- `workload`: a partner city's report in a programme (its officers and coordinators), with the
  form to log days (its officers) and the form for its day rate and co-financing (its officers
  and coordinators); `workload_export` gives the report as CSV or XLSX.
- `log_work`, `workload_rates`: the two forms' POST targets; invalid input re-renders the report
  with the errors (status 400, as the assessment forms do) and stores nothing.
- `workload_overview`: every partner city of a programme on one page, for coordinators.
"""

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from citygrow.core.access import require
from citygrow.core.decorators import sends_anonymous_to_login
from citygrow.core.errors import ServiceError
from citygrow.mentoring import services
from citygrow.mentoring import workload as calc
from citygrow.mentoring.models import Programme, ProgrammeCity, WorkLog
from citygrow.mentoring.rules import MANAGE
from citygrow.mentoring.workload_forms import LogWorkForm, RatesForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _partner_for_user(
    request: HttpRequest, slug: str, city: str, perm: str = "mentoring.view_workload"
) -> ProgrammeCity:
    """The programme's partner city, in one query (404 when the programme or city is unknown
    or the city is not a partner); the log-in page for an anonymous visitor; 403 for a person
    who may not see the city's workload or do `perm`."""
    partner = get_object_or_404(
        ProgrammeCity.objects.select_related("programme", "city"),
        programme__slug=slug,
        city__slug=city,
    )
    require(request, "mentoring.view_workload", partner.city, login_first=True)
    require(request, perm, partner.city, login_first=True)
    return partner


def _officer_name(entry: WorkLog) -> str:
    officer = entry.officer
    if officer is None:
        return _("(account removed)")
    return officer.get_full_name() or officer.get_username()


def _report_page(
    request: HttpRequest,
    partner: ProgrammeCity,
    *,
    log_form: LogWorkForm | None = None,
    rates_form: RatesForm | None = None,
    status: int = 200,
) -> HttpResponse:
    programme, city = partner.programme, partner.city
    result, entries = services.workload_of(programme, city)
    labels = dict(WorkLog.Activity.choices)
    can_log = request.user.has_perm("mentoring.log_work", city)
    can_set_rates = request.user.has_perm("mentoring.set_rates", city)
    if can_log and log_form is None:
        log_form = LogWorkForm(prefix="log")
    if can_set_rates and rates_form is None:
        rates_form = RatesForm(
            prefix="rates",
            initial={"day_rate": partner.day_rate, "co_financing": partner.co_financing},
        )
    return render(
        request,
        "mentoring/workload.html",
        {
            "programme": programme,
            "city": city,
            "workload": result,
            "activities": [
                (labels.get(code, code), days) for code, days in result.days_by_activity.items()
            ],
            "entries": [
                {
                    "worked_on": entry.worked_on,
                    "officer": _officer_name(entry),
                    "activity": entry.get_activity_display(),
                    "days": calc.trim(entry.days),
                    "note": entry.note,
                }
                for entry in entries
            ],
            "log_form": log_form if can_log else None,
            "rates_form": rates_form if can_set_rates else None,
            "is_coordinator": request.user.has_perm("mentoring.manage_programme"),
        },
        status=status,
    )


@require_safe
@sends_anonymous_to_login
def workload(request: HttpRequest, slug: str, city: str) -> HttpResponse:
    """A city's days logged against the plan, its staff cost and co-financing, its entries."""
    partner = _partner_for_user(request, slug, city)
    return _report_page(request, partner)


@require_POST
@sends_anonymous_to_login
def log_work(request: HttpRequest, slug: str, city: str) -> HttpResponse:
    partner = _partner_for_user(request, slug, city, "mentoring.log_work")
    form = LogWorkForm(request.POST, prefix="log")
    if form.is_valid():
        try:
            services.log_work(
                programme=partner.programme, city=partner.city, by=request.user, **form.cleaned_data
            )
        except ServiceError as error:
            error.show_on(form)
        else:
            messages.success(
                request,
                _("%(days)s day(s) of %(activity)s logged.")
                % {
                    "days": form.cleaned_data["days"].normalize(),
                    "activity": dict(WorkLog.Activity.choices)[
                        form.cleaned_data["activity"]
                    ].lower(),
                },
            )
            return redirect("mentoring:workload", slug=slug, city=city)
    return _report_page(request, partner, log_form=form, status=400)


@require_POST
@sends_anonymous_to_login
def workload_rates(request: HttpRequest, slug: str, city: str) -> HttpResponse:
    """Set the city's day rate and co-financing (recorded in the audit trail)."""
    partner = _partner_for_user(request, slug, city, "mentoring.set_rates")
    form = RatesForm(request.POST, prefix="rates")
    if not form.is_valid():
        return _report_page(request, partner, rates_form=form, status=400)
    changes = services.save_rates(partner=partner, by=request.user, **form.cleaned_data)
    messages.success(
        request, _("Day rate and co-financing saved.") if changes else _("Nothing changed.")
    )
    return redirect("mentoring:workload", slug=slug, city=city)


@require_safe
@sends_anonymous_to_login
def workload_export(request: HttpRequest, slug: str, city: str, fmt: str) -> HttpResponse:
    """The report as CSV or XLSX: the summary and every entry."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    partner = _partner_for_user(request, slug, city)
    programme = partner.programme
    result, entries = services.workload_of(programme, partner.city)
    report = calc.Report(
        programme=programme.name,
        city=partner.city.name,
        workload=result,
        lines=[
            calc.LogLine(
                worked_on=entry.worked_on,
                officer=_officer_name(entry),
                activity=entry.get_activity_display(),
                days=entry.days,
                note=entry.note,
            )
            for entry in entries
        ],
        activity_labels={code: str(label) for code, label in WorkLog.Activity.choices},
    )
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")  # so that spreadsheet programs read UTF-8
        response.write(calc.to_csv(report))
    else:
        response = HttpResponse(calc.to_xlsx(report), content_type=XLSX)
    name = slugify(f"{programme.slug} {partner.city.slug} workload")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@require_safe
@sends_anonymous_to_login
def workload_overview(request: HttpRequest, slug: str) -> HttpResponse:
    """Every partner city's days, cost and co-financing, for the coordinators: three queries
    whatever the number of cities and entries."""
    programme = get_object_or_404(Programme, slug=slug)
    require(request, MANAGE, login_first=True)
    partners = list(programme.partners.select_related("city"))
    logged: dict[int, list[calc.Entry]] = defaultdict(list)
    sums = (
        WorkLog.objects.filter(programme=programme)
        .values("city", "activity")
        .annotate(total=Sum("days"))
        .order_by()
    )
    for row in sums:
        logged[row["city"]].append(calc.Entry(row["activity"], row["total"]))
    rows: list[dict[str, Any]] = []
    for partner in partners:
        rows.append(
            {
                "city": partner.city,
                "workload": calc.compute(
                    planned_days=programme.planned_days,
                    day_rate=partner.day_rate,
                    co_financing=partner.co_financing,
                    budget=programme.budget,
                    entries=logged.get(partner.city_id, []),
                    activities=WorkLog.Activity.values,
                ),
            }
        )
    totals = {
        "days": sum((row["workload"].total_days for row in rows), Decimal(0)),
        "planned": programme.planned_days * len(rows),
        "staff_cost": sum(
            (row["workload"].staff_cost for row in rows if row["workload"].staff_cost is not None),
            Decimal(0),
        ),
        "co_financing": sum(
            (
                row["workload"].co_financing
                for row in rows
                if row["workload"].co_financing is not None
            ),
            Decimal(0),
        ),
    }
    return render(
        request,
        "mentoring/workload_overview.html",
        {"programme": programme, "rows": rows, "totals": totals},
    )


urlpatterns = [
    path("programmes/<slug:slug>/workload/", workload_overview, name="workload_overview"),
    path("programmes/<slug:slug>/workload/<slug:city>/", workload, name="workload"),
    path("programmes/<slug:slug>/workload/<slug:city>/log/", log_work, name="log_work"),
    path(
        "programmes/<slug:slug>/workload/<slug:city>/rates/", workload_rates, name="workload_rates"
    ),
    path(
        "programmes/<slug:slug>/workload/<slug:city>/workload.<str:fmt>",
        workload_export,
        name="workload_export",
    ),
]
