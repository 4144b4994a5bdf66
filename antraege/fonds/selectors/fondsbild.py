"""The picture of a fund for QM and the programme's reporting: budget, reserved, paid, repaid and
available (or lapsed after the year-end close) as a bar chart; approvals per month; Anträge and
money per field of action.

Read-only computations (selectors). The chart's geometry is computed here so the template only
places rectangles: no script and no inline style, the colours come from classes in
``static/css/fondsbild.css`` (and the PDF's own style sheet).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ...antrag.selectors import aktionsfonds_saldo, antraege_among
from ...geld.buchungen.selectors import fondszahlen
from ...models import GEFOERDERT_STATES, ZERO, Antrag, Handlungsfeld
from ...vorlagen import Vorlage

# Chart geometry (SVG user units): each row is a label line (name left, amount right) above its bar,
# so the text stays legible when the chart shrinks to a phone's width.
BREITE = 320
ZEILE = 44
BALKEN_HOEHE = 16


@dataclass(frozen=True)
class Balken:
    """One bar: label, amount, CSS class and its geometry."""

    key: str
    label: str
    betrag: Decimal
    css: str
    y: int
    breite: float

    @property
    def text_y(self):
        return self.y + 14

    @property
    def balken_y(self):
        return self.y + 20


@dataclass(frozen=True)
class Fondsbild:
    fonds: object
    budget: Decimal
    reserviert: Decimal
    ausgezahlt: Decimal  # gross: every advance and remainder paid, before repayments
    zurueckgezahlt: Decimal  # repaid to the fund by applicants
    verfuegbar: Decimal
    verfallen: Decimal
    abgeschlossen: bool
    balken: tuple
    zahlen: list  # fondszahlen: the same figures and labels as every report

    @property
    def hoehe(self):
        return ZEILE * len(self.balken)

    @property
    def breite(self):
        return BREITE


def fondsbild_for(fonds, *, saldo=None):
    """The figures and the bars of one fund, from its running totals (no query): one bar per
    figure of ``fondszahlen``, with the same labels as every other report of the fund."""
    saldo = saldo or aktionsfonds_saldo(fonds)
    zahlen = fondszahlen(saldo)
    skala = max([saldo.budget, *(zahl.betrag for zahl in zahlen)]) or Decimal(1)
    balken = tuple(
        Balken(
            key=zahl.key,
            label=zahl.label,
            betrag=zahl.betrag,
            css=f"af-fondsbild__balken--{zahl.key}",
            y=i * ZEILE,
            breite=round(float(max(zahl.betrag, ZERO) / skala) * BREITE, 1),
        )
        for i, zahl in enumerate(zahlen)
    )
    return Fondsbild(
        fonds=fonds,
        budget=saldo.budget,
        reserviert=saldo.reserviert,
        ausgezahlt=saldo.ausgezahlt,
        zurueckgezahlt=saldo.zurueckgezahlt,
        verfuegbar=saldo.verfuegbar,
        verfallen=saldo.verfallen,
        abgeschlossen=saldo.abgeschlossen,
        balken=balken,
        zahlen=zahlen,
    )


MONAT_HOEHE = 120  # height of the tallest column
MONAT_KOPF = 20  # room for the count above a column
MONAT_FUSS = 22  # room for the month's initials below


@dataclass(frozen=True)
class Monat:
    monat: int
    name: str
    kurz: str
    anzahl: int
    betrag: Decimal
    x: float
    spalte: float
    hoehe: float

    @property
    def y(self):
        return MONAT_KOPF + MONAT_HOEHE - self.hoehe

    @property
    def mitte(self):
        return round(self.x + self.spalte / 2, 1)

    @property
    def zahl_y(self):
        return self.y - 5

    @property
    def kurz_y(self):
        return MONAT_KOPF + MONAT_HOEHE + 16


@dataclass(frozen=True)
class Monatsbild:
    monate: list
    breite: int = BREITE
    hoehe: int = MONAT_KOPF + MONAT_HOEHE + MONAT_FUSS

    @property
    def grundlinie(self):
        return MONAT_KOPF + MONAT_HOEHE

    @property
    def anzahl(self):
        return sum(m.anzahl for m in self.monate)

    @property
    def betrag(self):
        return sum((m.betrag for m in self.monate), ZERO)


MONATSNAMEN = (
    _("Januar"),
    _("Februar"),
    _("März"),
    _("April"),
    _("Mai"),
    _("Juni"),
    _("Juli"),
    _("August"),
    _("September"),
    _("Oktober"),
    _("November"),
    _("Dezember"),
)


def monatszeilen(fonds):
    """``[(jahr, monat, anzahl, summe)]``: approvals of funded Anträge per month of the decision
    (Europe/Berlin), counted and summed in SQL over the fund's own rows (a dozen rows leave the
    database)."""
    return [
        (monat.year, monat.month, anzahl, summe or ZERO)
        for monat, anzahl, summe in Antrag.objects.filter(
            fonds=fonds, status__in=GEFOERDERT_STATES, entschieden_am__isnull=False
        )
        .annotate(monat=TruncMonth("entschieden_am", tzinfo=timezone.get_current_timezone()))
        .values("monat")
        .annotate(anzahl=Count("pk"), summe=Sum("betrag_bewilligt"))
        .order_by()
        .values_list("monat", "anzahl", "summe")
    ]


def bewilligungen_je_monat(fonds, zeilen=None):
    """Approvals of funded Anträge per month of the decision: every month of the fund's year, and
    the months before it in which approvals for it were made (December). ``zeilen``: those of
    ``monatszeilen`` (from the fund's stored figures), else they are read now."""
    if zeilen is None:
        zeilen = monatszeilen(fonds)
    zeilen = {(jahr, monat): (anzahl, summe) for jahr, monat, anzahl, summe in zeilen}
    keys = sorted(set(zeilen) | {(fonds.jahr, m) for m in range(1, 13)})
    meiste = max((anzahl for anzahl, _summe in zeilen.values()), default=0) or 1
    spalte = BREITE / len(keys)
    result = []
    for i, (jahr, monat) in enumerate(keys):
        anzahl, summe = zeilen.get((jahr, monat), (0, ZERO))
        name = str(MONATSNAMEN[monat - 1])
        if jahr != fonds.jahr:
            name = f"{name} {jahr}"
        result.append(
            Monat(
                monat=monat,
                name=name,
                kurz=name[:1],
                anzahl=anzahl,
                betrag=summe,
                x=round(i * spalte + spalte * 0.15, 1),
                spalte=round(spalte * 0.7, 1),
                hoehe=round(MONAT_HOEHE * anzahl / meiste, 1),
            )
        )
    return Monatsbild(result)


@dataclass(frozen=True)
class FeldZeile:
    handlungsfeld: object
    anzahl: int
    bewilligt: Decimal
    ausgezahlt: Decimal


def handlungsfelder_zahlen(fonds):
    """``[(feld_id, anzahl, bewilligt, ausgezahlt)]``: the links of the fund's funded Anträge
    (found by Antrag, ``antraege_among``: a join read the links of all areas) with their amounts,
    counted and summed per field in SQL (a row per field leaves the database, no list of ids goes
    in)."""
    return [
        (feld_id, anzahl, bewilligt or ZERO, ausgezahlt or ZERO)
        for feld_id, anzahl, bewilligt, ausgezahlt in Antrag.handlungsfelder.through.objects.filter(
            antraege_among(Antrag.objects.filter(fonds=fonds, status__in=GEFOERDERT_STATES))
        )
        .values("handlungsfeld_id")
        .annotate(
            anzahl=Count("antrag_id"),
            bewilligt=Sum("antrag__betrag_bewilligt"),
            ausgezahlt=Sum("antrag__betrag_ausgezahlt"),
        )
        .order_by()
        .values_list("handlungsfeld_id", "anzahl", "bewilligt", "ausgezahlt")
    ]


def handlungsfelder_bericht(fonds, je_feld=None):
    """Funded Anträge and their money per field of action, as the programme reports.

    An Antrag that serves two fields counts in both, so the rows add up to more than the fund.
    ``je_feld``: the rows of ``handlungsfelder_zahlen`` (from the fund's stored figures), else
    they are read now; then the fields (a handful).
    """
    if je_feld is None:
        je_feld = handlungsfelder_zahlen(fonds)
    je_feld = {feld_id: rest for feld_id, *rest in je_feld}
    zeilen = []
    for feld in handlungsfelder_alle():
        anzahl, bewilligt, ausgezahlt = je_feld.get(feld.pk, (0, ZERO, ZERO))
        if feld.aktiv or anzahl:
            zeilen.append(FeldZeile(feld, anzahl, bewilligt, ausgezahlt))
    return zeilen


_SPALTEN = tuple(field.attname for field in Handlungsfeld._meta.concrete_fields)
# every field of action, compiled once per process (``antraege.vorlagen``): the ORM took longer to
# build the statement of a handful of rows than the database to answer it
_ALLE = Vorlage(
    lambda _form, _werte: Handlungsfeld.objects.order_by("reihenfolge", "name").values_list(
        *_SPALTEN
    )
)


def handlungsfelder_alle():
    """Every field of action (a handful), in their order, as ``Handlungsfeld`` instances: what
    ``Handlungsfeld.objects.all()`` gives, by a statement compiled once."""
    return [Handlungsfeld.from_db(DEFAULT_DB_ALIAS, _SPALTEN, zeile) for zeile in _ALLE("alle", [])]
