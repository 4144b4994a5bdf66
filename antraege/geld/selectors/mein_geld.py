"""The money of an Antrag as the applicant sees it on "Mein Antrag": what was approved (with the
conditions), the advance and the payout, each with its date. A read: no side effects."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from ...models import ZERO
from ...states import EVER_APPROVED_STATES


@dataclass(frozen=True)
class Geldzeile:
    """One line: what (label), how much, when (a date or None), and an optional note."""

    label: str
    betrag: Decimal
    datum: date | None = None
    hinweis: str = ""


def _tag(value):
    if isinstance(value, datetime):
        return timezone.localdate(value)
    return value


def antrag_geld_fuer_antragsteller(antrag):
    """``(zeilen, auflagen)`` for an approved Antrag, ``([], "")`` before (or without) approval."""
    if antrag.status not in EVER_APPROVED_STATES or antrag.betrag_bewilligt is None:
        return [], ""
    zeilen = [
        Geldzeile(_("Bewilligter Betrag"), antrag.betrag_bewilligt, _tag(antrag.entschieden_am))
    ]
    abschlag = getattr(antrag, "abschlag", None)
    if abschlag is not None:
        zeilen.append(Geldzeile(_("Abschlag überwiesen"), abschlag.betrag, _tag(abschlag.datum)))
    auszahlung = getattr(antrag, "auszahlung", None)
    if auszahlung is not None:
        if auszahlung.betrag < ZERO:
            zeilen.append(
                Geldzeile(
                    _("Rückforderung"),
                    -auszahlung.betrag,
                    _tag(auszahlung.freigegeben_am),
                    _("Der Abschlag war höher als die anerkannten Kosten."),
                )
            )
        elif auszahlung.bezahlt_am:
            zeilen.append(
                Geldzeile(_("Restbetrag überwiesen"), auszahlung.betrag, auszahlung.bezahlt_am)
            )
        else:
            zeilen.append(
                Geldzeile(
                    _("Restbetrag freigegeben"),
                    auszahlung.betrag,
                    _tag(auszahlung.freigegeben_am),
                    _("Die Überweisung folgt in den nächsten Tagen."),
                )
            )
    if antrag.betrag_ausgezahlt > ZERO:
        zeilen.append(Geldzeile(_("Insgesamt an Sie überwiesen"), antrag.betrag_ausgezahlt))
    return zeilen, antrag.auflagen
