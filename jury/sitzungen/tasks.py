"""Celery tasks of jury meetings (registered through ``jury.tasks``)."""

from celery import shared_task


@shared_task(name="jury.task_render_sitzungsprotokoll", bind=True, max_retries=3, retry_backoff=10)
def task_render_sitzungsprotokoll(self, *, sitzung_id):
    """Render and store the one minutes PDF of a closed meeting."""
    from .services import sitzung_protokoll_erstellen

    return sitzung_protokoll_erstellen(sitzung_id)
