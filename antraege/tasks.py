"""Celery tasks of Anträge: thin wrappers that load by id and call one domain function."""

import logging
from smtplib import SMTPException

from celery import shared_task

from workflow.deadlines import abrechnung_deadlines_check

from .enqueue import task_send
from .selectors.documents import dokumente_missing
from .services import documents, notifications

logger = logging.getLogger(__name__)


@shared_task(
    name="antraege.task_send_benachrichtigung",
    bind=True,
    autoretry_for=(SMTPException, ConnectionError, TimeoutError, OSError),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def task_send_benachrichtigung(self, *, benachrichtigung_id):
    sent = notifications.send(benachrichtigung_id, claim=self.request.id or "eager")
    logger.info("notification %s %s", benachrichtigung_id, "sent" if sent else "skipped")
    return sent


@shared_task(name="antraege.task_dispatch_pending_benachrichtigungen")
def task_dispatch_pending_benachrichtigungen():
    count = notifications.dispatch_pending()
    if count:
        logger.info("re-dispatched %s pending notifications", count)
    return count


@shared_task(name="antraege.task_render_dokument")
def task_render_dokument(*, antrag_id, art):
    """Render and store a letter or payout order; a decision letter then goes out by e-mail."""
    dokument = documents.dokument_deliver(antrag_id, art)
    logger.info("dokument %s (%s) of antrag %s ready", dokument.pk, art, antrag_id)
    return dokument.pk


@shared_task(name="antraege.task_check_settlement_deadlines")
def task_check_settlement_deadlines():
    """Beat: settlement reminders and expiry; also renders documents a lost task left missing."""
    reminded, expired = abrechnung_deadlines_check()
    missing = dokumente_missing()
    for antrag_id, art in missing:
        task_send("antraege.task_render_dokument", antrag_id=antrag_id, art=str(art))
    logger.info(
        "settlement deadlines: %s reminded, %s expired, %s documents re-queued",
        reminded,
        expired,
        len(missing),
    )
    return reminded, expired
