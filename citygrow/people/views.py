from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from citygrow.core.paging import page_of
from citygrow.people.models import CITIES_PER_PAGE, City


@require_safe
def city_list(request: HttpRequest) -> HttpResponse:
    """The cities by name, 100 a page, with their country and practice count."""
    cities = City.objects.select_related("country").with_practice_count().order_by("name")
    page = page_of(request, cities, CITIES_PER_PAGE)
    return render(request, "people/city_list.html", {"page": page, "params": ""})
