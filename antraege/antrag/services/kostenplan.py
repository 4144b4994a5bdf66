"""The jury's cut on the cost lines (issue 19): which lines an approval pays, with which amount.

An approval of less than requested says which lines are cut or reduced. The approved lines add up
to the approved amount with the lump sum inside it, by the same rule as the request: approved
lines − other funding ≤ approved amount ≤ that + the fund's lump sum of the approved eligible
lines; the lump sum in the approval is the difference. Each line keeps its requested amount
(``menge × einzelpreis``); the approved one is ``Kostenposition.betrag_bewilligt``.
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from ...geld.selectors.vereinbarung import prozent_von
from ...models import Kostenposition
from ...money import CENT, ZERO, euro_format, euro_text_clean
from ...refusals import BetragRefused


class KostenplanRefused(BetragRefused):
    """A plan of approved cost lines that does not add up to the approved amount."""


def _positionen(antrag):
    return list(antrag.kostenpositionen.select_related("kategorie").order_by("pk"))


def kostenplan_vorschlag(antrag, betrag, *, positionen=None):
    """``{pk: amount}`` when nobody said which lines are cut: the lump sum goes first; what is
    still too much comes off the lines from the last one up (the lump sum is then 0)."""
    positionen = _positionen(antrag) if positionen is None else positionen
    plan = {p.pk: p.betrag for p in positionen}
    zu_viel = sum(plan.values(), ZERO) - antrag.weitere_mittel - betrag
    for position in reversed(positionen):
        if zu_viel <= ZERO:
            break
        kuerzung = min(position.betrag, zu_viel)
        plan[position.pk] = position.betrag - kuerzung
        zu_viel -= kuerzung
    return plan


def _betrag_of(wert, position, refused):
    try:
        betrag = Decimal(str(euro_text_clean(str(wert))))
    except InvalidOperation:
        betrag = None
    if betrag is None or not betrag.is_finite() or betrag < 0 or betrag > position.betrag:
        raise refused(
            _("„%(position)s“: bitte einen Betrag zwischen 0 und %(hoechstens)s € angeben.")
            % {"position": position.beschreibung, "hoechstens": euro_format(position.betrag)},
            code="invalid",
            field=f"position_{position.pk}",
        )
    return betrag.quantize(CENT)


def kostenplan_check(antrag, betrag, plan, *, refused=KostenplanRefused, positionen=None):
    """``{pk: approved amount}`` of every line of ``antrag`` for an approval of ``betrag``
    (``plan``: pk → amount of the lines the jury changed, the rest as requested); refuses a line
    beyond its request and a plan that does not add up, saying by how much."""
    positionen = _positionen(antrag) if positionen is None else positionen
    eingaben = {str(pk): wert for pk, wert in (plan or {}).items()}
    ergebnis = {
        p.pk: _betrag_of(eingaben[str(p.pk)], p, refused) if str(p.pk) in eingaben else p.betrag
        for p in positionen
    }
    summe = sum(ergebnis.values(), ZERO)
    foerderfaehig = sum((ergebnis[p.pk] for p in positionen if p.kategorie.foerderfaehig), ZERO)
    pauschale = prozent_von(foerderfaehig, antrag.fonds.pauschale_prozent)
    von = summe - antrag.weitere_mittel
    if not (von <= betrag <= von + pauschale):
        raise refused(_nicht_aufgehend(antrag, summe, pauschale, von, betrag), field="kostenplan")
    return ergebnis


def _nicht_aufgehend(antrag, summe, pauschale, von, betrag):
    werte = {
        "summe": euro_format(summe),
        "weitere": euro_format(antrag.weitere_mittel),
        "pauschale": euro_format(pauschale),
        "von": euro_format(von),
        "bis": euro_format(von + pauschale),
        "betrag": euro_format(betrag),
    }
    if antrag.weitere_mittel:
        text = _(
            "Die bewilligten Kostenpositionen gehen nicht auf: Sie ergeben %(summe)s €, abzüglich "
            "anderer Finanzierung (%(weitere)s €) und mit der Aufwandspauschale (bis "
            "%(pauschale)s €) also %(von)s € bis %(bis)s €. Bewilligt werden %(betrag)s €: "
            "bitte passen Sie die Positionen an."
        )
    else:
        text = _(
            "Die bewilligten Kostenpositionen gehen nicht auf: Sie ergeben %(summe)s €, mit der "
            "Aufwandspauschale (bis %(pauschale)s €) also %(von)s € bis %(bis)s €. Bewilligt "
            "werden %(betrag)s €: bitte passen Sie die Positionen an."
        )
    return text % werte


def kostenplan_bewilligen(antrag, betrag, plan=None):
    """Inside the approval: store the approved amount of every line — as the jury cut them
    (``plan``, checked), else as ``kostenplan_vorschlag`` — so they add up to ``betrag``."""
    positionen = _positionen(antrag)
    if plan:
        ergebnis = kostenplan_check(antrag, betrag, plan, positionen=positionen)
    else:
        ergebnis = kostenplan_vorschlag(antrag, betrag, positionen=positionen)
    for position in positionen:
        position.betrag_bewilligt = ergebnis[position.pk]
    Kostenposition.objects.bulk_update(positionen, ["betrag_bewilligt"])
    return ergebnis
