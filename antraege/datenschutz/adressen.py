"""The applicant's confirmed e-mail address.

Typing an address proves nothing: anybody can type a jury member's address into the form. Opening a
"Mein Antrag" link proves that the person reads the mailbox the link was sent to. Each link carries
a fingerprint of the address it was e-mailed to (``links.antrag_link_token(..., email=...)``); when
it is opened and the fingerprint matches the Antrag's current address, that address is confirmed.
Only a confirmed address excludes a jury member automatically (``jury.abstimmungen.services``).
"""

from django.db import IntegrityError, transaction
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import AdressBestaetigung

FINGERPRINT_SALT = "antraege.datenschutz.adresse"


def _normal(email):
    return (email or "").strip().lower()


def adresse_fingerabdruck(email):
    """A short keyed hash of an address: tells which address a link went to, without showing it."""
    return salted_hmac(FINGERPRINT_SALT, _normal(email)).hexdigest()[:20]


def adresse_confirm(antrag, *, fingerabdruck):
    """Record that the applicant opened a link e-mailed to the Antrag's current address.

    ``fingerabdruck`` is the address fingerprint of a link token already checked by
    ``zugang.links.antrag_from_link_token`` (``zugang.links.link_fingerabdruck``). Returns True
    when the current address is (now) confirmed. A link sent to an earlier address confirms nothing.
    """
    email = _normal(antrag.antragsteller_email)
    if not fingerabdruck or not email:
        return False
    if not constant_time_compare(fingerabdruck, adresse_fingerabdruck(email)):
        return False
    try:
        with transaction.atomic():
            AdressBestaetigung.objects.get_or_create(antrag=antrag, email=email)
    except IntegrityError:  # the same link opened twice at once
        pass
    return True


def antrag_bestaetigte_adresse(antrag):
    """The Antrag's current applicant address if the applicant confirmed it, else None."""
    email = _normal(antrag.antragsteller_email)
    if email and AdressBestaetigung.objects.filter(antrag_id=antrag.pk, email=email).exists():
        return email
    return None


def antraege_bestaetigte_adressen(antraege):
    """``{antrag pk: confirmed address}`` of many Anträge (a meeting's agenda) in one query; an
    Antrag without a confirmed current address is missing."""
    aktuell = {a.pk: _normal(a.antragsteller_email) for a in antraege}
    ids = [pk for pk, email in aktuell.items() if email]
    if not ids:
        return {}
    bestaetigt = AdressBestaetigung.objects.filter(antrag_id__in=ids).values_list(
        "antrag_id", "email"
    )
    return {pk: email for pk, email in bestaetigt if aktuell[pk] == email}


def mitglied_hat_adresse(user, email):
    """The staff or jury account's address equals ``email`` (case-insensitive)."""
    return bool(email) and _normal(getattr(user, "email", "")) == _normal(email)
