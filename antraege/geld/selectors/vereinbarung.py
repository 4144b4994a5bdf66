"""Reads of the money of an approved Antrag: the payout plan, the lump sum the cost plan can
expect, the bank details as a person may see them, open repayment claims. No side effects."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from ... import permissions
from ...models import ZERO, Bankverbindung, Rueckforderung, Vereinbarung
from ...money import CENT

HUNDRED = Decimal("100")


def prozent_von(betrag, prozent):
    """``prozent`` % of ``betrag``, rounded to the cent (half up, as bookkeeping does)."""
    return (Decimal(betrag) * Decimal(prozent) / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def pauschale_im_betrag(betrag, summe_positionen, weitere_mittel):
    """The lump sum an amount holds besides its cost lines: what is left of ``betrag`` once the
    lines (less the other funding) are paid, never below 0. The one rule for the requested and
    the approved lump sum, on the jury's cut table, the letter and the agreement."""
    return max(betrag - (summe_positionen - weitere_mittel), ZERO)


@dataclass(frozen=True)
class Zahlungsplan:
    """The payout plan of one Antrag, from its fund: advance now, the rest after the settlement."""

    bewilligt: Decimal
    abschlag_prozent: Decimal
    pauschale_prozent: Decimal
    automatisch: bool

    @property
    def abschlag(self):
        return prozent_von(self.bewilligt, self.abschlag_prozent)

    @property
    def rest_hoechstens(self):
        return self.bewilligt - self.abschlag

    @property
    def nur_erstattung(self):
        return self.abschlag_prozent <= 0


def zahlungsplan_for(antrag):
    fonds = antrag.fonds
    return Zahlungsplan(
        bewilligt=antrag.betrag_bewilligt or ZERO,
        abschlag_prozent=fonds.abschlag_prozent,
        pauschale_prozent=fonds.pauschale_prozent,
        automatisch=fonds.abschlag_automatisch,
    )


def pauschale_geplant(antrag):
    """The lump sum the cost plan can expect: the fund's share of the eligible planned costs.

    Shown in the cost plan; paid only with the settlement, from the accepted costs, and never
    beyond the approved amount.
    """
    kosten = sum(
        (p.betrag for p in antrag.kostenpositionen.all() if p.kategorie.foerderfaehig), ZERO
    )
    return prozent_von(kosten, antrag.fonds.pauschale_prozent)


@dataclass(frozen=True)
class BewilligterKostenplan:
    """The approved cost lines of an Antrag as letter, agreement and settlement show them: each
    line requested and approved, other funding, and the lump sum inside the approved amount —
    ``summe_bewilligt − weitere_mittel + pauschale == betrag``."""

    positionen: list
    summe_beantragt: Decimal
    summe_bewilligt: Decimal
    weitere_mittel: Decimal
    pauschale: Decimal
    betrag: Decimal

    @property
    def gekuerzt(self):
        return any(p.gekuerzt for p in self.positionen)


def kostenplan_bewilligt(antrag, positionen=None):
    """The ``BewilligterKostenplan`` of an approved Antrag (lines with ``select_related``)."""
    if positionen is None:
        positionen = list(antrag.kostenpositionen.select_related("kategorie").order_by("pk"))
    summe = sum((p.bewilligt for p in positionen), ZERO)
    betrag = antrag.betrag_bewilligt or ZERO
    return BewilligterKostenplan(
        positionen=positionen,
        summe_beantragt=sum((p.betrag for p in positionen), ZERO),
        summe_bewilligt=summe,
        weitere_mittel=antrag.weitere_mittel,
        pauschale=pauschale_im_betrag(betrag, summe, antrag.weitere_mittel),
        betrag=betrag,
    )


def vereinbarung_bestaetigt(antrag):
    return Vereinbarung.objects.filter(antrag=antrag).exists()


def iban_formatted(iban):
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def iban_masked(iban):
    """Country code and the last four characters; the rest hidden (``DE•• •••• … 3000``)."""
    if not iban:
        return ""
    hidden = iban[:2] + "•" * (len(iban) - 6) + iban[-4:]
    return iban_formatted(hidden)


def bankverbindung_for(akteur, antrag):
    """``(kontoinhaber, iban as this akteur may see it)`` or None: in full only for QM of the area."""
    bank = Bankverbindung.objects.filter(antrag=antrag).first()
    if bank is None:
        return None
    if permissions.may_act_on_antrag_as_qm(akteur, antrag):
        return bank.kontoinhaber, iban_formatted(bank.iban)
    return bank.kontoinhaber, iban_masked(bank.iban)


def rueckforderungen_uebersicht(quartier_ids, *, today=None):
    """The QM dashboard's open repayment claims of the areas ``quartier_ids`` in one query,
    oldest deadline first, so the overdue ones (``ueberfaellig``: deadline passed, money still
    open) lead the list (what was repaid is a running total of the fund)."""
    today = today or timezone.localdate()
    rows = list(
        Rueckforderung.objects.filter(
            zurueckgezahlt_am__isnull=True, antrag__fonds__quartier_id__in=quartier_ids
        )
        .select_related("antrag")
        # what the list shows: the dashboard asks on every view, the Antrag has many columns
        .only(
            "betrag",
            "betrag_eingegangen",
            "frist",
            "gemahnt_am",
            "mahnfrist",
            "zurueckgezahlt_am",
            "antrag__referenz",
            "antrag__titel",
            "antrag__fonds_id",
        )
        .order_by("frist", "pk")
    )
    for row in rows:
        row.ueberfaellig = row.frist < today
    return rows
