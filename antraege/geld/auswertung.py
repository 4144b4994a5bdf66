"""The fund's stored report figures (``Fondsauswertung``): what the report shows besides the ledger
totals (listed projects, participants, volunteer hours, cost categories, approvals per month,
fields of action) and the number and sum of its funded Anträge that the public list shows,
computed in SQL over the fund's own rows by the worker after each change of the fund (a booking,
a move into or out of the funded states, a change of fields of action), so the report page reads
one row however many Anträge the fund has, and the public list of all areas one row per fund.

Page, PDF and CSV show the same stored figures (``fondsbericht_figures``), with their time
("Stand"). A fund without stored figures gets them computed once, in the request that first asks.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from ..fonds.selectors import fondsbild
from ..fonds.selectors.veroeffentlichung import (
    FONDS_FELDER,
    gefoerderte_summe,
    gefoerderte_zeilen,
)
from ..models import ZERO, Aktionsfonds, Fondsauswertung
from ..vorlagen import Vorlage
from .selectors.abrechnung import aktionsfonds_bericht, bericht_summen

# The sweep leaves a change this long to its own task (queued on commit, done in seconds), and
# recomputes at most this many funds per run (each reads its fund's rows; the next run goes on).
NACHHOLEN_NACH = datetime.timedelta(minutes=5)
NACHHOLEN_JE_LAUF = 20


def fondsauswertung_compute(fonds):
    """The figures of the report that are not ledger totals, as JSON (amounts as strings)."""
    summen, kategorien = bericht_summen(fonds)
    anzahl, summe = gefoerderte_summe(gefoerderte_zeilen().filter(fonds=fonds))
    return {
        # the public list's selection of this fund: what its header counts and sums
        "oeffentlich": [anzahl, str(summe)],
        "summen": {**summen, "bewilligt": str(summen["bewilligt"])},
        "kategorien": [[name, str(geplant), str(an)] for name, geplant, an in kategorien],
        "monate": [[j, m, n, str(s)] for j, m, n, s in fondsbild.monatszeilen(fonds)],
        "felder": [
            [f, n, str(b), str(a)] for f, n, b, a in fondsbild.handlungsfelder_zahlen(fonds)
        ],
    }


def fondsauswertung_refresh(fonds_id):
    """Recompute and store the figures of one fund (the worker's task); None when it is gone.

    No lock, yet no change is lost: the fund's count of changes is read before the figures are
    computed (they hold at least those changes), stored only over figures of no more changes
    (two recomputations at once: the later count wins), and the fund's mark "due" is emptied only
    while its count is still the one read (a booking during the recomputation leaves it due)."""
    fonds = Aktionsfonds.objects.filter(pk=fonds_id).first()
    if fonds is None:
        return None
    aenderungen = fonds.auswertung_aenderungen
    felder = {
        "daten": fondsauswertung_compute(fonds),
        "berechnet_am": timezone.now(),
        "aenderungen": aenderungen,
    }
    if _fondsauswertung_store(fonds, felder):
        Aktionsfonds.objects.filter(pk=fonds_id, auswertung_aenderungen=aenderungen).update(
            auswertung_faellig_seit=None
        )
    return Fondsauswertung.objects.get(fonds=fonds)


def _fondsauswertung_store(fonds, felder):
    """Store the figures unless figures of more changes are stored already; True if stored."""
    aelter = Fondsauswertung.objects.filter(fonds=fonds, aenderungen__lte=felder["aenderungen"])
    if aelter.update(**felder):
        return True
    if Fondsauswertung.objects.filter(fonds=fonds).exists():
        return False  # figures of more changes
    try:
        with transaction.atomic():
            Fondsauswertung.objects.create(fonds=fonds, **felder)
    except IntegrityError:  # the first figures, stored at the same moment elsewhere
        return bool(aelter.update(**felder))
    return True


def fondsauswertungen_nachholen(*, older_than=NACHHOLEN_NACH, limit=NACHHOLEN_JE_LAUF):
    """The sweep: recompute the figures of funds changed more than ``older_than`` ago and not
    recomputed since (their task was lost: worker crash, broker down). Reads the funds that have
    one due through the partial index ``fonds_auswertung_faellig``, oldest first. Returns their
    ids."""
    faellig = (
        Aktionsfonds.objects.filter(auswertung_faellig_seit__lt=timezone.now() - older_than)
        .order_by("auswertung_faellig_seit")
        .values_list("pk", flat=True)
    )
    ids = list(faellig[:limit])
    for fonds_id in ids:
        fondsauswertung_refresh(fonds_id)
    return ids


def _oeffentlich(gespeichert, handlungsfeld_id):
    """``(number, approved sum)`` of a fund's funded Anträge (of one field of action) as stored:
    ``gespeichert`` is its figures' "oeffentlich" (no field) or "felder" (a field)."""
    if handlungsfeld_id is None:
        anzahl, summe = gespeichert
        return anzahl, Decimal(summe)
    for feld_id, anzahl, bewilligt, _ausgezahlt in gespeichert:
        if feld_id == handlungsfeld_id:
            return anzahl, Decimal(bewilligt)
    return 0, ZERO


def _je_fonds_abfrage(form, werte):
    """The statement of ``gefoerderte_je_fonds_gespeichert``: ``form`` says which of area and year
    filter (``werte``: their values, in that order) and which part of the figures it reads."""
    mit_quartier, mit_jahr, teil = form
    werte = list(werte)
    fonds_qs = Aktionsfonds.objects.order_by("quartier__name", "jahr", "pk")
    if mit_quartier:
        fonds_qs = fonds_qs.filter(quartier_id=werte.pop(0))
    if mit_jahr:
        fonds_qs = fonds_qs.filter(jahr=werte.pop(0))
    # "neu": the public list's part, present in figures computed since they hold it; with a
    # field of action its row of "felder" too (each looked up in the fund's own figures)
    zahlen = Fondsauswertung.objects.filter(fonds=OuterRef("pk"))
    teile = {"neu": Subquery(zahlen.values("daten__oeffentlich")[:1])}
    if teil != "oeffentlich":
        teile["gespeichert"] = Subquery(zahlen.values(f"daten__{teil}")[:1])
    return fonds_qs.annotate(**teile).values_list(
        "pk", "neu", "auswertung_faellig_seit", *FONDS_FELDER, *teile.keys() - {"neu"}
    )


# compiled once per process and shape (``antraege.vorlagen``): on every view of the public list,
# building and compiling it took ~0.45 ms, the database answers in ~0.15
_JE_FONDS = Vorlage(_je_fonds_abfrage)


def gefoerderte_je_fonds_gespeichert(*, quartier=None, jahr=None, handlungsfeld=None):
    """``[(fonds id, number, approved sum, (year, area's name, area's code))]`` of the public
    list's selection (``gefoerderte_zeilen`` with the same filter) per fund, in the list's order
    (area, year), from the funds' stored figures: one query reading a row per fund (and of its
    figures only the part needed, looked up per fund: a join read the figures of every fund of
    every year), none over Anträge; the fund's year and area are what its rows show
    (``FONDS_FELDER``, so the page reads its rows without a join). Equal to the live selection: a
    fund changed since the worker last computed its figures (``auswertung_faellig_seit``, set in
    the change's transaction) is counted from its own rows; a fund without figures, or with
    figures from before they held these, gets them now."""
    feld_id = handlungsfeld.pk if handlungsfeld is not None else None
    teil = "oeffentlich" if feld_id is None else "felder"
    form = (quartier is not None, jahr is not None, teil)
    gefiltert = [quartier.pk] if quartier is not None else []
    if jahr is not None:
        gefiltert.append(jahr)
    je_fonds = []
    for fonds_id, neu, veraltet, *werte in _JE_FONDS(form, gefiltert):
        gespeichert = werte.pop() if teil != "oeffentlich" else neu
        if veraltet is not None:
            # changed since its figures were computed (the worker is on it, or the sweep): this
            # fund's rows counted now, so the page never skips or repeats a row meanwhile
            auswahl = gefoerderte_zeilen(handlungsfeld=handlungsfeld).filter(fonds_id=fonds_id)
            je_fonds.append((fonds_id, *gefoerderte_summe(auswahl), tuple(werte)))
            continue
        if neu is None:  # no figures yet, or from before they held the public list's
            gespeichert = fondsauswertung_refresh(fonds_id).daten[teil]
        je_fonds.append((fonds_id, *_oeffentlich(gespeichert, feld_id), tuple(werte)))
    return je_fonds


def gefoerderte_summe_gespeichert(*, quartier=None, jahr=None, handlungsfeld=None):
    """``(number, approved sum)`` of the public list's selection from the funds' stored figures
    (``gefoerderte_je_fonds_gespeichert``)."""
    return gefoerderte_summe_je_fonds(
        gefoerderte_je_fonds_gespeichert(quartier=quartier, jahr=jahr, handlungsfeld=handlungsfeld)
    )


def gefoerderte_summe_je_fonds(je_fonds):
    """``(number, approved sum)`` of the entries of ``gefoerderte_je_fonds_gespeichert``."""
    return sum(n for _f, n, _s, _w in je_fonds), sum((s for _f, _n, s, _w in je_fonds), ZERO)


# the stored figures of one fund, compiled once per process (``antraege.vorlagen``): building
# and compiling the ORM's statement took longer than the database takes to answer it
_GESPEICHERT = Vorlage(
    lambda _form, werte: Fondsauswertung.objects.filter(fonds_id=werte[0]).values_list(
        "daten", "berechnet_am"
    )
)


def fondsauswertung_for(fonds):
    """``(daten, berechnet_am)`` of the fund's stored figures; computed now when it has none yet
    (its first report)."""
    zeilen = _GESPEICHERT("fonds", [fonds.pk])
    if not zeilen or "oeffentlich" not in zeilen[0][0]:
        row = fondsauswertung_refresh(fonds.pk)
        return row.daten, row.berechnet_am
    return zeilen[0]


@dataclass(frozen=True)
class Fondsberichtzahlen:
    """What page, PDF and CSV of the fund report show besides the projects' rows."""

    bericht: object  # selectors.abrechnung.Fondsbericht
    monate: object  # fondsbild.Monatsbild
    felder: list  # [fondsbild.FeldZeile]
    stand: object  # when the stored figures were computed (aware datetime)


def fondsbericht_figures(fonds, *, saldo=None):
    """The report's figures from the fund's stored ones (a query for them, none over Anträge)
    and its running totals (``saldo``: as the caller read them, else read now)."""
    daten, berechnet_am = fondsauswertung_for(fonds)
    summen = {**daten["summen"], "bewilligt": Decimal(daten["summen"]["bewilligt"])}
    kategorien = [(name, Decimal(g), Decimal(a)) for name, g, a in daten["kategorien"]]
    return Fondsberichtzahlen(
        bericht=aktionsfonds_bericht(fonds, summen=summen, kategorien=kategorien, saldo=saldo),
        monate=fondsbild.bewilligungen_je_monat(
            fonds, [(j, m, n, Decimal(s)) for j, m, n, s in daten["monate"]]
        ),
        felder=fondsbild.handlungsfelder_bericht(
            fonds, [(f, n, Decimal(b), Decimal(a)) for f, n, b, a in daten["felder"]]
        ),
        stand=berechnet_am,
    )
