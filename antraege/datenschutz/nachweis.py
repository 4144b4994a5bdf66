"""The access log (Zugriffsprotokoll): one ``Zugriffsnachweis`` per staff action that touched
personal data — who, whose, when. Admins read it (read-only in the Django admin); the retention job
prunes it after ``AUFBEWAHRUNG_TAGE_ZUGRIFFSPROTOKOLL``. Not to be confused with ``antraege.zugriff``
(which object a page may open), ``antraege.zugang`` (the applicant's link) or a jury ``Protokoll``
(minutes)."""

from .models import Zugriffsnachweis


def zugriffsnachweis_record(user, aktion, *, antrag=None, gegenstand=""):
    """Record one staff action on personal data. Returns the row.

    ``user`` is the staff account (may be None for a system action); ``gegenstand`` names what was
    touched (a file name, the e-mail address of an export, the unlocked account).
    """
    return Zugriffsnachweis.objects.create(
        akteur=user if user is not None and user.is_authenticated else None,
        akteur_name=getattr(user, "username", "") or "system",
        aktion=aktion,
        antrag=antrag,
        gegenstand=str(gegenstand)[:300],
    )
