"""Programme and scheme pages: the programme list and page, events, schemes, their cities and
the pairing recommender."""

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from citygrow.mentoring.models import Programme


@require_safe
def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = Programme.objects.annotate(
        city_count=Count("partners", distinct=True), scheme_count=Count("schemes", distinct=True)
    )
    return render(request, "mentoring/programme_list.html", {"programmes": programmes})


urlpatterns = [
    path("programmes/", programme_list, name="programmes"),
]
