"""The mail server end of the outbox: one kept SMTP connection per worker thread, and the wire
form of an e-mail.

A worker keeps one SMTP connection per thread across tasks (checked with ``NOOP`` after a pause,
closed with ``QUIT`` when the worker stops). Other backends (files, memory, console) are handed
out fresh per e-mail, as Django does.

*The wire form.* Django's MIME encoder (the ``email`` package) costs more than rendering the
e-mail itself. The outbox's e-mails all have one shape (text and HTML as alternatives, one
recipient, Content-Language, a fixed Message-ID, no attachments), so Django encodes that shape
once per sender, Reply-To and language with stand-ins for subject, text, HTML, recipient, date
and Message-ID, and each e-mail is those bytes with its own values put in: the subject as encoded
words where it has non-ASCII letters (``_subject``), the bodies as 8-bit UTF-8 with CRLF line
ends (what Django does with a text without overlong lines). An e-mail that does not fit (an attachment, an address that needs
encoding, a line over RFC 5322's limit, the boundary in a text) is encoded by Django as usual.
``tests/test_notifications.py::test_the_wire_form_is_the_email_django_would_send`` holds the two
to the same e-mail.
"""

import functools
import logging
import re
import secrets
import threading
import time
from base64 import b64encode
from email.header import Header
from email.utils import formatdate, parseaddr
from smtplib import (
    SMTPDataError,
    SMTPException,
    SMTPRecipientsRefused,
    SMTPSenderRefused,
    SMTPServerDisconnected,
    quoteaddr,
)

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend

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
    if not wire_wanted():
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


def wire_wanted():
    """Whether e-mails go over a kept SMTP connection (and so in their wire form)."""
    return settings.EMAIL_BACKEND.endswith("smtp.EmailBackend")


def message_send(connection, message, *, wire=None, zwischendurch=None):
    """Send one e-mail over ``connection``: over a kept SMTP connection its wire form where it has
    one (``wire``, made ahead, or made now), else as Django's backend sends it. ``zwischendurch``
    (which must not raise) is called while the mail server answers each command of the
    conversation: after the command went out, before the server's answer is read (the sender
    makes a step of the next e-mail meanwhile)."""
    if not (isinstance(connection, SmtpBackend) and connection.connection is not None):
        wire = None
    elif wire is None:
        wire = wire_for(message)
    if wire is None:
        connection.send_messages([message])
        return
    # a wire form is made only for a plain ASCII address: it is its own envelope address
    _sendmail(
        connection.connection, _envelope_from(message.from_email), message.to, wire, zwischendurch
    )


def _sendmail(server, from_addr, to_addrs, data, zwischendurch):
    """``smtplib.SMTP.sendmail`` for a message in bytes, the same commands and errors, with
    ``zwischendurch`` called between each command and the server's answer to it."""
    zwischendurch = zwischendurch or _nichts
    server.ehlo_or_helo_if_needed()
    options = f" size={len(data)}" if server.does_esmtp and server.has_extn("size") else ""
    code, answer = _command(
        server, "mail", f"FROM:{_quoted_address(from_addr)}{options}", zwischendurch
    )
    if code != 250:
        _abort(server, code)
        raise SMTPSenderRefused(code, answer, from_addr)
    refused = {}
    for address in to_addrs:
        code, answer = _command(server, "rcpt", f"TO:{_quoted_address(address)}", zwischendurch)
        if code not in (250, 251):
            refused[address] = (code, answer)
        if code == 421:
            server.close()
            raise SMTPRecipientsRefused(refused)
    if len(refused) == len(to_addrs):
        _abort(server, 0)
        raise SMTPRecipientsRefused(refused)
    code, answer = _data(server, data, zwischendurch)
    if code != 250:
        _abort(server, code)
        raise SMTPDataError(code, answer)
    return refused


def _nichts():
    pass


def _command(server, command, argument, zwischendurch):
    """``server.docmd`` with ``zwischendurch`` called while the server answers."""
    server.putcmd(command, argument)
    zwischendurch()
    return server.getreply()


def _quoted_address(address):
    """``smtplib.quoteaddr``: a plain address in angle brackets as it is, without parsing it."""
    if _EINFACHE_ADRESSE.match(address):
        return f"<{address}>"
    return quoteaddr(address)


_PUNKT_AM_ZEILENANFANG = re.compile(rb"(?m)^\.")


def _data(server, data, zwischendurch):
    code, answer = _command(server, "data", "", zwischendurch)
    if code != 354:
        raise SMTPDataError(code, answer)
    quoted = _PUNKT_AM_ZEILENANFANG.sub(b"..", data)
    if quoted[-2:] != b"\r\n":
        quoted += b"\r\n"
    server.send(quoted + b".\r\n")
    zwischendurch()
    return server.getreply()


def _abort(server, code):
    """After a refusal: 421 closes the connection, anything else resets the transaction."""
    if code == 421:
        server.close()
        return
    try:
        server.rset()
    except SMTPServerDisconnected:
        pass


@functools.lru_cache(maxsize=8)
def _envelope_from(from_email):
    """The envelope sender: the address of ``From`` (what smtplib would take from it)."""
    return parseaddr(from_email)[1] or from_email


# Stand-ins in the encoded shape: random per process, so no text contains them. The bodies' carry
# a non-ASCII letter, so Django encodes them as the 8-bit UTF-8 the real texts get.
_PLATZHALTER = secrets.token_hex(16)
_BETREFF = f"betreff{_PLATZHALTER}"
_TEXT = f"\u00e4text{_PLATZHALTER}"
_HTML = f"\u00e4html{_PLATZHALTER}"
_AN = f"empfaenger{_PLATZHALTER}@platzhalter.invalid"
_DATUM = f"datum{_PLATZHALTER}"
_ID = f"<nachricht{_PLATZHALTER}@platzhalter.invalid>"
_HEADERS = {"Content-Language", "Message-ID"}
# An address that goes into the To header as it is (anything else is encoded by Django).
_EINFACHE_ADRESSE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\Z")
# Longest line an 8bit MIME part may have (RFC 5322: 998), with a margin.
_ZEILE_MAX = 990
_ZEILENENDE = re.compile(r"\r\n|\r|\n")


class _Form:
    """The encoded shape of the outbox's e-mails in one language, cut at the stand-ins."""

    def __init__(self, from_email, reply_to, sprache):
        probe = EmailMultiAlternatives(
            subject=_BETREFF,
            body=_TEXT,
            from_email=from_email,
            to=[_AN],
            reply_to=list(reply_to),
            headers={"Content-Language": sprache, "Message-ID": _ID, "Date": _DATUM},
        )
        probe.attach_alternative(_HTML, "text/html")
        wire = _kuerzer(probe.message().as_bytes(linesep="\r\n"))
        stand_ins = [s.encode() for s in (_BETREFF, _TEXT, _HTML, _AN, _DATUM, _ID)]
        self.pieces = None
        self.boundary = b""
        if wire is not None and all(wire.count(stand_in) == 1 for stand_in in stand_ins):
            self.pieces = re.split(b"(" + b"|".join(map(re.escape, stand_ins)) + b")", wire)
            self.boundary = re.search(rb'boundary="([^"]+)"', wire).group(1)


# Django's boundary ("===============" and 19 digits "==") folds the Content-Type header onto a
# second line; this one is shorter, random per process, and "=_" never occurs in an encoded part.
_GRENZE = f"=_{secrets.token_hex(8)}".encode()
_KOPF_GRENZE = re.compile(rb'\AContent-Type: multipart/alternative;\r\n boundary="([^"\r\n]+)"\r\n')


def _kuerzer(wire):
    """Django's encoding of the shape in fewer lines: the multipart's Content-Type on one line
    with a shorter boundary, no ``MIME-Version`` in the parts (RFC 2045, 4: only the message
    needs it). None where Django's encoding is not the shape expected (then it is not used)."""
    match = _KOPF_GRENZE.match(wire)
    if match is None or wire.count(b"MIME-Version: 1.0\r\n") != 3:
        return None
    boundary = match.group(1)
    head, body = wire[match.end() :].split(b"\r\n\r\n", 1)
    body = body.replace(b"MIME-Version: 1.0\r\n", b"").replace(boundary, _GRENZE)
    return (
        b'Content-Type: multipart/alternative; boundary="%s"\r\n' % _GRENZE
        + head
        + b"\r\n\r\n"
        + body
    )


@functools.lru_cache(maxsize=512)
def _form(from_email, reply_to, sprache):
    """The shape per sender (an area's QM office), Reply-To and language."""
    return _Form(from_email, reply_to, sprache)


def _body(text, boundary):
    """A text as an 8-bit part's bytes, or None where Django would encode it otherwise."""
    data = _ZEILENENDE.sub("\r\n", text).encode("utf-8")
    if boundary in data:
        return None
    if len(data) > _ZEILE_MAX and max(map(len, data.split(b"\r\n"))) > _ZEILE_MAX:
        return None
    return data


# An ASCII subject this short goes into the header as it is (Django leaves it, the generator
# does not fold it): "Subject: " and the value within the generator's 78 characters.
_BETREFF_KURZ = 78 - len("Subject: ")
# RFC 2047: an encoded word has at most 75 characters; "=?utf-8?b?" and "?=" are 12 of them.
_WORT_MAX = 75
_WORT_RAHMEN = len("=?utf-8?b??=")


def _subject(subject):
    """The Subject header's value for the wire form: a short ASCII subject as it is; any other
    subject with non-ASCII letters as base64 encoded words in UTF-8 (what Django's message does)
    that each hold whole characters, folded so no line is over 78 characters; a long ASCII one
    as Django's message and the ``email`` generator write it."""
    if "\n" in subject or "\r" in subject:
        raise ValueError("a subject has no line breaks")  # rendered subjects are one line
    if subject.isascii():
        if len(subject) <= _BETREFF_KURZ and subject.isprintable() and "=?" not in subject:
            return subject  # ("=?" would be read as an encoded word)
        # the standard library's ``Header`` directly, not Django's undocumented header helpers
        return Header(Header(subject).encode(), header_name="Subject").encode(
            linesep="\r\n", maxlinelen=78
        )
    return _encoded_words(subject.encode("utf-8"), room=_BETREFF_KURZ)


def _encoded_words(data, *, room):
    """UTF-8 ``data`` as base64 encoded words, the first within ``room`` characters, each next on
    a line of its own after one space; a word never ends inside a character (RFC 2047, 5)."""
    words, start = [], 0
    while start < len(data):
        end = min(start + (min(room, _WORT_MAX) - _WORT_RAHMEN) // 4 * 3, len(data))
        while end < len(data) and data[end] & 0xC0 == 0x80:  # a continuation byte
            end -= 1
        words.append(f"=?utf-8?b?{b64encode(data[start:end]).decode('ascii')}?=")
        start, room = end, 78 - 1
    return "\r\n ".join(words)


def wire_for(message):
    """``message`` as the bytes the mail server gets, made from the encoded shape; or None where
    it does not fit the shape (then Django encodes it)."""
    if (
        message.attachments
        or len(message.to) != 1
        or message.cc
        or message.bcc
        or set(message.extra_headers) != _HEADERS
        or len(message.alternatives) != 1
        or message.alternatives[0][1] != "text/html"
        or message.content_subtype != "plain"
        or message.encoding not in (None, "utf-8")
        or not _EINFACHE_ADRESSE.match(message.to[0])
    ):
        return None
    form = _form(
        message.from_email, tuple(message.reply_to), message.extra_headers["Content-Language"]
    )
    if form.pieces is None:
        return None
    text = _body(message.body, form.boundary)
    html = _body(message.alternatives[0][0], form.boundary)
    subject = _subject(message.subject)
    if (
        text is None
        or html is None
        or any(len(line) > _ZEILE_MAX for line in subject.split("\r\n"))
    ):
        return None
    values = {
        _BETREFF.encode(): subject.encode("ascii"),
        _TEXT.encode(): text,
        _HTML.encode(): html,
        _AN.encode(): message.to[0].encode("ascii"),
        _DATUM.encode(): formatdate(localtime=settings.EMAIL_USE_LOCALTIME).encode("ascii"),
        _ID.encode(): message.extra_headers["Message-ID"].encode("ascii"),
    }
    return b"".join(values.get(piece, piece) for piece in form.pieces)
