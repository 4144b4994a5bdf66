"""Money as QM offices handle it: advance after the agreement, remainder = min(approved, accepted
receipts + lump sum) − advance, repayment claims; the fund's balance after every step."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from antraege.antrag.selectors import aktionsfonds_saldo
from antraege.dokumente.pdf import pdf_text
from antraege.dokumente.services import dokument_produce
from antraege.geld.selectors.abrechnung import Berechnung
from antraege.geld.services.abrechnung import (
    AbrechnungRefused,
    abschlag_grant,
    auszahlung_release,
    beleg_check,
    sachbericht_save,
)
from antraege.geld.services.vereinbarung import (
    rueckzahlung_record,
    vereinbarung_confirm,
    vereinbarung_record_paper,
)
from antraege.models import (
    Abschlag,
    AntragStatus,
    Benachrichtigung,
    Dokument,
    Rueckforderung,
    Statuswechsel,
    Vereinbarung,
)
from antraege.roles import Akteur
from workflow.moves import MoveRefused, antrag_move
from workflow.wege import anordnungen_confirm_by_two, bank_details_give

from .abrechnung_helpers import add_beleg, agreed, applicant, approved, in_progress, reload

D = Decimal


@pytest.mark.parametrize(
    ("bewilligt", "anerkannt", "abschlag", "prozent", "pauschale", "rest", "zurueck"),
    [
        # full spending, no advance: the lump sum does not go beyond the approved amount
        ("300.00", "300.00", "0.00", "10", "0.00", "300.00", "0.00"),
        # partial spending, no advance
        ("300.00", "200.00", "0.00", "10", "20.00", "220.00", "80.00"),
        # partial spending with a 50 % advance
        ("300.00", "200.00", "150.00", "10", "20.00", "70.00", "80.00"),
        # lump sum at the cap: 290 + 29 is capped at 300
        ("300.00", "290.00", "150.00", "10", "10.00", "150.00", "0.00"),
        # advance larger than accepted costs: a repayment claim of 40
        ("300.00", "100.00", "150.00", "10", "10.00", "-40.00", "190.00"),
        # older rule of 3 %, rounded half up to the cent
        ("1500.00", "333.33", "0.00", "3", "10.00", "343.33", "1156.67"),
        # reimbursement only, no lump sum in this area
        ("300.00", "120.50", "0.00", "0", "0.00", "120.50", "179.50"),
    ],
)
def test_remainder_arithmetic(bewilligt, anerkannt, abschlag, prozent, pauschale, rest, zurueck):
    rechnung = Berechnung(D(bewilligt), D(anerkannt), D(abschlag), D(prozent))

    assert (rechnung.pauschale, rechnung.auszahlung, rechnung.zurueck_an_fonds) == (
        D(pauschale),
        D(rest),
        D(zurueck),
    )
    assert rechnung.rueckforderung == max(-D(rest), D("0"))
    assert rechnung.foerderung <= D(bewilligt)


def verfuegbar(fonds):
    fonds.refresh_from_db()
    return aktionsfonds_saldo(fonds).verfuegbar


def settle(antrag, qm_user, betraege):
    """Receipts of ``betraege``, report, hand in, QM accepts all, releases the remainder."""
    belege = [add_beleg(antrag, betrag) for betrag in betraege]
    sachbericht_save(
        antrag, akteur=applicant(antrag), text="Fest", teilnehmende=40, logoleiste_verwendet=True
    )
    antrag = antrag_move(antrag, "submit_settlement", akteur=applicant(antrag))
    for beleg in belege:
        beleg_check(beleg, akteur=Akteur(qm_user), anerkannt=beleg.betrag)
    return auszahlung_release(antrag, akteur=Akteur(qm_user))


def pay(antrag, qm_user):
    anordnungen_confirm_by_two(antrag, akteur=Akteur(qm_user))
    return antrag_move(
        antrag,
        "mark_paid",
        akteur=Akteur(qm_user),
        bezahlt_am=timezone.localdate(),
        buchungszeichen="BZ-7",
    )


# Each case: the fund's advance percentage, the receipts, and the available balance of the fund
# (budget 10,000 €, approved 300 €) after: approval, agreement (+ automatic advance), release of
# the remainder, payment (or repayment).
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prozent", "belege", "after_agreement", "rest", "after_release", "after_payment"),
    [
        ("0", ["150.00", "150.00"], "9700.00", "300.00", "9700.00", "9700.00"),  # full, none
        ("0", ["200.00"], "9700.00", "220.00", "9780.00", "9780.00"),  # partial, none
        ("50", ["200.00"], "9700.00", "70.00", "9780.00", "9780.00"),  # partial, advance
        ("50", ["290.00"], "9700.00", "150.00", "9700.00", "9700.00"),  # lump sum at the cap
        ("50", ["100.00"], "9700.00", "-40.00", "9850.00", "9890.00"),  # repayment of 40
    ],
)
def test_payout_steps_and_fund_balance(
    antrag, qm_user, prozent, belege, after_agreement, rest, after_release, after_payment
):
    fonds = antrag.fonds
    fonds.abschlag_prozent = D(prozent)
    fonds.save()
    antrag = in_progress(antrag, qm_user)
    assert verfuegbar(fonds) == D("9700.00")

    antrag = agreed(antrag)
    advance = D("150.00") if prozent == "50" else D("0.00")
    assert antrag.betrag_ausgezahlt == advance
    assert verfuegbar(fonds) == D(after_agreement)

    auszahlung = settle(antrag, qm_user, belege)
    assert auszahlung.betrag == D(rest)
    assert verfuegbar(fonds) == D(after_release)

    paid = pay(reload(antrag), qm_user)
    assert paid.status == AntragStatus.PAID
    assert paid.betrag_reserviert == D("0.00")
    assert verfuegbar(fonds) == D(after_payment)
    assert paid.betrag_ausgezahlt == D("10000.00") - D(after_payment)


@pytest.mark.django_db
@pytest.mark.parametrize("by", ["applicant", "qm"])
def test_aktion_entfaellt_after_advance_claims_it_back_until_repaid(antrag, qm_user, by):
    fonds = antrag.fonds
    antrag = agreed(approved(antrag, qm_user))
    assert verfuegbar(fonds) == D("9700.00")
    akteur = applicant(antrag) if by == "applicant" else Akteur(qm_user)

    cancelled = antrag_move(antrag, "cancel", akteur=akteur, kommentar="Regen, abgesagt.")

    assert cancelled.status == AntragStatus.CANCELLED
    assert (cancelled.betrag_reserviert, cancelled.betrag_ausgezahlt) == (D("0.00"), D("150.00"))
    claim = Rueckforderung.objects.get(antrag=antrag)
    assert (claim.anlass, claim.betrag, claim.frist) == (
        "cancelled",
        D("150.00"),
        timezone.localdate() + datetime.timedelta(weeks=4),
    )
    assert verfuegbar(fonds) == D("9850.00")  # the advance is not back yet

    letter = dokument_produce(antrag.pk, Dokument.Art.RUECKFORDERUNG)
    text = pdf_text(letter.datei.read())
    assert "Ihre Aktion findet nicht statt." in text
    assert "Zurückzuzahlen 150,00 €" in text
    assert f"Zahlungsfrist {claim.frist:%d.%m.%Y}" in text

    rueckzahlung_record(cancelled, akteur=Akteur(qm_user), datum=timezone.localdate())

    assert verfuegbar(fonds) == D("10000.00")
    assert reload(antrag).betrag_ausgezahlt == D("0.00")
    from antraege.fonds.selectors.fondsbild import fondsbild_for

    assert fondsbild_for(fonds).zurueckgezahlt == D("150.00")  # the fund picture shows it repaid
    with pytest.raises(AbrechnungRefused):  # recorded once
        rueckzahlung_record(cancelled, akteur=Akteur(qm_user), datum=timezone.localdate())
    assert verfuegbar(fonds) == D("10000.00")


@pytest.mark.django_db
def test_aktion_entfaellt_without_advance_returns_everything_and_claims_nothing(antrag, qm_user):
    antrag = approved(antrag, qm_user)

    antrag_move(antrag, "cancel", akteur=applicant(antrag))

    assert verfuegbar(antrag.fonds) == D("10000.00")
    assert not Rueckforderung.objects.exists()
    mail = Benachrichtigung.objects.get(antrag=antrag, art="aktion_entfaellt")
    assert mail.empfaenger == antrag.antragsteller_email


@pytest.mark.django_db
def test_expiry_after_advance_creates_a_repayment_claim(antrag, qm_user):
    from workflow.deadlines import abrechnung_deadlines_check

    antrag = agreed(in_progress(antrag, qm_user))
    frist = reload(antrag).abrechnungsfrist

    abrechnung_deadlines_check(today=frist + datetime.timedelta(days=1))

    antrag = reload(antrag)
    assert antrag.status == AntragStatus.EXPIRED
    assert antrag.rueckforderung.betrag == D("150.00")
    assert antrag.rueckforderung.anlass == "expired"
    assert verfuegbar(antrag.fonds) == D("9850.00")


@pytest.mark.django_db
def test_repayment_letter_goes_out_by_email_with_the_letter(antrag, qm_user):
    from antraege.dokumente.services import dokument_deliver

    antrag = agreed(approved(antrag, qm_user))
    antrag_move(antrag, "cancel", akteur=applicant(antrag))

    dokument = dokument_deliver(antrag.pk, Dokument.Art.RUECKFORDERUNG)

    mail = Benachrichtigung.objects.get(antrag=antrag, art="rueckforderung")
    assert mail.kontext["dokumente"] == [dokument.pk]
    assert mail.empfaenger == antrag.antragsteller_email


# --- The agreement gate ---


@pytest.mark.django_db
def test_no_advance_before_the_agreement(antrag, qm_user):
    antrag = in_progress(antrag, qm_user)

    with pytest.raises(AbrechnungRefused) as refused:
        abschlag_grant(antrag, akteur=Akteur(qm_user), datum=timezone.localdate(), betrag="150")

    assert refused.value.code == "no_agreement"
    antrag = reload(antrag)
    assert (antrag.betrag_reserviert, antrag.betrag_ausgezahlt) == (D("300.00"), D("0.00"))
    assert not Abschlag.objects.exists()


@pytest.mark.django_db
def test_agreement_is_confirmed_once_and_releases_the_advance_once(antrag, qm_user):
    antrag = approved(antrag, qm_user)
    bank_details_give(antrag, akteur=applicant(antrag))
    vereinbarung_confirm(antrag, akteur=applicant(antrag))
    notes = Statuswechsel.objects.filter(antrag=antrag).count()

    with pytest.raises(AbrechnungRefused) as refused:
        vereinbarung_confirm(antrag, akteur=applicant(antrag))
    with pytest.raises(AbrechnungRefused):
        vereinbarung_record_paper(
            antrag, akteur=Akteur(qm_user), unterschrieben_am=timezone.localdate()
        )

    assert refused.value.code == "conflict"
    assert Vereinbarung.objects.filter(antrag=antrag).count() == 1
    assert Abschlag.objects.get(antrag=antrag).betrag == D("150.00")
    assert reload(antrag).betrag_ausgezahlt == D("150.00")
    assert Statuswechsel.objects.filter(antrag=antrag).count() == notes
    assert Benachrichtigung.objects.filter(antrag=antrag, art="abschlag_angewiesen").count() == 1


@pytest.mark.django_db
def test_agreement_refused_to_others_and_before_approval(antrag, qm_user, akteure):
    with pytest.raises(AbrechnungRefused):
        vereinbarung_confirm(antrag, akteur=applicant(antrag))  # still a draft
    antrag = approved(antrag, qm_user)
    for name in ("anonymous", "other_applicant", "jury", "qm_other_area", "admin", "qm"):
        with pytest.raises(AbrechnungRefused):
            vereinbarung_confirm(antrag, akteur=akteure[name])
    assert not Vereinbarung.objects.exists()


@pytest.mark.django_db
def test_paper_agreement_by_qm_without_automatic_advance(antrag, qm_user):
    antrag.fonds.abschlag_automatisch = False
    antrag.fonds.save()
    antrag = approved(antrag, qm_user)
    with pytest.raises(AbrechnungRefused):
        vereinbarung_record_paper(
            antrag,
            akteur=Akteur(qm_user),
            unterschrieben_am=timezone.localdate() + datetime.timedelta(days=1),
        )

    vereinbarung_record_paper(
        antrag, akteur=Akteur(qm_user), unterschrieben_am=timezone.localdate()
    )

    assert Vereinbarung.objects.get(antrag=antrag).art == "paper"
    assert not Abschlag.objects.exists()
    bank_details_give(antrag, akteur=applicant(antrag))
    abschlag_grant(antrag, akteur=Akteur(qm_user), datum=timezone.localdate(), betrag="150")
    assert reload(antrag).betrag_ausgezahlt == D("150.00")


@pytest.mark.django_db
def test_cancel_refused_after_the_settlement_and_for_others(antrag, qm_user, akteure):
    antrag = approved(antrag, qm_user)
    for name in ("anonymous", "other_applicant", "jury", "qm_other_area", "admin"):
        with pytest.raises(MoveRefused):
            antrag_move(antrag, "cancel", akteur=akteure[name])
    assert reload(antrag).status == AntragStatus.APPROVED
    assert verfuegbar(antrag.fonds) == D("9700.00")


@pytest.mark.django_db
def test_open_claims_are_tracked_on_the_dashboard_of_the_area(
    client, staff_login, antrag, qm_user, qm_other_user
):
    from django.urls import reverse

    antrag = agreed(approved(antrag, qm_user))
    antrag_move(antrag, "cancel", akteur=applicant(antrag))

    staff_login(client, qm_user)
    html = client.get(reverse("qm:dashboard")).content.decode()
    assert "Offene Rückforderungen" in html
    assert f"{antrag.referenz} – {antrag.titel}</a>: offen 150,00 € von 150,00 €, fällig am" in html
    staff_login(client, qm_other_user)
    assert antrag.referenz not in client.get(reverse("qm:dashboard")).content.decode()

    rueckzahlung_record(antrag, akteur=Akteur(qm_user), datum=timezone.localdate())
    staff_login(client, qm_user)
    assert "Offene Rückforderungen" not in client.get(reverse("qm:dashboard")).content.decode()
