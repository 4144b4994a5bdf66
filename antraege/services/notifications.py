"""E-mail notifications through an outbox.

``queue(...)`` records a ``Benachrichtigung`` row in the caller's transaction and asks a Celery task
to send it once that transaction commits. If the broker is down at that moment nothing is lost: the
beat sweep (``dispatch_pending``) sends every row still unsent. ``send(...)`` is idempotent: it claims
the row with a conditional update, so a task that runs twice sends one e-mail.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ..enqueue import task_send
from ..links import antrag_link_url
from ..models import Antrag, Benachrichtigung, Dokument

logger = logging.getLogger(__name__)

# A claim older than this belongs to a worker that died mid-send; the sweep releases it.
STALE_CLAIM = timedelta(minutes=10)


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
    transaction.on_commit(lambda: dispatch(row.pk))
    return row


def queue_for_applicant(antrag, art, *, kontext=None, dedupe_key=None):
    """An e-mail to the applicant of ``antrag``, in the applicant's language."""
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


def dispatch_pending(*, older_than=timedelta(seconds=30)):
    """Re-dispatch every unsent row (the beat sweep). Returns how many were handed on."""
    now = timezone.now()
    Benachrichtigung.objects.filter(
        gesendet_am__isnull=True, claimed_at__lt=now - STALE_CLAIM
    ).exclude(claimed_by="").update(claimed_by="", claimed_at=None)
    pending = Benachrichtigung.objects.filter(
        gesendet_am__isnull=True, claimed_by="", erstellt_am__lte=now - older_than
    ).values_list("pk", flat=True)
    return sum(1 for pk in list(pending[:500]) if dispatch(pk))


def render(row):
    """Subject, text and HTML of one notification, rendered in its language."""
    antrag = None
    if row.antrag_id:
        antrag = Antrag.objects.select_related("fonds__quartier").get(pk=row.antrag_id)
    with translation.override(row.sprache):
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
        subject = render_to_string(f"emails/{row.art}/betreff.txt", context)
        text = render_to_string(f"emails/{row.art}/text.txt", context)
        html = render_to_string(
            "emails/layout.html",
            {**context, "text": text, "subject": subject, "sprache": row.sprache},
        )
    return " ".join(subject.split()), text, html


def attachments_for(row):
    """Files that go with a notification: ``kontext["dokumente"]`` names stored documents.

    Only documents of the notification's own Antrag: ``[(filename, bytes, mimetype)]``.
    """
    ids = row.kontext.get("dokumente") or []
    if not ids or not row.antrag_id:
        return []
    result = []
    for dokument in Dokument.objects.filter(pk__in=ids, antrag_id=row.antrag_id).select_related(
        "antrag"
    ):
        with dokument.datei.open("rb") as handle:
            result.append((dokument.dateiname, handle.read(), "application/pdf"))
    return result


def send(benachrichtigung_id, *, claim):
    """Send one notification exactly once; ``claim`` identifies this attempt (the task id).

    Returns True if this call sent it, False if it was already sent or is being sent elsewhere.
    A failure to send releases the claim and re-raises, so the task retries with backoff.
    """
    claimed = Benachrichtigung.objects.filter(
        Q(claimed_by="") | Q(claimed_by=claim), pk=benachrichtigung_id, gesendet_am__isnull=True
    ).update(claimed_by=claim, claimed_at=timezone.now())
    if not claimed:
        return False
    row = Benachrichtigung.objects.get(pk=benachrichtigung_id)
    try:
        subject, text, html = render(row)
        message = EmailMultiAlternatives(
            subject=subject,
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[row.empfaenger],
            headers={"Content-Language": row.sprache},
        )
        message.attach_alternative(html, "text/html")
        for name, content, mimetype in attachments_for(row):
            message.attach(name, content, mimetype)
        message.send()
    except Exception as error:
        Benachrichtigung.objects.filter(pk=row.pk, claimed_by=claim).update(
            claimed_by="", claimed_at=None, letzter_fehler=repr(error)[:2000]
        )
        Benachrichtigung.objects.filter(pk=row.pk).update(versuche=row.versuche + 1)
        raise
    Benachrichtigung.objects.filter(pk=row.pk).update(
        gesendet_am=timezone.now(), betreff=subject[:250], versuche=row.versuche + 1
    )
    return True
