from django.apps import AppConfig


class FrontConfig(AppConfig):
    name = "citygrow.front"
    verbose_name = "Pages composed from several apps"
