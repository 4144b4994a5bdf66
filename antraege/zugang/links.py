"""The applicant's personal "Mein Antrag" link: signed, expiring, revocable.

The token carries the Antrag's id and its ``link_version``; raising the version revokes every link
issued before. No password, no account.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..datenschutz.adressen import adresse_fingerabdruck
from ..models import Antrag
from ..refusals import Refused

SALT = "antraege.mein-antrag-link"


class LinkRefused(Refused):
    """The link is expired, tampered with or revoked; the message says which, for the resident."""

    default_code = "link_invalid"


def antrag_link_token(antrag, *, email=None):
    """A link token; ``email``: the address it is sent to, so opening it confirms that address."""
    data = {"a": antrag.pk, "v": antrag.link_version}
    if email:
        data["e"] = adresse_fingerabdruck(email)
    return signing.dumps(data, salt=SALT, compress=True)


def link_fingerabdruck(token):
    """The fingerprint of the address a (checked) link token was e-mailed to, or None."""
    return signing.loads(token, salt=SALT).get("e")


def antrag_link_url(antrag, *, email=None, token=None):
    """The link's full address; ``token`` when it was made already (or stands in for one)."""
    token = token or antrag_link_token(antrag, email=email)
    return settings.SITE_URL + reverse("antraege:link", kwargs={"token": token})


def antrag_from_link_token(token):
    """The Antrag a token opens, or ``LinkRefused``."""
    max_age = timedelta(days=settings.ANTRAG_LINK_MAX_AGE_DAYS)
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired as error:
        raise LinkRefused(
            _("Dieser Link ist abgelaufen. Sie können sich einen neuen Link schicken lassen.")
        ) from error
    except signing.BadSignature as error:
        raise LinkRefused(
            _("Dieser Link ist ungültig. Bitte prüfen Sie, ob er vollständig kopiert wurde.")
        ) from error
    antrag = Antrag.objects.filter(pk=data.get("a")).first()
    if antrag is None or antrag.link_version != data.get("v"):
        raise LinkRefused(
            _("Dieser Link gilt nicht mehr. Sie können sich einen neuen Link schicken lassen.")
        )
    return antrag


def antrag_links_revoke(antrag):
    """Invalidate every link issued so far for ``antrag``."""
    Antrag.objects.filter(pk=antrag.pk).update(link_version=F("link_version") + 1)
    antrag.refresh_from_db(fields=["link_version"])
