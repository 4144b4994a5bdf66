"""The privacy notice (Art. 13 DSGVO) replaces the consent box: it says who, why, on which legal
basis, to whom, how long (from the settings) and which rights; the form and every e-mail link to it."""

import pytest
from django.urls import reverse
from django.utils import translation

from antraege.factories import AntragFactory
from antraege.mail import messages as mail_messages
from antraege.mail import services as mail

from .resident_helpers import schritt_url

pytestmark = pytest.mark.django_db


def test_privacy_notice_states_basis_recipients_and_the_configured_periods(
    client, settings, quartier
):
    settings.AUFBEWAHRUNG_TAGE_ENTWURF = 60
    settings.AUFBEWAHRUNG_JAHRE_ABGELEHNT = 2
    settings.AUFBEWAHRUNG_JAHRE_NACH_AUSZAHLUNG = 10
    settings.DATENSCHUTZ_KONTAKT_EMAIL = "dsb@bezirk.example"

    response = client.get(reverse("datenschutz"))

    assert response.status_code == 200
    text = " ".join(response.content.decode().split())
    assert (
        "Artikel 6 Absatz 1 Buchstabe e DSGVO in Verbindung mit § 3 Berliner Datenschutzgesetz"
        in text
    )
    assert "Sie müssen nicht einwilligen" in text
    assert "Ihre Kontaktdaten (Anschrift, E-Mail, Telefon) sieht die Jury nicht." in text
    assert "Wir löschen ihn 60 Tage nach Ihrer letzten Änderung." in text
    assert "Wir löschen Ihre persönlichen Daten 2 Jahre nach der Entscheidung." in text
    assert "Wir bewahren die Unterlagen 10 Jahre nach der Auszahlung auf" in text
    assert "Senatsverwaltung für Stadtentwicklung, Bauen und Wohnen" in text
    assert "Bezirksamt" in text
    assert quartier.qm_buero_name in text
    assert 'href="mailto:dsb@bezirk.example"' in text
    assert "Artikel 15 DSGVO" in text and "Artikel 77 DSGVO" in text


def test_privacy_notice_is_translated_for_residents(client):
    response = client.get(reverse("datenschutz"), HTTP_ACCEPT_LANGUAGE="tr")

    assert response.status_code == 200
    assert '<html lang="tr"' in response.content.decode()
    with translation.override("tr"):
        assert translation.gettext("Datenschutzhinweise") != "Datenschutzhinweise"
        assert translation.gettext("Datenschutzhinweise") in response.content.decode()


def test_first_and_last_step_of_the_form_link_to_the_notice(client, fonds):
    start = client.get(reverse("antraege:antrag_start", args=[fonds.quartier.code]))
    assert f'href="{reverse("datenschutz")}"' in start.content.decode()

    antrag = AntragFactory(fonds=fonds)
    session = client.session
    session["mein_antrag_ids"] = [antrag.pk]
    session.save()
    last = client.get(schritt_url(antrag.pk, 5))
    assert f'href="{reverse("datenschutz")}"' in last.content.decode()
    assert 'name="erklaerung_datenschutz"' not in last.content.decode()


@pytest.mark.parametrize("art", ["antrag_eingegangen", "neuer_link", "nachforderung"])
def test_applicant_emails_link_the_notice_in_their_footer(antrag, art):
    row = mail.queue_for_applicant(antrag, art, kontext={"nachricht": "Bitte ergänzen."})

    _subject, text, html = mail_messages.render(row)

    assert f"Datenschutzhinweise: http://testserver{reverse('datenschutz')}" in text
    assert f"http://testserver{reverse('datenschutz')}" in html


def test_staff_emails_link_the_notice_too(antrag):
    row = mail.queue(
        "abstimmung_eroeffnet",
        empfaenger="jury@example.org",
        kontext={"name": "Jury", "referenz": "AF-1", "titel": "T", "quartier": "Q", "frist": "x"},
    )

    _subject, text, _html = mail_messages.render(row)

    assert text.rstrip().endswith(f"Datenschutzhinweise: http://testserver{reverse('datenschutz')}")
