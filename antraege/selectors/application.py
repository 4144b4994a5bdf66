"""Reads: the fund's balance and the lists the pages show."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, Sum
from django.db.models.functions import Coalesce

from ..models import (
    Aktionsfonds,
    Antrag,
    AntragStatus,
    Kostenposition,
    Quartier,
    Statuswechsel,
)
from ..money import ZERO


@dataclass(frozen=True)
class Saldo:
    """The money of one fund: budget − reserved (approved, not yet settled) − paid = available.

    After the year-end close (``abgeschlossen``) nothing is available any more: what is not bound
    or paid has lapsed (``verfallen``), including money an Antrag returns after the close.
    """

    budget: Decimal
    reserviert: Decimal
    ausgezahlt: Decimal
    abgeschlossen: bool = False

    @property
    def gebunden(self):
        return self.reserviert + self.ausgezahlt

    @property
    def frei(self):
        """Budget neither reserved nor paid: available before the close, lapsed after it."""
        return self.budget - self.reserviert - self.ausgezahlt

    @property
    def verfuegbar(self):
        return ZERO if self.abgeschlossen else self.frei

    @property
    def verfallen(self):
        return self.frei if self.abgeschlossen else ZERO


def aktionsfonds_saldo(fonds):
    """The one place the balance of a fund is computed."""
    totals = Antrag.objects.filter(fonds=fonds).aggregate(
        reserviert=Coalesce(Sum("betrag_reserviert"), ZERO),
        ausgezahlt=Coalesce(Sum("betrag_ausgezahlt"), ZERO),
    )
    return Saldo(
        fonds.budget,
        totals["reserviert"],
        totals["ausgezahlt"],
        abgeschlossen=fonds.abgeschlossen_am is not None,
    )


def quartiere_for_staff(akteur):
    """The areas an akteur may work on as staff (admins: all)."""
    if akteur.is_admin:
        return Quartier.objects.all()
    return Quartier.objects.filter(pk__in=akteur.qm_quartier_ids)


def antraege_for_staff(akteur, *, jahr=None, status=None, suche=""):
    """Anträge visible to QM staff / admin, with what a list needs in one query."""
    qs = (
        Antrag.objects.filter(fonds__quartier__in=quartiere_for_staff(akteur))
        .exclude(status=AntragStatus.DRAFT)
        .select_related("fonds__quartier")
    )
    if jahr:
        qs = qs.filter(fonds__jahr=jahr)
    if status:
        qs = qs.filter(status=status)
    if suche:
        qs = qs.filter(
            Q(referenz__icontains=suche)
            | Q(titel__icontains=suche)
            | Q(antragsteller_name__icontains=suche)
            | Q(organisation__icontains=suche)
        )
    return qs.order_by("-eingereicht_am", "-pk")


def antraege_count_by_status(antraege):
    """``{status: count}`` for a queryset of Anträge."""
    rows = antraege.order_by().values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def fonds_for_staff(akteur, *, jahr):
    return Aktionsfonds.objects.filter(
        quartier__in=quartiere_for_staff(akteur), jahr=jahr
    ).select_related("quartier")


def current_fonds(quartier, today):
    """The fund of ``quartier`` for the year of ``today`` (Europe/Berlin), or None."""
    return Aktionsfonds.objects.filter(quartier=quartier, jahr=today.year).first()


def antrag_for_detail(pk):
    """The Antrag with what QM's detail page shows: cost lines with their category, attachments,
    the timeline with its actors (one query each)."""
    return (
        Antrag.objects.select_related("fonds__quartier")
        .prefetch_related(
            Prefetch(
                "kostenpositionen", queryset=Kostenposition.objects.select_related("kategorie")
            ),
            "anhaenge",
            Prefetch("statuswechsel", queryset=Statuswechsel.objects.select_related("akteur")),
        )
        .get(pk=pk)
    )


def kosten_summen(antrag, positionen):
    """``(total, eligible)`` of the cost lines: eligible are those in a fundable category of the
    Antrag's own area."""
    gesamt = sum((p.betrag for p in positionen), ZERO)
    foerderfaehig = sum(
        (
            p.betrag
            for p in positionen
            if p.kategorie.foerderfaehig and p.kategorie.quartier_id == antrag.fonds.quartier_id
        ),
        ZERO,
    )
    return gesamt, foerderfaehig
