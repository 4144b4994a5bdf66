"""Reads of the fund ledger: the balance of a fund from its row (O(1)), its figures with their
labels (one list for page, chart, PDF and CSV), and the recomputation from the bookings."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from ...models import Aktionsfonds, Antrag
from ...money import ZERO
from .models import Buchung

A = Buchung.Art

# Which running total of the fund each kind moves, and in which direction.
WIRKUNG = {
    A.RESERVIERUNG: {"summe_reserviert": 1},
    A.FREIGABE: {"summe_reserviert": -1},
    A.ABSCHLAG: {"summe_reserviert": -1, "summe_abschlag": 1},
    # an advance booked when it was ordered, cancelled before it left the office's account
    A.ABSCHLAG_STORNO: {"summe_abschlag": -1},
    A.RESTZAHLUNG: {"summe_reserviert": -1, "summe_restzahlung": 1},
    A.RUECKFORDERUNG: {"summe_zurueckgefordert": 1},
    A.RUECKZAHLUNG: {"summe_zurueckgezahlt": 1},
    A.VERFALL: {"summe_verfallen": 1},
}


@dataclass(frozen=True)
class Saldo:
    """The money of one fund, from its running totals:

    budget = verfügbar + reserviert + ausgezahlt − zurückgezahlt + verfallen, where ausgezahlt =
    Abschläge + Restzahlungen (gross). Zurückgefordert is what was claimed back; it counts as paid
    until it comes in (then it is zurückgezahlt). After the year-end close (``abgeschlossen``)
    nothing is available: what was free then, and what becomes free later, has lapsed.
    """

    budget: Decimal
    reserviert: Decimal
    abschlag: Decimal = ZERO
    restzahlung: Decimal = ZERO
    zurueckgefordert: Decimal = ZERO
    zurueckgezahlt: Decimal = ZERO
    verfallen: Decimal = ZERO
    abgeschlossen: bool = False

    @property
    def ausgezahlt(self):
        """Paid out, gross: every advance and remainder (repayments are ``zurueckgezahlt``)."""
        return self.abschlag + self.restzahlung

    @property
    def ausgezahlt_netto(self):
        return self.ausgezahlt - self.zurueckgezahlt

    @property
    def gebunden(self):
        return self.reserviert + self.ausgezahlt_netto

    @property
    def offen_zurueckgefordert(self):
        return self.zurueckgefordert - self.zurueckgezahlt

    @property
    def verfuegbar(self):
        return self.budget - self.gebunden - self.verfallen

    @property
    def frei(self):
        """Budget neither bound nor paid: available before the close, lapsed after it."""
        return self.verfuegbar + self.verfallen

    @property
    def zahlen(self):
        return fondszahlen(self)


def saldo_from_row(fonds, *, abgeschlossen=None):
    """The ``Saldo`` of a fund row as loaded (no query)."""
    return Saldo(
        budget=fonds.budget,
        reserviert=fonds.summe_reserviert,
        abschlag=fonds.summe_abschlag,
        restzahlung=fonds.summe_restzahlung,
        zurueckgefordert=fonds.summe_zurueckgefordert,
        zurueckgezahlt=fonds.summe_zurueckgezahlt,
        verfallen=fonds.summe_verfallen,
        abgeschlossen=(
            fonds.abgeschlossen_am is not None if abgeschlossen is None else abgeschlossen
        ),
    )


# The figures of a fund, in the order and with the labels every report shows them.
ZAHLEN = (
    ("budget", _("Budget")),
    ("reserviert", _("Reserviert (bewilligt, noch nicht ausgezahlt)")),
    ("abschlag", _("Ausgezahlt: Abschläge")),
    ("restzahlung", _("Ausgezahlt: Restbeträge")),
    ("ausgezahlt", _("Ausgezahlt insgesamt")),
    ("zurueckgefordert", _("Zurückgefordert")),
    ("zurueckgezahlt", _("Zurückgezahlt")),
    ("verfuegbar", _("Verfügbar")),
    ("verfallen", _("Verfallen (Jahresabschluss)")),
)


@dataclass(frozen=True)
class Zahl:
    key: str
    label: str
    betrag: Decimal


def fondszahlen(saldo):
    """The labelled figures of a fund (``ZAHLEN``) from its ``Saldo``: the one list the
    dashboard, meeting mode, the report page, its chart, PDF and CSV show."""
    return [Zahl(key, str(label), getattr(saldo, key)) for key, label in ZAHLEN]


# --- Recomputation from the bookings ---

SUMMEN = (
    "summe_reserviert",
    "summe_abschlag",
    "summe_restzahlung",
    "summe_zurueckgefordert",
    "summe_zurueckgezahlt",
    "summe_verfallen",
)


def summen_aus_buchungen(fonds_ids=None):
    """``{fonds_id: {summe_*: Decimal}}`` recomputed from the bookings (one query)."""
    zeilen = Buchung.objects.order_by().values("fonds_id", "art").annotate(s=Sum("betrag"))
    if fonds_ids is not None:
        zeilen = zeilen.filter(fonds_id__in=fonds_ids)
    ergebnis = {}
    for zeile in zeilen:
        summen = ergebnis.setdefault(zeile["fonds_id"], dict.fromkeys(SUMMEN, ZERO))
        for feld, richtung in WIRKUNG[zeile["art"]].items():
            summen[feld] += richtung * zeile["s"]
    return ergebnis


def fonds_abweichungen(fonds_ids=None):
    """Every difference between a fund's running totals, the sums of its bookings and its
    Anträge (reserved, net paid): ``[(fonds, what, stored, recomputed)]``; empty when all agree."""
    fonds_qs = Aktionsfonds.objects.select_related("quartier").order_by("pk")
    if fonds_ids is not None:
        fonds_qs = fonds_qs.filter(pk__in=fonds_ids)
    aus_buchungen = summen_aus_buchungen(fonds_ids)
    antraege = {
        zeile["fonds_id"]: zeile
        for zeile in Antrag.objects.order_by()
        .values("fonds_id")
        .annotate(r=Sum("betrag_reserviert"), a=Sum("betrag_ausgezahlt"))
    }
    abweichungen = []
    for fonds in fonds_qs:
        soll = aus_buchungen.get(fonds.pk, dict.fromkeys(SUMMEN, ZERO))
        for feld in SUMMEN:
            if getattr(fonds, feld) != soll[feld]:
                abweichungen.append((fonds, feld, getattr(fonds, feld), soll[feld]))
        zeile = antraege.get(fonds.pk, {})
        saldo = saldo_from_row(fonds)
        for was, gespeichert, antraege_summe in (
            ("antraege.betrag_reserviert", saldo.reserviert, zeile.get("r") or ZERO),
            ("antraege.betrag_ausgezahlt", saldo.ausgezahlt_netto, zeile.get("a") or ZERO),
        ):
            if gespeichert != antraege_summe:
                abweichungen.append((fonds, was, gespeichert, antraege_summe))
        if saldo.verfuegbar < ZERO or (saldo.abgeschlossen and saldo.verfuegbar != ZERO):
            abweichungen.append((fonds, "verfuegbar", saldo.verfuegbar, ZERO))
    return abweichungen


def rueckzahlungen_for_antrag(antrag):
    """The money that came in for the Antrag's repayment claim, one booking per receipt
    (instalments), oldest first: ``[(datum, betrag)]``."""
    return list(
        Buchung.objects.filter(antrag=antrag, art=Buchung.Art.RUECKZAHLUNG)
        .order_by("datum", "pk")
        .values_list("datum", "betrag")
    )
