"""The fund's stored report figures (``Fondsauswertung``): what the report shows besides the ledger
totals (listed projects, participants, volunteer hours, cost categories, approvals per month,
fields of action), computed in SQL over the fund's own rows by the worker after each change of the
fund, so the report page reads one row however many Anträge the fund has.

Page, PDF and CSV show the same stored figures (``fondsbericht_figures``), with their time
("Stand"). A fund without stored figures gets them computed once, in the request that first asks.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from ..fonds.selectors import fondsbild
from ..models import Aktionsfonds, Fondsauswertung
from .selectors.abrechnung import aktionsfonds_bericht, bericht_summen


def fondsauswertung_compute(fonds):
    """The figures of the report that are not ledger totals, as JSON (amounts as strings)."""
    summen, kategorien = bericht_summen(fonds)
    return {
        "summen": {**summen, "bewilligt": str(summen["bewilligt"])},
        "kategorien": [[name, str(geplant), str(an)] for name, geplant, an in kategorien],
        "monate": [[j, m, n, str(s)] for j, m, n, s in fondsbild.monatszeilen(fonds)],
        "felder": [
            [f, n, str(b), str(a)] for f, n, b, a in fondsbild.handlungsfelder_zahlen(fonds)
        ],
    }


def fondsauswertung_refresh(fonds_id):
    """Recompute and store the figures of one fund (the worker's task); None when it is gone."""
    fonds = Aktionsfonds.objects.filter(pk=fonds_id).first()
    if fonds is None:
        return None
    row, _created = Fondsauswertung.objects.update_or_create(
        fonds=fonds,
        defaults={"daten": fondsauswertung_compute(fonds), "berechnet_am": timezone.now()},
    )
    return row


def fondsauswertung_for(fonds):
    """The fund's stored figures; computed now when it has none yet (its first report)."""
    row = Fondsauswertung.objects.filter(fonds=fonds).first()
    return row or fondsauswertung_refresh(fonds.pk)


@dataclass(frozen=True)
class Fondsberichtzahlen:
    """What page, PDF and CSV of the fund report show besides the projects' rows."""

    bericht: object  # selectors.abrechnung.Fondsbericht
    monate: object  # fondsbild.Monatsbild
    felder: list  # [fondsbild.FeldZeile]
    stand: object  # when the stored figures were computed (aware datetime)


def fondsbericht_figures(fonds):
    """The report's figures from the fund's stored ones (a query for them, none over Anträge)
    and its running totals."""
    row = fondsauswertung_for(fonds)
    daten = row.daten
    summen = {**daten["summen"], "bewilligt": Decimal(daten["summen"]["bewilligt"])}
    kategorien = [(name, Decimal(g), Decimal(a)) for name, g, a in daten["kategorien"]]
    return Fondsberichtzahlen(
        bericht=aktionsfonds_bericht(fonds, summen=summen, kategorien=kategorien),
        monate=fondsbild.bewilligungen_je_monat(
            fonds, [(j, m, n, Decimal(s)) for j, m, n, s in daten["monate"]]
        ),
        felder=fondsbild.handlungsfelder_bericht(
            fonds, [(f, n, Decimal(b), Decimal(a)) for f, n, b, a in daten["felder"]]
        ),
        stand=row.berechnet_am,
    )
