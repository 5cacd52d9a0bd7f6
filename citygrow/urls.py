from django.contrib import admin
from django.urls import include, path

from citygrow.api.api import api
from citygrow.catalogue import views as catalogue_views

urlpatterns = [
    path("", catalogue_views.home, name="home"),
    path("", include("citygrow.catalogue.urls")),
    path("", include("citygrow.practices.urls")),
    path("", include("citygrow.people.urls")),
    path("", include("citygrow.assessments.urls")),
    path("", include("citygrow.survey.urls")),
    path("", include("citygrow.mentoring.urls")),
    path("", include("citygrow.plans.urls")),
    path("", include("citygrow.reporting.urls")),
    path("", include("citygrow.front.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
