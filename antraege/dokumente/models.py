"""PDFs the system produces for an Antrag: decision letters and the payout order."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..antrag.models.antrag import Antrag


def dokument_upload_to(instance, filename):
    return f"antraege/{instance.antrag_id}/dokumente/{instance.art}-{uuid.uuid4().hex}.pdf"


class Dokument(models.Model):
    """A PDF the system produced for an Antrag (decision letter, payout order); one per kind."""

    class Art(models.TextChoices):
        BEWILLIGUNG = "bewilligung", _("Bewilligungsschreiben")
        ABLEHNUNG = "ablehnung", _("Ablehnungsschreiben")
        NICHT_FOERDERFAEHIG = "nicht_foerderfaehig", _("Schreiben: nicht förderfähig")
        AUSZAHLUNGSANORDNUNG = "auszahlungsanordnung", _("Auszahlungsanordnung Restzahlung")
        VEREINBARUNG = "vereinbarung", _("Vereinbarung")
        ABSCHLAG_ANORDNUNG = "abschlag_anordnung", _("Auszahlungsanordnung Abschlag")
        ABRECHNUNG = "abrechnung", _("Abrechnungsbescheid")
        RUECKFORDERUNG = "rueckforderung", _("Rückforderungsschreiben")
        MAHNUNG = "mahnung", _("Zahlungserinnerung zur Rückforderung")

    antrag = models.ForeignKey(Antrag, on_delete=models.CASCADE, related_name="dokumente")
    art = models.CharField(_("Art"), max_length=32, choices=Art.choices)
    datei = models.FileField(upload_to=dokument_upload_to)
    erstellt_am = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Dokument")
        verbose_name_plural = _("Dokumente")
        ordering = ["erstellt_am", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["antrag", "art"], name="ein_dokument_je_art")
        ]

    def __str__(self):
        return f"{self.get_art_display()} {self.antrag_id}"

    @property
    def dateiname(self):
        referenz = (self.antrag.referenz or str(self.antrag_id)).replace("/", "-")
        return f"{referenz}-{self.art}.pdf"
