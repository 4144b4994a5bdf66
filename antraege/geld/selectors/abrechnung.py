"""Reads of the settlement: what is missing, the payout calculation and the fund report."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from ...antrag.selectors import SeitenUeberIds, aktionsfonds_saldo, antraege_among
from ...models import Abschlag, Antrag, AntragStatus, Auszahlung, Beleg, Kostenposition, Sachbericht
from ...money import ZERO, euro_round
from ...states import EVER_APPROVED_STATES, GEFOERDERT_STATES
from ..buchungen.selectors import fondszahlen


def projektbeginn_ab(antrag):
    """The first day "Projektbeginn bestätigen" is taken: the project's start minus the area's
    grace (``Quartier.projektbeginn_kulanz_tage``); None when the Antrag has no start date."""
    if antrag.beginn is None:
        return None
    kulanz = antrag.fonds.quartier.projektbeginn_kulanz_tage
    return antrag.beginn - datetime.timedelta(days=kulanz)


def projektbeginn_noch_nicht_ab(antrag):
    """The day "Projektbeginn bestätigen" is taken from while that day is still ahead for an
    approved Antrag (the settlement pages name it instead of the button), else None."""
    ab = projektbeginn_ab(antrag)
    if antrag.status != AntragStatus.APPROVED or ab is None or ab <= timezone.localdate():
        return None
    return ab


def settlement_errors(antrag):
    """What is missing before the settlement can be handed in (empty list: complete)."""
    errors = []
    if not antrag.belege.exists():
        errors.append(_("Bitte laden Sie mindestens einen Beleg hoch."))
    if not Sachbericht.objects.filter(antrag=antrag).exists():
        errors.append(_("Bitte schreiben Sie den kurzen Sachbericht."))
    return errors


@dataclass(frozen=True)
class Berechnung:
    """The remainder of an Antrag: min(approved, accepted receipts + lump sum) − advance.

    The lump sum (Aufwandspauschale) is the fund's share of the accepted costs, paid only inside
    the approved amount. A negative remainder is a repayment claim.
    """

    bewilligt: Decimal
    anerkannt: Decimal
    abschlag: Decimal
    pauschale_prozent: Decimal = ZERO

    @property
    def pauschale_berechnet(self):
        from .vereinbarung import prozent_von

        return prozent_von(self.anerkannt, self.pauschale_prozent)

    @property
    def foerderung(self):
        return min(self.bewilligt, self.anerkannt + self.pauschale_berechnet)

    @property
    def pauschale(self):
        """The lump sum actually granted (what fits under the approved amount)."""
        return self.foerderung - min(self.bewilligt, self.anerkannt)

    @property
    def auszahlung(self):
        return self.foerderung - self.abschlag

    @property
    def rueckforderung(self):
        return max(-self.auszahlung, ZERO)

    @property
    def zurueck_an_fonds(self):
        return self.bewilligt - self.foerderung


def auszahlung_berechnung(antrag):
    """The payout figures from the receipts QM accepted, the fund's lump sum and the advance."""
    anerkannt = antrag.belege.filter(status=Beleg.Status.ANERKANNT).aggregate(
        s=Coalesce(Sum("betrag_anerkannt"), ZERO)
    )["s"]
    abschlag = Abschlag.objects.filter(antrag=antrag).values_list("betrag", flat=True).first()
    return Berechnung(
        antrag.betrag_bewilligt or ZERO,
        anerkannt,
        abschlag or ZERO,
        antrag.fonds.pauschale_prozent,
    )


def anerkannt_je_position(antrag):
    """``[(Kostenposition or None, approved, accepted)]``: the clearing statement per cost line
    (approved: as the jury cut it, else as requested)."""
    positionen = list(antrag.kostenpositionen.select_related("kategorie").order_by("pk"))
    anerkannt = {}
    for beleg in antrag.belege.filter(status=Beleg.Status.ANERKANNT):
        anerkannt[beleg.kostenposition_id] = (
            anerkannt.get(beleg.kostenposition_id, ZERO) + beleg.betrag_anerkannt
        )
    rows = [(p, p.bewilligt, anerkannt.get(p.pk, ZERO)) for p in positionen]
    if None in anerkannt:
        rows.append((None, ZERO, anerkannt[None]))
    return rows


def auszahlung_released(antrag):
    """The payout of ``antrag`` has been released and not yet marked paid."""
    return Auszahlung.objects.filter(antrag=antrag, bezahlt_am__isnull=True).exists()


@dataclass(frozen=True)
class Fondsbericht:
    """What the Bezirksamt asks per fund: the figures of the ledger (``zahlen``, as everywhere),
    the listed projects (funded, or cancelled/expired after an advance was paid) with their sums,
    participants and volunteer hours from the short reports, and the cost categories."""

    fonds: object
    saldo: object
    zahlen: list  # fondszahlen: [Zahl(key, label, betrag)]
    anzahl: int
    bewilligt: Decimal
    teilnehmende: int
    ehrenamtsstunden: int
    sachberichte: int
    kategorien: list  # [(name, geplant, anerkannt)]

    @property
    def projekte(self):
        """The listed projects as a queryset, in order of reference: iterate it for an export (the
        page reads its rows a page at a time, ``bericht_seiten``). Built when asked: building it
        cost the report page ~0.5 ms it never used."""
        return bericht_projekte(self.fonds)

    @property
    def budget(self):
        return self.saldo.budget

    @property
    def reserviert(self):
        return self.saldo.reserviert

    @property
    def ausgezahlt(self):
        return self.saldo.ausgezahlt

    @property
    def zurueckgezahlt(self):
        return self.saldo.zurueckgezahlt

    @property
    def verfuegbar(self):
        return self.saldo.verfuegbar

    @property
    def kennzahlen(self):
        """The counts of the report, labelled (page, PDF and CSV alike)."""
        return [
            (_("Aufgeführte Projekte"), self.anzahl),
            (_("Bewilligt (aufgeführte Projekte)"), self.bewilligt),
            (_("Sachberichte"), self.sachberichte),
            (_("Teilnehmende (laut Sachberichten)"), self.teilnehmende),
            (_("Ehrenamtliche Stunden (laut Sachberichten)"), self.ehrenamtsstunden),
        ]


def bericht_auswahl(fonds):
    """The Anträge a fund report lists, in its order (reference): funded and not undone, and those
    cancelled or expired after their advance was paid (the money went out; the claim shows
    whether it came back). The statuses a filter of their own and the advance a sub-select, so
    that the index on fund and reference (``antrag_foerderung_referenz``, of ``EVER_APPROVED_STATES``)
    alone answers which rows, in order."""
    return (
        Antrag.objects.filter(fonds=fonds, status__in=EVER_APPROVED_STATES)
        .filter(
            Q(status__in=GEFOERDERT_STATES) | Exists(Abschlag.objects.filter(antrag=OuterRef("pk")))
        )
        .order_by("referenz", "pk")
    )


def bericht_spalten(antraege):
    """What the report shows of each Antrag of ``antraege``, in its order: ``ausgezahlt_brutto``,
    ``zurueckgefordert`` and ``zurueckgezahlt`` from joins of one row each (no aggregate)."""
    return (
        antraege.select_related(None)
        .annotate(
            zurueckgefordert=Coalesce(F("rueckforderung__betrag"), ZERO),
            zurueckgezahlt=Coalesce(F("rueckforderung__betrag_eingegangen"), ZERO),
            ausgezahlt_brutto=F("betrag_ausgezahlt")
            + Coalesce(F("rueckforderung__betrag_eingegangen"), ZERO),
        )
        .only("pk", "referenz", "titel", "status", "betrag_bewilligt", "betrag_ausgezahlt")
        .order_by("referenz", "pk")
    )


def bericht_projekte(fonds):
    """The projects of a fund report (``bericht_auswahl``) with their columns (``bericht_spalten``):
    the exports read them whole; the page reads them a page at a time (``bericht_seiten``)."""
    return bericht_spalten(bericht_auswahl(fonds))


def bericht_seiten(fonds):
    """``bericht_projekte`` for ``seite_for``: each page's ids from the index, then their rows
    (``seite_ueber_ids``)."""
    return SeitenUeberIds(bericht_auswahl(fonds), bericht_spalten)


def bericht_summen(fonds):
    """``(summen, kategorien)`` of the fund report: the listed projects' count and sums in one SQL
    aggregate over the fund's own rows, the cost categories ``[(name, geplant, anerkannt)]`` in
    two more."""
    summen = (
        bericht_projekte(fonds)
        .order_by()
        .aggregate(
            anzahl=Count("pk"),
            bewilligt=Coalesce(Sum("betrag_bewilligt"), ZERO),
            teilnehmende=Coalesce(Sum("sachbericht__teilnehmende"), 0),
            ehrenamtsstunden=Coalesce(Sum("sachbericht__ehrenamtsstunden"), 0),
            sachberichte=Count("sachbericht"),
        )
    )
    # the fund's own rows, found by Antrag (a join read the cost lines of all areas)
    gefoerdert = antraege_among(Antrag.objects.filter(fonds=fonds, status__in=GEFOERDERT_STATES))
    geplant = {
        row["kategorie__name"]: row["s"]
        for row in Kostenposition.objects.filter(gefoerdert)
        .values("kategorie__name")
        .annotate(s=Sum(F("menge") * F("einzelpreis")))
    }
    anerkannt = {
        row["kategorie__name"]: row["s"]
        for row in Beleg.objects.filter(gefoerdert, status=Beleg.Status.ANERKANNT)
        .values("kategorie__name")
        .annotate(s=Sum("betrag_anerkannt"))
    }
    kategorien = [
        (
            name,
            euro_round(geplant.get(name) or ZERO),
            euro_round(anerkannt.get(name) or ZERO),
        )
        for name in sorted(set(geplant) | set(anerkannt))
    ]
    return summen, kategorien


def aktionsfonds_bericht(fonds, *, summen=None, kategorien=None, saldo=None):
    """The report of one fund: figures from its running totals (no sum over Anträge; ``saldo``
    given: from the fund row the caller read, else read now), the projects' count, sums and cost
    categories from ``bericht_summen`` (``summen`` and ``kategorien`` given: from the fund's
    stored figures, else read now); the projects themselves as a queryset the caller pages or
    exports."""
    if summen is None or kategorien is None:
        summen, kategorien = bericht_summen(fonds)
    saldo = saldo or aktionsfonds_saldo(fonds)
    return Fondsbericht(
        fonds=fonds,
        saldo=saldo,
        zahlen=fondszahlen(saldo),
        kategorien=kategorien,
        **summen,
    )
