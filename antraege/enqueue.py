"""Putting work on the queue: the one way domain code hands a task to the Celery worker.

A task is named by its constant in ``task_names`` (its registered name), so domain code never
imports the task modules that import it back, and a misspelt name fails at import. A broker that
is down is logged, not raised: every task sent from here has a beat sweep that finds and redoes
what a lost message left undone.
"""

import contextlib
import logging
import threading

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
    if name in _zurueckgestellt_namen():
        return
    transaction.on_commit(lambda: task_send(name, **kwargs))


_zurueckgestellt = threading.local()


def _zurueckgestellt_namen():
    return getattr(_zurueckgestellt, "namen", frozenset())


@contextlib.contextmanager
def zurueckgestellt(*names):
    """Inside, the tasks ``names`` are not queued by ``task_enqueue_on_commit`` and
    ``task_enqueue_once_on_commit``: the caller queues them itself, later (a meeting's close:
    its follow-up task recomputes the fund's figures after the decision e-mails, not before the
    letters). Only for tasks whose loss a sweep repairs."""
    vorher = _zurueckgestellt_namen()
    _zurueckgestellt.namen = vorher | frozenset(names)
    try:
        yield
    finally:
        _zurueckgestellt.namen = vorher


class _Einmal:
    """The one send of a task shared by the on-commit callbacks of one commit."""

    def __init__(self):
        self.sent = False

    def fire(self, name, kwargs):
        if not self.sent:
            self.sent = True
            task_send(name, **kwargs)


_einmal = threading.local()


def task_enqueue_once_on_commit(name, **kwargs):
    """Like ``task_enqueue_on_commit``, but one commit sends the task ``name`` with these arguments
    once, however often its transaction asked (a meeting's close books 15 reservations on one
    fund: the fund's report figures are recomputed once, not 15 times).

    Every call registers its own callback (a savepoint that rolls back takes only its own with
    it); the calls of one transaction share one ``_Einmal``, and the first of their callbacks that
    runs sends the task. Once it has, the next call starts a new one (the next commit's).
    """
    if name in _zurueckgestellt_namen():
        return
    alias = transaction.get_connection().alias
    key = (alias, name, tuple(sorted(kwargs.items())))
    offen = getattr(_einmal, "offen", None)
    if offen is None:
        offen = _einmal.offen = {}
    current = offen.get(key)
    if current is None or current.sent:
        current = offen[key] = _Einmal()
    transaction.on_commit(lambda: current.fire(name, kwargs), using=alias)
