"""The applicant's personal "Mein Antrag" link: signed, expiring, revocable.

The token carries the Antrag's id and its ``link_version``; raising the version revokes every link
issued before. No password, no account.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core import signing
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
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


# --- The printed access code: the link for residents without e-mail (letters by post) ---
# A letter cannot carry a link one clicks; it prints the Antrag's reference and a short code the
# resident types on the page "Zugangscode" (``antraege:zugangscode``). The code is a signature like
# the link's: it names the day it was made (so it expires after ``ANTRAG_LINK_MAX_AGE_DAYS`` like
# the link) and the Antrag's ``link_version`` (so ``antrag_links_revoke`` revokes it too). 40 bits
# of signature with the page's rate limit (``ratelimit.zugangscode_rate_allows``) leave nothing to
# guess.

CODE_SALT = "antraege.mein-antrag-code"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: typed from paper
_CODE_EPOCH = date(2020, 1, 1)


def _base32(number, length):
    chars = []
    for _i in range(length):
        number, rest = divmod(number, 32)
        chars.append(CODE_ALPHABET[rest])
    return "".join(reversed(chars))


def _code_signatur(antrag, tag_nummer):
    digest = salted_hmac(
        CODE_SALT, f"{antrag.pk}:{antrag.link_version}:{tag_nummer}", algorithm="sha256"
    ).digest()
    return _base32(int.from_bytes(digest[:5], "big"), 8)


def antrag_zugangscode(antrag, *, heute=None):
    """The access code printed in a letter: 11 characters, shown as ``XXXX-XXXX-XXX``."""
    tag_nummer = ((heute or timezone.localdate()) - _CODE_EPOCH).days
    code = _base32(tag_nummer, 3) + _code_signatur(antrag, tag_nummer)
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def antrag_from_zugangscode(referenz, code, *, heute=None):
    """The Antrag that ``referenz`` and ``code`` open, or ``LinkRefused`` (one message for every
    wrong entry: the page must not tell which of the two was wrong)."""
    falsch = LinkRefused(
        _(
            "Aktenzeichen oder Zugangscode stimmen nicht. Bitte prüfen Sie Ihre Eingabe; "
            "der Code steht in unserem letzten Brief."
        )
    )
    code = "".join(c for c in (code or "").upper() if c.isalnum())
    antrag = Antrag.objects.filter(referenz__iexact=(referenz or "").strip()).first()
    if antrag is None or len(code) != 11 or any(c not in CODE_ALPHABET for c in code):
        raise falsch
    tag_nummer = 0
    for char in code[:3]:
        tag_nummer = tag_nummer * 32 + CODE_ALPHABET.index(char)
    if not constant_time_compare(code[3:], _code_signatur(antrag, tag_nummer)):
        raise falsch
    alter = ((heute or timezone.localdate()) - _CODE_EPOCH).days - tag_nummer
    if alter > settings.ANTRAG_LINK_MAX_AGE_DAYS:
        raise LinkRefused(
            _(
                "Dieser Zugangscode ist abgelaufen. Bitte rufen Sie das Quartiersmanagement an; "
                "wir schicken Ihnen einen neuen Brief."
            )
        )
    return antrag
