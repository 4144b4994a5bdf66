"""Races on the real PostgreSQL: ballots, deadline closing and early closing at the same moment;
two approvals for the last euros of a fund. SQLite serialises every write, so it proves nothing."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from antraege.antrag.selectors import aktionsfonds_saldo
from antraege.factories import AntragFactory
from antraege.models import Antrag, Benachrichtigung, Statuswechsel
from antraege.roles import Akteur
from jury.abstimmungen import services
from jury.abstimmungen.models import Abstimmung, Ergebnis, Stimme
from jury.abstimmungen.services import JuryRefused
from jury.factories import antrag_zur_jury, jury_fuer

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="concurrency needs real row locks: run with DATABASE_URL=postgres://…",
    ),
]


def run_together(*targets):
    """Start every target at the same moment in its own thread (own connection); re-raise errors."""
    barrier = threading.Barrier(len(targets))
    errors = []

    def wrap(target):
        try:
            barrier.wait()
            target()
        except Exception as error:  # noqa: BLE001 - collected and re-raised in the test thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrap, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread hung (deadlock?)"
    if errors:
        raise errors[0]


def test_twenty_ballots_race_the_deadline_and_the_early_close(antrag, qm_user, quartier):
    jury = jury_fuer(quartier, 20)
    antrag_zur_jury(antrag, qm_user)
    abstimmung = services.abstimmung_open(antrag, akteur=Akteur(qm_user), betrag=Decimal("300.00"))
    # no grace period, deadline in half a second: both closing paths are live during the ballots
    Abstimmung.objects.filter(pk=abstimmung.pk).update(
        ruhezeit_stunden=0, frist=timezone.now() + datetime.timedelta(seconds=0.5)
    )
    recorded, refused = [], []
    lock = threading.Lock()

    def voter(member):
        def vote():
            try:
                services.stimme_cast(abstimmung, user=member.user, wert="yes")
            except JuryRefused as error:
                assert error.code == "closed"
                with lock:
                    refused.append(member.pk)
            else:
                with lock:
                    recorded.append(member.pk)

        return vote

    def closer(close):
        def loop():
            end = timezone.now() + datetime.timedelta(seconds=10)
            while timezone.now() < end:
                close()
                if Abstimmung.objects.filter(pk=abstimmung.pk, geschlossen_am__isnull=False):
                    return

        return loop

    run_together(
        *[voter(m) for m in jury],
        closer(services.abstimmungen_close_due),  # the beat task
        closer(services.abstimmungen_close_due),  # a second beat run overlapping
        closer(lambda: services.abstimmung_close(abstimmung.pk)),  # "all voted" path
    )

    abstimmung.refresh_from_db()
    antrag.refresh_from_db()
    assert len(recorded) + len(refused) == 20
    # no lost ballot: every recorded ballot is stored and counted, nothing else is
    assert sorted(Stimme.objects.values_list("mitglied_id", flat=True)) == sorted(recorded)
    assert abstimmung.stimmen_ja == len(recorded)
    assert abstimmung.anzahl_berechtigt == 20
    # one decision, one reservation
    expected = Ergebnis.BEWILLIGT if len(recorded) >= 10 else Ergebnis.NICHT_BESCHLUSSFAEHIG
    assert abstimmung.ergebnis == expected
    approvals = Statuswechsel.objects.filter(antrag=antrag, nach_status="approved").count()
    assert approvals == (1 if expected == Ergebnis.BEWILLIGT else 0)
    assert Benachrichtigung.objects.filter(art="abstimmung_geschlossen").count() == 1
    reserved = Decimal("300.00") if approvals else Decimal("0.00")
    assert antrag.betrag_reserviert == reserved
    assert aktionsfonds_saldo(antrag.fonds).reserviert == reserved


def test_two_approvals_race_for_the_last_euros_of_the_fund(fonds, qm_user, quartier):
    fonds.budget = Decimal("500.00")
    fonds.save()
    jury = jury_fuer(quartier, 3)
    abstimmungen = []
    for titel in ("Hoffest", "Lesecafé"):
        antrag = antrag_zur_jury(
            AntragFactory(fonds=fonds, titel=titel, betrag_beantragt=Decimal("300.00")), qm_user
        )
        abstimmung = services.abstimmung_open(
            antrag, akteur=Akteur(qm_user), betrag=Decimal("300.00")
        )
        for member in jury:
            services.stimme_cast(abstimmung, user=member.user, wert="yes")
        abstimmungen.append(abstimmung)
    Abstimmung.objects.update(frist=timezone.now() - datetime.timedelta(seconds=1))

    run_together(*[lambda a=a: services.abstimmung_close(a.pk) for a in abstimmungen])

    ergebnisse = sorted(Abstimmung.objects.values_list("ergebnis", flat=True))
    assert ergebnisse == sorted([Ergebnis.BEWILLIGT, Ergebnis.FONDS_REICHT_NICHT])
    saldo = aktionsfonds_saldo(fonds)
    assert saldo.reserviert == Decimal("300.00")
    assert saldo.verfuegbar == Decimal("200.00")
    assert sorted(Antrag.objects.values_list("status", flat=True)) == ["approved", "jury_vote"]


def test_two_deputies_accept_the_same_seat_at_once_one_stands_in(antrag, qm_user, quartier):
    from jury.factories import stellvertretungen_fuer

    jury = jury_fuer(quartier, 3)
    deputies = stellvertretungen_fuer(quartier, 2)
    antrag_zur_jury(antrag, qm_user)
    abstimmung = services.abstimmung_open(antrag, akteur=Akteur(qm_user), betrag=Decimal("300.00"))
    eintrag = services.vertretung_request(abstimmung, user=jury[0].user)
    ergebnisse = []

    def annehmen(deputy):
        def run():
            try:
                services.vertretung_accept(abstimmung, user=deputy.user, eintrag_id=eintrag.pk)
            except JuryRefused as refused:
                ergebnisse.append(refused.code)
            else:
                ergebnisse.append("ok")

        return run

    run_together(*(annehmen(d) for d in deputies))

    assert sorted(ergebnisse) == ["conflict", "ok"]
    eintrag.refresh_from_db()
    assert eintrag.vertreten_durch in deputies
