"""The mail server end of the outbox: one kept SMTP connection per worker thread, and the wire
form of an e-mail shared by many recipients.

A worker keeps one SMTP connection per thread across tasks (checked with ``NOOP`` after a pause,
closed with ``QUIT`` when the worker stops). Other backends (files, memory, console) are handed
out fresh per e-mail, as Django does.

*The wire form.* The papers to every jury member or a burst of receipts are one rendering
(``messages.Rendering``) for many recipients. Instead of letting Django encode the same MIME
message once per recipient, the first recipient's e-mail is encoded once by Django's own encoder
with stand-ins for the link token, the recipient and the Message-ID, and each recipient gets those
bytes with their own values put in. Only where the stand-ins came through the encoder verbatim
(else Django encodes that e-mail itself), for plain ASCII addresses and lines that stay under
RFC 5322's limit. ``tests/test_notifications.py::test_the_shared_wire_form_is_the_email_django_would_send``
holds it to what Django would send.
"""

import functools
import logging
import re
import secrets
import threading
import time
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.core.mail.message import sanitize_address

from .messages import LINK_PLATZHALTER

logger = logging.getLogger(__name__)

# An idle SMTP connection older than this is checked with NOOP before it is used again.
IDLE_CHECK_SECONDS = 20


_local = threading.local()
_open_connections = set()
_open_lock = threading.Lock()


def _backend_key():
    return (
        settings.EMAIL_BACKEND,
        getattr(settings, "EMAIL_HOST", ""),
        getattr(settings, "EMAIL_PORT", None),
        getattr(settings, "EMAIL_HOST_USER", ""),
        getattr(settings, "EMAIL_USE_TLS", False),
        getattr(settings, "EMAIL_USE_SSL", False),
    )


def mail_connection():
    """This thread's open SMTP connection, opened on first use and kept for the next tasks.

    Other backends (files, memory, console) are handed out fresh and open per e-mail, as usual.
    """
    if not settings.EMAIL_BACKEND.endswith("smtp.EmailBackend"):
        return get_connection(fail_silently=False)
    key = _backend_key()
    cached = getattr(_local, "connection", None)
    if cached is not None and cached[0] != key:
        mail_connection_drop()
        cached = None
    if cached is not None:
        connection, last_used = cached[1], cached[2]
        if time.monotonic() - last_used > IDLE_CHECK_SECONDS and not _alive(connection):
            mail_connection_drop()
            cached = None
    if cached is None:
        connection = get_connection(fail_silently=False)
        connection.open()
        with _open_lock:
            _open_connections.add(connection)
    _local.connection = (key, connection, time.monotonic())
    return connection


def _alive(connection):
    smtp = connection.connection
    if smtp is None:
        return False
    try:
        return smtp.noop()[0] == 250
    except (SMTPException, OSError):
        return False


def mail_connection_drop():
    """Close this thread's connection (after an SMTP error, or when the settings changed)."""
    cached = getattr(_local, "connection", None)
    _local.connection = None
    if cached is not None:
        _close(cached[1])


def mail_connections_close():
    """Close every connection this process opened: the worker stops (signal handler in tasks)."""
    with _open_lock:
        connections = list(_open_connections)
    for connection in connections:
        _close(connection)
    _local.connection = None
    return len(connections)


def _close(connection):
    with _open_lock:
        _open_connections.discard(connection)
    try:
        connection.close()  # QUIT, then the socket
    except Exception:  # noqa: BLE001 - a dead connection cannot be closed more
        logger.debug("closing the SMTP connection failed", exc_info=True)


# --- sending one e-mail --------------------------------------------------------------------------


def message_send(connection, message):
    """Send one e-mail over ``connection``: over a kept SMTP connection the wire form of its shared
    rendering where there is one, else as Django's backend sends it."""
    wire = None
    if isinstance(connection, SmtpBackend) and connection.connection is not None:
        wire = wire_for(message)
    if wire is None:
        connection.send_messages([message])
        return
    # a wire form is made only for a plain ASCII address: it is its own envelope address
    connection.connection.sendmail(_envelope_from(message.from_email), message.recipients(), wire)


@functools.lru_cache(maxsize=8)
def _envelope_from(from_email):
    return sanitize_address(from_email, settings.DEFAULT_CHARSET)


# Stand-ins for recipient and Message-ID in the wire form: random per process (see messages).
_PLATZHALTER = secrets.token_hex(16)
_AN_PLATZHALTER = f"empfaenger{_PLATZHALTER}@platzhalter.invalid"
_ID_PLATZHALTER = f"<nachricht{_PLATZHALTER}@platzhalter.invalid>"
# An address that goes into the To header as it is (anything else is encoded by Django per e-mail).
_EINFACHE_ADRESSE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\Z")
# Longest line an 8bit MIME part may have (RFC 5322: 998), with a margin.
_ZEILE_MAX = 990


class _Wire:
    """The wire form of one rendering: its bytes with stand-ins, or None where they did not come
    through verbatim; the lengths of the lines that grow when the link token goes in."""

    def __init__(self, rendering, from_email):
        probe = EmailMultiAlternatives(
            subject=rendering.parts[0],
            body=rendering.parts[1],
            from_email=from_email,
            to=[_AN_PLATZHALTER],
            headers={"Content-Language": rendering.sprache, "Message-ID": _ID_PLATZHALTER},
        )
        probe.attach_alternative(rendering.parts[2], "text/html")
        wire = probe.message().as_bytes(linesep="\r\n")
        link = LINK_PLATZHALTER.encode()
        verbatim = (
            wire.count(link) == sum(part.count(LINK_PLATZHALTER) for part in rendering.parts)
            and wire.count(_AN_PLATZHALTER.encode()) == 1
            and wire.count(_ID_PLATZHALTER.encode()) == 1
        )
        self.bytes = wire if verbatim else None
        self.link_lines = [
            (len(line), line.count(link)) for line in wire.split(b"\r\n") if link in line
        ]


def wire_for(message):
    """The bytes of ``message`` made from its rendering's wire form, or None."""
    rendering = getattr(message, "rendering", None)
    if rendering is None or message.attachments:
        return None
    recipient = message.to[0]
    if len(message.to) != 1 or message.cc or message.bcc or not _EINFACHE_ADRESSE.match(recipient):
        return None
    if rendering.wire is None:
        rendering.wire = _Wire(rendering, message.from_email)
    wire = rendering.wire
    if wire.bytes is None:
        return None
    token = message.link_token or LINK_PLATZHALTER
    growth = len(token) - len(LINK_PLATZHALTER)
    if any(length + count * growth > _ZEILE_MAX for length, count in wire.link_lines):
        return None
    return (
        wire.bytes.replace(LINK_PLATZHALTER.encode(), token.encode())
        .replace(_AN_PLATZHALTER.encode(), recipient.encode())
        .replace(_ID_PLATZHALTER.encode(), message.extra_headers["Message-ID"].encode())
    )
