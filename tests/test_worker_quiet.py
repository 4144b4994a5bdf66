"""The embedded worker takes only the tasks of a test that asks for it, and has done them before
that test's database is flushed (tests/worker/embedded.py).

The tests run in this order. The first leaves a task running that writes a row late, and one held
for a countdown; the second finds neither: the running one ended before the first test's flush
took its row away, the held one was dropped from the queue or revoked. Without the wait, the late
task is still running when the second test starts (and on PostgreSQL the flush can deadlock with
its reads, as it once did in CI). The third test does not ask for the worker; the task it queues
is never run, though the worker of the tests before is still there."""

import time

import pytest
from celery import shared_task
from celery.worker import state

from antraege.models import Quartier
from tests.worker.processes import PATIENCE, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# seconds the task waits before it writes: time for the first test to look, on a busy machine
LATE = 5

_ran = []
_held = {}


@shared_task(name="tests.quartier_late_create")
def quartier_late_create(code):
    _ran.append(code)
    time.sleep(LATE)
    Quartier.objects.create(name=f"Spät {code}", code=code)


def test_a_test_ends_while_its_task_still_runs(celery_session_worker):
    quartier_late_create.delay("LT1")
    _held["id"] = quartier_late_create.apply_async(("LT2",), countdown=3600).id
    wait_until(lambda: "LT1" in _ran, timeout=PATIENCE, message="the task to start")

    assert not Quartier.objects.filter(code="LT1").exists()  # the task still sleeps


def test_the_next_test_finds_nothing_of_it(celery_session_worker):
    assert "id" in _held, "runs after the test above"

    assert not Quartier.objects.filter(code__in=["LT1", "LT2"]).exists()
    assert not state.active_requests and not state.reserved_requests
    held = [request for request in state.scheduled_requests if request.id not in state.revoked]
    assert not held


def test_a_test_without_the_worker_has_its_tasks_not_run():
    task_id = quartier_late_create.delay("LT3").id

    assert task_id in state.revoked


def test_the_worker_ran_nothing_of_the_test_without_it(celery_session_worker):
    assert "LT1" in _ran, "runs after the tests above"

    assert "LT3" not in _ran
