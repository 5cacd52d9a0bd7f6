from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "citygrow.mentoring"
    verbose_name = _("Mentoring programmes")
