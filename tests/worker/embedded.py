"""The embedded worker (``celery_session_worker``) takes only the tasks of the test that asks for it,
and has done them before that test's fixtures are torn down. A pytest plugin (tests/conftest.py).

The worker lives from the first test that asks for it to the end of the run. Left to itself it
would take every task any later test queues, while that test runs: a decision's e-mails would land
in another test's ``mail.outbox`` at a moment of the machine's choosing, and a task still reading
while a transactional test's TRUNCATE takes its locks table by table deadlocks with it (the flush
fails, the next test finds the rows left; CI once failed so). So:

- a message queued in a test that did not ask for the worker is revoked as it is queued (the worker
  drops it unrun, or it is purged from the queue);
- before a test's fixtures are torn down (its database's flush among them), every message queued is
  accounted for (taken by the worker, dropped or purged), what the worker holds for a countdown (a
  retry) is revoked, and nothing runs; a running task may queue the next, so this repeats.

Messages a test sends through a broker of its own (tests/worker/fixtures.py: ``publish_via``, to
``celery worker`` processes) are not the embedded worker's and are not counted.
"""

import os
import threading
import time

import pytest
from celery.signals import after_task_publish, before_task_publish, task_received, task_revoked
from celery.worker import state

QUIET_TIMEOUT = 120  # seconds: a busy machine may take long over a PDF


class _Queue:
    """What was queued for the embedded worker and what became of it."""

    def __init__(self):
        self.lock = threading.Lock()
        self.published = set()  # task ids
        self.settled = set()  # taken by the worker, or dropped by it as revoked
        self.purged = 0
        self.worker_wanted = False
        self.connection = None  # to purge with, kept across tests (~10 ms each on Redis)

    def unaccounted(self):
        with self.lock:
            return len(self.published - self.settled) - self.purged

    def purge(self):
        from aktionsfonds.celery import app

        if self.connection is None:
            self.connection = app.connection_for_read()  # the broker the embedded worker reads
        try:
            purged = self.connection.default_channel.queue_purge(os.environ["CELERY_QUEUE"])
        except self.connection.connection_errors:
            self.connection.collect()
            self.connection = None
            raise
        with self.lock:
            self.purged += purged or 0


_queue = _Queue()


def _ours(routing_key):
    """Whether a message goes to the embedded worker's queue on its broker."""
    from aktionsfonds.celery import app

    write_url = app.conf.broker_write_url
    return routing_key == os.environ["CELERY_QUEUE"] and write_url in (None, app.conf.broker_url)


@before_task_publish.connect(weak=False)
def _revoked_unless_wanted(sender=None, headers=None, routing_key=None, **kwargs):
    # before it is sent: the worker may take it before the publishing thread goes on
    if not _queue.worker_wanted and _ours(routing_key):
        state.revoked.add(headers["id"])


@after_task_publish.connect(weak=False)
def _queued(sender=None, headers=None, routing_key=None, **kwargs):
    if _ours(routing_key):
        with _queue.lock:
            _queue.published.add(headers["id"])


@task_received.connect(weak=False)
def _taken(sender=None, request=None, **kwargs):
    with _queue.lock:
        _queue.settled.add(request.id)


@task_revoked.connect(weak=False)
def _dropped(sender=None, request=None, **kwargs):
    with _queue.lock:
        _queue.settled.add(request.id)


def embedded_worker_quiet(timeout=QUIET_TIMEOUT):
    deadline = time.monotonic() + timeout
    while True:
        for request in list(state.scheduled_requests):
            state.revoked.add(request.id)
        _queue.purge()
        busy = len(state.active_requests) + len(state.reserved_requests)
        unaccounted = _queue.unaccounted()
        if not busy and unaccounted <= 0:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"{timeout} s after the test the embedded worker still runs {busy} task(s)"
                f" and {unaccounted} message(s) are on their way to it"
            )
        time.sleep(0.05)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    _queue.worker_wanted = "celery_session_worker" in item.fixturenames


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    embedded_worker_quiet()  # before the test's fixtures are torn down
    yield
    _queue.worker_wanted = False
