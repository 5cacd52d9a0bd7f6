from django.apps import AppConfig


class SurveyConfig(AppConfig):
    name = "citygrow.survey"
    verbose_name = "Charter survey"
