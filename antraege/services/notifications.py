"""E-mail notifications through an outbox.

``queue(...)`` records a ``Benachrichtigung`` row in the caller's transaction and asks a Celery task
to send it once that transaction commits. If the broker is down at that moment nothing is lost: the
beat sweep (``outbox.dispatch_pending``) sends every row still unsent. Sending is in ``outbox``: rows are
claimed in batches for one execution under a short lease, so a task that runs twice, or a message
delivered twice, sends one e-mail.
"""

import logging
from email.utils import parseaddr
from itertools import groupby

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import get_template
from django.utils import translation

from ..enqueue import task_send
from ..hintergrund import im_hintergrund_wie_jetzt
from ..links import antrag_link_url
from ..models import Benachrichtigung, Dokument

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
    transaction.on_commit(im_hintergrund_wie_jetzt(lambda: dispatch(row.pk)))
    return row


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
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "aktionsfonds.local"
    stamp = int(row.erstellt_am.timestamp() * 1_000_000) if row.erstellt_am else 0
    return f"<benachrichtigung.{row.pk}.{stamp}@{domain}>"


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


def _render(row, templates):
    betreff, text_template, layout = templates
    antrag = row.antrag if row.antrag_id else None
    context = {
        "antrag": antrag,
        "kontext": row.kontext,
        "site_url": settings.SITE_URL,
        "empfaenger": row.empfaenger,
    }
    if antrag is not None:
        # The link names the address it goes to: opening it confirms that address.
        context["link"] = antrag_link_url(antrag, email=row.empfaenger)
        context["quartier"] = antrag.fonds.quartier
    subject = betreff.render(context)
    text = text_template.render(context)
    html = layout.render({**context, "text": text, "subject": subject, "sprache": row.sprache})
    return betreff_mit_referenz(" ".join(subject.split()), antrag), text, html


def betreff_mit_referenz(subject, antrag):
    """Every e-mail about an Antrag names its reference in the subject (applicants and QM file by it)."""
    if antrag is not None and antrag.referenz and antrag.referenz not in subject:
        return f"{subject} ({antrag.referenz})"
    return subject


def message_build(row, rendered):
    """The e-mail of ``row`` from its rendered ``(subject, text, html)``, attachments included."""
    subject, text, html = rendered
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.empfaenger],
        headers={"Content-Language": row.sprache, "Message-ID": message_id(row)},
    )
    message.attach_alternative(html, "text/html")
    for name, content, mimetype in attachments_for(row):
        message.attach(name, content, mimetype)
    return message


def messages_build(rows):
    """``[(row, message or the exception that stopped it)]``; templates are looked up once per
    kind and the language switched once per language (rows come sorted by language and kind)."""
    built = []
    for (sprache, art), group in groupby(rows, key=lambda row: (row.sprache, row.art)):
        with translation.override(sprache):
            try:
                templates = _templates(art)
            except Exception as error:  # noqa: BLE001 - a missing template fails these rows only
                built.extend((row, error) for row in group)
                continue
            for row in group:
                try:
                    built.append((row, message_build(row, _render(row, templates))))
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
