"""Payout orders fit for the bookkeeping (issue 19): payee, IBAN, amount, budget year and line,
the Antrag's reference as payment reference (never split), "sachlich richtig" and "rechnerisch
richtig" by two different QM accounts in the product, then released; no order without an IBAN;
an IBAN change before the file withdraws the confirmations and remakes the order."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from antraege.dokumente.pdf import html_to_pdf, pdf_text
from antraege.dokumente.selectors import dokumente_missing
from antraege.dokumente.services import dokument_html
from antraege.fonds.services.buchhaltung import buchhaltung_save
from antraege.geld.services.abrechnung import auszahlung_release, beleg_check, sachbericht_save
from antraege.geld.services.anordnung import (
    AnordnungRefused,
    anordnung_confirm,
    anordnung_release,
)
from antraege.geld.services.vereinbarung import bankverbindung_save
from antraege.models import Auszahlungsanordnung, Dokument, Statuswechsel
from antraege.roles import Akteur
from workflow.machine import MoveRefused
from workflow.moves import antrag_move
from workflow.wege import qm_second_person

from .abrechnung_helpers import add_beleg, applicant, in_progress, reload, settlement_submitted

D = Decimal
AO = Auszahlungsanordnung
NEUE_IBAN = "DE02 1203 0000 0000 2020 51"


def restzahlung_released(antrag, qm_user):
    antrag, (beleg,) = settlement_submitted(antrag, qm_user, ["100.00"])
    beleg_check(beleg, akteur=Akteur(qm_user), anerkannt="100.00")
    auszahlung_release(antrag, akteur=Akteur(qm_user))
    return reload(antrag), AO.objects.get(antrag=antrag, art=AO.Art.RESTZAHLUNG)


def order_state(anordnung):
    row = AO.objects.get(pk=anordnung.pk)
    return (row.status, row.sachlich_von_id, row.rechnerisch_von_id, row.angeordnet_von_id)


def order_pdf_text(antrag, art=Dokument.Art.AUSZAHLUNGSANORDNUNG):
    return pdf_text(html_to_pdf(dokument_html(reload(antrag), art)))


@pytest.fixture
def buchhaltung(fonds, qm_user):
    return buchhaltung_save(
        fonds,
        akteur=Akteur(qm_user),
        haushaltsstelle="3470/68406",
        kostenstelle="QM-SOL-AF",
        kontoinhaber="Träger e. V. – QM Soldiner Kiez",
        iban="DE89 3704 0044 0532 0130 00",
        bic="",
    )


def test_two_accounts_confirm_and_the_order_is_released(antrag, qm_user, buchhaltung):
    qm_user.first_name, qm_user.last_name = "Petra", "Prüfer"
    qm_user.save()
    zweite = qm_second_person(antrag.fonds.quartier)
    antrag, anordnung = restzahlung_released(antrag, qm_user)
    assert (anordnung.status, anordnung.betrag, anordnung.iban) == (
        AO.Status.OFFEN,
        D("110.00"),  # 100 € receipts + 10 % lump sum
        "DE89370400440532013000",
    )

    anordnung_confirm(anordnung, akteur=Akteur(qm_user), als="sachlich")
    anordnung_confirm(anordnung, akteur=Akteur(zweite), als="rechnerisch")
    anordnung = anordnung_release(anordnung, akteur=Akteur(qm_user))

    assert order_state(anordnung) == ("angeordnet", qm_user.pk, zweite.pk, qm_user.pk)
    heute = timezone.localdate().strftime("%d.%m.%Y")
    text = order_pdf_text(antrag)
    assert f"Sachlich richtig Petra Prüfer {heute}" in text
    assert f"Rechnerisch richtig Zweite Person {heute}" in text
    assert f"Angeordnet Petra Prüfer {heute}" in text
    assert f"Verwendungszweck {antrag.referenz} Aktionsfonds Restzahlung" in text
    assert "Haushaltsstelle 3470/68406 Kostenstelle QM-SOL-AF" in text
    assert f"Haushaltsjahr {antrag.fonds.jahr}" in text
    assert "IBAN DE89 3704 0044 0532 0130 00" in text


def test_one_account_cannot_give_both_confirmations(antrag, qm_user):
    antrag, anordnung = restzahlung_released(antrag, qm_user)
    anordnung_confirm(anordnung, akteur=Akteur(qm_user), als="rechnerisch")
    entries = Statuswechsel.objects.filter(antrag=antrag).count()

    with pytest.raises(AnordnungRefused) as refused:
        anordnung_confirm(anordnung, akteur=Akteur(qm_user), als="sachlich")

    assert refused.value.code == "vier_augen"
    assert refused.value.message == (
        "Sie haben diese Anordnung bereits als „rechnerisch richtig“ bestätigt. Die zweite "
        "Bestätigung muss eine andere Person geben (Vier-Augen-Prinzip)."
    )
    assert order_state(anordnung) == ("offen", None, qm_user.pk, None)
    assert Statuswechsel.objects.filter(antrag=antrag).count() == entries


def test_the_database_refuses_one_account_for_both_confirmations(antrag, qm_user):
    antrag, anordnung = restzahlung_released(antrag, qm_user)

    with pytest.raises(IntegrityError), transaction.atomic():
        AO.objects.filter(pk=anordnung.pk).update(sachlich_von=qm_user, rechnerisch_von=qm_user)


def test_release_needs_both_confirmations_and_payment_needs_the_release(antrag, qm_user):
    antrag, anordnung = restzahlung_released(antrag, qm_user)
    anordnung_confirm(anordnung, akteur=Akteur(qm_user), als="sachlich")

    with pytest.raises(AnordnungRefused) as refused:
        anordnung_release(anordnung, akteur=Akteur(qm_user))
    with pytest.raises(MoveRefused) as not_paid:
        antrag_move(
            antrag,
            "mark_paid",
            akteur=Akteur(qm_user),
            bezahlt_am=timezone.localdate(),
            buchungszeichen="BZ-1",
        )

    assert refused.value.code == "not_ready"
    assert "noch nicht angeordnet" in not_paid.value.message
    assert order_state(anordnung) == ("offen", qm_user.pk, None, None)
    assert reload(antrag).status == "settlement_submitted"


def test_other_areas_staff_cannot_confirm(antrag, qm_user, qm_other_user):
    antrag, anordnung = restzahlung_released(antrag, qm_user)

    with pytest.raises(AnordnungRefused) as refused:
        anordnung_confirm(anordnung, akteur=Akteur(qm_other_user), als="sachlich")

    assert refused.value.code == "forbidden"
    assert order_state(anordnung) == ("offen", None, None, None)


def test_no_order_without_iban_until_it_is_entered(antrag, qm_user):
    antrag = in_progress(antrag, qm_user)  # no bank details given
    beleg = add_beleg(antrag, "100.00")
    sachbericht_save(antrag, akteur=applicant(antrag), text="Fest.", teilnehmende=30)
    antrag = antrag_move(antrag, "submit_settlement", akteur=applicant(antrag))
    beleg_check(beleg, akteur=Akteur(qm_user), anerkannt="100.00")

    auszahlung_release(antrag, akteur=Akteur(qm_user))

    assert not AO.objects.filter(antrag=antrag).exists()
    # nor does the sweep of lost tasks make an order PDF without an IBAN
    fehlend = dokumente_missing(older_than=datetime.timedelta(0))
    assert (antrag.pk, Dokument.Art.AUSZAHLUNGSANORDNUNG) not in fehlend
    bankverbindung_save(antrag, akteur=applicant(antrag), iban=NEUE_IBAN, kontoinhaber="Ada N.")
    anordnung = AO.objects.get(antrag=antrag)
    assert (anordnung.art, anordnung.betrag, anordnung.iban, anordnung.kontoinhaber) == (
        AO.Art.RESTZAHLUNG,
        D("110.00"),
        "DE02120300000000202051",
        "Ada N.",
    )


def test_iban_change_before_the_file_withdraws_the_confirmations(antrag, qm_user):
    antrag, anordnung = restzahlung_released(antrag, qm_user)
    zweite = qm_second_person(antrag.fonds.quartier)
    anordnung_confirm(anordnung, akteur=Akteur(qm_user), als="sachlich")
    anordnung_confirm(anordnung, akteur=Akteur(zweite), als="rechnerisch")
    anordnung_release(anordnung, akteur=Akteur(qm_user))

    bankverbindung_save(antrag, akteur=applicant(antrag), iban=NEUE_IBAN, kontoinhaber="Ada N.")

    row = AO.objects.get(pk=anordnung.pk)
    assert (row.status, row.iban, row.sachlich_von, row.rechnerisch_von) == (
        "offen",
        "DE02120300000000202051",
        None,
        None,
    )
    assert "IBAN DE02 1203 0000 0000 2020 51" in order_pdf_text(antrag)


def test_cancelled_before_the_advance_left_the_account_cancels_it_instead_of_a_claim(
    antrag, qm_user, fonds
):
    import io

    from django.core.management import call_command

    from antraege.antrag.selectors import aktionsfonds_saldo
    from antraege.models import Abschlag, Buchung, Rueckforderung

    from .abrechnung_helpers import agreed, approved

    antrag = agreed(approved(antrag, qm_user), advance_paid=False)  # 300 €, advance 150 € ordered
    anordnung = AO.objects.get(antrag=antrag, art=AO.Art.ABSCHLAG)
    assert anordnung.status == AO.Status.OFFEN

    antrag = antrag_move(antrag, "cancel", akteur=Akteur(qm_user), kommentar="Regen.")

    assert AO.objects.get(pk=anordnung.pk).status == AO.Status.STORNIERT
    assert not Rueckforderung.objects.filter(antrag=antrag).exists()
    assert not Abschlag.objects.filter(antrag=antrag).exists()
    assert (antrag.betrag_reserviert, antrag.betrag_ausgezahlt) == (D("0.00"), D("0.00"))
    assert list(
        Buchung.objects.filter(antrag=antrag).order_by("pk").values_list("art", "betrag")
    ) == [
        ("reservierung", D("300.00")),
        ("abschlag", D("150.00")),
        ("freigabe", D("150.00")),
        ("abschlag_storno", D("150.00")),
    ]
    saldo = aktionsfonds_saldo(fonds)
    assert (saldo.verfuegbar, saldo.abschlag, saldo.zurueckgefordert) == (
        fonds.budget,
        D("0.00"),
        D("0.00"),
    )
    out = io.StringIO()
    call_command("buchungen_pruefen", stdout=out)
    assert out.getvalue().strip() == "Alle Aktionsfonds stimmen mit ihren Buchungen überein."


def test_advance_order_pdf_shows_the_confirmations_and_a_cancellation(antrag, qm_user):
    from .abrechnung_helpers import agreed, approved

    antrag = agreed(approved(antrag, qm_user), advance_paid=False)
    anordnung = AO.objects.get(antrag=antrag, art=AO.Art.ABSCHLAG)
    zweite = qm_second_person(antrag.fonds.quartier)
    anordnung_confirm(anordnung, akteur=Akteur(zweite), als="sachlich")
    heute = timezone.localdate().strftime("%d.%m.%Y")

    text = order_pdf_text(antrag, Dokument.Art.ABSCHLAG_ANORDNUNG)

    assert f"Sachlich richtig Zweite Person {heute}" in text
    assert "Rechnerisch richtig ausstehend" in text
    assert f"Verwendungszweck {antrag.referenz} Aktionsfonds Abschlag" in text
    assert "noch nicht zur Zahlung freigegeben" in text
    antrag_move(antrag, "cancel", akteur=Akteur(qm_user), kommentar="Regen.")
    assert "Storniert: die Aktion findet nicht statt" in order_pdf_text(
        antrag, Dokument.Art.ABSCHLAG_ANORDNUNG
    )
