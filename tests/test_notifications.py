"""The outbox: rendered in the applicant's language, sent once, kept when sending fails."""

from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail

from antraege.models import Benachrichtigung
from antraege.roles import Akteur
from antraege.services import notifications
from workflow.moves import antrag_move

pytestmark = pytest.mark.django_db


def submitted(antrag):
    return antrag_move(antrag, "submit", akteur=Akteur(None, antrag_ids=[antrag.pk]))


def test_receipt_is_sent_once_even_when_the_task_runs_twice(antrag):
    antrag = submitted(antrag)
    row = Benachrichtigung.objects.get(antrag=antrag)

    first = notifications.send(row.pk, claim="task-1")
    second = notifications.send(row.pk, claim="task-2")

    assert (first, second) == (True, False)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [antrag.antragsteller_email]
    assert message.subject == f"Ihr Antrag {antrag.referenz} ist eingegangen"
    assert "http://testserver/mein-antrag/zugang/" in message.body


def test_smtp_failure_keeps_the_notification_for_a_retry(antrag, monkeypatch):
    antrag = submitted(antrag)
    row = Benachrichtigung.objects.get(antrag=antrag)

    def smtp_down(self, *args, **kwargs):
        raise SMTPServerDisconnected("connection closed")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", smtp_down)
    with pytest.raises(SMTPServerDisconnected):
        notifications.send(row.pk, claim="task-1")
    row.refresh_from_db()
    assert (row.gesendet_am, row.claimed_by, row.versuche) == (None, "", 1)

    monkeypatch.undo()
    assert notifications.send(row.pk, claim="task-1") is True
    assert len(mail.outbox) == 1
