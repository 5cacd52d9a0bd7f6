from django.urls import path

from citygrow.front import views, views_pairings, views_practices, views_programmes

app_name = "front"
urlpatterns = [
    # A practice's page: composed here because it shows the plans that adapted it.
    path("practices/<int:pk>/", views_practices.practice_detail, name="practice"),
    path("cities/<slug:slug>/", views.city_detail, name="city"),
    # A pairing's page: composed here because it reads mentoring, plans and people (issue 14).
    path("pairings/<int:pk>/", views_pairings.pairing_detail, name="pairing"),
    # A programme's page: composed here because it shows its deliverables (issue 14, part 4).
    path("programmes/<slug:slug>/", views_programmes.programme_detail, name="programme"),
    path("cities/<slug:slug>/figures/new/", views.city_figure_add, name="city_figure_add"),
    path("cities/<slug:slug>/indicators/new/", views.indicator_add, name="indicator_add"),
    # A city's Charter signature, recorded by coordinators (issue 15, part 1).
    path("cities/<slug:slug>/charter/", views.city_charter, name="city_charter"),
]
