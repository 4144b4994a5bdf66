"""Applicants in the meeting loop (issue 20): put on an agenda, the applicant is invited in their
language (date, time, place, whether a presentation is expected, an .ics); a deferral and a
removal from the agenda are told the same way; "Mein Antrag" shows the meeting."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from antraege.factories import AntragFactory
from antraege.mail import messages as notifications
from antraege.models import Benachrichtigung
from antraege.roles import SESSION_KEY, Akteur
from jury.factories import antrag_zur_jury, sitzung_fuer
from jury.sitzungen import services as sitzungen

pytestmark = pytest.mark.django_db

IN_EINER_WOCHE = timezone.localdate() + datetime.timedelta(days=7)


def _datum_de(value):
    """A date as a German e-mail writes it ("29. März 2027")."""
    with translation.override("de"):
        return date_format(value, "DATE_FORMAT")


def _bei_jury(fonds, qm_user, titel, betrag, sprache="de"):
    antrag = AntragFactory(
        fonds=fonds, titel=titel, betrag_beantragt=Decimal(betrag), sprache=sprache
    )
    return antrag_zur_jury(antrag, qm_user)


def _mails(art):
    return list(Benachrichtigung.objects.filter(art=art).order_by("pk"))


def test_applicants_on_the_agenda_are_invited_with_date_place_and_ics(fonds, qm_user):
    gross = _bei_jury(fonds, qm_user, "Hoffest", "800.00")
    klein = _bei_jury(fonds, qm_user, "Lesecafé", "200.00")

    sitzung = sitzung_fuer(fonds.quartier, qm_user, datum=IN_EINER_WOCHE, ort="Kiezraum")

    einladungen = {m.antrag_id: m for m in _mails("sitzung_einladung")}
    assert set(einladungen) == {gross.pk, klein.pk}
    mail = einladungen[gross.pk]
    assert mail.empfaenger == gross.antragsteller_email
    subject, text, _html = notifications.render(mail)
    datum = _datum_de(IN_EINER_WOCHE)
    assert (
        subject
        == f"Einladung: Ihr Antrag in der Sitzung der Aktionsfondsjury am {datum} ({gross.referenz})"
        or datum in subject
    )
    assert f"Termin: {datum}, 18:30 Uhr" in text
    assert "Ort: Kiezraum" in text
    assert "Bei Anträgen über 500,00 € ist die Vorstellung nötig" in text
    assert "Nötig ist das bei Ihrem Antrag nicht" in notifications.render(einladungen[klein.pk])[1]
    [(name, mimetype, ics)] = mail.kontext["inline_anhaenge"]
    assert (name, mimetype) == ("sitzung.ics", "text/calendar")
    assert "LOCATION:Kiezraum" in ics and "/jury/" not in ics  # no link to the jury's pages
    assert sitzung.punkte.count() == 2


@pytest.mark.parametrize(
    ("sprache", "betreff"),
    [("en", "Invitation"), ("tr", "Davet"), ("ar", "دعوة")],
)
def test_invitation_goes_out_in_the_applicants_language(fonds, qm_user, sprache, betreff):
    antrag = _bei_jury(fonds, qm_user, "Hoffest", "800.00", sprache=sprache)

    sitzung_fuer(fonds.quartier, qm_user, datum=IN_EINER_WOCHE)

    [mail] = _mails("sitzung_einladung")
    assert (mail.antrag_id, mail.sprache) == (antrag.pk, sprache)
    subject, text, _html = notifications.render(mail)
    assert betreff in subject
    assert "Guten Tag" not in text and "Termin:" not in text


def test_a_deferral_is_told_with_its_reason(fonds, qm_user):
    antrag = _bei_jury(fonds, qm_user, "Hoffest", "300.00")
    sitzung = sitzung_fuer(fonds.quartier, qm_user)
    punkt = sitzung.punkte.get()

    sitzungen.top_defer(punkt, akteur=Akteur(qm_user), grund="Kostenvoranschlag fehlt")

    [mail] = _mails("sitzung_vertagt")
    assert (mail.antrag_id, mail.empfaenger) == (antrag.pk, antrag.antragsteller_email)
    _subject, text, _html = notifications.render(mail)
    assert "Grund: Kostenvoranschlag fehlt" in text
    assert "Das ist keine Ablehnung" in text


def test_a_removal_from_the_agenda_is_told_and_a_new_agenda_invites_again(fonds, qm_user):
    antrag = _bei_jury(fonds, qm_user, "Hoffest", "300.00")
    sitzung = sitzung_fuer(fonds.quartier, qm_user, datum=IN_EINER_WOCHE)
    akteur = Akteur(qm_user)

    sitzungen.top_remove(sitzung.punkte.get(), akteur=akteur)
    sitzungen.top_add(sitzung, antrag, akteur=akteur)

    assert [m.antrag_id for m in _mails("sitzung_abgesetzt")] == [antrag.pk]
    assert [m.antrag_id for m in _mails("sitzung_einladung")] == [antrag.pk, antrag.pk]


def test_a_refused_addition_sends_nothing(fonds, qm_user):
    antrag = _bei_jury(fonds, qm_user, "Hoffest", "300.00")
    sitzung = sitzung_fuer(fonds.quartier, qm_user, datum=IN_EINER_WOCHE)

    with pytest.raises(sitzungen.JuryRefused):
        sitzungen.top_add(sitzung, antrag, akteur=Akteur(qm_user))  # already on it

    assert len(_mails("sitzung_einladung")) == 1


def test_mein_antrag_shows_the_meeting_and_whether_to_present(client, fonds, qm_user):
    antrag = _bei_jury(fonds, qm_user, "Hoffest", "800.00")
    sitzung_fuer(fonds.quartier, qm_user, datum=IN_EINER_WOCHE, ort="Kiezraum")
    session = client.session
    session[SESSION_KEY] = [antrag.pk]
    session.save()

    page = client.get(reverse("antraege:mein_antrag", args=[antrag.pk])).content.decode()

    assert "Die Jury berät Ihren Antrag" in page
    assert "um 18:30 Uhr. Ort: Kiezraum" in page
    assert "Bei Ihrem Betrag ist die Vorstellung nötig." in page
