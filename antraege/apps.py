from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AntraegeConfig(AppConfig):
    name = "antraege"
    verbose_name = _("Anträge und Aktionsfonds")
