from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from citygrow.mentoring.models import SchemeCity
from citygrow.people.models import City
from citygrow.plans.followup import due_for_city
from citygrow.practices.models import Practice


@require_safe
def city_detail(request: HttpRequest, slug: str) -> HttpResponse:
    practices = Practice.objects.visible_to(request.user).select_related(
        "key_factor", "toolkit__theme"
    )
    schemes = SchemeCity.objects.select_related("scheme__programme", "scheme__theme").order_by(
        "-scheme__programme__starts_on", "scheme__theme__code"
    )
    city = get_object_or_404(
        City.objects.select_related("country").prefetch_related(
            Prefetch("practices", queryset=practices), Prefetch("schemes", queryset=schemes)
        ),
        slug=slug,
    )
    # Overdue and soon-due plan actions, for the city's plan team only (none for others).
    due = due_for_city(request.user, city.pk)
    return render(request, "front/city_detail.html", {"city": city, "due_actions": due})
