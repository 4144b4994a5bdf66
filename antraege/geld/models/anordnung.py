"""Payout orders (Auszahlungsanordnung) for the bookkeeping and the SEPA files they leave in.

Slim; the rules are in ``antraege.geld.services.anordnung``. An order's path is linear:
``offen`` (waiting for "sachlich richtig" and "rechnerisch richtig", by two different QM staff
accounts) → ``angeordnet`` (released for payment) → ``in_datei`` (in one SEPA file) →
``bezahlt`` (QM marked the file paid with the bank's booking date). An advance order not yet in
a file is ``storniert`` when the action is cancelled or expires (the money never left).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ...antrag.models.antrag import Antrag
from ...fonds.models import Quartier


class SepaDatei(models.Model):
    """One pain.001 credit transfer file of an area, made once and stored as it was handed out
    (a second download gives the same bytes)."""

    quartier = models.ForeignKey(Quartier, on_delete=models.PROTECT, related_name="sepa_dateien")
    nachricht_id = models.CharField(_("Nachrichten-ID"), max_length=35, unique=True)
    schema = models.CharField(max_length=20)
    inhalt = models.TextField()
    anzahl = models.PositiveIntegerField(_("Anzahl der Überweisungen"))
    summe = models.DecimalField(_("Summe (€)"), max_digits=12, decimal_places=2)
    erstellt_am = models.DateTimeField(auto_now_add=True)
    erstellt_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    bezahlt_am = models.DateField(_("Gebucht am"), null=True, blank=True)

    class Meta:
        verbose_name = _("SEPA-Überweisungsdatei")
        verbose_name_plural = _("SEPA-Überweisungsdateien")
        ordering = ["-erstellt_am", "-pk"]
        indexes = [
            # retention reads the files still holding their XML by booking day (the unbooked by
            # ``bezahlt_am IS NULL``), not the emptied ones of all years
            models.Index(
                fields=["bezahlt_am"], condition=~Q(inhalt=""), name="sepadatei_mit_inhalt"
            )
        ]

    def __str__(self):
        return self.nachricht_id

    @property
    def dateiname(self):
        return f"sepa-{self.nachricht_id}.xml"


class Auszahlungsanordnung(models.Model):
    """The payout order of an advance or of the remainder of an Antrag (one of each kind)."""

    class Art(models.TextChoices):
        ABSCHLAG = "abschlag", _("Abschlag")
        RESTZAHLUNG = "restzahlung", _("Restzahlung")

    class Status(models.TextChoices):
        OFFEN = "offen", pgettext_lazy("payout order", "Zu bestätigen")
        ANGEORDNET = "angeordnet", pgettext_lazy("payout order", "Angeordnet")
        IN_DATEI = "in_datei", pgettext_lazy("payout order", "In SEPA-Datei")
        BEZAHLT = "bezahlt", pgettext_lazy("payout order", "Bezahlt")
        STORNIERT = "storniert", pgettext_lazy("payout order", "Storniert")

    antrag = models.ForeignKey(Antrag, on_delete=models.CASCADE, related_name="anordnungen")
    art = models.CharField(_("Art"), max_length=12, choices=Art.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OFFEN)
    betrag = models.DecimalField(_("Betrag (€)"), max_digits=10, decimal_places=2)
    # The payee as ordered; an IBAN change before the file replaces it and the confirmations go.
    iban = models.CharField(_("IBAN"), max_length=34)
    kontoinhaber = models.CharField(_("Kontoinhaber*in"), max_length=140)
    erstellt_am = models.DateTimeField(auto_now_add=True)
    sachlich_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sachlich_am = models.DateTimeField(null=True, blank=True)
    rechnerisch_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rechnerisch_am = models.DateTimeField(null=True, blank=True)
    angeordnet_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    angeordnet_am = models.DateTimeField(null=True, blank=True)
    sepa_datei = models.ForeignKey(
        SepaDatei,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="anordnungen",
    )
    bezahlt_am = models.DateField(_("Gebucht am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Auszahlungsanordnung")
        verbose_name_plural = _("Auszahlungsanordnungen")
        ordering = ["erstellt_am", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["antrag", "art"], name="eine_anordnung_je_art"),
            models.CheckConstraint(condition=Q(betrag__gt=0), name="anordnung_positiv"),
            # four eyes: one account never gives both confirmations
            models.CheckConstraint(
                condition=Q(sachlich_von__isnull=True)
                | Q(rechnerisch_von__isnull=True)
                | ~Q(sachlich_von=F("rechnerisch_von")),
                name="anordnung_vier_augen",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["offen", "storniert"])
                | (Q(sachlich_von__isnull=False) & Q(rechnerisch_von__isnull=False)),
                name="anordnung_erst_nach_bestaetigung",
            ),
        ]
        indexes = [
            models.Index(fields=["status"], name="anordnung_status"),
            # the letters sweep reads the last month's orders of a kind (``dokumente_missing``)
            models.Index(fields=["art", "erstellt_am"], name="anordnung_art_erstellt"),
        ]

    def __str__(self):
        return f"{self.get_art_display()} {self.antrag_id}: {self.betrag}"

    @property
    def dokument_art(self):
        """The ``Dokument.Art`` of this order's PDF."""
        return "abschlag_anordnung" if self.art == self.Art.ABSCHLAG else "auszahlungsanordnung"
