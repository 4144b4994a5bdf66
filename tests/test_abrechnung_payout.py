"""Payout steps around the arithmetic (tested as a table in ``test_geld_payout``): refusals, double
clicks, races."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from antraege.antrag.selectors import aktionsfonds_saldo
from antraege.geld.services.abrechnung import (
    AbrechnungRefused,
    abschlag_grant,
    auszahlung_release,
    beleg_check,
)
from antraege.models import AntragStatus, Auszahlung, Benachrichtigung, Statuswechsel
from antraege.roles import Akteur
from workflow.moves import MoveRefused, antrag_move
from workflow.wege import anordnungen_confirm_by_two

from .abrechnung_helpers import agreed, in_progress, reload, settlement_submitted

D = Decimal


def verfuegbar(fonds):
    fonds.refresh_from_db()
    return aktionsfonds_saldo(fonds).verfuegbar


def pay(antrag, qm_user):
    anordnungen_confirm_by_two(antrag, akteur=Akteur(qm_user))
    return antrag_move(
        antrag,
        "mark_paid",
        akteur=Akteur(qm_user),
        bezahlt_am=timezone.localdate(),
        buchungszeichen="BZ-2026-17",
    )


@pytest.mark.django_db
def test_refused_receipt_counts_nothing(antrag, qm_user):
    antrag, (gut, schlecht) = settlement_submitted(antrag, qm_user, ["100.00", "50.00"])
    beleg_check(gut, akteur=Akteur(qm_user), anerkannt="100,00")
    beleg_check(schlecht, akteur=Akteur(qm_user), grund="Alkohol ist nicht förderfähig.")

    released = auszahlung_release(antrag, akteur=Akteur(qm_user))

    assert released.betrag == D("110.00")  # 100 accepted + 10 % lump sum
    schlecht.refresh_from_db()
    assert (schlecht.status, schlecht.ablehnungsgrund) == (
        "refused",
        "Alkohol ist nicht förderfähig.",
    )
    assert verfuegbar(antrag.fonds) == D("9890.00")
    notes = list(Statuswechsel.objects.filter(antrag=antrag).values_list("kommentar", flat=True))
    assert (
        "Beleg „Baumarkt Wedding“ (50,00 €) nicht anerkannt: Alkohol ist nicht förderfähig."
        in notes
    )


@pytest.mark.django_db
def test_advance_is_deducted_and_balance_never_moves_twice(antrag, qm_user):
    fonds = antrag.fonds
    antrag = agreed(in_progress(antrag, qm_user), auto=False)
    abschlag_grant(antrag, akteur=Akteur(qm_user), datum=timezone.localdate(), betrag="100")
    antrag = reload(antrag)
    assert (antrag.betrag_reserviert, antrag.betrag_ausgezahlt) == (D("200.00"), D("100.00"))
    assert verfuegbar(fonds) == D("9700.00")
    assert "Abschlag von 100,00 €" in Statuswechsel.objects.filter(antrag=antrag).last().kommentar

    from antraege.geld.services.abrechnung import sachbericht_save

    from .abrechnung_helpers import add_beleg, applicant

    beleg = add_beleg(antrag, "250.00")
    sachbericht_save(antrag, akteur=applicant(antrag), text="Fest", teilnehmende=10)
    antrag = antrag_move(antrag, "submit_settlement", akteur=applicant(antrag))
    beleg_check(beleg, akteur=Akteur(qm_user), anerkannt="250.00")

    released = auszahlung_release(antrag, akteur=Akteur(qm_user))

    assert (
        released.betrag_anerkannt,
        released.betrag_pauschale,
        released.betrag_abschlag,
        released.betrag,
    ) == (D("250.00"), D("25.00"), D("100.00"), D("175.00"))
    assert verfuegbar(fonds) == D("9725.00")
    paid = pay(antrag, qm_user)
    assert (paid.betrag_reserviert, paid.betrag_ausgezahlt) == (D("0.00"), D("275.00"))
    assert verfuegbar(fonds) == D("9725.00")


@pytest.mark.django_db
def test_advance_above_accepted_receipts_becomes_a_repayment(antrag, qm_user):
    antrag = agreed(in_progress(antrag, qm_user), auto=False)
    abschlag_grant(antrag, akteur=Akteur(qm_user), datum=timezone.localdate(), betrag="300")
    from antraege.geld.services.abrechnung import sachbericht_save

    from .abrechnung_helpers import add_beleg, applicant

    beleg = add_beleg(antrag, "120.00")
    sachbericht_save(antrag, akteur=applicant(antrag), text="Fest", teilnehmende=10)
    antrag = antrag_move(antrag, "submit_settlement", akteur=applicant(antrag))
    beleg_check(beleg, akteur=Akteur(qm_user), anerkannt="120.00")

    released = auszahlung_release(antrag, akteur=Akteur(qm_user))

    assert released.betrag == D("-168.00")  # 120 + 12 lump sum − 300 advance
    assert reload(antrag).rueckforderung.betrag == D("168.00")
    assert verfuegbar(antrag.fonds) == D("9700.00")  # not back before it is repaid
    paid = pay(antrag, qm_user)  # the repayment arrived
    assert (paid.betrag_reserviert, paid.betrag_ausgezahlt) == (D("0.00"), D("132.00"))
    assert reload(antrag).rueckforderung.zurueckgezahlt_am == timezone.localdate()
    assert verfuegbar(antrag.fonds) == D("9868.00")


@pytest.mark.django_db
@pytest.mark.parametrize("betrag", ["300.01", "-5", "0", "abc", "NaN", "Infinity"])
def test_advance_with_bad_amount_is_refused_and_changes_nothing(antrag, qm_user, betrag):
    antrag = agreed(in_progress(antrag, qm_user), auto=False)
    before = Statuswechsel.objects.filter(antrag=antrag).count()

    with pytest.raises(AbrechnungRefused):
        abschlag_grant(antrag, akteur=Akteur(qm_user), datum=timezone.localdate(), betrag=betrag)

    antrag = reload(antrag)
    assert (antrag.betrag_reserviert, antrag.betrag_ausgezahlt) == (D("300.00"), D("0.00"))
    assert Statuswechsel.objects.filter(antrag=antrag).count() == before
    assert not hasattr(antrag, "abschlag") or antrag.abschlag is None


@pytest.mark.django_db
def test_advance_refused_where_the_fund_does_not_allow_it(antrag, qm_user):
    antrag.fonds.abschlag_prozent = D("0")
    antrag.fonds.save()
    antrag = agreed(in_progress(antrag, qm_user))

    with pytest.raises(AbrechnungRefused) as refused:
        abschlag_grant(antrag, akteur=Akteur(qm_user), datum=timezone.localdate(), betrag="50")

    assert refused.value.code == "not_allowed"
    assert reload(antrag).betrag_ausgezahlt == D("0.00")


@pytest.mark.django_db
def test_release_refused_while_a_receipt_is_unchecked(antrag, qm_user):
    antrag, _belege = settlement_submitted(antrag, qm_user, ["100.00"])

    with pytest.raises(AbrechnungRefused) as refused:
        auszahlung_release(antrag, akteur=Akteur(qm_user))

    assert refused.value.code == "not_ready"
    assert not Auszahlung.objects.exists()
    assert reload(antrag).betrag_reserviert == D("300.00")


@pytest.mark.django_db
def test_mark_paid_needs_a_released_payout(antrag, qm_user):
    antrag, _belege = settlement_submitted(antrag, qm_user, ["100.00"])
    steps = Statuswechsel.objects.filter(antrag=antrag).count()

    with pytest.raises(MoveRefused):
        pay(antrag, qm_user)

    antrag = reload(antrag)
    assert (antrag.status, antrag.betrag_reserviert) == (
        AntragStatus.SETTLEMENT_SUBMITTED,
        D("300.00"),
    )
    assert Statuswechsel.objects.filter(antrag=antrag).count() == steps
    assert not Auszahlung.objects.exists()
    assert not Benachrichtigung.objects.filter(antrag=antrag, art="auszahlung_erfolgt").exists()


@pytest.mark.django_db
def test_second_release_and_second_payment_are_refused(antrag, qm_user):
    antrag, (beleg,) = settlement_submitted(antrag, qm_user, ["100.00"])
    beleg_check(beleg, akteur=Akteur(qm_user), anerkannt="100.00")
    auszahlung_release(antrag, akteur=Akteur(qm_user))
    with pytest.raises(AbrechnungRefused):
        auszahlung_release(antrag, akteur=Akteur(qm_user))
    pay(antrag, qm_user)

    with pytest.raises(MoveRefused):
        pay(antrag, qm_user)

    assert reload(antrag).betrag_ausgezahlt == D("110.00")
    assert Auszahlung.objects.count() == 1


def _concurrently(target, n=2):
    barrier = threading.Barrier(n)
    results = []

    def run():
        barrier.wait()
        try:
            results.append(target())
        except (MoveRefused, AbrechnungRefused) as refused:
            results.append(refused)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # a thread still running would hold its connection into the database's flush
    assert not any(thread.is_alive() for thread in threads), "a thread hung (deadlock?)"
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_release_and_payment_never_double_pay(antrag, qm_user):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, threads cannot race there")
    antrag, (beleg,) = settlement_submitted(antrag, qm_user, ["100.00"])
    beleg_check(beleg, akteur=Akteur(qm_user), anerkannt="100.00")

    releases = _concurrently(lambda: auszahlung_release(reload(antrag), akteur=Akteur(qm_user)))
    anordnungen_confirm_by_two(reload(antrag), akteur=Akteur(qm_user))  # four eyes, once
    payments = _concurrently(lambda: pay(reload(antrag), qm_user))

    assert sum(isinstance(r, Auszahlung) for r in releases) == 1
    assert sum(isinstance(r, MoveRefused) for r in payments) == 1
    antrag = reload(antrag)
    assert (antrag.status, antrag.betrag_ausgezahlt, antrag.betrag_reserviert) == (
        AntragStatus.PAID,
        D("110.00"),
        D("0.00"),
    )
    assert Benachrichtigung.objects.filter(antrag=antrag, art="auszahlung_erfolgt").count() == 1
    assert verfuegbar(antrag.fonds) == D("9890.00")
