"""An advance released while the Antrag has no bank details: it waits here, unbooked.

No payout order and no "the money arrives in a few days" e-mail exist for it; once the IBAN is
entered the advance is booked as released (``geld.services.vereinbarung.abschlag_wartend_proceed``) and the row goes.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ...antrag.models.antrag import Antrag


class AbschlagWartend(models.Model):
    """One waiting advance per Antrag: amount and who released it when."""

    antrag = models.OneToOneField(Antrag, on_delete=models.CASCADE, related_name="abschlag_wartend")
    betrag = models.DecimalField(_("Betrag (€)"), max_digits=10, decimal_places=2)
    freigegeben_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    freigegeben_am = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Abschlag (wartet auf Bankverbindung)")
        verbose_name_plural = _("Abschläge (warten auf Bankverbindung)")
        constraints = [
            models.CheckConstraint(condition=Q(betrag__gt=0), name="abschlag_wartend_positiv")
        ]

    def __str__(self):
        return f"Abschlag wartet {self.antrag_id}: {self.betrag}"
