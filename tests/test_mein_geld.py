""" "Mein Antrag" shows the money: approved amount (with date and conditions), advance and payout
with their dates, in every state after the approval."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from antraege.geld.services.abrechnung import (
    abschlag_grant,
    auszahlung_release,
    beleg_check,
    sachbericht_save,
)
from antraege.roles import SESSION_KEY, Akteur
from workflow.moves import antrag_move
from workflow.wege import anordnungen_confirm_by_two, projektbeginn_bring_forward

from .abrechnung_helpers import add_beleg, agreed, applicant, approved, in_progress

pytestmark = pytest.mark.django_db


def geld_of(client, antrag):
    session = client.session
    session[SESSION_KEY] = [antrag.pk]
    session.save()
    html = client.get(reverse("antraege:mein_antrag", args=[antrag.pk])).content.decode()
    section = re.search(r'<section aria-labelledby="geld-titel".*?</section>', html, re.S)
    if not section:
        return None
    text = re.sub(r"<[^>]+>", " ", section.group(0))
    return " ".join(text.split())


def heute():
    return date_format(timezone.localdate(), "DATE_FORMAT")


def mit_abschlag(antrag, qm_user):
    antrag = approved(antrag, qm_user, betrag="300.00", auflagen="Logo auf das Plakat")
    antrag = agreed(antrag, auto=False)  # no advance before the agreement
    abschlag_grant(antrag, akteur=Akteur(qm_user), datum=timezone.localdate(), betrag="100,00")
    return antrag


def bis_zur_abrechnung(antrag, qm_user):
    antrag = mit_abschlag(antrag, qm_user)
    antrag = antrag_move(
        projektbeginn_bring_forward(antrag), "start_project", akteur=applicant(antrag)
    )
    beleg = add_beleg(antrag, "250.00")
    sachbericht_save(antrag, akteur=applicant(antrag), text="Gut.", teilnehmende=9)
    antrag_move(antrag, "submit_settlement", akteur=applicant(antrag))
    return antrag, beleg


def freigegeben(antrag, qm_user):
    antrag, beleg = bis_zur_abrechnung(antrag, qm_user)
    beleg_check(beleg, akteur=Akteur(qm_user), anerkannt="250.00")
    auszahlung_release(antrag, akteur=Akteur(qm_user))
    return antrag


def bezahlt(antrag, qm_user):
    antrag = freigegeben(antrag, qm_user)
    anordnungen_confirm_by_two(antrag, akteur=Akteur(qm_user))
    return antrag_move(
        antrag,
        "mark_paid",
        akteur=Akteur(qm_user),
        bezahlt_am=timezone.localdate(),
        buchungszeichen="BZ-7",
    )


def test_before_the_decision_no_money_is_shown(client, antrag):
    assert geld_of(client, antrag) is None


def test_approved_shows_amount_date_and_conditions(client, antrag, qm_user):
    antrag = approved(antrag, qm_user, betrag="280.00", auflagen="Logo auf das Plakat")

    assert geld_of(client, antrag) == (
        f"Ihr Geld Bewilligter Betrag 280,00 € – am {heute()} Auflagen Logo auf das Plakat"
    )


def test_in_progress_with_advance_shows_the_advance_and_what_was_paid(client, antrag, qm_user):
    antrag = mit_abschlag(antrag, qm_user)
    antrag = antrag_move(
        projektbeginn_bring_forward(antrag), "start_project", akteur=applicant(antrag)
    )

    assert geld_of(client, antrag) == (
        f"Ihr Geld Bewilligter Betrag 300,00 € – am {heute()} "
        f"Abschlag überwiesen 100,00 € – am {heute()} "
        "Insgesamt an Sie überwiesen 100,00 € Auflagen Logo auf das Plakat"
    )


def test_settlement_submitted_still_shows_approval_and_advance(client, antrag, qm_user):
    antrag, _beleg = bis_zur_abrechnung(antrag, qm_user)

    assert geld_of(client, antrag).startswith(
        f"Ihr Geld Bewilligter Betrag 300,00 € – am {heute()} "
        f"Abschlag überwiesen 100,00 € – am {heute()} Insgesamt an Sie überwiesen 100,00 €"
    )


def test_released_payout_says_the_transfer_follows(client, antrag, qm_user):
    antrag = freigegeben(antrag, qm_user)

    assert (
        f"Restbetrag freigegeben 175,00 € – am {heute()} Die Überweisung folgt in den nächsten Tagen."
        in geld_of(client, antrag)
    )


@pytest.mark.parametrize("close", [False, True])
def test_paid_and_closed_show_the_remainder_with_its_date_and_the_total(
    client, antrag, qm_user, close
):
    antrag = bezahlt(antrag, qm_user)
    if close:
        antrag = antrag_move(antrag, "close", akteur=Akteur(qm_user))

    assert geld_of(client, antrag) == (
        f"Ihr Geld Bewilligter Betrag 300,00 € – am {heute()} "
        f"Abschlag überwiesen 100,00 € – am {heute()} "
        f"Restbetrag überwiesen 175,00 € – am {heute()} "  # 250 accepted + 25 lump sum − 100
        "Insgesamt an Sie überwiesen 275,00 € Auflagen Logo auf das Plakat"
    )


def test_settlement_changes_requested_keeps_the_figures(client, antrag, qm_user):
    antrag = in_progress(antrag, qm_user)
    add_beleg(antrag, "20.00")
    sachbericht_save(antrag, akteur=applicant(antrag), text="Gut.", teilnehmende=9)
    antrag_move(antrag, "submit_settlement", akteur=applicant(antrag))
    antrag = antrag_move(
        antrag, "request_settlement_changes", akteur=Akteur(qm_user), kommentar="Beleg fehlt"
    )

    assert geld_of(client, antrag) == f"Ihr Geld Bewilligter Betrag 300,00 € – am {heute()}"


def test_expired_shows_what_was_approved(client, antrag, qm_user):
    antrag = in_progress(antrag, qm_user)
    antrag = antrag_move(antrag, "expire", akteur=Akteur.system_akteur())

    assert geld_of(client, antrag) == f"Ihr Geld Bewilligter Betrag 300,00 € – am {heute()}"
