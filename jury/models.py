"""The Aktionsfondsjury of an area: its members and their terms."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from antraege.models import Quartier


class Jurymitglied(models.Model):
    """A resident on the jury of one area for a term (start to end, inclusive)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jurymitgliedschaften"
    )
    quartier = models.ForeignKey(
        Quartier,
        on_delete=models.CASCADE,
        related_name="jurymitglieder",
        verbose_name=_("Quartier"),
    )
    beginn = models.DateField(_("Beginn der Amtszeit"))
    ende = models.DateField(_("Ende der Amtszeit"), null=True, blank=True)

    class Meta:
        verbose_name = _("Jurymitglied")
        verbose_name_plural = _("Jurymitglieder")
        ordering = ["quartier", "user__last_name", "user__first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ende__isnull=True) | Q(ende__gte=models.F("beginn")),
                name="amtszeit_ende_nach_beginn",
            )
        ]

    def __str__(self):
        return f"{self.user.get_full_name() or self.user.username} ({self.quartier})"


def jurymitglieder_in_term(quartier, day):
    """Members of ``quartier``'s jury whose term covers ``day``."""
    return Jurymitglied.objects.filter(quartier=quartier, beginn__lte=day).filter(
        Q(ende__isnull=True) | Q(ende__gte=day)
    )
