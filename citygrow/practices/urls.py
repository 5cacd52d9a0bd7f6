from django.urls import path

from citygrow.practices import views

app_name = "practices"
urlpatterns = [
    path("practices/", views.practice_list, name="list"),
    # Practices contributed by cities: written by their officers, reviewed by the facilitators
    # of their themes. The practice's own page is front:practice (/practices/<pk>/).
    path("practices/new/", views.contribute, name="contribute"),
    path("practices/review/", views.review, name="review"),
    path("practices/<int:pk>/edit/", views.edit, name="edit"),
    path("practices/<int:pk>/submit/", views.submit, name="submit"),
    path("practices/<int:pk>/discard/", views.discard, name="discard"),
    path("practices/<int:pk>/return/", views.return_for_changes, name="return"),
    path("practices/<int:pk>/publish/", views.publish, name="publish"),
    path("practices/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("practices/<int:pk>/comment/", views.comment, name="comment"),
    path("practices/<int:pk>/files/", views.attach, name="attach"),
    path("practices/<int:pk>/files/<int:attachment>/", views.download, name="attachment"),
    path(
        "practices/<int:pk>/files/<int:attachment>/remove/",
        views.remove_attachment,
        name="attachment_remove",
    ),
    # Coordination: remove a person named in the good practices, on request.
    path("coordination/mentions/", views.mentions, name="mentions"),
]
