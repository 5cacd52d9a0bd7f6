"""The survey's cycles and the cities' responses (issue 15 part 3), in the survey's namespace."""

from django.urls import URLPattern, path

from citygrow.survey import views_cycles

urlpatterns: list[URLPattern] = [
    path("charter/cycles/new/", views_cycles.cycle_new, name="cycle_new"),
    path("charter/cycles/<int:pk>/", views_cycles.cycle, name="cycle"),
    path("charter/cycles/<int:pk>/edit/", views_cycles.cycle_edit, name="cycle_edit"),
    path("charter/cycles/<int:pk>/invite/", views_cycles.cycle_invite, name="cycle_invite"),
    path("charter/responses/<int:pk>/", views_cycles.response, name="response"),
    path(
        "charter/responses/<int:pk>/answer/",
        views_cycles.response_answer,
        name="response_answer",
    ),
    path(
        "charter/responses/<int:pk>/commitments/<int:commitment_pk>/",
        views_cycles.rating_save,
        name="rating_save",
    ),
    path(
        "charter/responses/<int:pk>/roles/<int:role_pk>/",
        views_cycles.role_note_save,
        name="role_note_save",
    ),
    # After "answer/": submit, accept, return, start-from-previous, publish, unpublish.
    path(
        "charter/responses/<int:pk>/<slug:action>/",
        views_cycles.response_action,
        name="response_action",
    ),
]
