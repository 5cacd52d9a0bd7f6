from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "citygrow.catalogue"
    verbose_name = _("Benchmarks (toolkits)")
