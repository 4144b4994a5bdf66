"""The outbox: rendered in the applicant's language, sent once, kept when sending fails.

Sending claims rows in batches for one execution under a lease (``antraege.services.outbox``); the tests
with real worker processes, a real mail server and real Redis are in ``test_outbox_workers.py``.
"""

import socket
import time
from datetime import timedelta
from smtplib import SMTPRecipientsRefused

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import connection
from django.utils import timezone

from antraege.factories import AntragFactory
from antraege.models import Benachrichtigung
from antraege.services import notifications, outbox
from tests.worker.processes import wait_until
from workflow.wege import antrag_walk_to

pytestmark = pytest.mark.django_db


def receipts(fonds, count):
    rows = []
    for number in range(count):
        antrag = antrag_walk_to(
            AntragFactory(fonds=fonds, antragsteller_email=f"a{number}@example.org"), "submitted"
        )
        rows.append(Benachrichtigung.objects.get(antrag=antrag))
    return rows


def test_receipt_is_sent_once_even_when_the_task_runs_twice(antrag):
    antrag = antrag_walk_to(antrag, "submitted")
    row = Benachrichtigung.objects.get(antrag=antrag)

    first = outbox.send(row.pk, execution=outbox.execution_new())
    second = outbox.send(row.pk, execution=outbox.execution_new())

    assert (first, second) == (True, False)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [antrag.antragsteller_email]
    assert message.subject == f"Ihr Antrag {antrag.referenz} ist eingegangen"
    assert "http://testserver/mein-antrag/zugang/" in message.body
    assert message.extra_headers["Message-ID"] == notifications.message_id(row)


def test_a_leased_row_is_not_taken_by_another_execution_until_the_lease_runs_out(antrag):
    row = Benachrichtigung.objects.get(antrag=antrag_walk_to(antrag, "submitted"))
    now = timezone.now()

    assert outbox.benachrichtigungen_claim(execution="first", now=now) == 1
    # a redelivered message runs as a new execution while the first still holds the lease
    assert outbox.benachrichtigungen_claim(execution="redelivered", now=now) == 0
    just_before = now + outbox.lease() - timedelta(seconds=1)
    assert outbox.benachrichtigungen_claim(execution="other", now=just_before) == 0
    # the first execution died (no renewal): after the lease the row is free for the next one
    after = now + outbox.lease() + timedelta(seconds=1)
    assert outbox.benachrichtigungen_claim(execution="other", now=after) == 1
    row.refresh_from_db()
    assert (row.claimed_by, row.claim_until) == ("other", after + outbox.lease())


@pytest.fixture
def smtp_server(settings):
    from tests.worker.smtp import SmtpSink

    sink = SmtpSink().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 5
    yield sink
    outbox.mail_connections_close()
    sink.stop()


def test_a_batch_is_sent_over_one_smtp_connection_with_one_query_per_email(
    fonds, smtp_server, django_assert_num_queries
):
    rows = receipts(fonds, 12)

    # claim, load the batch with Antrag, fund and area, then one UPDATE per accepted e-mail
    # (PostgreSQL: with SET LOCAL synchronous_commit, in a savepoint inside the test's transaction)
    per_email = 4 if connection.vendor == "postgresql" else 1
    with django_assert_num_queries(2 + per_email * len(rows)):
        ergebnis = outbox.benachrichtigungen_send(execution=outbox.execution_new())

    assert sorted(ergebnis.gesendet) == sorted(row.pk for row in rows)
    messages = smtp_server.messages()
    assert sorted(m["To"] for m in messages) == sorted(r.empfaenger for r in rows)
    assert sorted(m["Message-ID"] for m in messages) == sorted(
        notifications.message_id(r) for r in rows
    )
    assert not Benachrichtigung.objects.filter(gesendet_am__isnull=True).exists()
    assert (smtp_server.opened, smtp_server.open_now) == (1, 1)  # kept open for the next batch

    more = receipts(fonds, 2)
    assert len(outbox.benachrichtigungen_send(execution=outbox.execution_new()).gesendet) == 2
    assert smtp_server.opened == 1
    assert outbox.mail_connections_close() == 1  # the worker stops: QUIT
    wait_until(lambda: smtp_server.open_now == 0, timeout=5, message="the connection to close")
    assert smtp_server.count() == len(rows) + len(more)


def test_a_failure_in_the_middle_of_a_batch_sends_the_rest_and_retries_the_failed_one(
    fonds, monkeypatch
):
    rows = receipts(fonds, 5)
    refused = rows[2].empfaenger
    original = EmailBackend.send_messages

    def mail_server(self, messages):
        if messages[0].to == [refused]:
            raise SMTPRecipientsRefused({refused: (451, b"4.3.0 try again later")})
        return original(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", mail_server)
    ergebnis = outbox.benachrichtigungen_send(execution=outbox.execution_new())

    assert sorted(ergebnis.gesendet) == sorted(r.pk for r in rows if r.empfaenger != refused)
    assert ergebnis.fehlgeschlagen == [rows[2].pk]
    failed = Benachrichtigung.objects.get(pk=rows[2].pk)
    assert (failed.gesendet_am, failed.claimed_by, failed.versuche) == (None, "", 1)
    assert "SMTPRecipientsRefused" in failed.letzter_fehler
    # it waits for its back-off (5 s ± 20 %): an execution now sends nothing
    assert 4 <= (failed.claim_until - timezone.now()).total_seconds() <= 6.1
    assert outbox.benachrichtigungen_send(execution=outbox.execution_new()).gesendet == []

    monkeypatch.undo()
    Benachrichtigung.objects.filter(pk=failed.pk).update(claim_until=timezone.now())  # time passed
    mail.outbox.clear()
    retry = outbox.benachrichtigungen_send(execution=outbox.execution_new())

    assert retry.gesendet == [failed.pk]
    (message,) = mail.outbox
    assert message.to == [refused]
    assert message.extra_headers["Message-ID"] == notifications.message_id(failed)
    failed.refresh_from_db()
    assert failed.versuche == 2 and failed.gesendet_am is not None


def test_a_dropped_connection_is_reopened_for_the_rest_of_the_batch(
    fonds, smtp_server, monkeypatch
):
    rows = receipts(fonds, 3)
    original = SmtpBackend.send_messages
    calls = []

    def drops_once(self, messages):
        calls.append(messages[0].to[0])
        if len(calls) == 1:
            self.connection.sock.shutdown(socket.SHUT_RDWR)  # the line went dead
        return original(self, messages)

    monkeypatch.setattr(SmtpBackend, "send_messages", drops_once)
    ergebnis = outbox.benachrichtigungen_send(execution=outbox.execution_new())

    assert len(ergebnis.gesendet) == 2 and len(ergebnis.fehlgeschlagen) == 1
    assert smtp_server.opened == 2  # a new connection carries the rest
    assert {m["To"] for m in smtp_server.messages()} == {r.empfaenger for r in rows} - {calls[0]}


def test_the_sweep_hands_on_one_task_per_batch_and_frees_a_dead_workers_rows(fonds, monkeypatch):
    rows = receipts(fonds, 3)
    dispatched = []
    monkeypatch.setattr(notifications, "dispatch", lambda pk: dispatched.append(pk) or True)
    long_ago = timezone.now() - outbox.lease() - timedelta(seconds=5)
    Benachrichtigung.objects.update(erstellt_am=long_ago)
    # a worker died holding the first row: its lease ran out, nobody renewed it
    Benachrichtigung.objects.filter(pk=rows[0].pk).update(
        claimed_by="dead", claimed_at=long_ago, claim_until=long_ago + outbox.lease()
    )
    # the second is held by a live execution, the third was sent
    Benachrichtigung.objects.filter(pk=rows[1].pk).update(
        claimed_by="alive", claim_until=timezone.now() + outbox.lease()
    )
    Benachrichtigung.objects.filter(pk=rows[2].pk).update(gesendet_am=timezone.now())

    assert outbox.dispatch_pending() == 1
    assert dispatched == [None]
    ergebnis = outbox.benachrichtigungen_send(execution=outbox.execution_new())
    assert ergebnis.gesendet == [rows[0].pk]
    assert [m.to for m in mail.outbox] == [[rows[0].empfaenger]]


def test_an_execution_that_lost_its_lease_does_not_send(fonds, monkeypatch):
    rows = receipts(fonds, 2)
    monkeypatch.setattr(outbox, "lease", lambda: timedelta(seconds=0.4))  # renewed every 0.1 s
    original = EmailBackend.send_messages

    def slow_first(self, messages):
        # while the first e-mail is sent, another execution takes over the second row
        Benachrichtigung.objects.filter(pk=rows[1].pk).update(claimed_by="other")
        time.sleep(0.15)
        return original(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", slow_first)
    ergebnis = outbox.benachrichtigungen_send(execution=outbox.execution_new())

    assert ergebnis.gesendet == [rows[0].pk]
    assert [m.to for m in mail.outbox] == [[rows[0].empfaenger]]
