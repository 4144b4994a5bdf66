"""Celery tasks of jury meetings (registered through ``jury.tasks``)."""

from celery import shared_task

# The minutes wait (2 s at a time, at most about a minute) while decision e-mails of the meeting
# are still on their way: applicants hear the result first, the minutes follow.
MINUTES_WAIT_SECONDS = 2
MINUTES_MAX_WAITS = 30


@shared_task(
    name="jury.task_render_sitzungsprotokoll", bind=True, max_retries=MINUTES_MAX_WAITS + 3
)
def task_render_sitzungsprotokoll(self, *, sitzung_id):
    """Render and store the one minutes PDF of a closed meeting, after its decision e-mails."""
    from .services import sitzung_entscheidungen_unterwegs, sitzung_protokoll_erstellen

    if self.request.retries < MINUTES_MAX_WAITS and sitzung_entscheidungen_unterwegs(sitzung_id):
        raise self.retry(countdown=MINUTES_WAIT_SECONDS)
    return sitzung_protokoll_erstellen(sitzung_id)


@shared_task(name="jury.task_render_unterlagen", bind=True, max_retries=3, retry_backoff=10)
def task_render_unterlagen(self, *, unterlagen_id):
    """Render and store one papers PDF (a meeting's agenda in one language)."""
    from .unterlagen import sitzungsunterlagen_render

    return sitzungsunterlagen_render(unterlagen_id)


@shared_task(name="jury.task_send_due_unterlagen")
def task_send_due_unterlagen():
    """Beat: send the papers of planned meetings whose lead time has come (once each), and queue
    again any papers PDF whose render was lost."""
    from .unterlagen import sitzungsunterlagen_sweep, unterlagen_due_send

    gesendet = unterlagen_due_send()
    sitzungsunterlagen_sweep()
    return gesendet
