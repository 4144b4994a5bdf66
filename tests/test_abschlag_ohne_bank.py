"""No advance order without bank details (issue 19): the advance waits, unbooked, until the IBAN
is entered; applicant and QM are told why. An unpaid payout order is remade when the IBAN changes."""

from decimal import Decimal

import pytest
from django.utils import timezone

from antraege.dokumente.pdf import pdf_text
from antraege.dokumente.services import dokument_produce
from antraege.geld.services.abrechnung import abschlag_grant, auszahlung_release, beleg_check
from antraege.geld.services.vereinbarung import bankverbindung_save, vereinbarung_record_paper
from antraege.models import (
    Abschlag,
    AbschlagWartend,
    Benachrichtigung,
    Buchung,
    Dokument,
    Rueckforderung,
)
from antraege.roles import Akteur
from workflow.moves import antrag_move
from workflow.wege import antrag_walk_to, projektbeginn_bring_forward

from .abrechnung_helpers import applicant, approved, reload

D = Decimal
IBAN = "DE89 3704 0044 0532 0130 00"
NEUE_IBAN = "DE02 1203 0000 0000 2020 51"


def nothing_booked(antrag):
    antrag = reload(antrag)
    assert (antrag.betrag_reserviert, antrag.betrag_ausgezahlt) == (D("300.00"), D("0.00"))
    assert not Abschlag.objects.filter(antrag=antrag).exists()
    assert not Buchung.objects.filter(antrag=antrag, art=Buchung.Art.ABSCHLAG).exists()
    assert not Dokument.objects.filter(antrag=antrag, art=Dokument.Art.ABSCHLAG_ANORDNUNG).exists()
    assert not Benachrichtigung.objects.filter(antrag=antrag, art="abschlag_angewiesen").exists()


def told_why(antrag):
    antrag = reload(antrag)
    an_antragsteller = Benachrichtigung.objects.get(antrag=antrag, art="abschlag_wartet")
    an_qm = Benachrichtigung.objects.get(antrag=antrag, art="abschlag_wartet_qm")
    assert (an_antragsteller.empfaenger, an_antragsteller.sprache) == (
        antrag.antragsteller_email,
        antrag.sprache,
    )
    assert an_qm.empfaenger == antrag.fonds.quartier.qm_email
    from antraege.mail.messages import render

    betreff, text, _html = render(an_antragsteller)
    assert "Bankverbindung" in betreff and antrag.referenz in betreff
    assert "erst anweisen, wenn Sie Ihre Bankverbindung (IBAN) angegeben haben" in text
    assert "150,00 €" in text
    betreff, text, _html = render(an_qm)
    assert "wartet auf die Bankverbindung" in betreff
    assert "keine IBAN hinterlegt" in text


@pytest.mark.django_db
def test_automatic_advance_waits_for_the_iban_then_proceeds(antrag, qm_user):
    antrag = approved(antrag, qm_user)  # the fund pays 50 % in advance after the agreement
    vereinbarung_record_paper(
        antrag, akteur=Akteur(qm_user), unterschrieben_am=timezone.localdate()
    )

    nothing_booked(antrag)
    told_why(antrag)
    assert AbschlagWartend.objects.get(antrag=antrag).betrag == D("150.00")

    bankverbindung_save(antrag, akteur=applicant(antrag), iban=IBAN, kontoinhaber="Ayşe Demir")

    antrag = reload(antrag)
    assert (antrag.betrag_reserviert, antrag.betrag_ausgezahlt) == (D("150.00"), D("150.00"))
    assert Abschlag.objects.get(antrag=antrag).betrag == D("150.00")
    assert Buchung.objects.filter(antrag=antrag, art=Buchung.Art.ABSCHLAG).count() == 1
    assert Benachrichtigung.objects.filter(antrag=antrag, art="abschlag_angewiesen").count() == 1
    assert not AbschlagWartend.objects.filter(antrag=antrag).exists()
    order = pdf_text(dokument_produce(antrag.pk, Dokument.Art.ABSCHLAG_ANORDNUNG).datei.read())
    assert "DE89 3704 0044 0532 0130 00" in order
    assert "IBAN fehlt" not in order

    # a second save of the same details books nothing more
    bankverbindung_save(antrag, akteur=applicant(antrag), iban=IBAN, kontoinhaber="Ayşe Demir")
    assert Buchung.objects.filter(antrag=antrag, art=Buchung.Art.ABSCHLAG).count() == 1


@pytest.mark.django_db
def test_qms_advance_release_waits_for_the_iban(antrag, qm_user):
    antrag.fonds.abschlag_automatisch = False
    antrag.fonds.save(update_fields=["abschlag_automatisch"])
    antrag = approved(antrag, qm_user)
    vereinbarung_record_paper(
        antrag, akteur=Akteur(qm_user), unterschrieben_am=timezone.localdate()
    )
    assert not Benachrichtigung.objects.filter(antrag=antrag, art="abschlag_wartet").exists()

    result = abschlag_grant(
        antrag, akteur=Akteur(qm_user), datum=timezone.localdate(), betrag="150"
    )

    assert result is None
    nothing_booked(antrag)
    told_why(antrag)

    bankverbindung_save(antrag, akteur=Akteur(qm_user), iban=IBAN, kontoinhaber="Ayşe Demir")
    antrag = reload(antrag)
    assert antrag.betrag_ausgezahlt == D("150.00")
    assert Abschlag.objects.get(antrag=antrag).betrag == D("150.00")


@pytest.mark.django_db
def test_a_waiting_advance_of_a_cancelled_antrag_is_never_booked(antrag, qm_user):
    antrag = approved(antrag, qm_user)
    vereinbarung_record_paper(
        antrag, akteur=Akteur(qm_user), unterschrieben_am=timezone.localdate()
    )
    antrag = antrag_move(
        projektbeginn_bring_forward(antrag), "start_project", akteur=applicant(antrag)
    )
    antrag = antrag_move(antrag, "cancel", akteur=applicant(antrag), kommentar="Regen.")

    antrag = reload(antrag)
    assert antrag.betrag_ausgezahlt == D("0.00")
    assert not Abschlag.objects.filter(antrag=antrag).exists()
    assert not Rueckforderung.objects.filter(antrag=antrag).exists()
    assert not AbschlagWartend.objects.filter(antrag=antrag).exists()
    assert not Buchung.objects.filter(antrag=antrag, art=Buchung.Art.RUECKFORDERUNG).exists()


@pytest.mark.django_db
def test_an_unpaid_payout_order_is_remade_when_the_iban_changes(antrag, qm_user):
    antrag = antrag_walk_to(antrag, "settlement_submitted", qm_user=qm_user)
    for beleg in antrag.belege.all():
        beleg_check(beleg, akteur=Akteur(qm_user), anerkannt=beleg.betrag)
    auszahlung_release(antrag, akteur=Akteur(qm_user))
    alt = pdf_text(dokument_produce(antrag.pk, Dokument.Art.AUSZAHLUNGSANORDNUNG).datei.read())
    assert IBAN in alt

    bankverbindung_save(antrag, akteur=applicant(antrag), iban=NEUE_IBAN, kontoinhaber="Ayşe Demir")

    assert not Dokument.objects.filter(
        antrag=antrag, art=Dokument.Art.AUSZAHLUNGSANORDNUNG
    ).exists()
    neu = pdf_text(dokument_produce(antrag.pk, Dokument.Art.AUSZAHLUNGSANORDNUNG).datei.read())
    assert NEUE_IBAN in neu and IBAN not in neu
