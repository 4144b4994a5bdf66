"""Changes after approval: the QM office hears of them. When the applicant reports "Aktion entfällt",
the office address gets an e-mail in the office's language; when QM itself records it, nobody is
e-mailed twice about their own move."""

import pytest
from django.core.management import call_command

from antraege.models import AntragStatus, Benachrichtigung
from workflow.moves import antrag_move

from .abrechnung_helpers import applicant, approved
from .test_jury_emails_sprache import gesendet

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    call_command("compilemessages", "--ignore=.venv", "--ignore=node_modules", verbosity=0)


@pytest.mark.parametrize(
    ("qm_sprache", "betreff", "begruendung"),
    [
        ("de", "Meldung „Aktion entfällt“: {ref}", "Begründung: Der Saal ist abgebrannt."),
        ("en", "Reported cancelled: {ref}", "Reason: Der Saal ist abgebrannt."),
    ],
)
def test_applicants_cancellation_reaches_the_qm_office_in_the_offices_language(
    antrag, qm_user, mailoutbox, qm_sprache, betreff, begruendung
):
    quartier = antrag.fonds.quartier
    quartier.qm_sprache = qm_sprache
    quartier.save(update_fields=["qm_sprache"])
    antrag = approved(antrag, qm_user)

    antrag = antrag_move(
        antrag, "cancel", akteur=applicant(antrag), kommentar="Der Saal ist abgebrannt."
    )

    assert antrag.status == AntragStatus.CANCELLED
    nachricht = gesendet("aktion_entfaellt_qm", mailoutbox)[quartier.qm_email]
    assert nachricht.subject == betreff.format(ref=antrag.referenz)
    assert nachricht.extra_headers["Content-Language"] == qm_sprache
    assert begruendung in nachricht.body
    assert antrag.referenz in nachricht.body


def test_qm_recording_the_cancellation_sends_the_office_no_e_mail(antrag, qm_user):
    antrag = approved(antrag, qm_user)
    from antraege.roles import Akteur

    antrag_move(antrag, "cancel", akteur=Akteur(qm_user), kommentar="Telefonisch gemeldet.")

    assert not Benachrichtigung.objects.filter(art="aktion_entfaellt_qm").exists()
    # the applicant is still told, as before
    assert Benachrichtigung.objects.filter(antrag=antrag, art="aktion_entfaellt").exists()


def test_a_refused_cancellation_e_mails_nobody(antrag, qm_user):
    from workflow.moves import MoveRefused

    with pytest.raises(MoveRefused):
        antrag_move(antrag, "cancel", akteur=applicant(antrag), kommentar="zu früh")

    assert not Benachrichtigung.objects.filter(art__startswith="aktion_entfaellt").exists()
