from django.urls import path

from citygrow.front import views

app_name = "front"
urlpatterns = [
    path("cities/<slug:slug>/", views.city_detail, name="city"),
]
