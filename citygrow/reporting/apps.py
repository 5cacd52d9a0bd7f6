from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "citygrow.reporting"
    verbose_name = "Pairings' stories, infographics and programmes' deliverables"
