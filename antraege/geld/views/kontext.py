"""What the applicant's and QM's settlement pages show of agreement, plan, bank details and
repayment; shared by ``views.abrechnung`` (the pages) and ``views.geld`` (its POSTs)."""

from django.utils import timezone

from ... import permissions
from ...models import Aenderungswunsch
from ...states import AWAITING_SETTLEMENT_STATES, RESERVING_STATES, SETTLEMENT_EDITABLE_STATES
from ..buchungen.selectors import rueckzahlungen_for_antrag
from ..forms.abrechnung import BelegForm, SachberichtForm
from ..forms.vereinbarung import (
    AenderungEntscheidungForm,
    AenderungswunschForm,
    BankverbindungForm,
    EntfaelltForm,
    PapierVereinbarungForm,
    RueckzahlungForm,
    VereinbarungForm,
)
from ..selectors import vereinbarung as geld


def geld_context(antrag, akteur, forms_):
    """What the settlement pages show of agreement, plan, bank details and repayment."""
    plan = geld.zahlungsplan_for(antrag) if antrag.betrag_bewilligt else None
    bank = geld.bankverbindung_for(akteur, antrag)
    bank_form = forms_.get("bank_form") or BankverbindungForm(
        initial={"kontoinhaber": bank[0] if bank else antrag.antragsteller_name}
    )
    aenderungswuensche = list(antrag.aenderungswuensche.all())
    rueckforderung = getattr(antrag, "rueckforderung", None)
    offen = next((w for w in aenderungswuensche if w.status == Aenderungswunsch.Status.OFFEN), None)
    return {
        "aenderungswuensche": aenderungswuensche,
        "aenderung_offen": offen,
        "aenderung_moeglich": antrag.status in AWAITING_SETTLEMENT_STATES and offen is None,
        "aenderung_form": forms_.get("aenderung_form") or AenderungswunschForm(),
        "aenderung_entscheidung_form": forms_.get("aenderung_entscheidung_form")
        or AenderungEntscheidungForm(),
        "plan": plan,
        "pauschale_geplant": geld.pauschale_geplant(antrag) if plan else None,
        "positionen": antrag.kostenpositionen.select_related("kategorie"),
        "kostenplan": geld.kostenplan_bewilligt(antrag) if plan else None,
        "vereinbarung": getattr(antrag, "vereinbarung", None),
        "vereinbarung_offen": antrag.status in AWAITING_SETTLEMENT_STATES
        and not hasattr(antrag, "vereinbarung"),
        "vereinbarung_form": forms_.get("vereinbarung_form") or VereinbarungForm(),
        "papier_form": forms_.get("papier_form")
        or PapierVereinbarungForm(initial={"unterschrieben_am": timezone.localdate()}),
        "bank": bank,
        "bank_editierbar": antrag.status in RESERVING_STATES,
        "bank_form": bank_form,
        "entfaellt_moeglich": antrag.status in AWAITING_SETTLEMENT_STATES,
        "entfaellt_form": forms_.get("entfaellt_form") or EntfaelltForm(),
        "rueckforderung": rueckforderung,
        "rueckzahlungen": rueckzahlungen_for_antrag(antrag) if rueckforderung else [],
        "rueckzahlung_form": forms_.get("rueckzahlung_form")
        or RueckzahlungForm(initial={"datum": timezone.localdate()}),
        "qm_beleg_form": forms_.get("qm_beleg_form")
        or BelegForm(antrag=antrag, von_qm=True, prefix="papier"),
        "qm_sachbericht_form": forms_.get("qm_sachbericht_form")
        or SachberichtForm(prefix="papier"),
        "papier_erfassbar": permissions.may_act_on_antrag_as_qm(akteur, antrag)
        and antrag.status in SETTLEMENT_EDITABLE_STATES,
    }
