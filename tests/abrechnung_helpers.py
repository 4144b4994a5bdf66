"""Helpers for the settlement and letter tests: an Antrag taken to a state, valid upload files."""

import contextlib
import datetime
import io
from decimal import Decimal
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from antraege.models import Antrag
from antraege.roles import Akteur
from workflow.moves import antrag_move
from workflow.wege import antrag_walk_to, projektbeginn_bring_forward


def pdf_bytes():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def png_bytes():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_upload(name="beleg.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def applicant(antrag):
    return Akteur(None, antrag_ids=[antrag.pk])


def approved(antrag, qm_user, *, betrag="300.00", auflagen=""):
    """Take a draft through submission, review and jury to ``approved``."""
    return antrag_walk_to(
        antrag,
        "approved",
        qm_user=qm_user,
        put_to_jury={"kommentar": "", "intern": False},
        approve={"betrag": Decimal(betrag), "auflagen": auflagen, "kommentar": ""},
    )


def approved_and_due(antrag, qm_user, **kwargs):
    """Approved, and the action close enough that "Projektbeginn bestätigen" is taken."""
    return projektbeginn_bring_forward(approved(antrag, qm_user, **kwargs))


def in_progress(antrag, qm_user, **kwargs):
    antrag = approved(antrag, qm_user, **kwargs)
    antrag = projektbeginn_bring_forward(antrag)  # the action is due: "Projektbeginn" is taken
    return antrag_move(antrag, "start_project", akteur=applicant(antrag))


def agreed(antrag, *, auto=True, advance_paid=True):
    """The applicant gives the bank details and confirms the agreement online; ``auto`` = the
    fund releases the advance; ``advance_paid``: its order is confirmed by two QM accounts and
    paid (a cancellation then claims it back; unpaid, it would be cancelled)."""
    from antraege.geld.services.vereinbarung import vereinbarung_confirm
    from antraege.roles import Akteur
    from workflow.wege import abschlag_pay_in_full, bank_details_give

    bank_details_give(antrag, akteur=applicant(antrag))

    if antrag.fonds.abschlag_automatisch != auto:
        antrag.fonds.abschlag_automatisch = auto
        antrag.fonds.save(update_fields=["abschlag_automatisch"])
    vereinbarung_confirm(antrag, akteur=applicant(antrag))
    if advance_paid:
        qm = antrag.fonds.quartier.qm_staff.order_by("pk").first()
        abschlag_pay_in_full(antrag, akteur=Akteur(qm))
    return reload(antrag)


def add_beleg(antrag, betrag, *, datum=None):
    from antraege.geld.services.abrechnung import beleg_add

    position = antrag.kostenpositionen.first()
    return beleg_add(
        antrag,
        akteur=applicant(antrag),
        datum=datum or timezone.localdate(),
        aussteller="Baumarkt Wedding",
        betrag=betrag,
        kostenposition_id=position.pk,
        datei=pdf_upload(),
    )


def settlement_submitted(antrag, qm_user, betraege, **kwargs):
    """In progress, bank details given, receipts of ``betraege`` and a report handed in."""
    from antraege.geld.services.abrechnung import sachbericht_save
    from workflow.wege import bank_details_give

    antrag = in_progress(antrag, qm_user, **kwargs)
    bank_details_give(antrag, akteur=applicant(antrag))
    belege = [add_beleg(antrag, betrag) for betrag in betraege]
    sachbericht_save(antrag, akteur=applicant(antrag), text="Schönes Fest.", teilnehmende=70)
    antrag = antrag_move(antrag, "submit_settlement", akteur=applicant(antrag))
    return antrag, belege


def reload(antrag):
    return Antrag.objects.select_related("fonds__quartier").get(pk=antrag.pk)


def yesterday():
    return timezone.localdate() - datetime.timedelta(days=1)


def fondsbericht_pdf(client, fonds):
    """The fund report PDF as QM gets it: the first request says it is being made (202), the
    worker renders it (its task's body, called here), the next request downloads it."""
    from django.urls import reverse

    from antraege.geld.bericht import fondsbericht_pdf_render
    from antraege.models import FondsberichtPdf

    url = reverse("abrechnung:fonds_bericht_pdf", args=[fonds.pk])
    wartet = client.get(url)
    assert wartet.status_code == 202
    assert "Der Fondsbericht als PDF wird erstellt." in wartet.content.decode()
    fondsbericht_pdf_render(FondsberichtPdf.objects.filter(fonds=fonds).latest("pk").pk)
    fertig = client.get(url)
    assert (fertig.status_code, fertig["Content-Type"]) == (200, "application/pdf")
    return b"".join(fertig.streaming_content)


def buero_konto_save(fonds, qm_user):
    """QM enters the budget line and the office's account (debtor of the SEPA file)."""
    from antraege.fonds.services.buchhaltung import buchhaltung_save
    from antraege.roles import Akteur

    return buchhaltung_save(
        fonds,
        akteur=Akteur(qm_user),
        haushaltsstelle="3470/68406",
        kostenstelle="QM-SOL-AF",
        kontoinhaber="Träger e. V. – QM Soldiner Kiez",
        iban="DE89 3704 0044 0532 0130 00",
        bic="",
    )


@contextlib.contextmanager
def worker_refreshes_figures():
    """The worker, for the fund's stored report figures, while the block runs: a queued
    recomputation runs its task's body when the on-commit callbacks run (other tasks are sent as
    always). Yields the ids of the funds recomputed, in order."""
    from antraege import enqueue, task_names
    from antraege.geld.auswertung import fondsauswertung_refresh

    neu_berechnet = []
    task_send = enqueue.task_send

    def worker(name, **kwargs):
        if name != task_names.REFRESH_FONDSAUSWERTUNG:
            return task_send(name, **kwargs)
        neu_berechnet.append(kwargs["fonds_id"])
        fondsauswertung_refresh(kwargs["fonds_id"])
        return True

    with mock.patch.object(enqueue, "task_send", worker):
        yield neu_berechnet
