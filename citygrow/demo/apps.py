from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "citygrow.demo"
    verbose_name = "Set-up and demo data"
