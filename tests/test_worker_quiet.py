"""The embedded worker has done a test's tasks before that test's database is flushed
(tests/conftest.py: ``pytest_runtest_teardown``).

The two tests run in this order. The first leaves a task running that writes a row late, and one
held for a countdown; the second finds neither: the running one ended before the first test's
flush took its row away, the held one is dropped from the queue or revoked. Without the wait, the late row outlives the
flush (or the flush deadlocks with the task's reads on PostgreSQL, as it once did in CI)."""

import time

import pytest
from celery import shared_task
from celery.worker import state

from antraege.models import Quartier

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

LATE = 2  # seconds the task waits before it writes


@shared_task(name="tests.quartier_late_create")
def quartier_late_create(code):
    time.sleep(LATE)
    Quartier.objects.create(name=f"Spät {code}", code=code)


_held = {}


def test_a_test_ends_while_its_task_still_runs(celery_session_worker):
    quartier_late_create.delay("LT1")
    _held["id"] = quartier_late_create.apply_async(("LT2",), countdown=3600).id

    assert not Quartier.objects.filter(code="LT1").exists()  # the task still sleeps


def test_the_next_test_finds_nothing_of_it(celery_session_worker):
    assert "id" in _held, "runs after the test above"

    assert not Quartier.objects.filter(code__in=["LT1", "LT2"]).exists()
    assert not state.active_requests and not state.reserved_requests
    held = [request for request in state.scheduled_requests if request.id not in state.revoked]
    assert not held  # the countdown one was purged from the queue, or revoked if already taken
