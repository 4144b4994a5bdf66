"""Money of an approved Antrag beyond the receipts: agreement, bank details, repayment claims.

Slim like ``models.py``; the rules are in ``antraege.geld.services.vereinbarung``. Exported by ``antraege.models``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ...antrag.models.antrag import Antrag


class Vereinbarung(models.Model):
    """The agreement between applicant and QM office: confirmed online or signed on paper, once."""

    class Art(models.TextChoices):
        ONLINE = "online", _("online bestätigt")
        PAPIER = "paper", _("auf Papier unterschrieben")

    antrag = models.OneToOneField(Antrag, on_delete=models.CASCADE, related_name="vereinbarung")
    art = models.CharField(_("Art"), max_length=8, choices=Art.choices)
    bestaetigt_am = models.DateField(_("Bestätigt oder unterschrieben am"))
    erfasst_am = models.DateTimeField(auto_now_add=True)
    erfasst_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Vereinbarung")
        verbose_name_plural = _("Vereinbarungen")
        # the letters sweep reads the last month's agreements (``dokumente_missing``)
        indexes = [models.Index(fields=["erfasst_am"], name="vereinbarung_erfasst")]

    def __str__(self):
        return f"Vereinbarung {self.antrag_id} ({self.art}, {self.bestaetigt_am})"


class Bankverbindung(models.Model):
    """Where the payout goes: IBAN (validated, stored without spaces) and account holder."""

    antrag = models.OneToOneField(Antrag, on_delete=models.CASCADE, related_name="bankverbindung")
    iban = models.CharField(_("IBAN"), max_length=34)
    kontoinhaber = models.CharField(_("Kontoinhaber*in"), max_length=140)
    geaendert_am = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Bankverbindung")
        verbose_name_plural = _("Bankverbindungen")

    def __str__(self):
        return f"Bankverbindung {self.antrag_id}"


class Rueckforderung(models.Model):
    """A repayment claim (an advance not used, or more advanced than accepted), tracked until repaid.

    The money returns to the fund only when QM records the repayment (``zurueckgezahlt_am``).
    """

    class Anlass(models.TextChoices):
        ENTFAELLT = "cancelled", _("Die Aktion findet nicht statt")
        VERFALLEN = "expired", _("Keine Abrechnung bis zur Frist")
        ABRECHNUNG = "settlement", _("Abschlag höher als die anerkannten Kosten")

    antrag = models.OneToOneField(Antrag, on_delete=models.CASCADE, related_name="rueckforderung")
    anlass = models.CharField(_("Anlass"), max_length=12, choices=Anlass.choices)
    betrag = models.DecimalField(_("Betrag (€)"), max_digits=10, decimal_places=2)
    frist = models.DateField(_("Zahlungsfrist"))
    erstellt_am = models.DateTimeField(auto_now_add=True)
    zurueckgezahlt_am = models.DateField(_("Zurückgezahlt am"), null=True, blank=True)
    # What came in so far (several payments possible); the claim is settled when it reaches betrag.
    betrag_eingegangen = models.DecimalField(
        _("Eingegangen (€)"), max_digits=10, decimal_places=2, default=0
    )
    erfasst_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The one reminder after the deadline (e-mail and letter, by the beat job), with a new deadline.
    gemahnt_am = models.DateTimeField(_("Zahlungserinnerung versandt am"), null=True, blank=True)
    mahnfrist = models.DateField(_("Neue Zahlungsfrist"), null=True, blank=True)

    class Meta:
        verbose_name = _("Rückforderung")
        verbose_name_plural = _("Rückforderungen")
        constraints = [
            models.CheckConstraint(condition=Q(betrag__gt=0), name="rueckforderung_positiv")
        ]
        indexes = [
            # the reminder job reads only the open claims not yet reminded, by deadline
            models.Index(
                fields=["frist"],
                condition=Q(zurueckgezahlt_am__isnull=True, gemahnt_am__isnull=True),
                name="rueckforderung_mahnbar",
            ),
            # the letters sweep reads the last month's claims and reminders (``dokumente_missing``)
            models.Index(fields=["erstellt_am"], name="rueckforderung_erstellt"),
            models.Index(
                fields=["gemahnt_am"],
                condition=Q(gemahnt_am__isnull=False),
                name="rueckforderung_gemahnt",
            ),
        ]

    def __str__(self):
        return f"Rückforderung {self.antrag_id}: {self.betrag}"

    @property
    def offen(self):
        return self.zurueckgezahlt_am is None

    @property
    def betrag_offen(self):
        return self.betrag - self.betrag_eingegangen
