"""The audit log: which staff member touched whose personal data, when. Admins read it (read-only
in the Django admin); the retention job prunes it after ``AUFBEWAHRUNG_TAGE_ZUGRIFFSPROTOKOLL``."""

from .models import Zugriff


def zugriff_protokollieren(user, aktion, *, antrag=None, gegenstand=""):
    """Record one staff action on personal data. Returns the row.

    ``user`` is the staff account (may be None for a system action); ``gegenstand`` names what was
    touched (a file name, the e-mail address of an export, the unlocked account).
    """
    return Zugriff.objects.create(
        akteur=user if user is not None and user.is_authenticated else None,
        akteur_name=getattr(user, "username", "") or "system",
        aktion=aktion,
        antrag=antrag,
        gegenstand=str(gegenstand)[:300],
    )
