"""Visits, their reports and calendars. (Being written: every view below is to be implemented.)"""

from django.http import HttpRequest, HttpResponse
from django.urls import path


def _todo(*args: object, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


visit_create = visit_detail = visit_edit = visit_ics = report_edit = report_publish = _todo
city_calendar = _todo

urlpatterns = [
    path("pairings/<int:pk>/visits/new/", visit_create, name="visit_create"),
    path("visits/<int:pk>/", visit_detail, name="visit"),
    path("visits/<int:pk>/edit/", visit_edit, name="visit_edit"),
    path("visits/<int:pk>/visit.ics", visit_ics, name="visit_ics"),
    path("visits/<int:pk>/report/", report_edit, name="report_edit"),
    path("visits/<int:pk>/report/publish/", report_publish, name="report_publish"),
    path("cities/<slug:slug>/visits.ics", city_calendar, name="city_calendar"),
]
_ = HttpRequest
