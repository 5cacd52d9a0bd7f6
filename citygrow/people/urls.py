from django.urls import path

from citygrow.people import views

app_name = "people"
urlpatterns = [
    path("cities/", views.city_list, name="city_list"),
    path("cities/<slug:slug>/", views.city_detail, name="city"),
]
