"""Settlement deadlines through a real Celery worker: one reminder, one expiry, money back."""

import datetime
import time
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.formats import date_format

from antraege.antrag.selectors import aktionsfonds_saldo
from antraege.models import Antrag, AntragStatus, Benachrichtigung, Statuswechsel
from antraege.tasks import task_check_settlement_deadlines

from .abrechnung_helpers import approved, in_progress

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _datum_de(value):
    """A date as a German e-mail writes it ("29. März 2027")."""
    with translation.override("de"):
        return date_format(value, "DATE_FORMAT")


def wait_for(predicate, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def run_beat_task():
    task_check_settlement_deadlines.delay()


def test_reminder_before_the_deadline_is_sent_once(celery_session_worker, antrag, qm_user):
    antrag = in_progress(antrag, qm_user)
    frist = timezone.localdate() + datetime.timedelta(days=3)
    Antrag.objects.filter(pk=antrag.pk).update(abrechnungsfrist=frist)
    mail.outbox.clear()

    run_beat_task()
    assert wait_for(
        lambda: Benachrichtigung.objects.filter(
            antrag=antrag, art="abrechnung_erinnerung", gesendet_am__isnull=False
        ).exists()
    )
    run_beat_task()
    time.sleep(1)

    rows = Benachrichtigung.objects.filter(antrag=antrag, art="abrechnung_erinnerung")
    assert rows.count() == 1
    reminders = [m for m in mail.outbox if "Erinnerung" in m.subject]
    assert len(reminders) == 1
    assert reminders[0].to == [antrag.antragsteller_email]
    assert (
        reminders[0].subject
        == f"Erinnerung: Abrechnung für {antrag.referenz} bis {_datum_de(frist)}"
    )
    assert Antrag.objects.get(pk=antrag.pk).status == AntragStatus.IN_PROGRESS


def test_unsettled_antrag_expires_at_the_deadline_once(celery_session_worker, antrag, qm_user):
    antrag = approved(antrag, qm_user, betrag="250.00")
    fonds = antrag.fonds
    assert aktionsfonds_saldo(fonds).verfuegbar == Decimal("9750.00")
    Antrag.objects.filter(pk=antrag.pk).update(
        abrechnungsfrist=timezone.localdate() - datetime.timedelta(days=1)
    )

    run_beat_task()
    assert wait_for(lambda: Antrag.objects.get(pk=antrag.pk).status == AntragStatus.EXPIRED)
    run_beat_task()
    time.sleep(1)

    antrag = Antrag.objects.get(pk=antrag.pk)
    assert antrag.betrag_reserviert == Decimal("0.00")
    fonds.refresh_from_db()
    assert aktionsfonds_saldo(fonds).verfuegbar == Decimal("10000.00")
    steps = Statuswechsel.objects.filter(antrag=antrag, nach_status=AntragStatus.EXPIRED)
    assert steps.count() == 1
    assert steps.get().rolle == "system"
    assert "250,00 € fließen in den Aktionsfonds zurück" in steps.get().kommentar
