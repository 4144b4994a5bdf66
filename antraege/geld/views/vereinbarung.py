"""Pages for the money of an approved Antrag: agreement, bank details, "Aktion entfällt",
repayment, exception reasons and the settlement QM enters from paper.

Shown as sections of the applicant's and QM's settlement pages (``geld_context``); each POST
parses a form, calls one domain function (or ``antrag_move``) and redirects.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from workflow.moves import MoveRefused, antrag_move

from ... import zugriff
from ...antrag.services import aenderung
from ...fonds.services import kosten
from ...models import Aenderungswunsch, Kostenposition
from ...roles import Akteur
from ...web.refusals import refusal_to_message
from ..forms.abrechnung import BelegForm, SachberichtForm
from ..forms.vereinbarung import (
    AenderungEntscheidungForm,
    AenderungswunschForm,
    AusnahmeForm,
    BankverbindungForm,
    EntfaelltForm,
    PapierVereinbarungForm,
    RueckzahlungForm,
    VereinbarungForm,
)
from ..services import abrechnung
from ..services import vereinbarung as geld
from ..services.abrechnung import AbrechnungRefused
from .abrechnung import beleg_add_from_form, mein_form_view, mein_submit, qm_form_view, qm_submit

# --- Applicant ---


mein_vereinbarung = mein_form_view(
    VereinbarungForm,
    "vereinbarung_form",
    lambda antrag, akteur, **_daten: geld.vereinbarung_confirm(antrag, akteur=akteur),
    done=gettext_lazy("Vielen Dank, die Vereinbarung ist bestätigt. Sie finden sie unten als PDF."),
)


mein_bankverbindung = mein_form_view(
    BankverbindungForm,
    "bank_form",
    geld.bankverbindung_save,
    done=gettext_lazy("Ihre Bankverbindung wurde gespeichert."),
)


@require_POST
def mein_entfaellt(request, pk):
    akteur = Akteur.from_request(request)
    antrag = zugriff.antrag_for_applicant(akteur, pk)
    return _entfaellt(request, antrag, akteur, mein_submit)


def _entfaellt(request, antrag, akteur, submit):
    """The project does not take place: the same form for the applicant and QM (``submit`` is
    ``mein_submit`` or ``qm_submit``)."""
    return submit(
        request,
        antrag,
        akteur,
        EntfaelltForm(request.POST),
        "entfaellt_form",
        lambda data: antrag_move(antrag, "cancel", akteur=akteur, kommentar=data["kommentar"]),
        done=_("Gespeichert: Die Aktion entfällt."),
    )


# --- QM ---


qm_vereinbarung_papier = qm_form_view(
    PapierVereinbarungForm,
    "papier_form",
    geld.vereinbarung_record_paper,
    done=gettext_lazy("Die unterschriebene Vereinbarung ist erfasst."),
)


qm_bankverbindung = qm_form_view(
    BankverbindungForm,
    "bank_form",
    geld.bankverbindung_save,
    done=gettext_lazy("Die Bankverbindung wurde gespeichert."),
)


@login_required
@require_POST
def qm_entfaellt(request, pk):
    akteur = Akteur.from_request(request)
    antrag = zugriff.antrag_for_qm(akteur, pk)
    return _entfaellt(request, antrag, akteur, qm_submit)


qm_rueckzahlung = qm_form_view(
    RueckzahlungForm,
    "rueckzahlung_form",
    geld.rueckzahlung_record,
    done=gettext_lazy("Die Rückzahlung ist erfasst."),
)


@login_required
@require_POST
def qm_ausnahme(request, pk, position_pk):
    akteur = Akteur.from_request(request)
    antrag = zugriff.antrag_for_qm(akteur, pk)
    position = get_object_or_404(Kostenposition, pk=position_pk, antrag=antrag)
    form = AusnahmeForm(request.POST)
    if form.is_valid():
        try:
            kosten.ausnahme_begruenden(position, akteur=akteur, grund=form.cleaned_data["grund"])
        except AbrechnungRefused as refused:
            refusal_to_message(request, refused)
        else:
            messages.success(request, _("Die Ausnahme ist begründet."))
    else:
        messages.error(request, " ".join(form.errors.get("grund", [])))
    return redirect("qm:antrag_detail", pk=antrag.pk)


@login_required
@require_POST
def qm_beleg_neu(request, pk):
    """QM enters a receipt of the paper settlement (the file is optional)."""
    akteur = Akteur.from_request(request)
    antrag = zugriff.antrag_for_qm(akteur, pk)
    form = BelegForm(request.POST, request.FILES, antrag=antrag, von_qm=True, prefix="papier")
    return qm_submit(
        request,
        antrag,
        akteur,
        form,
        "qm_beleg_form",
        lambda data: beleg_add_from_form(antrag, akteur, data),
        done=lambda beleg: _("Beleg Nr. %(nummer)s wurde erfasst.") % {"nummer": beleg.nummer},
    )


@login_required
@require_POST
def qm_sachbericht(request, pk):
    akteur = Akteur.from_request(request)
    antrag = zugriff.antrag_for_qm(akteur, pk)
    return qm_submit(
        request,
        antrag,
        akteur,
        SachberichtForm(request.POST, prefix="papier"),
        "qm_sachbericht_form",
        lambda data: abrechnung.sachbericht_save(antrag, akteur=akteur, **data),
        done=_("Der Sachbericht wurde gespeichert."),
    )


@login_required
@require_POST
def qm_einreichen(request, pk):
    """QM hands in the settlement the applicant brought on paper (marked in the timeline)."""
    akteur = Akteur.from_request(request)
    antrag = zugriff.antrag_for_qm(akteur, pk)
    try:
        antrag_move(
            antrag,
            "submit_settlement",
            akteur=akteur,
            kommentar=_("Abrechnung auf Papier eingereicht, vom Quartiersmanagement erfasst."),
        )
    except MoveRefused as refused:
        refusal_to_message(request, refused)
    else:
        messages.success(request, _("Die Abrechnung ist eingereicht."))
    return redirect("abrechnung:qm_abrechnung", pk=antrag.pk)


# --- Changes after approval: the applicant asks, QM decides ---


mein_aenderung = mein_form_view(
    AenderungswunschForm,
    "aenderung_form",
    aenderung.aenderung_request,
    done=gettext_lazy(
        "Ihr Änderungswunsch ist beim Quartiersmanagement. Sie bekommen eine Antwort."
    ),
)


@login_required
@require_POST
def qm_aenderung_entscheiden(request, pk, wunsch_pk):
    akteur = Akteur.from_request(request)
    antrag = zugriff.antrag_for_qm(akteur, pk)
    wunsch = get_object_or_404(Aenderungswunsch, pk=wunsch_pk, antrag=antrag)
    return qm_submit(
        request,
        antrag,
        akteur,
        AenderungEntscheidungForm(request.POST),
        "aenderung_entscheidung_form",
        lambda data: aenderung.aenderung_decide(
            wunsch,
            akteur=akteur,
            bewilligt=data["entscheidung"] == "bewilligen",
            antwort=data["antwort"],
        ),
        done=lambda w: (
            _("Die Änderung ist bewilligt; die Fristen sind angepasst.")
            if w.status == Aenderungswunsch.Status.BEWILLIGT
            else _("Die Änderung ist abgelehnt.")
        ),
    )
