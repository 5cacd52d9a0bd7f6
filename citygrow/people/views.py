from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from citygrow.people.models import City


@require_safe
def city_list(request: HttpRequest) -> HttpResponse:
    cities = City.objects.select_related("country").with_practice_count()
    return render(request, "people/city_list.html", {"cities": cities})
