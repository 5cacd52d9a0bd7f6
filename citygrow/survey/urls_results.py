from django.urls import path, re_path

from citygrow.survey import views_results

urlpatterns = [
    path("charter/cycles/<int:pk>/results/", views_results.cycle_results, name="cycle_results"),
    re_path(
        r"^charter/cycles/(?P<pk>[0-9]+)/results/(?P<action>publish|withdraw)/$",
        views_results.results_publish,
        name="results_publish",
    ),
    re_path(
        r"^charter/cycles/(?P<pk>[0-9]+)/results\.(?P<fmt>csv|xlsx)$",
        views_results.results_export,
        name="results_export",
    ),
    re_path(
        r"^charter/cycles/(?P<pk>[0-9]+)/answers\.(?P<fmt>csv|xlsx)$",
        views_results.cycle_export,
        name="cycle_export",
    ),
    path(
        "charter/responses/<int:pk>/results.pdf",
        views_results.response_results_pdf,
        name="response_results_pdf",
    ),
    path(
        "charter/responses/<int:pk>/results/",
        views_results.response_results,
        name="response_results",
    ),
]
