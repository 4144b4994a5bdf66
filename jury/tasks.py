"""Celery tasks of the jury: thin, idempotent, keyword primitive ids; beat sweeps the deadlines."""

import logging

from celery import shared_task

from antraege import task_names

from .sitzungen.tasks import (  # noqa: F401 - registers the tasks
    task_render_unterlagen,
    task_send_due_unterlagen,
    task_sitzung_nachbereiten,
    task_sitzung_protokoll,
)

logger = logging.getLogger(__name__)


@shared_task(name=task_names.CLOSE_DUE_ABSTIMMUNGEN)
def task_close_due_abstimmungen():
    """Close every vote past its deadline or finished early (beat, every 30 s)."""
    from .abstimmungen import services
    from .sitzungen.services import sitzungsprotokolle_catch_up

    closed = services.abstimmungen_close_due()
    fehlend = services.protokolle_catch_up() + sitzungsprotokolle_catch_up()
    if closed or fehlend:
        logger.info("closed %s votes, rendered %s missing minutes", closed, len(fehlend))
    return closed


@shared_task(name=task_names.SEND_VOTE_REMINDERS)
def task_send_vote_reminders():
    """Remind members who have not voted, once per vote (beat)."""
    from .abstimmungen import services

    queued = services.abstimmungen_remind()
    if queued:
        logger.info("queued %s vote reminders", queued)
    return queued


@shared_task(name=task_names.RENDER_PROTOKOLL, bind=True, max_retries=3, retry_backoff=10)
def task_render_protokoll(self, *, abstimmung_id):
    """Render and store the minutes PDF of one closed vote."""
    from .abstimmungen import services

    return services.abstimmung_protokoll_create(abstimmung_id)
