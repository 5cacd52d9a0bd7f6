from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "citygrow.practices"
    verbose_name = _("Good-practice library")

    def ready(self) -> None:
        from citygrow.practices import signals  # noqa: F401  (connects the receivers)
