"""Limits on what a stranger can make us do, counted in the shared cache (Redis in production, a
file cache otherwise), so every web process counts together.

Used by the forms that send e-mail to an address an anonymous visitor typed ("später
weitermachen", "neuer Link"): per address and per client, so the site cannot be used to flood a
mailbox or to send mail in bulk.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

WINDOW_SECONDS = 3600


def client_ip(request):
    """The client's address: REMOTE_ADDR, or behind ``TRUSTED_PROXY_COUNT`` reverse proxies the
    address the outermost trusted proxy saw (entries before it can be forged by the client)."""
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")


def _hit(key, limit):
    """Count one use in this hour's window; True while within ``limit``."""
    window = timezone.now().strftime("%Y%m%d%H")
    key = f"rl:{key}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS + 60)
        count = 1
    return count <= limit


def mail_rate_allows(request, *, scope, email):
    """Whether a mail-sending form may send one more e-mail to ``email`` for this client.

    Side effect: counts the attempt (also when refused), per address and per client address.
    """
    address = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    per_address = _hit(f"{scope}:addr:{address}", settings.MAIL_RATE_PER_ADDRESS)
    per_client = _hit(f"{scope}:client:{client_ip(request)}", settings.MAIL_RATE_PER_CLIENT)
    return per_address and per_client


def entwurf_rate_allows(request):
    """Whether this client may create one more draft this hour (``ENTWURF_RATE_PER_CLIENT``).

    Side effect: counts the attempt.
    """
    return _hit(f"entwurf_neu:client:{client_ip(request)}", settings.ENTWURF_RATE_PER_CLIENT)


# Attempts at the access code page per hour: per client and per Antrag reference.
ZUGANGSCODE_VERSUCHE = 10


def zugangscode_rate_allows(request, *, referenz):
    """Whether this client may try one more access code for ``referenz`` this hour. Side effect:
    counts the attempt (also when refused)."""
    ref = hashlib.sha256((referenz or "").strip().lower().encode()).hexdigest()[:32]
    per_ref = _hit(f"zugangscode:ref:{ref}", ZUGANGSCODE_VERSUCHE)
    per_client = _hit(f"zugangscode:client:{client_ip(request)}", ZUGANGSCODE_VERSUCHE)
    return per_ref and per_client
