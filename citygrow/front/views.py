from django.contrib import messages
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from citygrow.core.decorators import permission_required
from citygrow.core.errors import ServiceError
from citygrow.mentoring.models import Pairing, SchemeCity
from citygrow.people import services as people_services
from citygrow.people.forms import (
    CharterSignatureForm,
    CharterWithdrawalForm,
    CityFigureForm,
    IndicatorForm,
)
from citygrow.people.models import City, CityFigure, latest_figures
from citygrow.plans.adoptions import adopted_by
from citygrow.plans.followup import due_for_city
from citygrow.practices.models import Practice
from citygrow.reporting.models import Infographic

KEEP_FIGURES = "people.keep_city_figures"
RECORD_CHARTER = "people.record_charter_signature"


#: The practices a city's page lists; the library, linked, has them all.
PRACTICES_ON_CITY_PAGE = 20


@require_safe
def city_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A city: its key figures, its mentoring schemes and pairings, the practices it gave (its
    examples in the toolkits and its published contributions) and those it adopted in its
    plans."""
    practices = (
        Practice.objects.in_library(request.user)
        .select_related("key_factor", "toolkit__theme")
        .order_by("origin", "toolkit__theme__code", "key_factor__position", "position", "pk")
    )
    schemes = SchemeCity.objects.select_related("scheme__programme", "scheme__theme").order_by(
        "-scheme__programme__starts_on", "scheme__theme__code"
    )
    figures = CityFigure.objects.select_related("indicator")
    city = get_object_or_404(
        City.objects.select_related("country").prefetch_related(
            Prefetch("schemes", queryset=schemes),
            Prefetch("figures", queryset=figures),
        ),
        slug=slug,
    )
    # A bounded number of its practices (one more tells whether the library has more).
    given = list(practices.filter(city=city)[: PRACTICES_ON_CITY_PAGE + 1])
    # Overdue and soon-due plan actions, for the city's plan team only (none for others).
    due = due_for_city(request.user, city.pk)
    history = list(city.figures.all())
    context = {
        "city": city,
        "practices": given[:PRACTICES_ON_CITY_PAGE],
        "more_practices": len(given) > PRACTICES_ON_CITY_PAGE,
        "due_actions": due,
        "key_figures": latest_figures(history),
        "figure_history": history,
        "adopted": adopted_by(city, request.user),
        # The pairings it is in, each linked to its page (issue 14).
        "pairings": Pairing.objects.involving(city)
        .select_related("scheme__programme", "theme", "mentor_city", "implementing_city")
        .order_by("-scheme__programme__starts_on", "theme__code", "pk"),
        # Its pairings' published infographics, the latest version of each (issue 14, part 3).
        "infographics": Infographic.objects.latest_published()
        .filter(Q(pairing__mentor_city=city) | Q(pairing__implementing_city=city))
        .select_related("pairing__theme", "pairing__scheme__programme")
        .order_by("-published_at", "-pk"),
    }
    return render(request, "front/city_detail.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(KEEP_FIGURES)
def city_figure_add(request: HttpRequest, slug: str) -> HttpResponse:
    """Record a key figure of a city (a correction is a new figure for the same year)."""
    city = get_object_or_404(City, slug=slug)
    form = CityFigureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            figure = people_services.record_figure(
                city=city,
                indicator=form.cleaned_data["indicator"],
                value=form.cleaned_data["value"],
                year=form.cleaned_data["year"],
                source=form.cleaned_data["source"],
                by=request.user,  # type: ignore[arg-type]
            )
        except ServiceError as error:
            error.show_on(form)
        else:
            messages.success(
                request,
                _("%(indicator)s %(year)s recorded.")
                % {"indicator": figure.indicator.name, "year": figure.year},
            )
            return redirect(reverse("front:city", args=[city.slug]) + "#key-figures")
    return _figure_page(request, city, form, IndicatorForm())


@require_POST
@permission_required(KEEP_FIGURES)
def indicator_add(request: HttpRequest, slug: str) -> HttpResponse:
    """Define a new indicator, from a city's figure page (back to it, the indicator chosen)."""
    city = get_object_or_404(City, slug=slug)
    form = IndicatorForm(request.POST)
    if form.is_valid():
        try:
            indicator = people_services.define_indicator(
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                description=form.cleaned_data["description"],
                by=request.user,  # type: ignore[arg-type]
            )
        except ServiceError as error:
            error.show_on(form)
        else:
            messages.success(request, _("Indicator %(name)s defined.") % {"name": indicator.name})
            url = reverse("front:city_figure_add", args=[city.slug])
            return redirect(f"{url}?indicator={indicator.pk}")
    return _figure_page(request, city, CityFigureForm(), form)


def _figure_page(
    request: HttpRequest,
    city: City,
    figure_form: CityFigureForm,
    indicator_form: IndicatorForm,
) -> HttpResponse:
    if not figure_form.is_bound and request.GET.get("indicator", "").isdigit():
        figure_form.initial["indicator"] = int(request.GET["indicator"])
    context = {"city": city, "form": figure_form, "indicator_form": indicator_form}
    return render(request, "front/city_figure_form.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(RECORD_CHARTER)
def city_charter(request: HttpRequest, slug: str) -> HttpResponse:
    """Record a city's Charter signature (or correct it), or withdraw one recorded by mistake
    (the form whose button was pressed: `withdraw`). Bad input: 400, the form with its
    messages, nothing stored."""
    city = get_object_or_404(City.objects.select_related("country"), slug=slug)
    withdrawing = request.method == "POST" and "withdraw" in request.POST
    initial = {"signed_on": city.charter_signed_on, "signed_by": city.charter_signed_by}
    form = CharterSignatureForm(
        request.POST if request.method == "POST" and not withdrawing else None, initial=initial
    )
    withdrawal = CharterWithdrawalForm(request.POST if withdrawing else None, prefix="withdraw")
    bound = withdrawal if withdrawing else form
    if bound.is_bound and bound.is_valid():
        user = request.user
        try:
            if withdrawing:
                people_services.withdraw_charter_signature(city=city, by=user)  # type: ignore[arg-type]
                done = _("%(city)s is now recorded as not a signatory of the Charter.")
            else:
                people_services.record_charter_signature(
                    city=city,
                    signed_on=form.cleaned_data["signed_on"],
                    signed_by=form.cleaned_data["signed_by"],
                    by=user,  # type: ignore[arg-type]
                )
                done = _("%(city)s's Charter signature is recorded.")
        except ServiceError as error:
            error.show_on(bound)
        else:
            messages.success(request, done % {"city": city.name})
            return redirect(reverse("front:city", args=[city.slug]) + "#charter")
    context = {"city": city, "form": form, "withdrawal": withdrawal}
    status = 400 if bound.is_bound else 200
    return render(request, "front/city_charter_form.html", context, status=status)
