"""Work nobody is waiting for goes to a second Celery queue, so it never delays a person.

The demo data of `make run` queues some 40 e-mails and a dozen letters (PDF) at once; on the
default queue they stood in front of the first real applicant's e-mail (19 s). Inside
``im_hintergrund()`` every task dispatched (also after commit) goes to the background queue; a
worker consumes both queues in turn (``celeryconfig.task_queues``), so a person's task waits for
at most the tasks already running. ``bench/startup_mails.py`` measures it.
"""

from contextlib import contextmanager
from contextvars import ContextVar

_hintergrund = ContextVar("aktionsfonds_hintergrund", default=False)


@contextmanager
def im_hintergrund():
    """Tasks dispatched in this block (incl. its on-commit callbacks) go to the background queue."""
    token = _hintergrund.set(True)
    try:
        yield
    finally:
        _hintergrund.reset(token)


def ist_hintergrund():
    return _hintergrund.get()


def im_hintergrund_wie_jetzt(callback):
    """``callback`` wrapped to run in the background iff it is created in the background: for
    on-commit callbacks, which run after the block may have ended."""
    if not _hintergrund.get():
        return callback

    def run():
        with im_hintergrund():
            return callback()

    return run


def task_enqueue(task, **kwargs):
    """``task.delay(**kwargs)``; inside the block on the background queue."""
    from celery import current_app

    if not _hintergrund.get():
        return task.delay(**kwargs)
    if "hintergrund" in _task_params(task):
        kwargs = {**kwargs, "hintergrund": True}
    return task.apply_async(kwargs=kwargs, queue=current_app.conf.aktionsfonds_background_queue)


def _task_params(task):
    import inspect

    return inspect.signature(task.run).parameters
