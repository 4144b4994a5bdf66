from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JuryConfig(AppConfig):
    name = "jury"
    verbose_name = _("Aktionsfondsjury")

    def ready(self):
        from antraege.mail.messages import anhang_quelle_register

        from .sitzungen.unterlagen import UNTERLAGEN_ANHANG, unterlagen_anhang

        # the papers and supplement e-mails carry the papers PDF
        anhang_quelle_register(UNTERLAGEN_ANHANG, unterlagen_anhang)
