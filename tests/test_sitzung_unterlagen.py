"""Papers of a meeting: sent on their own when the area's lead time has come (a controlled clock:
``now`` is passed in), never twice; the papers PDF is made by the worker, never in the request."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from antraege.dokumente.pdf import pdf_text
from antraege.factories import AntragFactory
from antraege.models import Benachrichtigung
from antraege.roles import Akteur
from jury.abstimmungen.models import JuryRegeln
from jury.abstimmungen.services import JuryRefused
from jury.factories import antrag_zur_jury, jury_fuer, sitzung_fuer, stellvertretungen_fuer
from jury.sitzungen import services as sitzungen
from jury.sitzungen import unterlagen
from jury.sitzungen.models import Sitzung, SitzungStatus, Sitzungsunterlagen

pytestmark = pytest.mark.django_db


def berlin(day, hour=9):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def geplant(fonds, qm_user):
    """A planned meeting 10 days ahead with two members, one deputy and one item."""
    jury_fuer(fonds.quartier, 2)
    stellvertretungen_fuer(fonds.quartier, 1)
    antrag_zur_jury(AntragFactory(fonds=fonds, titel="Hoffest"), qm_user)
    return sitzung_fuer(
        fonds.quartier, qm_user, datum=timezone.localdate() + datetime.timedelta(days=10)
    )


def papers_rows(sitzung):
    return Benachrichtigung.objects.filter(
        art="sitzung_unterlagen", dedupe_key__startswith=f"sitzung-{sitzung.pk}-"
    )


def test_papers_go_out_on_their_own_once_the_lead_time_has_come(geplant):
    tag = geplant.datum - datetime.timedelta(days=5)  # default lead time: 5 days

    assert unterlagen.unterlagen_due_send(now=berlin(tag - datetime.timedelta(days=1))) == []
    assert papers_rows(geplant).count() == 0
    assert unterlagen.unterlagen_due_send(now=berlin(tag, hour=0)) == [geplant.pk]
    assert unterlagen.unterlagen_due_send(now=berlin(tag, hour=1)) == []  # never twice

    geplant.refresh_from_db()
    assert geplant.status == SitzungStatus.UNTERLAGEN_VERSANDT
    assert papers_rows(geplant).count() == 3  # two members and the deputy
    assert Sitzungsunterlagen.objects.filter(sitzung=geplant, sprache="de").count() == 1


def test_the_areas_lead_time_decides_the_day(geplant):
    JuryRegeln.objects.create(quartier=geplant.quartier, unterlagen_tage_vorher=2)

    assert unterlagen.unterlagen_due_send(now=berlin(geplant.datum - datetime.timedelta(3))) == []
    assert unterlagen.unterlagen_due_send(now=berlin(geplant.datum - datetime.timedelta(2))) == [
        geplant.pk
    ]


def test_no_papers_for_an_empty_agenda_a_past_meeting_or_one_qm_already_sent(fonds, qm_user):
    jury_fuer(fonds.quartier, 2)
    heute = timezone.localdate()
    leer = sitzung_fuer(fonds.quartier, qm_user, datum=heute + datetime.timedelta(days=2))
    antrag_zur_jury(AntragFactory(fonds=fonds), qm_user)
    vorbei = sitzung_fuer(fonds.quartier, qm_user, datum=heute + datetime.timedelta(days=2))
    Sitzung.objects.filter(pk=vorbei.pk).update(
        datum=heute - datetime.timedelta(days=1),
        einreichungsfrist=heute - datetime.timedelta(days=3),
    )
    antrag_zur_jury(AntragFactory(fonds=fonds), qm_user)
    per_hand = sitzung_fuer(fonds.quartier, qm_user, datum=heute + datetime.timedelta(days=2))
    unterlagen.sitzung_unterlagen_send(per_hand, akteur=Akteur(qm_user))  # QM sent them early
    vorher = Benachrichtigung.objects.filter(art="sitzung_unterlagen").count()

    assert unterlagen.unterlagen_due_send(now=berlin(heute)) == []

    assert Benachrichtigung.objects.filter(art="sitzung_unterlagen").count() == vorher == 2
    assert Sitzung.objects.get(pk=leer.pk).status == SitzungStatus.GEPLANT
    assert Sitzung.objects.get(pk=vorbei.pk).status == SitzungStatus.GEPLANT


def test_the_button_still_sends_early_and_refuses_a_second_time(geplant, qm_user):
    assert unterlagen.sitzung_unterlagen_send(geplant, akteur=Akteur(qm_user)) == 3
    with pytest.raises(JuryRefused):
        unterlagen.sitzung_unterlagen_send(geplant, akteur=Akteur(qm_user))

    assert unterlagen.unterlagen_due_send(now=berlin(geplant.datum)) == []
    assert papers_rows(geplant).count() == 3


def test_staff_of_another_area_cannot_send_the_papers(geplant, qm_other_user):
    with pytest.raises(JuryRefused):
        unterlagen.sitzung_unterlagen_send(geplant, akteur=Akteur(qm_other_user))

    assert Sitzung.objects.get(pk=geplant.pk).status == SitzungStatus.GEPLANT
    assert papers_rows(geplant).count() == 0
    assert not Sitzungsunterlagen.objects.exists()


def test_papers_pdf_is_made_by_the_task_and_a_changed_agenda_gets_a_new_one(
    client, staff_login, geplant, fonds, qm_user
):
    staff_login(client, qm_user)
    seite = reverse("jury:qm_tagesordnung", args=[geplant.pk])

    erste = client.get(seite).content.decode()  # asks for the PDF; the request renders nothing
    row = Sitzungsunterlagen.objects.get(sitzung=geplant)
    assert "wird gerade erstellt" in erste and not row.ist_fertig

    assert unterlagen.sitzungsunterlagen_render(row.pk) is True
    assert unterlagen.sitzungsunterlagen_render(row.pk) is False  # once
    fertig = client.get(seite).content.decode()
    pdf = client.get(reverse("jury:unterlagen", args=[geplant.pk]))
    assert "wird gerade erstellt" not in fertig and "PDF erstellt am" in fertig
    assert "Hoffest" in pdf_text(b"".join(pdf.streaming_content))

    spaet = antrag_zur_jury(AntragFactory(fonds=fonds, titel="Lesecafé"), qm_user)
    sitzungen.top_add(geplant, spaet, akteur=Akteur(qm_user))
    nach_aenderung = client.get(seite).content.decode()
    assert "wird gerade erstellt" in nach_aenderung
    assert client.get(reverse("jury:unterlagen", args=[geplant.pk])).status_code == 302
    neu = unterlagen.sitzungsunterlagen_current(geplant, "de")
    unterlagen.sitzungsunterlagen_render(neu.pk)
    text = pdf_text(
        b"".join(client.get(reverse("jury:unterlagen", args=[geplant.pk])).streaming_content)
    )
    assert "Hoffest" in text and "Lesecafé" in text


def test_a_lost_render_is_queued_again_and_a_stale_one_dropped(geplant, fonds, qm_user):
    row = unterlagen.sitzungsunterlagen_request(geplant, "de")
    spaeter = timezone.now() + datetime.timedelta(minutes=5)

    assert unterlagen.sitzungsunterlagen_sweep(now=spaeter) == [row.pk]

    spaet = antrag_zur_jury(AntragFactory(fonds=fonds), qm_user)
    sitzungen.top_add(geplant, spaet, akteur=Akteur(qm_user))
    assert unterlagen.sitzungsunterlagen_sweep(now=spaeter) == []
    assert not Sitzungsunterlagen.objects.filter(pk=row.pk).exists()
    assert unterlagen.sitzungsunterlagen_render(row.pk) is False
