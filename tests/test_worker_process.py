"""A real ``celery worker`` process delivers the receipt, also when the broker was down at submission.

The broker is a private redis-server on a free port (never the machine's shared Redis), so the test
can kill it and start it again. The worker process reads the test database and writes e-mails as
files into a temporary folder; the test process publishes through the same private Redis.
"""

import email
import os
import time
from datetime import timedelta
from email import policy
from pathlib import Path

import pytest
from django.db import connection

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

DELIVERY_TIMEOUT = PATIENCE


@pytest.fixture(scope="module")
def mail_folder(tmp_path_factory):
    return tmp_path_factory.mktemp("mail")


@pytest.fixture(scope="module")
def worker_process(
    django_db_setup, django_db_blocker, private_redis, mail_folder, tmp_path_factory
):
    # django_db_setup has pointed the connection at the test database by now
    worker = WorkerProcess(
        broker_url=private_redis.url,
        queue=os.environ["CELERY_QUEUE"],
        database=connection.settings_dict,
        mail_dir=mail_folder,
        log_path=tmp_path_factory.mktemp("log") / "worker.log",
    )
    worker.start()
    yield worker
    worker.stop()  # before the test database is dropped: the worker holds connections to it


@pytest.fixture
def mails(mail_folder):
    for old in mail_folder.iterdir():
        old.unlink()

    def read():
        return [_parse(path) for path in sorted(Path(mail_folder).iterdir())]

    return read


def _parse(path):
    raw = path.read_bytes()
    separator = b"\n" + b"-" * 79
    return email.message_from_bytes(raw.split(separator)[0], policy=policy.default)


def sent_row(antrag):
    def check():
        row = Benachrichtigung.objects.filter(antrag=antrag, art="antrag_eingegangen").first()
        return row if row and row.gesendet_am else None

    return check


def assert_one_receipt(messages, antrag):
    assert len(messages) == 1
    message = messages[0]
    assert message["To"] == antrag.antragsteller_email
    assert message["Subject"] == f"Ihr Antrag {antrag.referenz} ist eingegangen"
    assert message["Content-Language"] == antrag.sprache
    body = message.get_body(("plain",)).get_content()
    assert "http://testserver/mein-antrag/zugang/" in body


def test_worker_process_delivers_the_receipt_after_commit(
    worker_process, publish_via, mails, antrag
):
    antrag = antrag_walk_to(antrag, "submitted")
    committed = time.monotonic()

    row = wait_until(sent_row(antrag), timeout=DELIVERY_TIMEOUT, message="the receipt")
    latency = time.monotonic() - committed

    assert_one_receipt(mails(), antrag)
    assert (row.versuche, row.claimed_by != "") == (1, True)
    print(f"commit → e-mail sent by the worker process: {latency:.2f} s")


def test_receipt_survives_a_broker_outage_at_submission(
    worker_process, private_redis, publish_via, mails, antrag
):
    private_redis.stop()
    started = time.monotonic()
    antrag = antrag_walk_to(
        antrag, "submitted"
    )  # the on-commit dispatch fails and is logged, not raised
    took = time.monotonic() - started

    assert took < 3, f"submitting hung {took:.1f} s while the broker was down"
    row = Benachrichtigung.objects.get(antrag=antrag, art="antrag_eingegangen")
    assert (row.gesendet_am, row.claimed_by, row.versuche) == (None, "", 0)

    private_redis.start()  # empty: what was published before the outage is gone
    back = time.monotonic()
    assert outbox.dispatch_pending(older_than=timedelta(0)) == 1  # the beat sweep

    wait_until(sent_row(antrag), timeout=DELIVERY_TIMEOUT, message="the receipt after the outage")
    latency = time.monotonic() - back
    assert outbox.dispatch_pending(older_than=timedelta(0)) == 0
    assert_one_receipt(mails(), antrag)
    row.refresh_from_db()
    assert row.versuche == 1
    print(f"submit during outage: {took:.2f} s; broker back → e-mail sent: {latency:.2f} s")
