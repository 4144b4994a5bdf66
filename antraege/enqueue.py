"""Putting work on the queue: the one way domain code hands a task to the Celery worker.

A task is named by its constant in ``task_names`` (its registered name), so domain code never
imports the task modules that import it back, and a misspelt name fails at import. A broker that
is down is logged, not raised: every task sent from here has a beat sweep that finds and redoes
what a lost message left undone.
"""

import logging

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)


def _registered(name):
    app = current_app
    if name not in app.tasks:
        app.loader.import_default_modules()  # autodiscovery: imports the apps' tasks modules
    return app.tasks[name]


def task_send(name, **kwargs):
    """Send the task ``name`` (a ``task_names`` constant) with keyword arguments now; False if the
    broker is unavailable."""
    try:
        _registered(name).delay(**kwargs)
    except Exception:  # noqa: BLE001 - any broker failure; the sweep of this task retries
        logger.warning("broker unavailable, %s %s left for the sweep", name, kwargs)
        return False
    return True


def task_enqueue_on_commit(name, **kwargs):
    """Send the task ``name`` once the current transaction commits (at once outside of one)."""
    transaction.on_commit(lambda: task_send(name, **kwargs))
