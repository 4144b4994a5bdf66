"""E-mails sent by a real Celery worker after the transaction commits, never by a direct call.

The worker is the embedded ``celery_session_worker`` running the project's own app: over Redis
(database 15, a queue of this run) where REDIS_URL is set, over the in-memory transport otherwise.
Nothing here calls ``notifications.send``: the state change's on-commit dispatch must do it.
"""

import time

import pytest
from django.core import mail
from django.db import transaction

from antraege.factories import AntragFactory
from antraege.models import AntragStatus, Benachrichtigung
from tests.worker.processes import PATIENCE, free_port, wait_until
from workflow.wege import antrag_walk_to

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

DELIVERY_TIMEOUT = PATIENCE
# SMTP retries back off 0–5 s, then 0–10 s (retry_backoff=5 with full jitter)
RETRY_TIMEOUT = 2 * PATIENCE


@pytest.fixture(autouse=True)
def worker(celery_session_worker):
    return celery_session_worker


def receipt(antrag):
    return Benachrichtigung.objects.get(antrag=antrag, art="antrag_eingegangen")


def sent(antrag):
    return lambda: receipt(antrag).gesendet_am is not None


def test_receipt_is_delivered_by_the_worker_after_commit(antrag):
    antrag = antrag_walk_to(antrag, "submitted")
    committed = time.monotonic()

    wait_until(sent(antrag), timeout=DELIVERY_TIMEOUT, message="the receipt")
    latency = time.monotonic() - committed

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [antrag.antragsteller_email]
    assert message.subject == f"Ihr Antrag {antrag.referenz} ist eingegangen"
    assert message.extra_headers["Content-Language"] == antrag.sprache == "de"
    assert antrag.referenz in message.body
    row = receipt(antrag)
    assert (row.versuche, row.betreff) == (1, message.subject)
    print(f"commit → e-mail sent by the embedded worker: {latency:.2f} s")


def test_a_rolled_back_submission_sends_nothing(fonds):
    rolled_back, committed = AntragFactory(fonds=fonds), AntragFactory(fonds=fonds)

    with pytest.raises(RuntimeError), transaction.atomic():
        antrag_walk_to(rolled_back, "submitted")
        raise RuntimeError("the surrounding request failed")
    antrag_walk_to(committed, "submitted")
    wait_until(sent(committed), timeout=DELIVERY_TIMEOUT, message="the committed receipt")

    assert [message.to for message in mail.outbox] == [[committed.antragsteller_email]]
    rolled_back.refresh_from_db()
    assert rolled_back.status == AntragStatus.DRAFT
    assert not Benachrichtigung.objects.filter(antrag=rolled_back).exists()


def test_smtp_outage_is_retried_until_the_receipt_is_sent_once(antrag, settings):
    # SMTP down: the real SMTP backend against a port where nothing listens
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 30  # nothing listens: refused at once

    antrag = antrag_walk_to(antrag, "submitted")

    def failed_once():
        row = receipt(antrag)
        return row.versuche >= 1 and row.letzter_fehler

    wait_until(failed_once, timeout=DELIVERY_TIMEOUT, message="the first failed attempt")
    row = receipt(antrag)
    # kept for the retry (the released claim is asserted in test_notifications.py: here the
    # retry may already have claimed it again, jitter lets it start at once)
    assert row.gesendet_am is None
    assert "ConnectionRefusedError" in row.letzter_fehler
    assert mail.outbox == []

    # SMTP back: only the mail backend is swapped; the worker's own retry must deliver
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    wait_until(sent(antrag), timeout=RETRY_TIMEOUT, message="the retried receipt")

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [antrag.antragsteller_email]
    assert mail.outbox[0].subject == f"Ihr Antrag {antrag.referenz} ist eingegangen"
    row = receipt(antrag)
    assert row.versuche >= 2
    assert row.claimed_by != ""
