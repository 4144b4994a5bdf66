"""Celery tasks of the outbox (registered through ``antraege.tasks``): send, sweep, and close the
SMTP connections and the marker's database connection when the worker stops."""

import gc
import logging
import time

from celery import shared_task
from celery.signals import worker_process_init, worker_process_shutdown, worker_shutdown
from django.utils import timezone

from .. import task_names
from . import outbox, smtp

logger = logging.getLogger(__name__)

# A task keeps taking batches for this long when more is pending (the backlog of a burst).
SEND_BUDGET_SECONDS = 20


@shared_task(name=task_names.SEND_BENACHRICHTIGUNGEN, bind=True, max_retries=8)
def task_send_benachrichtigung(self, *, benachrichtigung_id=None):
    """Send pending e-mails in batches; ``benachrichtigung_id`` is the row whose commit woke us.

    Every run claims under a fresh execution id, never ``self.request.id``: a message redelivered
    while its first run still sends must find the rows taken. Failed rows wait for their back-off;
    the task retries then (the beat sweep covers what the retries do not).
    """
    execution = outbox.execution_new()
    # one marker (its own connection) for the marks of every batch, waited for once at the end;
    # each next batch is claimed and made while the one before is sent
    with outbox.Marker(execution) as marker:
        ergebnis = outbox.benachrichtigungen_send(
            execution=execution, marker=marker, bis=time.monotonic() + SEND_BUDGET_SECONDS
        )
        sent = len(marker.flush())
    failed, next_attempt = len(ergebnis.fehlgeschlagen), ergebnis.naechster_versuch
    logger.info(
        "notifications (trigger %s, execution %s): %s sent, %s failed",
        benachrichtigung_id,
        execution,
        sent,
        failed,
    )
    if failed and self.request.retries < self.max_retries:
        countdown = max((next_attempt - timezone.now()).total_seconds(), 0.5)
        raise self.retry(countdown=countdown)
    return sent


@worker_process_init.connect
def _vorwaermen(**kwargs):
    """A pool process starts: load the e-mails' languages, templates and claim statement now
    (``outbox.vorwaermen``), not on the first e-mail of each language; then move everything
    loaded so far (Django, the templates) out of the garbage collector's reach with
    ``gc.freeze()``: a full collection of that heap took 46–83 ms in bench/load.py's worker, a
    pause of the sending should one fall into a burst."""
    try:
        outbox.vorwaermen()
    except Exception:  # noqa: BLE001 - then the first e-mails load it, as before
        logger.warning("warming up the outbox failed", exc_info=True)
    gc.collect()
    gc.freeze()


@worker_process_shutdown.connect
@worker_shutdown.connect
def _smtp_connections_close(**kwargs):
    """The worker stops: say QUIT to the mail server instead of dropping the socket, and close the
    marker thread's database connection."""
    outbox.marker_thread_stop()
    closed = smtp.mail_connections_close()
    if closed:
        logger.info("closed %s SMTP connection(s)", closed)


@shared_task(name=task_names.DISPATCH_PENDING_BENACHRICHTIGUNGEN)
def task_dispatch_pending_benachrichtigungen():
    count = outbox.dispatch_pending()
    if count:
        logger.info("re-dispatched %s pending notifications", count)
    return count
