"""E-mail notifications through an outbox.

``queue(...)`` records a ``Benachrichtigung`` row in the caller's transaction and asks a Celery task
to send it once that transaction commits. If the broker is down at that moment nothing is lost: the
beat sweep (``outbox.dispatch_pending``) sends every row still unsent. Sending is in ``outbox``: rows are
claimed in batches for one execution under a short lease, so a task that runs twice, or a message
delivered twice, sends one e-mail.
"""

import functools
import json
import logging
import re
import secrets
import threading
from email.utils import parseaddr
from itertools import groupby

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import get_template
from django.utils import translation

from ..enqueue import task_send
from ..hintergrund import im_hintergrund_wie_jetzt, ist_hintergrund
from ..models import Benachrichtigung, Dokument
from ..zugang.links import antrag_link_token, antrag_link_url

logger = logging.getLogger(__name__)


def queue(art, *, empfaenger, sprache="de", antrag=None, kontext=None, dedupe_key=None):
    """Record an e-mail to send after commit; with ``dedupe_key`` at most once ever. Returns the row."""
    fields = dict(
        art=art,
        empfaenger=empfaenger,
        sprache=sprache or "de",
        antrag=antrag,
        kontext=kontext or {},
        dedupe_key=dedupe_key,
    )
    if dedupe_key:
        try:
            with transaction.atomic():
                row = Benachrichtigung.objects.create(**fields)
        except IntegrityError:
            return None
    else:
        row = Benachrichtigung.objects.create(**fields)
    _dispatch_on_commit(row.pk)
    return row


# Rows one sender execution claims at a time (``outbox.BATCH``).
BATCH = 50


# One commit puts at most this many tasks on the queue (each sends batches while rows are pending).
DISPATCH_MAX_TASKS = 20


class _Dispatch:
    """The on-commit dispatch shared by the rows of one transaction: one task per ``BATCH`` rows.

    A burst (a meeting's decisions, papers to every jury member) commits many rows at once; one
    task per row would cost a broker message each and leave the worker busy with tasks that find
    nothing left to claim. Every row registers its own on-commit callback; the first that runs
    dispatches for all of them, the others find it done. (So no row depends on another's callback:
    a savepoint that rolls back takes only its own callbacks with it.)
    """

    def __init__(self, first_id):
        self.first_id = first_id
        self.rows = 0
        self.fired = False
        self.first_callback = None

    def waiting_in(self, connection):
        """Not run yet, and this transaction's: its first callback is still registered (not
        dropped with a transaction or savepoint that rolled back)."""
        first = self.first_callback
        return not self.fired and any(entry[1] is first for entry in connection.run_on_commit)

    def fire(self):
        if self.fired:
            return
        self.fired = True
        for _ in range(min(-(-self.rows // BATCH), DISPATCH_MAX_TASKS)):
            dispatch(self.first_id)


_pending = threading.local()


def _dispatch_on_commit(row_id):
    """Ask for a send task once the current transaction commits (at once outside of one)."""
    connection = transaction.get_connection()
    key = (id(connection), ist_hintergrund())
    dispatches = getattr(_pending, "dispatches", None)
    if dispatches is None:
        dispatches = _pending.dispatches = {}
    current = dispatches.get(key)
    if current is None or not connection.in_atomic_block or not current.waiting_in(connection):
        current = dispatches[key] = _Dispatch(row_id)
    current.rows += 1
    callback = im_hintergrund_wie_jetzt(current.fire)
    if current.first_callback is None:
        current.first_callback = callback
    transaction.on_commit(callback)


def queue_for_applicant(antrag, art, *, kontext=None, dedupe_key=None):
    """An e-mail to the applicant of ``antrag``, in the applicant's language.

    None when the Antrag has no address any more (anonymised after its retention period).
    """
    if not antrag.antragsteller_email:
        return None
    return queue(
        art,
        empfaenger=antrag.antragsteller_email,
        sprache=antrag.sprache,
        antrag=antrag,
        kontext=kontext,
        dedupe_key=dedupe_key,
    )


def dispatch(benachrichtigung_id):
    """Hand one row to the worker. A broker that is down is logged, not raised: the sweep retries."""
    return task_send("antraege.task_send_benachrichtigung", benachrichtigung_id=benachrichtigung_id)


def message_id(row):
    """The ``Message-ID`` of a row: the same for every attempt, so a duplicate folds in mail clients."""
    domain = _domain(settings.DEFAULT_FROM_EMAIL)
    stamp = int(row.erstellt_am.timestamp() * 1_000_000) if row.erstellt_am else 0
    return f"<benachrichtigung.{row.pk}.{stamp}@{domain}>"


@functools.lru_cache(maxsize=8)
def _domain(from_email):
    return parseaddr(from_email)[1].rpartition("@")[2] or "aktionsfonds.local"


def render(row):
    """Subject, text and HTML of one notification, rendered in its language."""
    with translation.override(row.sprache):
        return _render(row, _templates(row.art))


def _templates(art):
    return (
        get_template(f"emails/{art}/betreff.txt"),
        get_template(f"emails/{art}/text.txt"),
        get_template("emails/layout.html"),
    )


def _render(row, templates, *, link_token=None):
    """``(subject, text, html)`` of ``row``; ``link_token`` stands in for the row's own link token
    (``messages_build`` renders once for many recipients and puts each one's token in after)."""
    betreff, text_template, layout = templates
    antrag = row.antrag if row.antrag_id else None
    context = {"antrag": antrag, "kontext": row.kontext, "site_url": settings.SITE_URL}
    if antrag is not None:
        # The link names the address it goes to: opening it confirms that address.
        context["link"] = antrag_link_url(antrag, email=row.empfaenger, token=link_token)
        context["quartier"] = antrag.fonds.quartier
    subject = " ".join(betreff.render(context).split())
    text = text_template.render(context)
    html = layout.render(
        {**context, "text": _absaetze(text), "subject": subject, "sprache": row.sprache}
    )
    return betreff_mit_referenz(subject, antrag), text, html


def _absaetze(text):
    """The text part for the HTML part's paragraphs: no line of blanks only and no run of empty
    lines (each made an empty ``<p></p>``)."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


# Stand-ins in the one rendering shared by many recipients, put right per row: random per process,
# so no text typed by a user contains them. Hex digits pass every filter (escaping, eigene_links)
# and the e-mail encoder unchanged, as do the link token's characters and a plain address.
_PLATZHALTER = secrets.token_hex(16)
_LINK_PLATZHALTER = f"linkplatzhalter{_PLATZHALTER}"
_AN_PLATZHALTER = f"empfaenger{_PLATZHALTER}@platzhalter.invalid"
_ID_PLATZHALTER = f"<nachricht{_PLATZHALTER}@platzhalter.invalid>"
# An address that goes into the To header as it is (anything else is encoded by Django per e-mail).
_EINFACHE_ADRESSE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\Z")
# Longest line an 8bit MIME part may have (RFC 5322: 998), with a margin.
_ZEILE_MAX = 990


class _Rendering:
    """One rendering of a kind, language, Antrag and context, for every recipient of it.

    ``parts`` is ``(subject, text, html)`` with a stand-in for the link token. ``wire`` is the
    whole e-mail as the SMTP server gets it, with stand-ins for link token, recipient and
    Message-ID, made once by Django's own encoder; ``wire_for`` puts a row's values in. None
    where the stand-ins did not come through verbatim (a part that had to be encoded).
    """

    def __init__(self, parts, sprache, absender):
        self.parts = parts
        from_email, reply_to = absender
        probe = EmailMultiAlternatives(
            subject=parts[0],
            body=parts[1],
            from_email=from_email,
            to=[_AN_PLATZHALTER],
            reply_to=reply_to,
            headers={"Content-Language": sprache, "Message-ID": _ID_PLATZHALTER},
        )
        probe.attach_alternative(parts[2], "text/html")
        wire = probe.message().as_bytes(linesep="\r\n")
        link = _LINK_PLATZHALTER.encode()
        verbatim = (
            wire.count(link) == sum(part.count(_LINK_PLATZHALTER) for part in parts)
            and wire.count(_AN_PLATZHALTER.encode()) == 1
            and wire.count(_ID_PLATZHALTER.encode()) == 1
        )
        self.wire = wire if verbatim else None
        # lines that grow when the token goes in: (length, stand-ins on the line)
        self.link_lines = [
            (len(line), line.count(link)) for line in wire.split(b"\r\n") if link in line
        ]

    def parts_for(self, token):
        if token is None:
            return self.parts
        return tuple(part.replace(_LINK_PLATZHALTER, token) for part in self.parts)

    def wire_for(self, row, token, message_id):
        """The e-mail of ``row`` as bytes, or None (then Django encodes it for this row alone)."""
        if self.wire is None or not _EINFACHE_ADRESSE.match(row.empfaenger):
            return None
        token = token or _LINK_PLATZHALTER
        growth = len(token) - len(_LINK_PLATZHALTER)
        if any(length + count * growth > _ZEILE_MAX for length, count in self.link_lines):
            return None
        return (
            self.wire.replace(_LINK_PLATZHALTER.encode(), token.encode())
            .replace(_AN_PLATZHALTER.encode(), row.empfaenger.encode())
            .replace(_ID_PLATZHALTER.encode(), message_id.encode())
        )


def _message_for(row, templates, renderings):
    """The e-mail of ``row``; rows of one Antrag and context share the rendering (a key of
    ``renderings``) and get their own link token, recipient and Message-ID. Without attachments
    it carries its bytes ready for the SMTP server (``message.wire``)."""
    key = (row.antrag_id, json.dumps(row.kontext, sort_keys=True, default=str))
    if key not in renderings:
        parts = _render(row, templates, link_token=_LINK_PLATZHALTER)
        renderings[key] = _Rendering(parts, row.sprache, absender_for(row))
    rendering = renderings[key]
    token = antrag_link_token(row.antrag, email=row.empfaenger) if row.antrag_id else None
    message = message_build(row, rendering.parts_for(token))
    message.wire = None if message.attachments else rendering.wire_for(row, token, message_id(row))
    return message


def betreff_mit_referenz(subject, antrag):
    """Every e-mail about an Antrag names its reference in the subject (applicants and QM file by it)."""
    if antrag is not None and antrag.referenz and antrag.referenz not in subject:
        return f"{subject} ({antrag.referenz})"
    return subject


def absender_for(row):
    """``(From, [Reply-To])`` of ``row``: an e-mail about an Antrag comes in the name of its
    area's QM office (our sending address, the office's name) and answers go to the office, whose
    address the footer gives; other e-mails come from ``DEFAULT_FROM_EMAIL`` without Reply-To."""
    if not row.antrag_id:
        return settings.DEFAULT_FROM_EMAIL, []
    quartier = row.antrag.fonds.quartier
    adresse = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
    from_email = (
        f"{_quoted(quartier.qm_buero_name)} <{adresse}>" if quartier.qm_buero_name else adresse
    )
    if not quartier.qm_email:
        return from_email, []
    return from_email, [f"{_quoted(quartier.qm_buero_name)} <{quartier.qm_email}>"]


def _quoted(name):
    """A display name as an RFC 5322 quoted string (a comma or dot in an office's name)."""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def message_build(row, rendered):
    """The e-mail of ``row`` from its rendered ``(subject, text, html)``, attachments included."""
    subject, text, html = rendered
    from_email, reply_to = absender_for(row)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=from_email,
        to=[row.empfaenger],
        reply_to=reply_to,
        headers={"Content-Language": row.sprache, "Message-ID": message_id(row)},
    )
    message.attach_alternative(html, "text/html")
    for name, content, mimetype in attachments_for(row):
        message.attach(name, content, mimetype)
    return message


def messages_build(rows):
    """``[(row, message or the exception that stopped it)]``; templates are looked up once per
    kind and the language switched once per language (rows come sorted by language and kind),
    and rows of one kind, language, Antrag and context are rendered once."""
    built = []
    for (sprache, art), group in groupby(rows, key=lambda row: (row.sprache, row.art)):
        with translation.override(sprache):
            try:
                templates = _templates(art)
            except Exception as error:  # noqa: BLE001 - a missing template fails these rows only
                built.extend((row, error) for row in group)
                continue
            renderings = {}
            for row in group:
                try:
                    built.append((row, _message_for(row, templates, renderings)))
                except Exception as error:  # noqa: BLE001 - recorded on the row, retried
                    built.append((row, error))
    return built


def attachments_for(row):
    """Files that go with a notification: ``kontext["dokumente"]`` names stored documents.

    Only documents of the notification's own Antrag: ``[(filename, bytes, mimetype)]``. Small
    text attachments made when the row was queued (a calendar invitation) travel in the row
    itself: ``kontext["inline_anhaenge"] = [[filename, mimetype, text]]``.
    """
    result = [
        (name, text.encode("utf-8"), mimetype)
        for name, mimetype, text in row.kontext.get("inline_anhaenge") or []
    ]
    ids = row.kontext.get("dokumente") or []
    if not ids or not row.antrag_id:
        return result
    for dokument in Dokument.objects.filter(pk__in=ids, antrag_id=row.antrag_id).select_related(
        "antrag"
    ):
        with dokument.datei.open("rb") as handle:
            result.append((dokument.dateiname, handle.read(), "application/pdf"))
    return result
