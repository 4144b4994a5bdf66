"""Reads of the jury composition for QM's pages."""

from django.db.models import Q
from django.utils import timezone

from .models import Jurymitglied, Kontoeinstellung


def jurymitglieder_outside_term(quartier, *, day=None):
    """Entries of ``quartier``'s jury whose term does not cover ``day``: appointed for later, or
    ended. Later ones first, then the most recently ended."""
    day = day or timezone.localdate()
    return (
        Jurymitglied.objects.filter(quartier=quartier)
        .filter(Q(beginn__gt=day) | Q(ende__lt=day))
        .select_related("user")
        .order_by("-beginn", "user__last_name", "pk")
    )


def kontosprache(user):
    """The language ``user`` receives e-mails in (default German)."""
    einstellung = Kontoeinstellung.objects.filter(user=user).first()
    return einstellung.sprache if einstellung else "de"
