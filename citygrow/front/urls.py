from django.urls import path

from citygrow.front import views

app_name = "front"
urlpatterns = [
    path("cities/<slug:slug>/", views.city_detail, name="city"),
    path("cities/<slug:slug>/figures/new/", views.city_figure_add, name="city_figure_add"),
    path("cities/<slug:slug>/indicators/new/", views.indicator_add, name="indicator_add"),
]
