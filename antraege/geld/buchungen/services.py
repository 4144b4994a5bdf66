"""Booking money events of a fund: the one writer of ``Buchung`` and of the fund's running totals.

Every booking changes the fund row's totals by a conditional ``UPDATE … SET x = x + betrag`` in
the transaction of the booking (the row stays locked until it ends), so the totals are always the
sums of the bookings and a balance is read from the row, never summed over the Anträge.
"""

from django.db import transaction
from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from ... import task_names
from ...enqueue import task_enqueue_once_on_commit
from ...models import Aktionsfonds
from ...money import ZERO, euro_round
from .models import Buchung
from .selectors import WIRKUNG, saldo_from_row

A = Buchung.Art

# Kinds that make money free again: after the year-end close it lapses at once.
FREI_MACHEND = (A.FREIGABE, A.RUECKZAHLUNG, A.ABSCHLAG_STORNO)


def buchung_book(fonds_id, art, betrag, *, antrag=None, datum=None, user=None):
    """Book ``betrag`` (≥ 0; nothing is booked for 0) of kind ``art`` on the fund ``fonds_id``
    and move the fund's running totals with it, in the caller's transaction.

    Side effects: one ``Buchung`` row and one UPDATE of the fund row; on a closed fund money made
    free lapses at once (a second booking, ``VERFALL``). Returns the booking or None.
    """
    betrag = euro_round(betrag)
    if betrag < ZERO:
        raise ValueError(f"booking of a negative amount: {art} {betrag}")
    if betrag == ZERO:
        return None
    datum = datum or timezone.localdate()
    with transaction.atomic(savepoint=False):
        buchung = _book(fonds_id, art, betrag, antrag=antrag, datum=datum, user=user)
        # the report's other figures (counts, months, fields) follow the money: marked out of
        # date by ``_book``'s UPDATE, recomputed by the worker after commit
        task_enqueue_once_on_commit(task_names.REFRESH_FONDSAUSWERTUNG, fonds_id=fonds_id)
        if art in FREI_MACHEND and (
            Aktionsfonds.objects.filter(pk=fonds_id, abgeschlossen_am__isnull=False).update(
                summe_verfallen=F("summe_verfallen") + betrag
            )
        ):
            Buchung.objects.create(
                fonds_id=fonds_id,
                antrag=antrag,
                art=A.VERFALL,
                betrag=betrag,
                datum=datum,
                gebucht_von=user,
            )
    return buchung


def _book(fonds_id, art, betrag, *, antrag, datum, user):
    buchung = Buchung.objects.create(
        fonds_id=fonds_id, antrag=antrag, art=art, betrag=betrag, datum=datum, gebucht_von=user
    )
    Aktionsfonds.objects.filter(pk=fonds_id).update(
        **{feld: F(feld) + richtung * betrag for feld, richtung in WIRKUNG[art].items()},
        **_auswertung_veraltet(),
    )
    return buchung


def _auswertung_veraltet():
    """The fund row's fields that say its stored report figures miss a change (one more change,
    due since the first change not in them)."""
    return {
        "auswertung_aenderungen": F("auswertung_aenderungen") + 1,
        "auswertung_faellig_seit": Coalesce(
            F("auswertung_faellig_seit"), Value(timezone.now(), output_field=DateTimeField())
        ),
    }


def fondsauswertung_veraltet(fonds_id):
    """A change of what the fund's report counts (short report, receipt, fields of action), in
    its transaction: the stored figures are marked out of date and their recomputation queued
    after commit; when that task is lost, the sweep finds the mark
    (``antraege.geld.auswertung.fondsauswertungen_nachholen``)."""
    Aktionsfonds.objects.filter(pk=fonds_id).update(**_auswertung_veraltet())
    task_enqueue_once_on_commit(task_names.REFRESH_FONDSAUSWERTUNG, fonds_id=fonds_id)


def reservierung_set(antrag, betrag, *, user=None, vorher=None):
    """Book the change of what ``antrag`` reserves, from what it reserves now (``vorher``, read
    when not given) to ``betrag``: a reservation when it grows, a release when it shrinks. The
    caller writes the Antrag."""
    if vorher is None:
        vorher = antrag.__class__.objects.values_list("betrag_reserviert", flat=True).get(
            pk=antrag.pk
        )
    differenz = euro_round(betrag) - vorher
    art = A.RESERVIERUNG if differenz > 0 else A.FREIGABE
    return buchung_book(antrag.fonds_id, art, abs(differenz), antrag=antrag, user=user)


def verfall_book(fonds, *, user=None):
    """Year-end close: book what is still available as lapsed (the caller holds the fund row,
    just marked closed by its conditional update). Returns the lapsed amount."""
    zeile = Aktionsfonds.objects.select_for_update().get(pk=fonds.pk)
    frei = saldo_from_row(zeile, abgeschlossen=False).verfuegbar
    buchung_book(fonds.pk, A.VERFALL, max(frei, ZERO), user=user)
    return max(frei, ZERO)
