"""The papers e-mail carries the papers PDF (without the applicants' contact data), and an agenda
changed after the papers went out goes to the jury as a supplement with only what changed
(issue 20): items added, items taken off, each reader in their language, the current PDF attached."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from antraege.dokumente.pdf import pdf_text
from antraege.factories import AntragFactory
from antraege.models import Benachrichtigung
from antraege.roles import Akteur
from jury.factories import antrag_zur_jury, jury_fuer, sitzung_fuer, stellvertretungen_fuer
from jury.mitglieder.models import Kontoeinstellung
from jury.sitzungen import services as sitzungen
from jury.sitzungen import unterlagen

from .test_jury_emails_sprache import gesendet

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    call_command("compilemessages", "--ignore=.venv", "--ignore=node_modules", verbosity=0)


@pytest.fixture
def welt(fonds, qm_user):
    """Two members (one reads English), one deputy, a meeting in 10 days with two items."""
    mitglieder = jury_fuer(fonds.quartier, 2)
    Kontoeinstellung.objects.create(user=mitglieder[1].user, sprache="en")
    deputy = stellvertretungen_fuer(fonds.quartier, 1)[0]
    for titel in ("Hoffest", "Kiezchor"):
        antrag_zur_jury(
            AntragFactory(
                fonds=fonds,
                titel=titel,
                antragsteller_telefon="030 1234567",
                antragsteller_strasse="Geheimweg 7",
            ),
            qm_user,
        )
    sitzung = sitzung_fuer(
        fonds.quartier, qm_user, datum=timezone.localdate() + datetime.timedelta(days=10)
    )
    empfaenger = [m.user.email for m in (*mitglieder, deputy)]
    return sitzung, mitglieder, empfaenger


def _anhang(nachricht):
    [(name, inhalt, mimetype)] = [a for a in nachricht.attachments if a[2] == "application/pdf"]
    return name, pdf_text(inhalt), mimetype


def test_the_papers_email_carries_the_papers_pdf_without_contact_data(welt, qm_user, mailoutbox):
    sitzung, _mitglieder, empfaenger = welt

    unterlagen.sitzung_unterlagen_send(sitzung, akteur=Akteur(qm_user))

    nachrichten = gesendet("sitzung_unterlagen", mailoutbox)
    assert set(nachrichten) == set(empfaenger)
    for nachricht in nachrichten.values():
        name, text, mimetype = _anhang(nachricht)
        assert name == f"unterlagen-{sitzung.datum:%Y-%m-%d}.pdf"
        assert "Hoffest" in text and "Kiezchor" in text
        assert "Geheimweg" not in text and "1234567" not in text and "@" not in text
        assert "sitzung.ics" in [a[0] for a in nachricht.attachments]


def test_a_changed_agenda_sends_a_supplement_with_only_what_changed(
    fonds, welt, qm_user, mailoutbox
):
    sitzung, mitglieder, empfaenger = welt
    unterlagen.sitzung_unterlagen_send(sitzung, akteur=Akteur(qm_user))
    gesendet("sitzung_unterlagen", mailoutbox)
    mailoutbox.clear()
    neu = antrag_zur_jury(AntragFactory(fonds=fonds, titel="Lesecafé"), qm_user)

    sitzungen.top_add(sitzung, neu, akteur=Akteur(qm_user))

    nachrichten = gesendet("sitzung_nachtrag", mailoutbox)
    assert set(nachrichten) == set(empfaenger)
    deutsch = nachrichten[mitglieder[0].user.email]
    datum = sitzung.datum.strftime("%d.%m.%Y")
    assert deutsch.subject.startswith("Nachtrag zur Tagesordnung: Sitzung der Aktionsfondsjury")
    assert "Neu auf der Tagesordnung:" in deutsch.body
    assert f"3. {neu.referenz} – Lesecafé" in deutsch.body
    assert "Hoffest" not in deutsch.body and "Kiezchor" not in deutsch.body
    assert "Von der Tagesordnung genommen" not in deutsch.body
    assert "Lesecafé" in _anhang(deutsch)[1]  # the current papers
    englisch = nachrichten[mitglieder[1].user.email]
    assert englisch.subject.startswith("Supplement to the agenda")
    assert "New on the agenda:" in englisch.body and datum not in englisch.subject

    mailoutbox.clear()
    hoffest = sitzung.punkte.get(antrag__titel="Hoffest")
    sitzungen.top_remove(hoffest, akteur=Akteur(qm_user))

    zweiter = gesendet("sitzung_nachtrag", mailoutbox)[mitglieder[0].user.email]
    assert "Von der Tagesordnung genommen:" in zweiter.body
    assert f"{hoffest.antrag.referenz} – Hoffest" in zweiter.body
    assert "Neu auf der Tagesordnung" not in zweiter.body
    assert "Lesecafé" not in zweiter.body and "Kiezchor" not in zweiter.body
    assert "Hoffest" not in _anhang(zweiter)[1]


def test_no_supplement_before_the_papers_went_out(fonds, welt, qm_user):
    sitzung, _mitglieder, _empfaenger = welt
    neu = antrag_zur_jury(AntragFactory(fonds=fonds, titel="Lesecafé"), qm_user)

    sitzungen.top_add(sitzung, neu, akteur=Akteur(qm_user))
    sitzungen.top_remove(sitzung.punkte.get(antrag=neu), akteur=Akteur(qm_user))

    assert not Benachrichtigung.objects.filter(art="sitzung_nachtrag").exists()
