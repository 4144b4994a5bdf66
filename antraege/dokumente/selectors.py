"""Reads of the documents: which letters and payout orders should exist but do not."""

import datetime

from django.utils import timezone

from ..models import (
    Anonymisierung,
    Antrag,
    AntragStatus,
    Auszahlung,
    Auszahlungsanordnung,
    Benachrichtigung,
    Dokument,
    Rueckforderung,
    Vereinbarung,
)
from ..states import BEFORE_DECISION_STATES

S = AntragStatus


# How far back the sweep looks: it runs every 15 minutes, so a letter whose task was lost is found
# within minutes; a month covers any outage of broker or workers. Older decisions are not read
# again (the sweep reads what is due, not every decision of all years).
NACHHOLEN_ZEITRAUM = datetime.timedelta(days=30)


def dokumente_missing(*, older_than=datetime.timedelta(minutes=5), within=NACHHOLEN_ZEITRAUM):
    """``[(antrag_id, art)]`` of letters and payout orders that should exist but do not.

    For the sweep: a task lost while the broker was down. Recent decisions are left to their task,
    decisions and payments older than ``within`` were swept before. Each kind is read from the
    rows of its event (decision, agreement, order, release, claim, reminder) by their time, and
    only then are the letters of those Anträge looked up, a few Anträge per query through the
    index by Antrag: the month's events and their letters, never the whole letters table (an
    anti-join let the planner scan every letter once an area had a few thousand).
    """
    before = timezone.now() - older_than
    wanted = {
        art: list(dict.fromkeys(ereignisse.values_list(antrag_id, flat=True)))
        for art, (ereignisse, antrag_id) in _dokumente_wanted(before, before - within).items()
    }
    vorhanden, anonymisiert = _dokumente_und_anonymisierte(
        list(dict.fromkeys(pk for ids in wanted.values() for pk in ids))
    )
    missing = []
    for art, ids in wanted.items():
        # an anonymised Antrag lost its letters on purpose (retention): never made again
        fehlend = [pk for pk in ids if (pk, art) not in vorhanden and pk not in anonymisiert]
        missing.extend((pk, art) for pk in fehlend[:100])
    return missing


# Anträge per look-up of their letters: few enough that an index probe per Antrag is always the
# planner's cheapest way, even while the letters table is small.
_IN_LISTE = 25


def _dokumente_und_anonymisierte(antrag_ids):
    """``({(antrag_id, art)} of the documents of antrag_ids, {those anonymised})``."""
    vorhanden, anonymisiert = set(), set()
    for start in range(0, len(antrag_ids), _IN_LISTE):
        teil = antrag_ids[start : start + _IN_LISTE]
        vorhanden.update(
            Dokument.objects.filter(antrag_id__in=teil).order_by().values_list("antrag_id", "art")
        )
        anonymisiert.update(
            Anonymisierung.objects.filter(antrag_id__in=teil)
            .order_by()
            .values_list("antrag_id", flat=True)
        )
    return vorhanden, anonymisiert


def _zwischen(model, feld, before, since, **filter):
    """``(rows of model whose feld lies between since and before, oldest first; the name of
    their Antrag's id)``."""
    rows = model.objects.filter(**{f"{feld}__lt": before, f"{feld}__gte": since}, **filter)
    return rows.order_by(feld, "pk"), "pk" if model is Antrag else "antrag_id"


def _dokumente_wanted(before, since):
    """``{art: (events between since and before whose Antrag should have a document of it, the
    name of their Antrag's id)}``."""
    D, A = Dokument.Art, Auszahlungsanordnung.Art
    entschieden = ("entschieden_am", before, since)
    bewilligt, bewilligt_feld = _zwischen(Antrag, *entschieden, betrag_bewilligt__isnull=False)
    return {
        D.BEWILLIGUNG: (bewilligt.exclude(status__in=BEFORE_DECISION_STATES), bewilligt_feld),
        D.ABLEHNUNG: _zwischen(Antrag, *entschieden, status=S.REJECTED),
        D.NICHT_FOERDERFAEHIG: _zwischen(Antrag, *entschieden, status=S.INELIGIBLE),
        # payout orders: one per order row (never without an IBAN, never for nothing to pay)
        D.AUSZAHLUNGSANORDNUNG: _zwischen(
            Auszahlungsanordnung, "erstellt_am", before, since, art=A.RESTZAHLUNG
        ),
        D.ABSCHLAG_ANORDNUNG: _zwischen(
            Auszahlungsanordnung, "erstellt_am", before, since, art=A.ABSCHLAG
        ),
        D.ABRECHNUNG: _zwischen(Auszahlung, "freigegeben_am", before, since),
        D.VEREINBARUNG: _zwischen(Vereinbarung, "erfasst_am", before, since),
        D.RUECKFORDERUNG: _zwischen(Rueckforderung, "erstellt_am", before, since),
        D.MAHNUNG: _zwischen(Rueckforderung, "gemahnt_am", before, since),
    }


# --- QM's postal queue: letters for applicants without e-mail (``Antrag.briefe_per_post``) ---


def postbriefe_offen(quartier_ids):
    """The letters waiting to be printed and posted in these areas, oldest first."""
    return (
        Benachrichtigung.objects.filter(
            kanal="post", gesendet_am__isnull=True, antrag__fonds__quartier_id__in=quartier_ids
        )
        .select_related("antrag__fonds__quartier")
        .order_by("erstellt_am", "pk")
    )
