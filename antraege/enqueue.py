"""Putting work on the queue: the one way domain code hands a task to the Celery worker.

A task is named by its registered name (``"antraege.task_render_dokument"``), so domain code never
imports the task modules that import it back. A broker that is down is logged, not raised: every
task sent from here has a beat sweep that finds and redoes what a lost message left undone.
"""

import logging

from celery import current_app
from django.db import transaction

from .hintergrund import im_hintergrund_wie_jetzt, task_enqueue

logger = logging.getLogger(__name__)


def _registered(name):
    app = current_app
    if name not in app.tasks:
        app.loader.import_default_modules()  # autodiscovery: imports the apps' tasks modules
    return app.tasks[name]


def task_send(name, **kwargs):
    """Send the task ``name`` with keyword arguments now; False if the broker is unavailable.

    Inside ``hintergrund.im_hintergrund()`` the task goes to the background queue.
    """
    try:
        task_enqueue(_registered(name), **kwargs)
    except Exception:  # noqa: BLE001 - any broker failure; the sweep of this task retries
        logger.warning("broker unavailable, %s %s left for the sweep", name, kwargs)
        return False
    return True


def task_enqueue_on_commit(name, **kwargs):
    """Send the task ``name`` once the current transaction commits (at once outside of one); to
    the background queue if this is called in the background."""
    transaction.on_commit(im_hintergrund_wie_jetzt(lambda: task_send(name, **kwargs)))
