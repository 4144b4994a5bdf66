"""Celery tasks of Anträge: thin wrappers that load by id and call one domain function."""

import logging
from smtplib import SMTPException

from celery import shared_task

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
    from . import notifications

    sent = notifications.send(benachrichtigung_id, claim=self.request.id or "eager")
    logger.info("notification %s %s", benachrichtigung_id, "sent" if sent else "skipped")
    return sent


@shared_task(name="antraege.task_dispatch_pending_benachrichtigungen")
def task_dispatch_pending_benachrichtigungen():
    from . import notifications

    count = notifications.dispatch_pending()
    if count:
        logger.info("re-dispatched %s pending notifications", count)
    return count
