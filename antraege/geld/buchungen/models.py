"""The fund ledger: one row per money event of a fund (slim; rules in ``.services``)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ...antrag.models.antrag import Antrag
from ...fonds.models import Aktionsfonds


class Buchung(models.Model):
    """A booking of a fund: the amount is always positive, the kind says which running totals of
    the fund it moves and in which direction (``selectors.WIRKUNG``). Never changed or deleted."""

    class Art(models.TextChoices):
        RESERVIERUNG = "reservierung", _("Reserviert (Bewilligung)")
        FREIGABE = "freigabe", _("Freigegeben (nicht mehr gebunden)")
        ABSCHLAG = "abschlag", _("Abschlag ausgezahlt")
        ABSCHLAG_STORNO = "abschlag_storno", _("Abschlag storniert (nie überwiesen)")
        RESTZAHLUNG = "restzahlung", _("Restbetrag ausgezahlt")
        RUECKFORDERUNG = "rueckforderung", _("Zurückgefordert")
        RUECKZAHLUNG = "rueckzahlung", _("Rückzahlung eingegangen")
        VERFALL = "verfall", _("Verfallen (Jahresabschluss)")

    fonds = models.ForeignKey(
        Aktionsfonds, on_delete=models.PROTECT, related_name="buchungen", verbose_name=_("Fonds")
    )
    antrag = models.ForeignKey(
        Antrag,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="buchungen",
        verbose_name=_("Antrag"),
    )
    art = models.CharField(_("Art"), max_length=16, choices=Art.choices)
    betrag = models.DecimalField(_("Betrag (€)"), max_digits=10, decimal_places=2)
    datum = models.DateField(_("Datum"))
    gebucht_am = models.DateTimeField(auto_now_add=True)
    gebucht_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Buchung")
        verbose_name_plural = _("Buchungen")
        ordering = ["fonds", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(betrag__gt=0), name="buchung_positiv"),
        ]
        indexes = [
            models.Index(fields=["fonds", "art"], name="buchung_fonds_art"),
            models.Index(fields=["antrag", "art"], name="buchung_antrag_art"),
        ]

    def __str__(self):
        return f"{self.get_art_display()} {self.betrag} ({self.fonds_id})"


def fondsbericht_upload_to(instance, filename):
    return f"fonds/{instance.fonds_id}/bericht-{uuid.uuid4().hex}.pdf"


class FondsberichtPdf(models.Model):
    """The fund report as PDF for one state of the fund (``stand``, a fingerprint of what it
    shows). Rendered by a Celery task, never in a request: the row is created when the PDF is
    asked for and gets its file when the task is done."""

    fonds = models.ForeignKey(Aktionsfonds, on_delete=models.CASCADE, related_name="bericht_pdfs")
    stand = models.CharField(max_length=64)
    datei = models.FileField(upload_to=fondsbericht_upload_to, blank=True)
    angefordert_am = models.DateTimeField(auto_now_add=True)
    erstellt_am = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Fondsbericht (PDF)")
        verbose_name_plural = _("Fondsberichte (PDF)")
        constraints = [
            models.UniqueConstraint(fields=["fonds", "stand"], name="fondsbericht_einmal_je_stand")
        ]
        indexes = [
            # the sweep of lost renderings reads the rows still without their file
            models.Index(
                fields=["angefordert_am"], condition=Q(datei=""), name="fondsbericht_ohne_datei"
            )
        ]

    def __str__(self):
        return f"Fondsbericht {self.fonds_id} ({self.stand[:8]})"


class Fondsauswertung(models.Model):
    """The report's figures of one fund that are not ledger totals (listed projects, participants,
    volunteer hours, cost categories, approvals per month, fields of action), as SQL over the
    fund's own rows computed them at ``berechnet_am``. Recomputed by the worker after a change of
    the fund (``antraege.geld.auswertung``), so the report page reads one row, not the fund's."""

    fonds = models.OneToOneField(Aktionsfonds, on_delete=models.CASCADE, related_name="auswertung")
    daten = models.JSONField()
    berechnet_am = models.DateTimeField()
    # the fund's count of changes (``Aktionsfonds.auswertung_aenderungen``) read before computing:
    # the figures hold at least these; figures of fewer changes never overwrite them
    aenderungen = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("Fondsauswertung")
        verbose_name_plural = _("Fondsauswertungen")

    def __str__(self):
        return f"Fondsauswertung {self.fonds_id} ({self.berechnet_am:%Y-%m-%d %H:%M})"
