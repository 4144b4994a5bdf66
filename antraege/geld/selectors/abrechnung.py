"""Reads of the settlement: what is missing, the payout calculation and the fund report."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from ...antrag.selectors import aktionsfonds_saldo
from ...models import Abschlag, Antrag, Auszahlung, Beleg, Kostenposition, Sachbericht
from ...money import ZERO, euro_round
from ...states import GEFOERDERT_STATES


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
    """``[(Kostenposition or None, planned, accepted)]``: the clearing statement per cost line."""
    positionen = list(antrag.kostenpositionen.select_related("kategorie"))
    anerkannt = {}
    for beleg in antrag.belege.filter(status=Beleg.Status.ANERKANNT):
        anerkannt[beleg.kostenposition_id] = (
            anerkannt.get(beleg.kostenposition_id, ZERO) + beleg.betrag_anerkannt
        )
    rows = [(p, p.betrag, anerkannt.get(p.pk, ZERO)) for p in positionen]
    if None in anerkannt:
        rows.append((None, ZERO, anerkannt[None]))
    return rows


def auszahlung_released(antrag):
    """The payout of ``antrag`` has been released and not yet marked paid."""
    return Auszahlung.objects.filter(antrag=antrag, bezahlt_am__isnull=True).exists()


@dataclass(frozen=True)
class Fondsbericht:
    fonds: object
    budget: Decimal
    bewilligt: Decimal
    ausgezahlt: Decimal
    reserviert: Decimal
    zurueck: Decimal
    verfuegbar: Decimal
    kategorien: list  # [(name, geplant, anerkannt)]
    projekte: list  # [Antrag] with betrag_bewilligt, betrag_ausgezahlt


def aktionsfonds_bericht(fonds):
    """The figures of one fund for its year: budget, approved, paid, returned, available."""
    saldo = aktionsfonds_saldo(fonds)
    # Funded = approved and not undone: expired and cancelled Anträge are not counted.
    projekte = list(
        Antrag.objects.filter(fonds=fonds, status__in=GEFOERDERT_STATES).order_by("referenz")
    )
    bewilligt = sum((a.betrag_bewilligt or ZERO for a in projekte), ZERO)
    # Returned: approved money of funded Anträge no longer reserving it and not paid out.
    zurueck = sum(
        (
            (a.betrag_bewilligt or ZERO) - a.betrag_reserviert - a.betrag_ausgezahlt
            for a in projekte
        ),
        ZERO,
    )
    geplant = {
        row["kategorie__name"]: row["s"]
        for row in Kostenposition.objects.filter(antrag__in=projekte)
        .values("kategorie__name")
        .annotate(s=Sum(F("menge") * F("einzelpreis")))
    }
    anerkannt = {
        row["kategorie__name"]: row["s"]
        for row in Beleg.objects.filter(antrag__in=projekte, status=Beleg.Status.ANERKANNT)
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
    return Fondsbericht(
        fonds=fonds,
        budget=saldo.budget,
        bewilligt=bewilligt,
        ausgezahlt=saldo.ausgezahlt,
        reserviert=saldo.reserviert,
        zurueck=zurueck,
        verfuegbar=saldo.verfuegbar,
        kategorien=kategorien,
        projekte=projekte,
    )
