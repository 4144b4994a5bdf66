"""Closing one meeting twice at the same moment (two tabs, two QM staff) on the real PostgreSQL:
the decisions are applied once. SQLite serialises every write, so it proves nothing there."""

from decimal import Decimal

import pytest
from django.conf import settings

from antraege.antrag.selectors import aktionsfonds_saldo
from antraege.factories import AntragFactory, UserFactory
from antraege.models import Antrag, AntragStatus, Statuswechsel
from antraege.roles import Akteur
from jury.abstimmungen.services import JuryRefused
from jury.factories import antrag_zur_jury, jury_fuer, sitzung_fuer
from jury.sitzungen import services as sitzungen
from jury.sitzungen.models import Sitzung, SitzungStatus, Tagesordnungspunkt

from .test_jury_concurrency import run_together

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="concurrency needs real row locks: run with DATABASE_URL=postgres://…",
    ),
]


def test_closing_a_meeting_twice_at_the_same_moment_decides_once(fonds, qm_user):
    zweite_qm = UserFactory(username="qm-sol-2")
    fonds.quartier.qm_staff.add(zweite_qm)
    jury = jury_fuer(fonds.quartier, 3)
    antraege = [
        antrag_zur_jury(AntragFactory(fonds=fonds, betrag_beantragt=Decimal("400.00")), qm_user)
        for _ in range(3)
    ]
    sitzung = sitzung_fuer(fonds.quartier, qm_user)
    sitzungen.anwesenheit_record(
        sitzung, akteur=Akteur(qm_user), anwesende=[m.pk for m in jury], vertretungen={}
    )
    for punkt in sitzung.punkte.all():
        sitzungen.top_decide(
            punkt,
            akteur=Akteur(qm_user),
            praesentiert=True,
            betrag="400.00",
            ja=3,
            nein=0,
            enthaltung=0,
        )
    outcomes = []

    def close(user):
        def run():
            try:
                sitzungen.sitzung_close(Sitzung.objects.get(pk=sitzung.pk), akteur=Akteur(user))
            except JuryRefused as error:
                outcomes.append(error.code)
            else:
                outcomes.append("closed")

        return run

    run_together(close(qm_user), close(zweite_qm))

    assert sorted(outcomes) == ["closed", "conflict"]
    assert Sitzung.objects.get(pk=sitzung.pk).status == SitzungStatus.GESCHLOSSEN
    for antrag in antraege:
        assert Antrag.objects.get(pk=antrag.pk).status == AntragStatus.APPROVED
        assert (
            Statuswechsel.objects.filter(antrag=antrag, nach_status=AntragStatus.APPROVED).count()
            == 1
        )
    assert aktionsfonds_saldo(fonds).reserviert == Decimal("1200.00")
    assert Tagesordnungspunkt.objects.filter(sitzung=sitzung, umgesetzt=True).count() == 3


def test_two_staff_entering_the_same_item_at_once_record_one_decision(fonds, qm_user):
    zweite_qm = UserFactory(username="qm-sol-2")
    fonds.quartier.qm_staff.add(zweite_qm)
    jury = jury_fuer(fonds.quartier, 3)
    antrag_zur_jury(AntragFactory(fonds=fonds, betrag_beantragt=Decimal("400.00")), qm_user)
    sitzung = sitzung_fuer(fonds.quartier, qm_user)
    sitzungen.anwesenheit_record(
        sitzung, akteur=Akteur(qm_user), anwesende=[m.pk for m in jury], vertretungen={}
    )
    punkt = sitzung.punkte.get()
    outcomes = []

    def enter(user, ja, nein):
        def run():
            try:
                sitzungen.top_decide(
                    Tagesordnungspunkt.objects.get(pk=punkt.pk),
                    akteur=Akteur(user),
                    praesentiert=True,
                    betrag="400.00",
                    ja=ja,
                    nein=nein,
                    enthaltung=0,
                )
            except JuryRefused as error:
                outcomes.append(error.code)
            else:
                outcomes.append("entered")

        return run

    run_together(enter(qm_user, 3, 0), enter(zweite_qm, 0, 3))

    assert sorted(outcomes) == ["conflict", "entered"]
    punkt.refresh_from_db()
    assert (punkt.stimmen_ja, punkt.stimmen_nein) in ((3, 0), (0, 3))


def test_two_beat_runs_at_the_same_moment_send_the_papers_once(fonds, qm_user):
    import datetime

    from django.utils import timezone

    from antraege.models import Benachrichtigung
    from jury.sitzungen import unterlagen

    jury = jury_fuer(fonds.quartier, 4)
    antrag_zur_jury(AntragFactory(fonds=fonds), qm_user)
    sitzung = sitzung_fuer(
        fonds.quartier, qm_user, datum=timezone.localdate() + datetime.timedelta(days=5)
    )
    gesendet = []

    def beat():
        gesendet.extend(unterlagen.unterlagen_due_send())

    run_together(beat, beat, beat)

    assert gesendet == [sitzung.pk]
    assert Sitzung.objects.get(pk=sitzung.pk).status == SitzungStatus.UNTERLAGEN_VERSANDT
    rows = Benachrichtigung.objects.filter(art="sitzung_unterlagen")
    assert sorted(rows.values_list("empfaenger", flat=True)) == sorted(m.user.email for m in jury)
