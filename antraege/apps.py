from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AntraegeConfig(AppConfig):
    name = "antraege"
    verbose_name = _("Anträge und Aktionsfonds")

    def ready(self):
        # the public list's stored filter choices follow every save of a fund or an area
        from .fonds.services.veroeffentlichung import signale_verbinden

        signale_verbinden()
