"""Changes after approval: the applicant asks to move the action's dates or for more time to
settle; QM grants or refuses it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .antrag import Antrag


class Aenderungswunsch(models.Model):
    """One request of the applicant to change an approved Antrag, and QM's answer."""

    class Art(models.TextChoices):
        TERMIN = "termin", _("Termin verschieben")
        FRIST = "frist", _("Abrechnungsfrist verlängern")

    class Status(models.TextChoices):
        OFFEN = "offen", _("Offen")
        BEWILLIGT = "bewilligt", _("Bewilligt")
        ABGELEHNT = "abgelehnt", _("Abgelehnt")

    antrag = models.ForeignKey(Antrag, on_delete=models.CASCADE, related_name="aenderungswuensche")
    art = models.CharField(_("Art"), max_length=10, choices=Art.choices)
    beginn = models.DateField(_("Neuer Projektbeginn"), null=True, blank=True)
    ende = models.DateField(_("Neues Projektende"), null=True, blank=True)
    abrechnungsfrist = models.DateField(_("Neue Abrechnungsfrist"), null=True, blank=True)
    begruendung = models.TextField(_("Begründung"))
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.OFFEN
    )
    antwort = models.TextField(_("Antwort des QM"), blank=True)
    erstellt_am = models.DateTimeField(auto_now_add=True)
    entschieden_am = models.DateTimeField(null=True, blank=True)
    entschieden_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        verbose_name = _("Änderungswunsch")
        verbose_name_plural = _("Änderungswünsche")
        ordering = ["-erstellt_am", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["antrag"],
                condition=models.Q(status="offen"),
                name="aenderungswunsch_ein_offener",
            )
        ]

    def __str__(self):
        return f"{self.antrag_id}: {self.art} ({self.status})"
