"""The beat tasks of the jury through a real Celery worker (embedded, over the run's broker)."""

import datetime
import time
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

import antraege.tasks  # noqa: F401 - registers the e-mail task on the test app
from antraege.dokumente.pdf import pdf_text
from antraege.factories import AntragFactory
from antraege.models import Antrag, Benachrichtigung
from antraege.roles import Akteur
from jury import tasks
from jury.abstimmungen import services
from jury.abstimmungen.models import Abstimmung, Ergebnis
from jury.factories import antrag_zur_jury, jury_fuer
from tests.worker.processes import PATIENCE

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def wait_for(predicate, *, timeout=PATIENCE):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def offene_abstimmung(antrag, qm_user, quartier):
    jury = jury_fuer(quartier, 4)
    antrag_zur_jury(antrag, qm_user)
    abstimmung = services.abstimmung_open(antrag, akteur=Akteur(qm_user), betrag=Decimal("300.00"))
    return abstimmung, jury


def test_deadline_closes_the_vote_through_the_worker(celery_session_worker, offene_abstimmung):
    abstimmung, jury = offene_abstimmung
    for member in jury[:3]:
        services.stimme_cast(abstimmung, user=member.user, wert="yes")
    Abstimmung.objects.filter(pk=abstimmung.pk).update(
        frist=timezone.now() - datetime.timedelta(seconds=1)
    )

    tasks.task_close_due_abstimmungen.delay()

    assert wait_for(lambda: Antrag.objects.get(pk=abstimmung.antrag_id).status == "approved")
    abstimmung.refresh_from_db()
    assert abstimmung.ergebnis == Ergebnis.BEWILLIGT
    assert Antrag.objects.get(pk=abstimmung.antrag_id).betrag_reserviert == Decimal("300.00")
    # the vote-closed e-mail reaches QM through the worker, and the minutes get stored
    qm_email = abstimmung.antrag.fonds.quartier.qm_email
    assert wait_for(lambda: any(m.to == [qm_email] for m in mail.outbox))
    assert wait_for(lambda: bool(Abstimmung.objects.get(pk=abstimmung.pk).protokoll))
    sent = [m for m in mail.outbox if m.to == [qm_email]]
    assert len(sent) == 1
    assert sent[0].subject == (f"Abstimmung zu {abstimmung.antrag.referenz} geschlossen: Bewilligt")


def test_reminder_task_mails_non_voters_once(celery_session_worker, offene_abstimmung):
    abstimmung, jury = offene_abstimmung
    services.stimme_cast(abstimmung, user=jury[0].user, wert="no")
    Abstimmung.objects.filter(pk=abstimmung.pk).update(
        frist=timezone.now() + datetime.timedelta(hours=10)
    )
    mail.outbox.clear()

    tasks.task_send_vote_reminders.delay()
    tasks.task_send_vote_reminders.delay()

    erwartet = sorted(m.user.email for m in jury[1:])
    assert wait_for(
        lambda: sorted(m.to[0] for m in mail.outbox if "Erinnerung" in m.subject) == erwartet
    )
    time.sleep(0.5)
    assert sorted(m.to[0] for m in mail.outbox if "Erinnerung" in m.subject) == erwartet
    assert Benachrichtigung.objects.filter(art="abstimmung_erinnerung").count() == 3


def test_beat_sends_due_meeting_papers_once_and_the_worker_makes_the_pdf(
    celery_session_worker, fonds, qm_user
):
    from jury.factories import sitzung_fuer, stellvertretungen_fuer
    from jury.sitzungen import tasks as sitzungen_tasks
    from jury.sitzungen.models import Sitzung, SitzungStatus, Sitzungsunterlagen

    jury = jury_fuer(fonds.quartier, 2) + stellvertretungen_fuer(fonds.quartier, 1)
    antrag_zur_jury(AntragFactory(fonds=fonds, titel="Hoffest"), qm_user)
    # the clock: today is the lead time (5 days) before the meeting
    sitzung = sitzung_fuer(
        fonds.quartier, qm_user, datum=timezone.localdate() + datetime.timedelta(days=5)
    )
    mail.outbox.clear()

    sitzungen_tasks.task_send_due_unterlagen.delay()
    sitzungen_tasks.task_send_due_unterlagen.delay()

    erwartet = sorted(m.user.email for m in jury)
    assert wait_for(
        lambda: sorted(m.to[0] for m in mail.outbox if "Unterlagen" in m.subject) == erwartet
    )
    assert wait_for(
        lambda: (
            Sitzungsunterlagen.objects.filter(sitzung=sitzung, erstellt_am__isnull=False)
            .exclude(datei="")
            .exists()
        )
    )
    time.sleep(0.5)
    assert sorted(m.to[0] for m in mail.outbox if "Unterlagen" in m.subject) == erwartet
    assert Sitzung.objects.get(pk=sitzung.pk).status == SitzungStatus.UNTERLAGEN_VERSANDT
    pdf = Sitzungsunterlagen.objects.get(sitzung=sitzung, sprache="de")
    with pdf.datei.open("rb") as handle:
        assert "Hoffest" in pdf_text(handle.read())
