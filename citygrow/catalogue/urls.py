from django.urls import path

from citygrow.catalogue import views, views_authoring, views_editions

app_name = "catalogue"
urlpatterns = [
    path("toolkits/", views.toolkit_list, name="toolkit_list"),
    path("toolkits/<str:code>/", views.theme_detail, name="theme"),
    path("toolkits/<str:code>/<int:year>/", views.toolkit_detail, name="toolkit"),
    path("toolkits/<str:code>/<int:year>/pdf/", views.toolkit_pdf, name="toolkit_pdf"),
    path(
        "toolkits/<str:code>/<int:year>/export.<str:fmt>",
        views.toolkit_export,
        name="toolkit_export",
    ),
    # A theme's editions, for its authors (views_editions)
    path("toolkits/<str:code>/editions/", views_editions.editions, name="editions"),
    path("toolkits/<str:code>/editions/new/", views_editions.start, name="edition_start"),
    path("toolkits/<str:code>/<int:year>/upload/", views_editions.upload, name="edition_upload"),
    path("toolkits/<str:code>/<int:year>/publish/", views_editions.publish, name="edition_publish"),
    path("toolkits/<str:code>/<int:year>/delete/", views_editions.delete, name="edition_delete"),
    path(
        "toolkits/<str:code>/compare/<int:year_a>/<int:year_b>/",
        views_editions.compare,
        name="edition_compare",
    ),
    # Editing a draft edition, for its theme's authors (views_authoring)
    path("toolkits/<str:code>/<int:year>/edit/", views_authoring.toolkit_edit, name="toolkit_edit"),
    path(
        "toolkits/<str:code>/<int:year>/edit/edition/",
        views_authoring.edition_save,
        name="edition_save",
    ),
    path(
        "toolkits/<str:code>/<int:year>/edit/<slug:kind>/add/",
        views_authoring.item_add,
        name="item_add",
    ),
    path(
        "toolkits/<str:code>/<int:year>/edit/key-factors/<int:key_factor>/<slug:kind>/add/",
        views_authoring.item_add,
        name="child_add",
    ),
    path(
        "toolkits/<str:code>/<int:year>/edit/<slug:kind>/<int:pk>/",
        views_authoring.item_save,
        name="item_save",
    ),
    path(
        "toolkits/<str:code>/<int:year>/edit/<slug:kind>/<int:pk>/move/",
        views_authoring.item_move,
        name="item_move",
    ),
    path(
        "toolkits/<str:code>/<int:year>/edit/<slug:kind>/<int:pk>/remove/",
        views_authoring.item_remove,
        name="item_remove",
    ),
]
