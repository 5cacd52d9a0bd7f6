"""Work logs and the workload report. (Being written: every view below is to be implemented.)"""

from django.http import HttpResponse
from django.urls import path


def _todo(*args: object, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


workload = log_work = workload_export = _todo

urlpatterns = [
    path("programmes/<slug:slug>/workload/<slug:city>/", workload, name="workload"),
    path("programmes/<slug:slug>/workload/<slug:city>/log/", log_work, name="log_work"),
    path(
        "programmes/<slug:slug>/workload/<slug:city>/workload.<str:fmt>",
        workload_export,
        name="workload_export",
    ),
]
