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


def _todo(*args: object, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


programme_create = programme_detail = programme_edit = event_create = _todo
scheme_create = scheme_detail = scheme_edit = member_add = member_remove = proposal = _todo
pairing_remove = _todo

urlpatterns = [
    path("programmes/", programme_list, name="programmes"),
    path("programmes/new/", programme_create, name="programme_create"),
    path("programmes/<slug:slug>/", programme_detail, name="programme"),
    path("programmes/<slug:slug>/edit/", programme_edit, name="programme_edit"),
    path("programmes/<slug:slug>/events/new/", event_create, name="event_create"),
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
    path("pairings/<int:pk>/remove/", pairing_remove, name="pairing_remove"),
]
