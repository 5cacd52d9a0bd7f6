"""The Charter survey's results pages: a cycle's aggregate (response rate, every commitment's
distribution, the mean per role and the trend across cycles), public once published; and a
city's scores in its response, their change since its previous cycle and the city beside the
network and similar cities, seen by those who may see the response.

Charts are drawn on the server (publishing.charts) with the same figures in a table below.
Access rules: citygrow.survey.rules; the figures: citygrow.survey.results (scoring.py's rules).
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from citygrow.core.access import get_for_user, require
from citygrow.survey import documents, services
from citygrow.survey.models import Cycle, Response


def _cycle(request: HttpRequest, pk: int, perm: str = "survey.view_results") -> Cycle:
    return get_for_user(
        request,
        Cycle.objects.with_counts().select_related("questionnaire"),
        view=perm,
        pk=pk,
    )


@require_safe
def cycle_results(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    context = documents.cycle_context(cycle)
    context["may_publish"] = request.user.has_perm("survey.publish_results", cycle)
    return render(request, "survey/cycle_results.html", context)


@require_POST
def results_publish(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Publish or withdraw a cycle's results (coordinators)."""
    cycle = _cycle(request, pk, perm="survey.view_cycle")
    require(request, "survey.publish_results", cycle)
    if action == "publish":
        services.publish_results(cycle=cycle, by=request.user)
        messages.success(request, _("The results are published: anyone can read them now."))
    else:
        services.withdraw_results(cycle=cycle, by=request.user)
        messages.success(request, _("The results are withdrawn: only coordinators see them."))
    return redirect("survey:cycle_results", pk=cycle.pk)


def _response(request: HttpRequest, pk: int) -> Response:
    return get_for_user(
        request,
        Response.objects.select_related("city", "cycle__questionnaire"),
        view="survey.view_response",
        pk=pk,
    )


@require_safe
def response_results(request: HttpRequest, pk: int) -> HttpResponse:
    response = _response(request, pk)
    return render(
        request,
        "survey/response_results.html",
        documents.city_context(response, user=request.user),
    )


@require_safe
def response_results_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The city's results page as a PDF, with every rating and its evidence."""
    return documents.city_pdf_response(_response(request, pk), request=request)


@require_safe
def cycle_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The cycle's answers, a row per city the person may see (coordinators: every invited
    city; the public: the cities that published their answers), as CSV or XLSX. `?header=`
    codes, labels or both (default)."""
    if fmt not in documents.EXPORT_TYPES:
        raise Http404
    cycle = _cycle(request, pk)
    content, name = documents.cycle_file(
        request.user, cycle, fmt=fmt, header=request.GET.get("header", "both")
    )
    return HttpResponse(
        content,
        content_type=documents.EXPORT_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@require_safe
def results_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The cycle's results as a file: CSV (every commitment's distribution) or XLSX (that, the
    mean per role and the trend), for those who may read the results."""
    if fmt not in documents.EXPORT_TYPES:
        raise Http404
    content, name = documents.results_file(_cycle(request, pk), fmt=fmt)
    return HttpResponse(
        content,
        content_type=documents.EXPORT_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
