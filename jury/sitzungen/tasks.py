"""Celery tasks of jury meetings (registered through ``jury.tasks``)."""

from celery import shared_task

from antraege import task_names


@shared_task(name=task_names.SITZUNG_NACHBEREITEN, bind=True, max_retries=3, retry_backoff=10)
def task_sitzung_nachbereiten(self, *, sitzung_id):
    """After a meeting closed: its decision letters and e-mails; the minutes PDF is queued next."""
    from .services import sitzung_follow_up

    return sitzung_follow_up(sitzung_id)


@shared_task(name=task_names.SITZUNG_PROTOKOLL, bind=True, max_retries=3, retry_backoff=10)
def task_sitzung_protokoll(self, *, sitzung_id):
    """A closed meeting's minutes PDF, queued by the follow-up behind the decision e-mails."""
    from .services import sitzung_protokoll_create

    return sitzung_protokoll_create(sitzung_id)


@shared_task(name=task_names.RENDER_UNTERLAGEN, bind=True, max_retries=3, retry_backoff=10)
def task_render_unterlagen(self, *, unterlagen_id):
    """Render and store one papers PDF (a meeting's agenda in one language)."""
    from .unterlagen import sitzungsunterlagen_render

    return sitzungsunterlagen_render(unterlagen_id)


@shared_task(name=task_names.SEND_DUE_UNTERLAGEN)
def task_send_due_unterlagen():
    """Beat: send the papers of planned meetings whose lead time has come (once each), and queue
    again any papers PDF whose render was lost."""
    from .unterlagen import sitzungsunterlagen_sweep, unterlagen_due_send

    gesendet = unterlagen_due_send()
    sitzungsunterlagen_sweep()
    return gesendet
