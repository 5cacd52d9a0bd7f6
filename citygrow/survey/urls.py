from django.urls import include, path

from citygrow.survey import views

app_name = "survey"
urlpatterns = [
    path("charter/", views.charter, name="charter"),
    path("charter/questionnaires/new/", views.questionnaire_new, name="questionnaire_new"),
    path("charter/questionnaires/<int:pk>/", views.questionnaire, name="questionnaire"),
    path(
        "charter/questionnaires/<int:pk>/file/",
        views.questionnaire_file,
        name="questionnaire_file",
    ),
    path("", include("citygrow.survey.urls_links")),
    path("", include("citygrow.survey.urls_signatories")),
    # Before the cycles' routes: "charter/responses/<pk>/<action>/" would take "results".
    path("", include("citygrow.survey.urls_results")),
    path("", include("citygrow.survey.urls_cycles")),
]
