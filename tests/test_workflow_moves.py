"""The lifecycle as a state machine: each move through the one helper, refused moves change nothing."""

from decimal import Decimal

import pytest

from antraege.models import Antrag, AntragStatus, Benachrichtigung, Statuswechsel
from antraege.roles import Akteur
from workflow.moves import MoveRefused, antrag_move
from workflow.wege import antrag_walk_to

pytestmark = pytest.mark.django_db


def snapshot(antrag):
    antrag = Antrag.objects.get(pk=antrag.pk)
    return (
        antrag.status,
        antrag.referenz,
        antrag.betrag_reserviert,
        Statuswechsel.objects.filter(antrag=antrag).count(),
        Benachrichtigung.objects.filter(antrag=antrag).count(),
    )


def test_submit_assigns_reference_and_queues_receipt(antrag):
    applicant = Akteur(None, antrag_ids=[antrag.pk])

    moved = antrag_move(antrag, "submit", akteur=applicant)

    assert moved.status == AntragStatus.SUBMITTED
    assert moved.referenz == f"AF-{antrag.fonds.jahr}-SOL-001"
    row = Benachrichtigung.objects.get(antrag=antrag)
    assert (row.art, row.empfaenger, row.sprache) == (
        "antrag_eingegangen",
        antrag.antragsteller_email,
        "de",
    )
    step = Statuswechsel.objects.get(antrag=antrag)
    assert (step.von_status, step.nach_status, step.rolle) == ("draft", "submitted", "applicant")


def test_submit_twice_is_refused_and_changes_nothing(antrag):
    applicant = Akteur(None, antrag_ids=[antrag.pk])
    antrag_move(antrag, "submit", akteur=applicant)
    before = snapshot(antrag)

    with pytest.raises(MoveRefused) as refused:
        antrag_move(antrag, "submit", akteur=applicant)

    assert refused.value.code == "wrong_state"
    assert snapshot(antrag) == before


def test_stale_copy_cannot_apply_a_move_twice(eingereicht, qm_user):
    antrag = eingereicht
    tab_one = Antrag.objects.get(pk=antrag.pk)
    tab_two = Antrag.objects.get(pk=antrag.pk)

    antrag_move(tab_one, "start_review", akteur=Akteur(qm_user))
    with pytest.raises(MoveRefused):
        antrag_move(tab_two, "start_review", akteur=Akteur(qm_user))

    assert Statuswechsel.objects.filter(antrag=antrag, nach_status="in_review").count() == 1


def test_incomplete_antrag_cannot_be_submitted(antrag):
    Antrag.objects.filter(pk=antrag.pk).update(erklaerung_belege=False)
    before = snapshot(antrag)

    with pytest.raises(MoveRefused):
        antrag_move(antrag, "submit", akteur=Akteur(None, antrag_ids=[antrag.pk]))

    assert snapshot(antrag) == before


def test_request_changes_without_message_is_refused(eingereicht, qm_user):
    antrag = eingereicht
    before = snapshot(antrag)

    with pytest.raises(MoveRefused):
        antrag_move(antrag, "request_changes", akteur=Akteur(qm_user), kommentar="  ")

    assert snapshot(antrag) == before


def test_approval_reserves_money_and_never_overdraws(fonds, qm_user):
    from antraege.antrag.selectors import aktionsfonds_saldo
    from antraege.factories import AntragFactory

    fonds.budget = Decimal("500.00")
    fonds.save()
    erster, zweiter = AntragFactory(fonds=fonds), AntragFactory(fonds=fonds)
    for antrag in (erster, zweiter):
        antrag_walk_to(antrag, "jury_vote", qm_user=qm_user)

    antrag_move(erster, "approve", akteur=Akteur.system_akteur(), betrag=Decimal("300.00"))
    with pytest.raises(MoveRefused):
        antrag_move(zweiter, "approve", akteur=Akteur.system_akteur(), betrag=Decimal("300.00"))

    saldo = aktionsfonds_saldo(fonds)
    assert (saldo.reserviert, saldo.verfuegbar) == (Decimal("300.00"), Decimal("200.00"))
    assert Antrag.objects.get(pk=zweiter.pk).status == AntragStatus.JURY_VOTE


def test_walk_goes_on_from_a_state_on_its_way_and_never_back(eingereicht, qm_user):
    antrag = antrag_walk_to(eingereicht, "in_review", qm_user=qm_user)

    assert antrag.status == AntragStatus.IN_REVIEW
    assert list(
        Statuswechsel.objects.filter(antrag=antrag).order_by("pk").values_list("nach_status")
    ) == [("submitted",), ("in_review",)]
    for ziel in ("submitted", "withdrawn"):  # behind it, or on a path that does not pass it
        with pytest.raises(ValueError):
            antrag_walk_to(antrag, ziel, qm_user=qm_user)
    assert Statuswechsel.objects.filter(antrag=antrag).count() == 2
