from django.urls import path

from citygrow.catalogue import views

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
]
