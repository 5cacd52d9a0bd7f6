from django.urls import path

from citygrow.practices import views

app_name = "practices"
urlpatterns = [
    path("practices/", views.practice_list, name="list"),
    # Coordination: remove a person named in the good practices, on request.
    path("coordination/mentions/", views.mentions, name="mentions"),
]
