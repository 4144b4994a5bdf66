"""The outbox: rendered in the applicant's language, sent once, kept when sending fails.

Sending claims rows in batches for one execution under a lease (``antraege.mail.outbox``); the tests
with real worker processes, a real mail server and real Redis are in ``test_outbox_workers.py``.
"""

import base64
import email
import email.policy
import re
import smtplib
import socket
import threading
import time
from datetime import timedelta
from smtplib import SMTPRecipientsRefused

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from antraege.factories import AntragFactory
from antraege.mail import messages as mail_messages
from antraege.mail import outbox, smtp
from antraege.mail import services as mail_services
from antraege.models import Benachrichtigung
from tests.worker.processes import PATIENCE, wait_until
from workflow.wege import antrag_walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispatched(monkeypatch):
    """The ids handed to ``mail_services.dispatch``; nothing reaches a worker."""
    handed = []
    monkeypatch.setattr(mail_services, "dispatch", lambda pk: handed.append(pk) or True)
    return handed


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
    assert message.extra_headers["Message-ID"] == mail_messages.message_id(row)


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
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 30
    yield sink
    smtp.mail_connections_close()
    sink.stop()


def test_a_batch_is_sent_over_one_smtp_connection_with_one_query_per_email(
    fonds, smtp_server, django_assert_num_queries
):
    rows = receipts(fonds, 12)

    # claim, load the batch with its Anträge, their fund and area (once; on PostgreSQL all in one
    # statement), then one UPDATE per accepted e-mail
    with django_assert_num_queries((1 if connection.vendor == "postgresql" else 3) + len(rows)):
        ergebnis = outbox.benachrichtigungen_send(execution=outbox.execution_new())

    assert sorted(ergebnis.gesendet) == sorted(row.pk for row in rows)
    messages = smtp_server.messages()
    assert sorted(m["To"] for m in messages) == sorted(r.empfaenger for r in rows)
    assert sorted(m["Message-ID"] for m in messages) == sorted(
        mail_messages.message_id(r) for r in rows
    )
    assert not Benachrichtigung.objects.filter(gesendet_am__isnull=True).exists()
    assert (smtp_server.opened, smtp_server.open_now) == (1, 1)  # kept open for the next batch

    more = receipts(fonds, 2)
    assert len(outbox.benachrichtigungen_send(execution=outbox.execution_new()).gesendet) == 2
    assert smtp_server.opened == 1
    assert smtp.mail_connections_close() == 1  # the worker stops: QUIT
    wait_until(
        lambda: smtp_server.open_now == 0, timeout=PATIENCE, message="the connection to close"
    )
    assert smtp_server.count() == len(rows) + len(more)


def test_a_batch_is_claimed_and_loaded_with_what_the_orm_loads_of_its_rows(fonds):
    rows = receipts(fonds, 3)
    rows.append(
        Benachrichtigung.objects.create(
            art="abstimmung_eroeffnet", empfaenger="ohne@example.org", kontext={"n": [1, "ä"]}
        )
    )

    def seen(row):
        antrag = row.antrag
        return (
            (row.pk, row.art, row.empfaenger, row.sprache, row.kontext, row.erstellt_am),
            row.versuche,
            antrag and (antrag.pk, antrag.referenz, antrag.titel, antrag.erstellt_am),
            antrag and (antrag.fonds.pk, antrag.fonds.jahr, antrag.fonds.quartier.qm_email),
        )

    with CaptureQueriesContext(connection) as queries:
        loaded = outbox._batch_claim(outbox.execution_new(), 10)
        found = [seen(row) for row in loaded]

    # on PostgreSQL claim and load are one statement, elsewhere claim, rows, funds
    assert len(queries) == (1 if connection.vendor == "postgresql" else 3)
    orm = Benachrichtigung.objects.select_related("antrag__fonds__quartier").order_by(
        "sprache", "art", "erstellt_am", "pk"
    )
    assert found == [seen(row) for row in orm]
    assert len({id(row.antrag.fonds) for row in loaded if row.antrag_id}) == 1  # made once
    assert outbox._batch_claim(outbox.execution_new(), 10) == []  # all taken


# (state of a row, claimed?): what a sender may take. On PostgreSQL the batch's one statement
# (``outbox._Einzug``) writes the condition of ``outbox._free`` again in SQL; both ways of claiming
# must take the same rows.
ZUSTAENDE = [
    ({}, True),
    ({"gesendet_am": -60}, False),  # sent
    ({"kanal": "post"}, False),  # a letter by post waits for QM
    ({"claim_until": 60}, False),  # leased by another execution, or waiting for its next attempt
    ({"claim_until": -60}, True),  # the lease ran out, the back-off is over
]


@pytest.mark.parametrize("claim", ["batch", "count"])
def test_both_ways_of_claiming_take_the_free_rows_oldest_first(claim):
    now = timezone.now()
    rows = []
    for number, (zustand, _frei) in enumerate(ZUSTAENDE * 2):
        werte = {
            key: now + timedelta(seconds=value) if isinstance(value, int) else value
            for key, value in zustand.items()
        }
        row = Benachrichtigung.objects.create(
            art="abstimmung_eroeffnet", empfaenger=f"z{number}@example.org", **werte
        )
        # creation times in another order than the ids: oldest first means by the time
        Benachrichtigung.objects.filter(pk=row.pk).update(
            erstellt_am=now - timedelta(minutes=100 - number * (-1) ** number)
        )
        rows.append(row)
    frei = [row for row, (_zustand, ja) in zip(rows, ZUSTAENDE * 2, strict=True) if ja]
    frei.sort(key=lambda row: Benachrichtigung.objects.get(pk=row.pk).erstellt_am)
    execution = outbox.execution_new()

    if claim == "batch":  # on PostgreSQL the one statement that claims and loads
        taken = {row.pk for row in outbox._batch_claim(execution, len(frei) - 1)}
    else:
        outbox.benachrichtigungen_claim(execution=execution, limit=len(frei) - 1)
        taken = set(
            Benachrichtigung.objects.filter(claimed_by=execution).values_list("pk", flat=True)
        )

    assert taken == {row.pk for row in frei[:-1]}  # the oldest free ones, up to the limit
    assert Benachrichtigung.objects.filter(claimed_by=execution).count() == len(frei) - 1


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
    assert message.extra_headers["Message-ID"] == mail_messages.message_id(failed)
    failed.refresh_from_db()
    assert failed.versuche == 2 and failed.gesendet_am is not None


def _claims_and_sends(monkeypatch):
    """``["claim 2", "send", …]``: what the outbox does, in order."""
    events = []
    claim, send = outbox._batch_claim, smtp.message_send

    def claim_recorded(execution, limit):
        rows = claim(execution, limit)
        events.append(f"claim {len(rows)}")
        return rows

    def send_recorded(connection, message, **kwargs):
        events.append("send" if message.to != ["refused@example.org"] else "refused")
        if message.to == ["refused@example.org"]:
            raise SMTPRecipientsRefused({message.to[0]: (451, b"4.3.0 try again later")})
        return send(connection, message, **kwargs)

    monkeypatch.setattr(outbox, "_batch_claim", claim_recorded)
    monkeypatch.setattr(smtp, "message_send", send_recorded)
    return events


def test_a_run_claims_the_next_batch_while_it_still_sends_the_one_before(fonds, monkeypatch):
    rows = receipts(fonds, 5)
    events = _claims_and_sends(monkeypatch)

    ergebnis = outbox.benachrichtigungen_send(
        execution=outbox.execution_new(), limit=2, bis=time.monotonic() + 600
    )

    assert ergebnis.geclaimt == 5 and sorted(ergebnis.gesendet) == sorted(r.pk for r in rows)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.empfaenger for r in rows)  # once each
    # a batch that came full: the next is claimed after the first e-mail of this one went out
    assert events == ["claim 2", "send", "claim 2", "send", "send", "claim 1", "send", "send"]


def test_the_batches_of_a_run_share_the_layout_made_once(fonds, monkeypatch):
    rows = receipts(fonds, 4)  # one language, two batches
    made = []
    layout = mail_messages._Layout

    def layout_recorded(*args):
        made.append(args[1])
        return layout(*args)

    monkeypatch.setattr(mail_messages, "_Layout", layout_recorded)
    ergebnis = outbox.benachrichtigungen_send(
        execution=outbox.execution_new(), limit=2, bis=time.monotonic() + 600
    )

    assert sorted(ergebnis.gesendet) == sorted(r.pk for r in rows)
    assert made == ["de"]


def test_a_run_claims_no_further_batch_once_an_email_failed(fonds, monkeypatch):
    rows = receipts(fonds, 6)
    Benachrichtigung.objects.filter(pk=rows[1].pk).update(empfaenger="refused@example.org")
    events = _claims_and_sends(monkeypatch)

    ergebnis = outbox.benachrichtigungen_send(
        execution=outbox.execution_new(), limit=2, bis=time.monotonic() + 600
    )

    # the second batch was claimed before the second e-mail failed; no third one after that
    assert events == ["claim 2", "send", "claim 2", "refused", "send", "send"]
    assert ergebnis.fehlgeschlagen == [rows[1].pk] and len(ergebnis.gesendet) == 3
    assert Benachrichtigung.objects.filter(gesendet_am__isnull=True, claimed_by="").count() == 3


def test_a_dropped_connection_is_reopened_for_the_rest_of_the_batch(
    fonds, smtp_server, monkeypatch
):
    rows = receipts(fonds, 3)
    original = smtplib.SMTP.putcmd
    calls = []

    def drops_once(self, command, argument="", *args, **kwargs):
        if command == "rcpt":  # the first recipient's command: the line went dead
            calls.append(argument.removeprefix("TO:<").removesuffix(">"))
            if len(calls) == 1:
                self.sock.shutdown(socket.SHUT_RDWR)
        return original(self, command, argument, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "putcmd", drops_once)
    ergebnis = outbox.benachrichtigungen_send(execution=outbox.execution_new())

    assert len(ergebnis.gesendet) == 2 and len(ergebnis.fehlgeschlagen) == 1
    assert smtp_server.opened == 2  # a new connection carries the rest
    assert {m["To"] for m in smtp_server.messages()} == {r.empfaenger for r in rows} - {calls[0]}


def test_the_sweep_hands_on_one_task_per_batch_and_frees_a_dead_workers_rows(fonds, dispatched):
    rows = receipts(fonds, 3)
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


def test_a_burst_in_one_transaction_puts_one_task_per_batch_on_the_queue(
    fonds, dispatched, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        antrag = antrag_walk_to(AntragFactory(fonds=fonds), "submitted")
    dispatched.clear()

    with django_capture_on_commit_callbacks(execute=True):
        rows = [
            mail_services.queue("antrag_eingegangen", empfaenger=f"j{n}@example.org", antrag=antrag)
            for n in range(outbox.BATCH * 2 + 1)
        ]
    # 101 e-mails: three batches, three tasks (woken by the 1st, 51st and 101st row)
    assert dispatched == [rows[0].pk, rows[50].pk, rows[100].pk]

    dispatched.clear()
    with django_capture_on_commit_callbacks(execute=True):  # the next transaction dispatches anew
        row = mail_services.queue("antrag_eingegangen", empfaenger="x@example.org", antrag=antrag)
    assert dispatched == [row.pk]


def test_an_email_queued_after_a_rolled_back_savepoint_is_still_dispatched(
    fonds, dispatched, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        antrag = antrag_walk_to(AntragFactory(fonds=fonds), "submitted")
    dispatched.clear()

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            for _ in range(outbox.BATCH * 2):
                mail_services.queue(
                    "antrag_eingegangen", empfaenger="gone@example.org", antrag=antrag
                )
            raise RuntimeError  # the savepoint rolls back: its rows and their dispatch are gone
        kept = mail_services.queue(
            "antrag_eingegangen", empfaenger="kept@example.org", antrag=antrag
        )

    assert len(dispatched) == 1  # one task for the kept row, none for the rolled-back burst
    assert Benachrichtigung.objects.get(pk=kept.pk).gesendet_am is None  # pending, to be claimed
    assert not Benachrichtigung.objects.filter(empfaenger="gone@example.org").exists()


def test_recipients_of_one_rendering_each_get_their_own_link(fonds):
    from django.core import signing

    from antraege.datenschutz.adressen import adresse_fingerabdruck
    from antraege.zugang.links import SALT, antrag_from_link_token

    antrag = antrag_walk_to(AntragFactory(fonds=fonds, titel="Hof & <Garten>"), "submitted")
    rows = [
        mail_services.queue("antrag_eingegangen", empfaenger=address, antrag=antrag, sprache="tr")
        for address in ("eins@example.org", "zwei@example.org", "o'neil&co@example.org")
    ]
    rows = list(
        Benachrichtigung.objects.filter(pk__in=[r.pk for r in rows])
        .select_related("antrag__fonds__quartier")
        .order_by("pk")
    )

    built = mail_messages.messages_build(rows)

    link = re.compile(r"http://testserver/mein-antrag/zugang/([^/\s\"<]+)/")
    for row, message in built:
        html = message.alternatives[0][0]
        token = link.search(message.body).group(1)
        # the address the link was sent to, so opening it confirms that address
        assert signing.loads(token, salt=SALT)["e"] == adresse_fingerabdruck(row.empfaenger)
        assert antrag_from_link_token(token) == antrag
        assert f'<a href="http://testserver/mein-antrag/zugang/{token}/">' in html
        assert "linkplatzhalter" not in message.body + html + message.subject
        # the same e-mail as rendered for this row alone (apart from the link's time stamp)
        subject, text, alone_html = mail_messages.render(row)
        assert message.subject == subject
        assert link.sub("LINK", message.body) == link.sub("LINK", text)
        assert link.sub("LINK", html) == link.sub("LINK", alone_html)
    assert len({link.search(m.body).group(1) for _, m in built}) == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's asynchronous commit")
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_marks_are_written_beside_the_sending_and_waited_for(
    fonds, django_assert_num_queries, monkeypatch
):
    # the rows are not handed to a worker: a session worker started by an earlier test would
    # send them before this test does (it failed so in CI's PostgreSQL pass)
    monkeypatch.setattr(mail_services, "dispatch", lambda pk: True)
    rows = receipts(fonds, 3)

    # the claim and load of the batch (one statement whose commit does not wait for the disk)
    # and the marks go through the marker's own connection, kept across tasks; the sending
    # thread's connection (Celery closes it after every task) is not used
    claims = []
    claim = outbox._batch_claim

    def claim_recorded(execution, limit):
        with CaptureQueriesContext(connection) as captured:
            found = claim(execution, limit)
        claims.append((threading.current_thread().name, [q["sql"] for q in captured]))
        return found

    monkeypatch.setattr(outbox, "_batch_claim", claim_recorded)
    with django_assert_num_queries(0):
        ergebnis = outbox.benachrichtigungen_send(execution=outbox.execution_new())
    ((thread, (statement,)),) = claims
    assert thread == "outbox-mark" and statement.startswith("WITH g AS (UPDATE ")
    assert "(SELECT set_config('synchronous_commit', 'off', true)) IS NOT NULL" in statement

    assert sorted(ergebnis.gesendet) == sorted(r.pk for r in rows)
    sent = Benachrichtigung.objects.filter(pk__in=ergebnis.gesendet, gesendet_am__isnull=False)
    assert sent.filter(claim_until__isnull=True, versuche=1).count() == 3  # all written on return
    assert {m.to[0] for m in mail.outbox} == {r.empfaenger for r in rows}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the marker's own connection")
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_next_batch_is_claimed_by_the_markers_thread(fonds, monkeypatch):
    monkeypatch.setattr(mail_services, "dispatch", lambda pk: True)  # no worker sends them
    rows = receipts(fonds, 5)
    claims = []
    claim = outbox._batch_claim

    def claim_recorded(execution, limit):
        found = claim(execution, limit)
        claims.append((threading.current_thread().name, len(found)))
        return found

    monkeypatch.setattr(outbox, "_batch_claim", claim_recorded)
    ergebnis = outbox.benachrichtigungen_send(
        execution=outbox.execution_new(), limit=2, bis=time.monotonic() + 600
    )

    # every batch by the marker's thread (its connection kept across tasks), each next one
    # beside the sending
    assert claims == [("outbox-mark", 2), ("outbox-mark", 2), ("outbox-mark", 1)]
    assert sorted(ergebnis.gesendet) == sorted(r.pk for r in rows)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.empfaenger for r in rows)  # once each


def _backend_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _backend_alive(pid):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0] == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the marker's own connection")
@pytest.mark.django_db(transaction=True)
def test_the_markers_thread_keeps_its_connection_across_tasks_and_closes_it_when_stopped(
    fonds, monkeypatch
):
    monkeypatch.setattr(mail_services, "dispatch", lambda pk: True)  # no worker sends them
    pids, sent = [], []
    for _task in range(2):
        rows = receipts(fonds, 2)
        execution = outbox.execution_new()
        with outbox.Marker(execution) as marker:
            outbox.benachrichtigungen_send(execution=execution, marker=marker)
            pids.append(marker.submit(_backend_pid).result())
            sent.extend(marker.flush())
        assert sorted(sent[-2:]) == sorted(r.pk for r in rows)

    # the second task's marks went over the first one's connection, not a new one
    assert pids[0] == pids[1] != _backend_pid()
    assert _backend_alive(pids[0])
    # the worker stops (worker_process_shutdown): the connection is closed, not left to the server
    assert outbox.marker_thread_stop()
    wait_until(lambda: not _backend_alive(pids[0]), timeout=PATIENCE, message="closed connection")
    assert not outbox.marker_thread_stop()  # stopped once


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the marker's own connection")
@pytest.mark.django_db(transaction=True)
def test_a_task_still_sending_when_the_markers_thread_is_stopped_gets_its_marks(fonds, monkeypatch):
    monkeypatch.setattr(mail_services, "dispatch", lambda pk: True)  # no worker sends them
    rows = receipts(fonds, 3)
    execution = outbox.execution_new()
    with outbox.Marker(execution) as marker:
        first = marker.submit(_backend_pid).result()
        # another thread of the process stops the marker's thread (a test's end, a shutdown)
        stopping = threading.Thread(target=outbox.marker_thread_stop, args=(PATIENCE,))
        stopping.start()
        wait_until(lambda: outbox._faden_aktiv is None, timeout=PATIENCE, message="stop asked")
        outbox.benachrichtigungen_send(execution=execution, marker=marker)
        marked = marker.flush()  # served, not left waiting on a thread that ended
    stopping.join(PATIENCE)

    assert sorted(marked) == sorted(r.pk for r in rows)
    assert Benachrichtigung.objects.filter(gesendet_am__isnull=True).count() == 0
    assert not stopping.is_alive()  # the thread ended once its last task was done …
    wait_until(lambda: not _backend_alive(first), timeout=PATIENCE, message="closed connection")
    with outbox.Marker(execution) as marker:  # … and the next task starts a new one
        assert marker.submit(_backend_pid).result() != first


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the marker's own connection")
@pytest.mark.django_db(transaction=True)
def test_a_task_after_the_markers_connection_broke_claims_and_marks_on_a_new_one(
    fonds, monkeypatch
):
    monkeypatch.setattr(mail_services, "dispatch", lambda pk: True)  # no worker sends them
    execution = outbox.execution_new()
    with outbox.Marker(execution) as marker:
        broken = marker.submit(_backend_pid).result()
    with connection.cursor() as cursor:  # the database drops it (a restart, an idle timeout)
        cursor.execute("SELECT pg_terminate_backend(%s)", [broken])
    wait_until(lambda: not _backend_alive(broken), timeout=PATIENCE, message="dropped connection")

    rows = receipts(fonds, 5)
    ergebnis = outbox.benachrichtigungen_send(
        execution=outbox.execution_new(), limit=2, bis=time.monotonic() + 600
    )

    # the next batches were claimed and every e-mail marked, by the thread on a new connection
    assert ergebnis.geclaimt == 5
    assert sorted(ergebnis.gesendet) == sorted(r.pk for r in rows)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.empfaenger for r in rows)  # once each
    assert Benachrichtigung.objects.filter(gesendet_am__isnull=True).count() == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's asynchronous commit")
@pytest.mark.django_db(transaction=True)
def test_a_batch_never_takes_up_the_rows_of_the_batch_before_whose_marks_are_under_way(
    fonds, monkeypatch
):
    monkeypatch.setattr(mail_services, "dispatch", lambda pk: True)  # no worker sends them
    rows = receipts(fonds, 4)
    write = outbox._sent_record_many

    def slow_database(items, execution):
        time.sleep(0.5)  # the marks of the first batch are still being written …
        return write(items, execution)

    monkeypatch.setattr(outbox, "_sent_record_many", slow_database)
    execution = outbox.execution_new()
    with outbox.Marker(execution) as marker:
        for _ in range(2):  # … when the task claims its second batch
            outbox.benachrichtigungen_send(execution=execution, limit=2, marker=marker)
        marked = marker.flush()

    assert sorted(marked) == sorted(r.pk for r in rows)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.empfaenger for r in rows)  # once each


def test_each_next_email_is_made_in_steps_while_the_mail_server_answers_the_one_before(
    fonds, smtp_server, monkeypatch
):
    from django.template.backends.django import Template

    rows = receipts(fonds, 4)
    events = []
    build, wire_for, render = mail_messages.message_build, smtp.wire_for, Template.render
    putcmd, send, getreply = smtplib.SMTP.putcmd, smtplib.SMTP.send, smtplib.SMTP.getreply

    def build_recorded(row, rendered):
        events.append(f"made {row.empfaenger}")
        return build(row, rendered)

    def wire_recorded(message):
        events.append(f"wire {message.to[0]}")
        return wire_for(message)

    def render_recorded(self, *args, **kwargs):
        events.append("render")
        return render(self, *args, **kwargs)

    def putcmd_recorded(self, command, *args):
        events.append(f"command {command}")
        return putcmd(self, command, *args)

    def send_recorded(self, data):
        if isinstance(data, bytes) and data.endswith(b"\r\n.\r\n"):
            events.append("data")
        return send(self, data)

    def getreply_recorded(self):
        answer = getreply(self)
        events.append(f"answer {answer[0]}")
        return answer

    monkeypatch.setattr(mail_messages, "message_build", build_recorded)
    monkeypatch.setattr(smtp, "wire_for", wire_recorded)
    monkeypatch.setattr(Template, "render", render_recorded)
    monkeypatch.setattr(smtplib.SMTP, "putcmd", putcmd_recorded)
    monkeypatch.setattr(smtplib.SMTP, "send", send_recorded)
    monkeypatch.setattr(smtplib.SMTP, "getreply", getreply_recorded)
    ergebnis = outbox.benachrichtigungen_send(execution=outbox.execution_new())

    assert sorted(ergebnis.gesendet) == sorted(r.pk for r in rows)
    assert sorted(m["To"] for m in smtp_server.messages()) == sorted(r.empfaenger for r in rows)
    made = [event for event in events if event.startswith("made")]
    assert made == [f"made {r.empfaenger}" for r in rows]  # each once, in the batch's order
    # while the server answers each of the four commands of an e-mail (MAIL, RCPT, DATA, the
    # data), one step of the next is made: subject, text, HTML and message, wire form
    starts = [i for i, event in enumerate(events) if event == "command mail"]
    for number, row in enumerate(rows[1:]):
        assert events[starts[number] : starts[number + 1]] == [
            "command mail",
            "render",
            "answer 250",
            "command rcpt",
            "render",
            "answer 250",
            "command data",
            f"made {row.empfaenger}",
            "answer 354",
            "data",
            f"wire {row.empfaenger}",
            "answer 250",
        ]


def test_the_wire_form_is_the_email_django_would_send(fonds, smtp_server):
    hof = antrag_walk_to(
        AntragFactory(fonds=fonds, titel="Straßenfest „Hof“ & <Garten>"), "submitted"
    )
    lang = antrag_walk_to(
        AntragFactory(fonds=fonds, titel="Ein Fest " + "mit sehr langem Namen " * 6), "submitted"
    )
    Benachrichtigung.objects.all().delete()
    addresses = ("eins@example.org", "zwei@example.org", "dräi@exämple.org")  # the last: encoded
    for sprache in ("de", "ar"):
        for address in addresses:  # one rendering shared by three recipients
            mail_services.queue(
                "antrag_eingegangen", empfaenger=address, sprache=sprache, antrag=hof
            )
    for sprache in ("en", "tr"):  # another Antrag, rendered for each alone; a long subject
        mail_services.queue(
            "nachforderung",
            empfaenger="lang@example.org",
            sprache=sprache,
            antrag=lang,
            kontext={"nachricht": "Bitte senden Sie uns den Kostenplan."},
        )
    # a line too long for 8 bit: Django sends it quoted-printable
    mail_services.queue(
        "nachforderung",
        empfaenger="qp@example.org",
        antrag=lang,
        kontext={"nachricht": "Sehr lange Zeile " * 80},
    )

    rows = Benachrichtigung.objects.select_related("antrag__fonds__quartier").order_by("sprache")
    wire = {
        (r.sprache, r.empfaenger): smtp.wire_for(m) for r, m in mail_messages.messages_build(rows)
    }
    assert sorted(key for key, value in wire.items() if value is None) == [
        ("ar", "dräi@exämple.org"),
        ("de", "dräi@exämple.org"),
        ("de", "qp@example.org"),
    ]  # the others go out as put into the encoded shape

    ergebnis = outbox.benachrichtigungen_send(execution=outbox.execution_new())

    assert len(ergebnis.gesendet) == 9
    link = re.compile(r"/mein-antrag/zugang/[^/\s\"<]+/")
    received = {m["Message-ID"]: m for m in smtp_server.messages()}
    for row in Benachrichtigung.objects.select_related("antrag__fonds__quartier"):
        built = mail_messages.message_build(row, mail_messages.render(row))
        own = email.message_from_bytes(built.message().as_bytes(), policy=email.policy.default)
        got = received[mail_messages.message_id(row)]
        for header in ("From", "Reply-To", "To", "Message-ID", "Content-Language", "Content-Type"):
            assert str(got[header]).split(";")[0] == str(own[header]).split(";")[0], header
        # the subject as rendered: where Django folds an encoded subject before its first word a
        # reader sees a leading space, the wire form has none
        assert str(own["Subject"]).lstrip() == built.subject
        if wire[(row.sprache, row.empfaenger)] is None:  # sent by Django
            assert str(got["Subject"]) == str(own["Subject"])
        else:
            assert str(got["Subject"]) == built.subject
        assert got["MIME-Version"] == "1.0" and got["Date"].datetime is not None
        got_text, got_html = (part.get_content() for part in got.iter_parts())
        own_text, own_html = (part.get_content() for part in own.iter_parts())
        for mine, djangos in ((got_text, own_text), (got_html, own_html)):
            assert link.sub("L", mine.replace("\r\n", "\n")) == link.sub("L", djangos)
        assert [p["Content-Type"].params["charset"] for p in got.iter_parts()] == ["utf-8"] * 2
        assert "platzhalter" not in got.as_string()
    assert all(
        len(line) <= 998 for m in smtp_server.messages() for line in m.as_bytes().split(b"\n")
    )


def test_the_wire_form_names_its_mime_version_once_and_its_parts_on_one_line_each(fonds):
    (row,) = receipts(fonds, 1)
    row = Benachrichtigung.objects.select_related("antrag__fonds__quartier").get(pk=row.pk)
    ((_row, message),) = mail_messages.messages_build([row])

    wire = smtp.wire_for(message)

    head, body = wire.split(b"\r\n\r\n", 1)
    assert wire.count(b"MIME-Version: 1.0\r\n") == 1 and b"MIME-Version" in head  # RFC 2045, 4
    (content_type,) = [line for line in head.split(b"\r\n") if line.startswith(b"Content-Type")]
    assert content_type.startswith(b'Content-Type: multipart/alternative; boundary="')
    assert len(content_type) <= 78 and b"\r\n " not in head.split(b"Subject")[0]  # not folded
    parsed = email.message_from_bytes(wire, policy=email.policy.default)
    assert [part.get_content_type() for part in parsed.iter_parts()] == ["text/plain", "text/html"]
    text, html = (part.get_content() for part in parsed.iter_parts())
    assert text.replace("\r\n", "\n") == message.body
    assert html.replace("\r\n", "\n") == message.alternatives[0][0]


@pytest.mark.parametrize(
    "subject",
    [
        "Ihr Antrag AF-2026-HOS-001 ist eingegangen",
        "Grüße zu Ihrem Antrag AF-2026-HOS-001",
        "Başvurunuz AF-2026-HOS-001 alındı: İnceleme başladı, ğüşıöç ĞÜŞİÖÇ",
        "تم استلام طلبكم AF-2027-SOL-001",
        "طلبكم " * 40 + "AF-2027-SOL-001",
        "Straßenfest „Hof“ & <Garten> =?utf-8?b?eA==?= " * 4,
        "🎉 " * 50,
        "a" * 90 + "ä",
    ],
)
def test_a_subject_goes_into_the_wire_form_as_it_reads(subject):
    value = smtp._subject(subject)

    lines = f"Subject: {value}".split("\r\n")
    assert all(len(line) <= 78 for line in lines)
    header = email.message_from_bytes(
        f"Subject: {value}\r\n\r\n".encode("ascii"), policy=email.policy.default
    )["Subject"]
    assert str(header) == subject  # no leading space, no character cut in two
    if not subject.isascii():
        words = re.findall(r"=\?utf-8\?b\?([^?]*)\?=", value)
        assert "".join(base64.b64decode(w).decode("utf-8") for w in words) == subject
        assert all(len(w) + len("=?utf-8?b??=") <= 75 for w in words)


def test_the_footer_made_once_per_batch_is_the_footer_each_email_had(fonds, quartier):
    """Each text ends in the footer made once per area and language of a batch
    (``messages.Stapel``): the same text as the template including ``emails/_footer.txt``."""
    from pathlib import Path

    from django.conf import settings
    from django.template import Context, Engine
    from django.utils import translation

    quartier.qm_buero_name, quartier.qm_telefon = 'QM "Soldiner" & Co <Büro>', "030 123"
    quartier.save()
    rows = receipts(fonds, 2)
    arten = sorted(p.name for p in Path(settings.BASE_DIR, "templates", "emails").iterdir())
    engine = Engine.get_default()
    for art in (art for art in arten if "." not in art and not art.startswith("_")):
        for sprache in ("de", "ar"):
            row = Benachrichtigung(
                art=art, antrag=rows[0].antrag, empfaenger="x@example.org", sprache=sprache
            )
            source = Path(settings.BASE_DIR, "templates", "emails", art, "text.txt").read_text()
            assert "{{ fusszeile }}" in source, f"{art}: the footer made once, not included"
            with translation.override(sprache):
                text = mail_messages.render(row)[1]
                included = engine.from_string(
                    source.replace("{{ fusszeile }}", '{% include "emails/_footer.txt" %}')
                ).render(
                    Context(
                        {
                            "antrag": row.antrag,
                            "kontext": {},
                            "site_url": settings.SITE_URL,
                            "link": re.search(r"http\S+/mein-antrag/zugang/\S+/", text)[0]
                            if "/mein-antrag/zugang/" in text
                            else "",
                            "quartier": quartier,
                        }
                    )
                )
            assert text == included, art
            assert 'QM "Soldiner" & Co <Büro>' in text  # a text part: nothing escaped
