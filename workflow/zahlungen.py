"""Marking a SEPA file paid: the orders in it are paid with the bank's booking date, each payment
booked where it is booked today (the one writer of each): a remainder through the Antrag's move
``mark_paid`` (``geld.services.abrechnung.auszahlung_mark_paid`` books ``RESTZAHLUNG``); an
advance was booked when it was ordered (``abschlag_book``), so its order only records the date."""

from django.db import transaction
from django.utils.translation import gettext as _

from antraege.antrag.services.antrag import antrag_lock, berlin_today
from antraege.geld.services.anordnung import AnordnungRefused, anordnung_mark_paid
from antraege.models import Auszahlungsanordnung, SepaDatei
from antraege.permissions import may_handle_sepa_datei, require

from .moves import antrag_move

AO = Auszahlungsanordnung


def sepa_datei_mark_paid(datei, *, akteur, bezahlt_am):
    """QM marks the SEPA file ``datei`` paid on ``bezahlt_am`` (the bank's booking date): every
    order in it is paid and booked, all or nothing; once per file."""
    require(may_handle_sepa_datei, akteur, datei.quartier_id, refused=AnordnungRefused)
    if bezahlt_am is None or bezahlt_am > berlin_today():
        raise AnordnungRefused(
            _("Das Buchungsdatum darf nicht in der Zukunft liegen."),
            code="invalid",
            field="bezahlt_am",
        )
    with transaction.atomic():
        if not SepaDatei.objects.filter(pk=datei.pk, bezahlt_am__isnull=True).update(
            bezahlt_am=bezahlt_am
        ):
            raise AnordnungRefused(
                _("Diese Datei ist bereits als bezahlt markiert."), code="conflict"
            )
        anordnungen = AO.objects.filter(sepa_datei=datei, status=AO.Status.IN_DATEI)
        for anordnung in anordnungen.select_related("antrag").order_by("pk"):
            if anordnung.art == AO.Art.RESTZAHLUNG:
                antrag_move(
                    anordnung.antrag,
                    "mark_paid",
                    akteur=akteur,
                    bezahlt_am=bezahlt_am,
                    buchungszeichen=f"SEPA {datei.nachricht_id}",
                )
            else:
                antrag = antrag_lock(anordnung.antrag)
                anordnung_mark_paid(antrag, AO.Art.ABSCHLAG, bezahlt_am=bezahlt_am)
    datei.refresh_from_db()
    return datei
