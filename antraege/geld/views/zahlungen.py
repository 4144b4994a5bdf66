"""QM's payments page of an area: payout orders to confirm and release (four eyes), the SEPA
file of the released ones, marking a file paid. Every POST: one domain call, a message, back."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from workflow.zahlungen import sepa_datei_mark_paid

from ... import zugriff
from ...antrag.views.qm import staff_required
from ...datenschutz.models import Zugriffsnachweis
from ...datenschutz.nachweis import zugriffsnachweis_record
from ...money import euro_format
from ...refusals import Refused
from ...web.refusals import refusal_to_message
from ..forms.abrechnung import SepaBezahltForm
from ..selectors.anordnung import (
    anordnungen_for_quartier,
    anordnungen_summe,
    sepa_dateien_for_quartier,
)
from ..services import anordnung as anordnungen
from ..services.sepa import sepa_datei_create


def _zurueck(quartier):
    return redirect(reverse("abrechnung:qm_zahlungen", args=[quartier.pk]))


@require_GET
@staff_required
def qm_zahlungen(request, pk):
    """The area's payout orders by step and its SEPA files."""
    quartier = zugriff.quartier_for_qm(request.akteur, pk)
    gruppen = anordnungen_for_quartier(quartier.pk)
    angeordnet = gruppen["angeordnet"]
    context = {
        "quartier": quartier,
        "offen": gruppen["offen"],
        "angeordnet": angeordnet,
        "angeordnet_summe": anordnungen_summe(angeordnet),
        "in_datei": gruppen["in_datei"],
        "dateien": _dateien_with_forms(quartier),
        "user_pk": request.user.pk,
    }
    return render(request, "qm/zahlungen.html", context)


def _bezahlt_form(datei, data=None):
    return SepaBezahltForm(data, prefix=f"datei{datei.pk}")


def _dateien_with_forms(quartier):
    dateien = sepa_dateien_for_quartier(quartier.pk)
    for datei in dateien:
        datei.bezahlt_form = _bezahlt_form(datei)
    return dateien


@require_POST
@staff_required
def qm_anordnung_bestaetigen(request, pk, anordnung_pk, als):
    """ "Sachlich richtig" or "rechnerisch richtig" for one order."""
    quartier = zugriff.quartier_for_qm(request.akteur, pk)
    anordnung = zugriff.anordnung_for_qm(request.akteur, quartier, anordnung_pk)
    if als not in anordnungen.BESTAETIGUNGEN:
        return _zurueck(quartier)
    try:
        anordnungen.anordnung_confirm(anordnung, akteur=request.akteur, als=als)
    except Refused as refused:
        refusal_to_message(request, refused)
    else:
        messages.success(
            request,
            _("„%(bestaetigung)s“ für %(referenz)s ist bestätigt.")
            % {
                "bestaetigung": anordnungen.bestaetigung_label(als),
                "referenz": anordnung.antrag.referenz,
            },
        )
    return _zurueck(quartier)


@require_POST
@staff_required
def qm_anordnung_anordnen(request, pk, anordnung_pk):
    """Release an order confirmed by two people."""
    quartier = zugriff.quartier_for_qm(request.akteur, pk)
    anordnung = zugriff.anordnung_for_qm(request.akteur, quartier, anordnung_pk)
    try:
        anordnungen.anordnung_release(anordnung, akteur=request.akteur)
    except Refused as refused:
        refusal_to_message(request, refused)
    else:
        messages.success(
            request,
            _("Die Auszahlung für %(referenz)s ist angeordnet.")
            % {"referenz": anordnung.antrag.referenz},
        )
    return _zurueck(quartier)


@require_POST
@staff_required
def qm_sepa_datei_erstellen(request, pk):
    """Make the SEPA file of every released order not yet in a file."""
    quartier = zugriff.quartier_for_qm(request.akteur, pk)
    try:
        datei = sepa_datei_create(quartier.pk, akteur=request.akteur)
    except Refused as refused:
        refusal_to_message(request, refused)
    else:
        messages.success(
            request,
            ngettext(
                "Die SEPA-Datei mit %(anzahl)s Überweisung über %(summe)s € ist erstellt. "
                "Laden Sie sie herunter und geben Sie sie im Online-Banking des QM-Büros ein.",
                "Die SEPA-Datei mit %(anzahl)s Überweisungen über %(summe)s € ist erstellt. "
                "Laden Sie sie herunter und geben Sie sie im Online-Banking des QM-Büros ein.",
                datei.anzahl,
            )
            % {"anzahl": datei.anzahl, "summe": euro_format(datei.summe)},
        )
    return _zurueck(quartier)


@require_GET
@staff_required
def qm_sepa_datei(request, pk, datei_pk):
    """The stored SEPA file, the same bytes at every download (logged: it names payees)."""
    quartier = zugriff.quartier_for_qm(request.akteur, pk)
    datei = zugriff.sepa_datei_for_qm(request.akteur, quartier, datei_pk)
    if not datei.inhalt:  # emptied after the financial records' period (retention)
        messages.info(
            request,
            _(
                "Die Datei %(name)s ist älter als die Aufbewahrungsfrist; ihr Inhalt mit "
                "Empfängern und IBAN wurde gelöscht."
            )
            % {"name": datei.dateiname},
        )
        return _zurueck(quartier)
    for anordnung in datei.anordnungen.select_related("antrag"):
        zugriffsnachweis_record(
            request.user,
            Zugriffsnachweis.Aktion.DOWNLOAD,
            antrag=anordnung.antrag,
            gegenstand=datei.dateiname,
        )
    response = HttpResponse(datei.inhalt.encode("utf-8"), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{datei.dateiname}"'
    return response


@require_POST
@staff_required
def qm_sepa_datei_bezahlt(request, pk, datei_pk):
    """Mark a file paid with the bank's booking date: every payment in it is booked."""
    quartier = zugriff.quartier_for_qm(request.akteur, pk)
    datei = zugriff.sepa_datei_for_qm(request.akteur, quartier, datei_pk)
    form = _bezahlt_form(datei, request.POST)
    if not form.is_valid():
        messages.error(request, _("Bitte geben Sie das Buchungsdatum an (TT.MM.JJJJ)."))
        return _zurueck(quartier)
    try:
        sepa_datei_mark_paid(
            datei, akteur=request.akteur, bezahlt_am=form.cleaned_data["bezahlt_am"]
        )
    except Refused as refused:
        refusal_to_message(request, refused)
    else:
        messages.success(
            request,
            _("Die Überweisungen der Datei %(datei)s sind als bezahlt gebucht.")
            % {"datei": datei.nachricht_id},
        )
    return _zurueck(quartier)
