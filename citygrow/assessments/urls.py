from django.urls import path

from citygrow.assessments import views

app_name = "assessments"
urlpatterns = [
    path("assessments/", views.assessment_list, name="list"),
    path("assessments/new/", views.assessment_start, name="start"),
    path("assessments/<int:pk>/", views.assessment_detail, name="detail"),
    path("assessments/<int:pk>/answer/", views.assessment_answer, name="answer"),
    path(
        "assessments/<int:pk>/questions/<int:question_pk>/",
        views.answer_save,
        name="answer_save",
    ),
    path(
        "assessments/<int:pk>/key-factors/<int:key_factor_pk>/",
        views.factor_save,
        name="factor_save",
    ),
    path("assessments/<int:pk>/context/", views.context_save, name="context_save"),
    path(
        "assessments/<int:pk>/key-factors/<int:key_factor_pk>/comments/",
        views.comment_add,
        name="comment_add",
    ),
    path("assessments/<int:pk>/copy/", views.assessment_copy, name="copy"),
    path("assessments/<int:pk>/report.pdf", views.assessment_pdf, name="pdf"),
    path("assessments/<int:pk>/answers.<str:fmt>", views.assessment_export, name="export"),
    path("assessments/<int:pk>/<str:action>/", views.transition, name="transition"),
]
