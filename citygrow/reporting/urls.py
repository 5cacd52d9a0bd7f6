from django.urls import include, path

from citygrow.reporting import views

app_name = "reporting"
urlpatterns = [
    path("infographics/", views.gallery, name="gallery"),
    path("pairings/<int:pk>/infographic/", views.pairing_infographic, name="pairing_infographic"),
    path("pairings/<int:pk>/infographic/new/", views.start, name="start"),
    path("infographics/<int:pk>/", views.infographic_detail, name="infographic"),
    path("infographics/<int:pk>/text/", views.infographic_text, name="infographic_text"),
    path("infographics/<int:pk>/edit/", views.edit, name="infographic_edit"),
    path("infographics/<int:pk>/publish/", views.publish, name="infographic_publish"),
    path("infographics/<int:pk>/discard/", views.discard, name="infographic_discard"),
    path("infographics/<int:pk>/new-version/", views.new_version, name="infographic_new_version"),
    path("infographics/<int:pk>/download/<str:fmt>/", views.download, name="infographic_file"),
    path("", include("citygrow.reporting.urls_deliverables")),
]
