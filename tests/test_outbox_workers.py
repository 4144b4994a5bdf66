"""The outbox with real parts: ``celery worker`` processes, a private redis-server, a real SMTP server.

Each e-mail carries its row's ``Message-ID``, so the mail server's record shows exactly which row
went out how often. Faults are real: a worker killed with SIGKILL inside the SMTP conversation,
every broker connection dropped by Redis while a worker sends, the mail server holding a
conversation.
"""

import os
import re
import time
from datetime import timedelta

import pytest
import redis
from django.db import connection

from antraege.factories import AntragFactory
from antraege.mail import messages as mail_messages
from antraege.mail import outbox
from antraege.models import Benachrichtigung
from tests.worker import fixtures
from tests.worker.processes import PATIENCE, WorkerProcess, wait_until
from workflow.wege import antrag_walk_to

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    fixtures.NEEDS_REDIS_SERVER,
]

# the private Redis of this module and the web side publishing to it (tests/worker/fixtures.py)
private_redis = fixtures.private_redis
publish_via = fixtures.publish_via

LEASE = 4  # seconds, for the worker processes of this module


@pytest.fixture(scope="module")
def sink():
    from tests.worker.smtp import SmtpSink

    server = SmtpSink().start()
    yield server
    server.stop()


@pytest.fixture
def workers(django_db_setup, private_redis, sink, publish_via, tmp_path):
    """``start(name)`` a worker process; every one started is stopped (or was killed) at the end."""
    started = []
    sink.clear()
    sink.release()
    for queue in (os.environ["CELERY_QUEUE"],):
        redis.Redis.from_url(private_redis.url).delete(queue)

    def start(name, *, concurrency=1):
        worker = WorkerProcess(
            broker_url=private_redis.url,
            queue=os.environ["CELERY_QUEUE"],
            database=connection.settings_dict,
            mail_dir=tmp_path / "unused",
            log_path=tmp_path / f"{name}.log",
            concurrency=concurrency,
            env={
                **sink.settings(),
                "BENACHRICHTIGUNG_LEASE_SECONDS": str(LEASE),
            },
        )
        worker.start()
        started.append(worker)
        return worker

    yield start
    sink.release()
    for worker in started:
        worker.stop()


def submitted(fonds, email):
    antrag = antrag_walk_to(AntragFactory(fonds=fonds, antragsteller_email=email), "submitted")
    return Benachrichtigung.objects.get(antrag=antrag, art="antrag_eingegangen")


def message_ids(sink):
    return [message["Message-ID"] for message in sink.messages()]


def claimed_by(row):
    row.refresh_from_db()
    return row.claimed_by


def runs(workers_, *, sent):
    """How many task runs the workers logged with ``sent`` e-mails."""
    pattern = re.compile(rf": {sent} sent, ")
    return sum(len(pattern.findall(worker.log())) for worker in workers_)


def test_two_workers_and_the_sweep_racing_send_each_email_once(fonds, workers, sink):
    first, second = workers("a"), workers("b")
    rows = [submitted(fonds, f"r{number}@example.org") for number in range(60)]
    # the sweep runs into the burst again and again while both workers send
    deadline = time.monotonic() + PATIENCE
    while Benachrichtigung.objects.filter(gesendet_am__isnull=True).exists():
        assert time.monotonic() < deadline, f"not everything sent within {PATIENCE} s"
        outbox.dispatch_pending(older_than=timedelta(0))
        time.sleep(0.05)
    time.sleep(1)  # a late duplicate would arrive now

    ids = message_ids(sink)
    assert sorted(ids) == sorted(mail_messages.message_id(row) for row in rows)
    assert sink.opened <= 2, "each worker keeps its one SMTP connection"
    assert not re.search(r"sent, [1-9]\d* failed", first.log() + second.log())


def test_a_worker_killed_inside_the_smtp_conversation_loses_its_row_to_another_within_the_lease(
    fonds, workers, sink
):
    sink.hold()
    doomed = workers("doomed")
    row = submitted(fonds, "lease@example.org")
    wait_until(
        lambda: sink.held >= 1, timeout=PATIENCE, message="the worker inside the conversation"
    )
    held_by = claimed_by(row)
    assert held_by
    survivor = workers("survivor")

    doomed.kill()
    killed = time.monotonic()
    leased_until = Benachrichtigung.objects.get(pk=row.pk).claim_until  # no renewal after this
    sink.release()
    # the beat sweep, once a second: it hands the row on only once the lease ran out
    while Benachrichtigung.objects.get(pk=row.pk).gesendet_am is None:
        assert time.monotonic() - killed < LEASE + PATIENCE, "never sent by the survivor"
        outbox.dispatch_pending(older_than=timedelta(0))
        time.sleep(0.5)
    took = time.monotonic() - killed
    time.sleep(0.5)

    assert Benachrichtigung.objects.get(pk=row.pk).gesendet_am >= leased_until  # not before
    assert message_ids(sink) == [mail_messages.message_id(row)]
    assert claimed_by(row) not in ("", held_by)
    assert runs([survivor], sent=1) == 1
    print(f"worker killed holding the row → sent by another after {took:.1f} s (lease {LEASE} s)")


def test_a_message_redelivered_while_the_first_run_sends_sends_nothing(
    fonds, workers, sink, private_redis
):
    # two pool processes each: a worker busy with one task still reads from Redis, as in production
    pair = [workers("one", concurrency=2), workers("two", concurrency=2)]
    sink.hold()
    row = submitted(fonds, "redelivered@example.org")
    wait_until(lambda: sink.held >= 1, timeout=PATIENCE, message="a worker inside the conversation")
    first = claimed_by(row)

    # Redis drops every client connection while the first run is inside the SMTP conversation;
    # the message, un-acked (acks late), is handed out again to the other worker
    redis.Redis.from_url(private_redis.url).client_kill_filter(_type="normal")
    wait_until(
        lambda: runs(pair, sent=0) >= 1,
        timeout=PATIENCE,
        message="the redelivered message to run",
    )
    assert claimed_by(row) == first  # the second run did not take the row
    assert sink.count() == 0

    sink.release()
    wait_until(
        lambda: Benachrichtigung.objects.get(pk=row.pk).gesendet_am,
        timeout=PATIENCE,
        message="sent",
    )
    time.sleep(1)
    assert message_ids(sink) == [mail_messages.message_id(row)]
    assert claimed_by(row) == first


def test_the_worker_closes_its_smtp_connection_when_it_stops(fonds, workers, sink):
    worker = workers("polite")
    opened = sink.opened
    rows = [submitted(fonds, f"c{number}@example.org") for number in range(5)]
    wait_until(
        lambda: not Benachrichtigung.objects.filter(gesendet_am__isnull=True).exists(),
        timeout=PATIENCE,
        message="the e-mails",
    )
    assert sorted(message_ids(sink)) == sorted(mail_messages.message_id(r) for r in rows)
    assert sink.opened - opened == 1  # five e-mails, one connection, still open
    assert sink.open_now == 1

    worker.stop()

    wait_until(lambda: sink.open_now == 0, timeout=PATIENCE, message="the connection to close")
    # said QUIT (not dropped by a killed process): the worker logs it just after the socket closes
    wait_until(
        lambda: "closed 1 SMTP connection(s)" in worker.log(),
        timeout=PATIENCE,
        message="the worker to log the closed connection",
    )
