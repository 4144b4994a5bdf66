"""What the domain calls: queue an e-mail in the caller's transaction; the worker sends it.

``queue(...)`` records a ``Benachrichtigung`` row in the caller's transaction and, once that
transaction commits, puts a send task on the queue (one per ``BATCH`` rows the transaction wrote).
If the broker is down at that moment nothing is lost: the beat sweep (``outbox.dispatch_pending``)
sends every row still unsent. How the rows are sent (claims, lease, SMTP) is ``outbox``'s business.
"""

import threading

from django.db import IntegrityError, transaction

from .. import task_names
from ..enqueue import task_send
from .kontext import kontext_dump
from .models import Benachrichtigung

# Rows one sender execution claims at a time (``outbox.BATCH``).
BATCH = 50
# One commit puts at most this many tasks on the queue (each sends batches while rows are pending).
DISPATCH_MAX_TASKS = 20


def queue(
    art, *, empfaenger, sprache="de", antrag=None, kontext=None, dedupe_key=None, kanal="email"
):
    """Record an e-mail to send after commit; with ``dedupe_key`` at most once ever. Returns the
    row (None if ``dedupe_key`` was queued before). ``kanal="post"``: a letter for QM's postal
    queue (``postbriefe``), never sent by the worker. Dates and datetimes in ``kontext`` stay
    objects for the template (``kontext.kontext_dump``), formatted in the reader's language."""
    fields = dict(
        art=art,
        kanal=kanal,
        empfaenger=empfaenger,
        sprache=sprache or "de",
        antrag=antrag,
        kontext=kontext_dump(kontext or {}),
        dedupe_key=dedupe_key,
    )
    if dedupe_key:
        try:
            with transaction.atomic():
                row = Benachrichtigung.objects.create(**fields)
        except IntegrityError:
            return None
    else:
        row = Benachrichtigung.objects.create(**fields)
    if kanal == "email":
        _dispatch_on_commit(row.pk)
    return row


def queue_for_applicant(antrag, art, *, kontext=None, dedupe_key=None):
    """An e-mail to the applicant of ``antrag``, in the applicant's language.

    An applicant who chose "Briefe per Post" gets it as a letter in QM's postal queue instead.
    None when the Antrag has no address any more (anonymised after its retention period).
    """
    if antrag.briefe_per_post:
        if not (antrag.antragsteller_strasse and antrag.antragsteller_plz):
            return None
        kanal, empfaenger = "post", ""
    elif antrag.antragsteller_email:
        kanal, empfaenger = "email", antrag.antragsteller_email
    else:
        return None
    return queue(
        art,
        empfaenger=empfaenger,
        sprache=antrag.sprache,
        antrag=antrag,
        kontext=kontext,
        kanal=kanal,
        dedupe_key=dedupe_key,
    )


def queue_for_qm_office(antrag, art, *, kontext=None):
    """An e-mail to the QM office of ``antrag``'s area: the office's address, in its language."""
    quartier = antrag.fonds.quartier
    return queue(
        art,
        empfaenger=quartier.qm_email,
        sprache=quartier.qm_sprache,
        antrag=antrag,
        kontext=kontext,
    )


def dispatch(benachrichtigung_id=None):
    """Hand pending rows to the worker (``benachrichtigung_id`` only names the trigger). A broker
    that is down is logged, not raised: the sweep retries. False then."""
    return task_send(task_names.SEND_BENACHRICHTIGUNGEN, benachrichtigung_id=benachrichtigung_id)


class _Dispatch:
    """The dispatch shared by the rows of one commit: one send task per ``BATCH`` rows.

    A burst (a meeting's decisions, papers to every jury member) commits many rows at once; one
    task per row would cost a broker message each and leave the worker busy with tasks that find
    nothing to claim. Every row registers its own on-commit callback (a savepoint that rolls back
    takes only its own rows' callbacks with it); the callbacks of one commit run one after the
    other, and the 1st, 51st, 101st … of them sends a task. So a commit of n surviving rows sends
    ⌈n / BATCH⌉ tasks, counted from the callbacks that really run — no look at Django's list of
    pending callbacks.
    """

    def __init__(self):
        self.ran = 0

    def fire(self, row_id):
        self.ran += 1
        batch, first = divmod(self.ran - 1, BATCH)
        if first == 0 and batch < DISPATCH_MAX_TASKS:
            dispatch(row_id)


_pending = threading.local()


def _dispatch_on_commit(row_id):
    """Ask for a send task once the current transaction commits (at once outside of one).

    Rows of one transaction share a ``_Dispatch``; once one of its callbacks ran (the commit
    happened), the next row starts a new one.
    """
    alias = transaction.get_connection().alias
    dispatches = getattr(_pending, "dispatches", None)
    if dispatches is None:
        dispatches = _pending.dispatches = {}
    current = dispatches.get(alias)
    if current is None or current.ran:
        current = dispatches[alias] = _Dispatch()
    transaction.on_commit(lambda: current.fire(row_id), using=alias)


def benachrichtigungen_mark_sent(rows):
    """Record the unsent ``rows`` (a queryset) as sent now without sending them: e-mails of a
    made-up past nobody is to receive (the demo data's history). The subject is rendered as it
    would have gone out. Returns how many."""
    from django.utils import timezone

    from .messages import render

    now = timezone.now()
    pending = list(rows.filter(gesendet_am__isnull=True).select_related("antrag__fonds__quartier"))
    for row in pending:
        row.gesendet_am, row.betreff, row.claim_until = now, render(row)[0][:250], None
    Benachrichtigung.objects.bulk_update(pending, ["gesendet_am", "betreff", "claim_until"])
    return len(pending)
