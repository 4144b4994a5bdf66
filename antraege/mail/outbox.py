"""Sending the outbox at the mail server's pace, and surely.

One *execution* (a fresh uuid per task run, never the Celery task id: a message redelivered while
the first run still sends carries the same task id) claims up to ``BATCH`` unsent rows with one
conditional update and holds them under a short lease (``claim_until``) that it renews while it
sends. A worker killed with ``kill -9`` simply stops renewing: after at most one lease its rows are
free again and the next sweep hands them to another worker. A redelivered message gets a new
execution id, finds the rows leased by a live execution and sends nothing.

Each worker thread keeps one SMTP connection open across tasks (``smtp``; closed when the worker
stops), so a burst costs one connection and one claim per batch; the marks are written by a thread
of its own (``Marker``; one per process, its database connection kept across tasks), which also
claims and loads each batch, the next while the one before is sent (``Nachschub``; on PostgreSQL
claim and load are one statement, ``_Einzug``), and the sending thread makes each next e-mail, a step at a time, while the mail
server answers the commands of the one before (``Vorlauf``). The e-mail is marked sent right after the SMTP server accepted it; a failure releases only that row
with a back-off and the batch goes on. The one window no outbox can close — the server accepted,
the worker died before the ``UPDATE`` — sends the e-mail again with the same ``Message-ID``, so
mail clients fold it.
"""

import logging
import os
import queue
import random
import threading
import time
import uuid
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import timedelta
from smtplib import SMTPServerDisconnected

from django.conf import settings
from django.db import DatabaseError
from django.db import connection as db_connection
from django.db.models import BooleanField, Q, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone

from ..models import Aktionsfonds
from . import messages, services, smtp
from .models import Benachrichtigung

logger = logging.getLogger(__name__)

# Rows one execution claims at a time (the on-commit dispatch sends one task per batch).
BATCH = services.BATCH
# After a failed attempt the row waits 5 s, 10 s, 20 s … at most this long before the next one,
# so everything is out within two minutes of the mail server coming back.
BACKOFF_MAX = timedelta(seconds=60)


def lease():
    """How long a claim holds without being renewed (``BENACHRICHTIGUNG_LEASE_SECONDS``)."""
    return timedelta(seconds=getattr(settings, "BENACHRICHTIGUNG_LEASE_SECONDS", 60))


def execution_new():
    """A fresh claim id for one run of a task."""
    return uuid.uuid4().hex


def _free(now):
    return (
        Q(gesendet_am__isnull=True)
        & Q(kanal="email")  # a letter by post waits for QM, never for SMTP
        & (Q(claim_until__isnull=True) | Q(claim_until__lt=now))
    )


def benachrichtigungen_claim(*, execution, limit=BATCH, now=None):
    """Claim up to ``limit`` free unsent rows, oldest first, for ``execution``; returns how many.

    One conditional ``UPDATE``: rows another execution leases (or that wait for their next attempt)
    are left alone, and of two executions racing for a row exactly one gets it. On PostgreSQL
    outside a transaction it is one statement whose commit does not wait for the disk
    (``synchronous_commit`` off for it alone, set inside the statement, as the marks',
    ``_sent_record_many``; one round trip instead of four): the locks decide the race all the
    same; should PostgreSQL crash before the flush, the claim is forgotten and its e-mails are
    sent again with the same ``Message-ID``, like the marks.
    """
    now = now or timezone.now()
    oldest = (
        Benachrichtigung.objects.filter(_free(now)).order_by("erstellt_am", "pk").values("pk")
    )[:limit]
    claim = Benachrichtigung.objects.filter(_free(now), pk__in=Subquery(oldest))
    if db_connection.vendor == "postgresql" and not db_connection.in_atomic_block:
        claim = claim.filter(
            RawSQL(
                "(SELECT set_config('synchronous_commit', 'off', true)) IS NOT NULL",
                [],
                output_field=BooleanField(),
            )
        )
    return claim.update(claimed_by=execution, claimed_at=now, claim_until=now + lease())


def benachrichtigungen_pending_count(*, now=None, older_than=timedelta(0)):
    """Unsent rows that a sender may take now (free lease, no back-off), older than ``older_than``."""
    now = now or timezone.now()
    return Benachrichtigung.objects.filter(_free(now), erstellt_am__lte=now - older_than).count()


def backoff(versuche):
    """Wait before attempt ``versuche + 1``: 5 s doubling, capped, with ±20 % jitter."""
    seconds = min(5 * 2 ** max(versuche - 1, 0), BACKOFF_MAX.total_seconds())
    return timedelta(seconds=seconds * random.uniform(0.8, 1.2))


# --- the batch -----------------------------------------------------------------------------------


@dataclass
class Versandergebnis:
    """What one send run of the outbox did: how many rows it claimed, ids sent, ids failed
    (released with a back-off), and when the earliest failed one may be tried again. (Not the
    jury's ``Ergebnis`` of a vote.)"""

    geclaimt: int = 0
    gesendet: list = field(default_factory=list)
    fehlgeschlagen: list = field(default_factory=list)
    naechster_versuch: object = None


def benachrichtigungen_send(*, execution, limit=BATCH, marker=None, bis=None):
    """Claim a batch for ``execution`` and send it over this worker's connection.

    Side effects: each accepted e-mail marks its row sent at once; a row that fails is released
    with its error and a back-off, and the others still go out. The lease is renewed while the
    batch is sent (by a keeper thread, also during a long SMTP conversation); an e-mail whose lease
    could not be renewed in time is left to whoever takes it next. With the caller's ``marker``
    (one for the batches of a task) the marks may still be under way on return: the ids sent are
    what the caller's ``marker.flush()`` returns, not ``gesendet``. With ``bis`` (a
    ``time.monotonic()`` deadline) the next batch is claimed and made while this one is sent, as
    long as each came full, none failed and the deadline has not passed (``Nachschub``).
    """
    ergebnis = Versandergebnis()
    if marker is None:
        with Marker(execution) as marker:
            _send(execution, limit, marker, ergebnis, bis)
            ergebnis.gesendet.extend(marker.flush())
        return ergebnis
    return _send(execution, limit, marker, ergebnis, bis)


def _send(execution, limit, marker, ergebnis, bis):
    # the first batch too on the marker's thread where there is one: its database connection is
    # kept across tasks, while Celery closes the task's own after every task (a new connection
    # before the first e-mail cost ~3 ms)
    if marker.threaded:
        rows = marker.submit(_neu_verbunden, _batch_claim, execution, limit).result()
    else:
        rows = _batch_claim(execution, limit)
    ergebnis.geclaimt = len(rows)
    if not rows:
        return ergebnis
    return _batch_send(execution, rows, marker, ergebnis, Nachschub(execution, limit, bis, marker))


# What sending reads of a row and of its Antrag (the e-mail templates included; a field not named
# here is read by a query of its own when a template asks for it, so
# ``tests/test_email_escaping.py`` renders every template from rows loaded so and counts such
# queries): not the Antrag's other forty-odd columns.
GELESEN = (
    "art",
    "antrag",
    "empfaenger",
    "sprache",
    "kontext",
    "erstellt_am",
    "versuche",
    "antrag__fonds",
    "antrag__sprache",
    "antrag__referenz",
    "antrag__titel",
    "antrag__antragsteller_name",
    "antrag__erstellt_am",
    "antrag__betrag_bewilligt",
    "antrag__abrechnungsfrist",
    "antrag__auflagen",
    "antrag__link_version",
)


def _batch_claim(execution, limit):
    """Claim up to ``limit`` rows for ``execution`` and load them with their Antrag; the funds and
    areas of a batch (mostly one) are loaded once each, not once per row. On PostgreSQL one
    statement does it all (``_Einzug``)."""
    now = timezone.now()
    if db_connection.vendor == "postgresql":
        return _einzug().run(execution, limit, now)
    if not benachrichtigungen_claim(execution=execution, limit=limit, now=now):
        return []
    # this claim's rows only: an e-mail of the execution's batch before may be accepted and not
    # marked yet (the marker writes beside the sending), and must not go out again
    rows = list(
        Benachrichtigung.objects.filter(
            claimed_by=execution, claimed_at=now, gesendet_am__isnull=True
        )
        .select_related("antrag")
        .only(*GELESEN)
        .order_by("sprache", "art", "erstellt_am", "pk")
    )
    antraege = [row.antrag for row in rows if row.antrag_id]
    if antraege:
        ids = {antrag.fonds_id for antrag in antraege}
        fonds = Aktionsfonds.objects.select_related("quartier").in_bulk(ids)
        for antrag in antraege:
            if antrag.fonds_id in fonds:  # else read when needed (gone meanwhile: that row fails)
                antrag.fonds = fonds[antrag.fonds_id]
    return rows


class _Einzug:
    """The claim and load of a batch on PostgreSQL in one statement: the claim's conditional
    ``UPDATE`` (``benachrichtigungen_claim``'s, the same rows and the same race) returns the rows
    it took, joined with their Antrag (only the fields of ``GELESEN``), fund and area, made into
    model instances as the ORM makes them (``Model.from_db``, the fields' converters) — one round
    trip instead of three, and no query compiled per batch (the claim and its load cost the
    marker's thread ~7 ms of interpreter time per batch, beside the sending). Outside a
    transaction its commit does not wait for the disk (as the claim's, ``synchronous_commit`` off
    inside the statement)."""

    def __init__(self):
        benachrichtigung = Benachrichtigung._meta
        antrag = benachrichtigung.get_field("antrag").related_model._meta
        fonds = antrag.get_field("fonds").related_model._meta
        quartier = fonds.get_field("quartier").related_model._meta
        self.teile = [
            (benachrichtigung, _felder(benachrichtigung, [n for n in GELESEN if "__" not in n])),
            (antrag, _felder(antrag, [n[8:] for n in GELESEN if n.startswith("antrag__")])),
            (fonds, fonds.concrete_fields),
            (quartier, quartier.concrete_fields),
        ]
        q = db_connection.ops.quote_name
        table = q(benachrichtigung.db_table)
        # ``_free``: unsent, an e-mail (not a letter by post), no live lease, no back-off running
        # (held to the same rows by test_both_ways_of_claiming_take_the_free_rows_oldest_first)
        frei = (
            "gesendet_am IS NULL AND kanal = 'email' "
            "AND (claim_until IS NULL OR claim_until < %(now)s)"
        )
        zurueck = ", ".join(q(f.column) for f in self.teile[0][1])
        spalten = ", ".join(
            f"{alias}.{q(f.column)}"
            for alias, (_meta, fields) in zip("gafq", self.teile, strict=True)
            for f in fields
        )
        self.sql = (
            f"WITH g AS (UPDATE {table} SET claimed_by = %(execution)s, claimed_at = %(now)s, "
            f"claim_until = %(until)s WHERE {frei} AND id IN (SELECT id FROM {table} "
            f"WHERE {frei} ORDER BY erstellt_am, id LIMIT %(limit)s){{asynchron}} "
            f"RETURNING {zurueck}) "
            f"SELECT {spalten} FROM g "
            f"LEFT JOIN {q(antrag.db_table)} a ON a.id = g.antrag_id "
            f"LEFT JOIN {q(fonds.db_table)} f ON f.id = a.fonds_id "
            f"LEFT JOIN {q(quartier.db_table)} q ON q.id = f.quartier_id "
            "ORDER BY g.sprache, g.art, g.erstellt_am, g.id"
        )
        self.asynchron = "AND (SELECT set_config('synchronous_commit', 'off', true)) IS NOT NULL"
        self._stellen_und_umwandler()

    def _stellen_und_umwandler(self):
        """Each model's place in a row of the statement and the converters of its columns."""
        # (model, field names, start, end, pk)
        self.stellen, start = [], 0
        for meta, fields in self.teile:
            end = start + len(fields)
            names = {f.attname for f in fields}
            self.stellen.append((meta.model, names, start, end, start + fields.index(meta.pk)))
            start = end
        # what the ORM does to a column's values (a JSON field's decoding)
        self.umwandler = []
        for position, col in enumerate(
            f.get_col(meta.db_table) for meta, fields in self.teile for f in fields
        ):
            converters = db_connection.ops.get_db_converters(col)
            converters += col.get_db_converters(db_connection)
            if converters:
                self.umwandler.append((position, col, converters))

    def run(self, execution, limit, now):
        asynchron = "" if db_connection.in_atomic_block else " " + self.asynchron
        params = {"execution": execution, "now": now, "until": now + lease(), "limit": limit}
        with db_connection.cursor() as cursor:
            cursor.execute(self.sql.format(asynchron=asynchron), params)
            values = cursor.fetchall()
        return self.rows(values, db_connection.alias)

    def rows(self, values, db):
        """Model instances of ``values`` (the statement's rows), each fund and area made once."""
        zeile, antrag_stelle, fonds_stelle, quartier_stelle = self.stellen
        fonds = {}
        rows = []
        for value in values:
            value = list(value)
            for position, col, converters in self.umwandler:
                for converter in converters:
                    value[position] = converter(value[position], col, db_connection)
            row = _instance(db, value, zeile)
            if row.antrag_id is None:
                row.antrag = None
            else:
                antrag = _instance(db, value, antrag_stelle)
                fonds_id = value[fonds_stelle[4]]
                if fonds_id is not None:  # else read when needed (gone: that row fails)
                    if fonds_id not in fonds:
                        fonds[fonds_id] = _instance(db, value, fonds_stelle)
                        if value[quartier_stelle[4]] is not None:
                            fonds[fonds_id].quartier = _instance(db, value, quartier_stelle)
                    antrag.fonds = fonds[fonds_id]
                row.antrag = antrag
            rows.append(row)
        return rows


def _instance(db, value, stelle):
    model, names, start, end, _pk = stelle
    return model.from_db(db, names, value[start:end])


def _felder(meta, names):
    """The primary key and the fields named, in the model's order (``Model.from_db`` takes them
    so)."""
    named = {meta.pk, *(meta.get_field(name) for name in names)}
    return [f for f in meta.concrete_fields if f in named]


_einzug_gebaut = None


def vorwaermen():
    """A worker process starts: make now what its first batch would make on the sending path,
    the e-mails' languages and templates (``messages.vorwaermen``) and on PostgreSQL the claim
    statement (``_Einzug``)."""
    messages.vorwaermen()
    if db_connection.vendor == "postgresql":
        _einzug()


def _einzug():
    global _einzug_gebaut
    if _einzug_gebaut is None:
        _einzug_gebaut = _Einzug()
    return _einzug_gebaut


class Nachschub:
    """The batches after the first of one run: the next is claimed only while each came full (more
    is pending), before the deadline ``bis`` and until ``stop()`` (an e-mail failed: the server
    may be in trouble). With a ``marker`` that has a database thread of its own (PostgreSQL outside
    a transaction) that thread claims and loads the next batch while this one is sent; else whoever
    makes the e-mails claims it. The batches of a run share what is made once (``Stapel``)."""

    def __init__(self, execution, limit, bis, marker=None):
        self.execution, self.limit, self.bis = execution, limit, bis
        self.marker = marker
        self.lease = None  # the run's lease, which takes the rows of each batch claimed
        self.geclaimt = 0
        self.stapel = messages.Stapel()
        self._stopped = threading.Event()

    def stop(self):
        self._stopped.set()

    def messages(self, rows):
        """``(row, message)`` of ``rows`` and then of each batch claimed after them, with a
        ``None`` after each step of making an e-mail (``messages.messages_schritte``): the next
        batch is claimed once the first e-mail of a batch is made (the sender has the rest to
        send)."""
        while rows:
            following = None
            for item in messages.messages_schritte(rows, stapel=self.stapel):
                yield item
                if item is not None and following is None:
                    following = self._claim(after=rows)
            rows = self._take(following)

    def _claim(self, *, after):
        """The next batch: its rows, or a ``Future`` of them (claimed by the marker's thread)."""
        if len(after) < self.limit or self.bis is None or self._stopped.is_set():
            return []
        if time.monotonic() > self.bis:
            return []
        if self.marker is not None and self.marker.threaded:
            return self.marker.submit(_neu_verbunden, _batch_claim, self.execution, self.limit)
        return _batch_claim(self.execution, self.limit)

    def _take(self, following):
        rows = following.result() if isinstance(following, Future) else following or []
        self.geclaimt += len(rows)
        self.lease.take([row.pk for row in rows])
        return rows


def _batch_send(execution, rows, marker, ergebnis, nachschub):
    held = nachschub.lease = Lease(execution, [row.pk for row in rows])
    built = Vorlauf(nachschub.messages(rows))
    with held:
        for row, message, wire in built:
            if not held.holds(row.pk):
                continue  # the lease ran out (a long pause): whoever took the row sends it
            if isinstance(message, Exception):  # rendering failed
                nachschub.stop()
                _failure_record(row, execution, message, ergebnis)
                held.done(row.pk)
                continue
            try:
                connection = smtp.mail_connection()
            except Exception as error:  # noqa: BLE001 - unreachable: release the rest for later
                nachschub.stop()
                for rest in [row, *(rest for rest, _, _ in built)]:
                    _failure_record(rest, execution, error, ergebnis)
                break
            try:
                smtp.message_send(connection, message, wire=wire, zwischendurch=built.ahead)
            except Exception as error:  # noqa: BLE001 - this one failed; the batch goes on
                nachschub.stop()
                if isinstance(error, SMTPServerDisconnected | OSError):
                    smtp.mail_connection_drop()
                _failure_record(row, execution, error, ergebnis)
                held.done(row.pk)
                continue
            held.done(row.pk)
            marker.mark(row, message.subject)
    ergebnis.geclaimt += nachschub.geclaimt
    return ergebnis


class Vorlauf:
    """``(row, message, wire form)`` of ``items`` (``(row, message)``, a ``None`` after each step
    that did not finish one), one made ahead.

    The sending thread makes the next e-mail and its wire form while the mail server answers the
    commands of the one before: one step at each wait (``ahead``, called by ``smtp.message_send``
    between a command and the server's answer), so making an e-mail costs little time of its own
    on the sending path; no second thread competes for the interpreter. A rendering that failed
    comes as the exception in place of the message (``messages.messages_schritte``); anything else
    that fails while made ahead (a claim of the next batch) is raised when its turn comes, never
    inside the SMTP conversation.
    """

    _ENDE = object()

    def __init__(self, items):
        self._items = items
        self._next = None  # the item made, the end, or what failed
        self._gemacht = None  # (row, message) whose wire form is still to make

    def __iter__(self):
        while True:
            while self._next is None:
                self._step()
            item, self._next = self._next, None
            if item is self._ENDE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def ahead(self):
        """Make one step of the next e-mail now (the mail server is busy); never raises."""
        if self._next is None:
            self._step()

    def _step(self):
        if self._gemacht is not None:
            (row, message), self._gemacht = self._gemacht, None
            self._next = row, message, _wire(message)
            return
        try:
            item = next(self._items)
        except StopIteration:
            self._next = self._ENDE
            return
        except Exception as error:  # noqa: BLE001 - raised in its turn by __iter__
            self._next = error
            return
        if item is not None:
            self._gemacht = item


def _wire(message):
    """The wire form of ``message`` for a kept SMTP connection, or None (``smtp.wire_for``)."""
    if isinstance(message, Exception) or not smtp.wire_wanted():
        return None
    try:
        return smtp.wire_for(message)
    except Exception:  # noqa: BLE001 - made again when sent, where it fails this e-mail only
        return None


# After writing marks the marker thread waits this long, so the next statement carries what was
# accepted meanwhile (and the one-duplicate window stays within milliseconds).
MARK_PAUSE = 0.005


class Marker:
    """Marks accepted e-mails sent, each as soon as the SMTP server accepted it.

    On PostgreSQL outside a transaction the process's marker thread (``_Faden``, with a connection
    of its own kept across tasks) writes the marks while the next e-mails are already in the SMTP
    conversation, so the database's round trip (slow when the database is busy) is off the sending
    path; what was accepted while it wrote, and in the ``MARK_PAUSE`` after, goes in its next
    statement (a burst costs the database a statement per few e-mails, not one each). An e-mail is
    marked within milliseconds of being accepted; ``flush()`` waits for every mark. A worker killed
    in those milliseconds leaves the e-mail unmarked: it goes out again after the lease with the
    same ``Message-ID`` (the one documented duplicate). Elsewhere (SQLite, inside a transaction)
    each mark is written before the next e-mail is sent.
    """

    def __init__(self, execution):
        self.execution = execution
        self._marked = []
        self._faden = None

    def __enter__(self):
        if db_connection.vendor == "postgresql" and not db_connection.in_atomic_block:
            self._faden = _faden()
        return self

    def __exit__(self, *exc_info):
        if self._faden is not None:
            try:
                self._wait()
            finally:
                self._faden.leave()

    @property
    def threaded(self):
        """Whether a thread of its own writes the marks (and takes ``submit``'s work)."""
        return self._faden is not None

    def submit(self, function, *args):
        """Run ``function(*args)`` on the marker's thread and connection, in turn with the marks;
        returns its ``Future`` (threaded only: the next batch's claim, ``Nachschub``)."""
        future = Future()
        self._faden.queue.put(_Auftrag(function, args, future))
        return future

    def mark(self, row, subject):
        if self._faden is None:
            _sent_record(row, self.execution, subject)
            self._marked.append(row.pk)
        else:
            self._faden.queue.put((self, row, subject))

    def flush(self):
        """Wait until every e-mail handed over is marked; returns (and forgets) their ids."""
        if self._faden is not None:
            self._wait()
        marked, self._marked = self._marked, []
        return marked

    def _wait(self):
        # the thread writes the marks it gathered before it runs the work handed over with them
        self.submit(_nichts).result()


def _nichts():
    pass


# The marker's thread closes its idle database connection after this many seconds without work.
FADEN_IDLE_SECONDS = 60

_faden_lock = threading.Lock()
_faden_aktiv = None


def _faden():
    """This process's marker thread, started on first use (and again in a forked child), with
    one more user (``_Faden.leave()`` when done)."""
    global _faden_aktiv
    with _faden_lock:
        if _faden_aktiv is None or not _faden_aktiv.alive():
            _faden_aktiv = _Faden()
        _faden_aktiv.enter()
        return _faden_aktiv


def marker_thread_stop(timeout=10):
    """Stop this process's marker thread and close its database connection (the worker stops, a
    test ends: a connection left open would keep its database from being dropped). Returns whether
    one ran. A task still using it (another thread of the process) is served to its end first;
    the next task starts a new one."""
    global _faden_aktiv
    with _faden_lock:
        faden, _faden_aktiv = _faden_aktiv, None
    if faden is None or not faden.alive():
        return False
    faden.queue.put(None)
    faden.thread.join(timeout)
    return True


class _Faden:
    """The marker thread of a process (``Marker``): writes the marks of every task and runs the
    work handed to it (``Marker.submit``) on one database connection kept across tasks, so a task
    does not open a connection of its own before its next batch is claimed. A connection that
    failed is closed and the statement tried once more on a new one; one past its age
    (``CONN_MAX_AGE``) or after an error is closed before the next work, an idle one after
    ``FADEN_IDLE_SECONDS``; ``marker_thread_stop()`` closes it."""

    def __init__(self):
        self.queue = queue.Queue()
        self.pid = os.getpid()
        self.users = 0  # markers using it now
        self.stopping = False
        self._lock = threading.Lock()
        self.thread = threading.Thread(target=self._work, name="outbox-mark", daemon=True)
        self.thread.start()

    def alive(self):
        return self.pid == os.getpid() and self.thread.is_alive()

    def enter(self):
        with self._lock:
            self.users += 1

    def leave(self):
        with self._lock:
            self.users -= 1
            last = self.stopping and not self.users
        if last:
            self.queue.put(None)  # wake it: the last user left a thread asked to stop

    def _finished(self, items):
        with self._lock:
            self.stopping = self.stopping or None in items
            return self.stopping and not self.users

    def _work(self):
        try:
            while True:
                try:
                    items = [self.queue.get(timeout=FADEN_IDLE_SECONDS)]
                except queue.Empty:
                    db_connection.close()  # nothing to do: hold no connection
                    continue
                while not self.queue.empty():
                    items.append(self.queue.get())
                self._handle(items)
                if self._finished(items):
                    return
                time.sleep(MARK_PAUSE)  # let the next few accepted e-mails gather
        finally:
            db_connection.close()  # this thread's own connection

    def _handle(self, items):
        try:
            db_connection.close_if_unusable_or_obsolete()
        except Exception:  # noqa: BLE001 - a new one is opened for the next statement
            logger.debug("closing the marker's connection failed", exc_info=True)
        marks = {}
        for item in items:
            if isinstance(item, tuple):
                marker, row, subject = item
                marks.setdefault(marker, []).append((row, subject))
        for marker, done in marks.items():
            try:
                marker._marked.extend(_neu_verbunden(_sent_record_many, done, marker.execution))
            except Exception:  # noqa: BLE001 - unmarked: sent again after the lease
                logger.warning("marking %s notifications sent failed", len(done), exc_info=True)
        for item in items:
            if isinstance(item, _Auftrag):
                item.run()


def _neu_verbunden(function, *args):
    """``function(*args)``, once more on a new connection if the database dropped this one."""
    try:
        return function(*args)
    except DatabaseError:
        if db_connection.in_atomic_block:
            raise
        db_connection.close()
        return function(*args)


class _Auftrag:
    """Work handed to the marker's thread (``Marker.submit``)."""

    def __init__(self, function, args, future):
        self.function, self.args, self.future = function, args, future

    def run(self):
        if not self.future.set_running_or_notify_cancel():
            return
        try:
            self.future.set_result(self.function(*self.args))
        except BaseException as error:  # noqa: BLE001 - the caller gets it from result()
            self.future.set_exception(error)


def _sent_record(row, execution, subject):
    """Mark the row sent, right after the server accepted it (SQLite, or inside a transaction)."""
    Benachrichtigung.objects.filter(pk=row.pk, claimed_by=execution).update(
        gesendet_am=timezone.now(),
        betreff=subject[:250],
        versuche=row.versuche + 1,
        claim_until=None,
    )


def _sent_record_many(items, execution):
    """Mark ``[(row, subject)]`` sent in one statement; returns the ids marked.

    The statement is a transaction of its own whose commit does not wait for the disk
    (``synchronous_commit`` off for it alone, set inside the statement): one round trip of well
    under a millisecond instead of a WAL flush of several. Should PostgreSQL itself crash in the
    fraction of a second before the flush, the e-mails go out once more with the same
    ``Message-ID`` — the same case as a worker dying right after the server accepted.
    """
    values = ", ".join(["(%s, %s, %s)"] * len(items))
    params = [
        value for row, subject in items for value in (row.pk, subject[:250], row.versuche + 1)
    ]
    with db_connection.cursor() as cursor:
        cursor.execute(
            "WITH asynchron AS (SELECT set_config('synchronous_commit', 'off', true)), "
            f"gesendet (id, betreff, versuche) AS (VALUES {values}) "
            f"UPDATE {Benachrichtigung._meta.db_table} AS b "
            "SET gesendet_am = %s, betreff = gesendet.betreff, versuche = gesendet.versuche, "
            "claim_until = NULL FROM asynchron, gesendet "
            "WHERE b.id = gesendet.id AND b.claimed_by = %s RETURNING b.id",
            [*params, timezone.now(), execution],
        )
        return [pk for (pk,) in cursor.fetchall()]


class Lease:
    """Keeps ``execution``'s claim on ``ids`` alive while it sends.

    Outside a transaction a keeper thread renews the lease every quarter of its length, so a
    slow SMTP conversation does not lose it. Inside one (the keeper's own connection could not see
    the claim) it is renewed between e-mails. ``holds(pk)`` is False for a row another execution
    took over and for every row once the last renewal is older than three quarters of the lease.
    """

    def __init__(self, execution, ids):
        self.execution = execution
        self.pending = set(ids)
        self.lost = set()
        self.length = lease().total_seconds()
        self.renewed = time.monotonic()
        self._stop = threading.Event()
        self._thread = None

    def __enter__(self):
        if not db_connection.in_atomic_block:
            self._thread = threading.Thread(target=self._keep, name="outbox-lease", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _keep(self):
        try:
            while not self._stop.wait(self.length / 4):
                try:
                    self.renew()
                except Exception:  # noqa: BLE001 - the database is away: holds() turns False
                    logger.warning("renewing the lease of %s failed", self.execution, exc_info=True)
        finally:
            db_connection.close()  # this thread's own connection

    def renew(self):
        ids = list(self.pending)
        if ids:
            owned = _lease_renew(self.execution, ids)
            self.lost.update(set(ids) - owned)  # taken over (or sent/failed meanwhile)
        self.renewed = time.monotonic()

    def take(self, ids):
        """Keep the lease on ``ids`` too (a batch claimed while the one before is sent)."""
        self.pending.update(ids)

    def done(self, pk):
        self.pending.discard(pk)

    def holds(self, pk):
        if self._thread is None and time.monotonic() - self.renewed > self.length / 4:
            self.renew()
        fresh = time.monotonic() - self.renewed < self.length * 0.75
        return fresh and pk not in self.lost


def _lease_renew(execution, ids):
    """Extend the lease on the rows this execution still holds; returns their ids."""
    until = timezone.now() + lease()
    Benachrichtigung.objects.filter(
        pk__in=ids, claimed_by=execution, gesendet_am__isnull=True
    ).update(claim_until=until)
    return set(
        Benachrichtigung.objects.filter(
            pk__in=ids, claimed_by=execution, gesendet_am__isnull=True
        ).values_list("pk", flat=True)
    )


def _failure_record(row, execution, error, ergebnis):
    wait_until = timezone.now() + backoff(row.versuche + 1)
    Benachrichtigung.objects.filter(pk=row.pk, claimed_by=execution).update(
        claimed_by="",
        claim_until=wait_until,
        versuche=row.versuche + 1,
        letzter_fehler=repr(error)[:2000],
    )
    logger.warning("notification %s failed (attempt %s): %r", row.pk, row.versuche + 1, error)
    ergebnis.fehlgeschlagen.append(row.pk)
    if ergebnis.naechster_versuch is None or wait_until < ergebnis.naechster_versuch:
        ergebnis.naechster_versuch = wait_until


# One sweep hands on at most this many batches (the next sweep takes the rest).
SWEEP_MAX_TASKS = 20


def dispatch_pending(*, older_than=timedelta(seconds=10)):
    """The beat sweep: one send task per batch of rows a sender may take now (a lease that ran
    out, a back-off that passed, a dispatch the broker lost). Returns how many rows were handed on.
    """
    count = benachrichtigungen_pending_count(older_than=older_than)
    tasks = min(-(-count // BATCH), SWEEP_MAX_TASKS)
    dispatched = sum(1 for _ in range(tasks) if services.dispatch(None))
    return count if dispatched else 0


def send(benachrichtigung_id=None, *, execution):
    """Send pending notifications as one execution (a batch, ``benachrichtigung_id`` is only the
    trigger). Returns True if this call sent that row. Kept for callers that send one row."""
    ergebnis = benachrichtigungen_send(execution=execution)
    return benachrichtigung_id in ergebnis.gesendet
