"""Apologies and deputies (issue 20): a member sends apologies from the meeting's page, the
deputies are told at once in their language, the first to confirm stands in, and meeting mode
proposes the attendance from that."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from antraege.factories import AntragFactory
from antraege.models import Benachrichtigung
from antraege.roles import Akteur
from jury.factories import antrag_zur_jury, jury_fuer, sitzung_fuer, stellvertretungen_fuer
from jury.mitglieder import services as mitglieder_services
from jury.sitzungen import services as sitzungen
from jury.sitzungen.models import Absage

pytestmark = pytest.mark.django_db

MORGEN = timezone.localdate() + datetime.timedelta(days=1)


@pytest.fixture
def runde(fonds, qm_user):
    antrag_zur_jury(AntragFactory(fonds=fonds), qm_user)
    mitglieder = jury_fuer(fonds.quartier, 3)
    deputies = stellvertretungen_fuer(fonds.quartier, 2)
    mitglieder_services.kontosprache_set(deputies[1].user, "tr")
    sitzung = sitzung_fuer(fonds.quartier, qm_user, datum=MORGEN)
    # members read a meeting (and send apologies from its page) once its papers went out
    sitzungen.sitzung_einladungen_send(sitzung, akteur=Akteur(qm_user))
    return sitzung, mitglieder, deputies


def test_apologies_tell_every_deputy_in_their_language(client, staff_login, runde):
    sitzung, mitglieder, deputies = runde
    staff_login(client, mitglieder[0].user)

    response = client.post(reverse("jury:sitzung_absagen", args=[sitzung.pk]), follow=True)

    assert "Ihre Absage ist angekommen" in response.content.decode()
    assert Absage.objects.get().mitglied == mitglieder[0]
    mails = {
        m.empfaenger: m.sprache
        for m in Benachrichtigung.objects.filter(art="sitzung_vertretung_gesucht")
    }
    assert mails == {deputies[0].user.email: "de", deputies[1].user.email: "tr"}


def test_apologies_twice_send_nothing_more(client, staff_login, runde):
    sitzung, mitglieder, _deputies = runde
    staff_login(client, mitglieder[0].user)
    url = reverse("jury:sitzung_absagen", args=[sitzung.pk])

    client.post(url)
    second = client.post(url, follow=True)

    assert "schon abgesagt" in second.content.decode()
    assert Absage.objects.count() == 1
    assert Benachrichtigung.objects.filter(art="sitzung_vertretung_gesucht").count() == 2


def test_only_a_member_in_term_sends_apologies(runde, qm_user):
    sitzung, _mitglieder, deputies = runde

    for user in (deputies[0].user, qm_user):
        with pytest.raises(sitzungen.JuryRefused):
            sitzungen.absage_send(sitzung, user=user)

    assert not Absage.objects.exists()


def test_the_first_deputy_to_confirm_stands_in(client, staff_login, runde):
    sitzung, mitglieder, deputies = runde
    absage = sitzungen.absage_send(sitzung, user=mitglieder[0].user)
    url = reverse("jury:sitzung_vertreten", args=[sitzung.pk, absage.pk])

    staff_login(client, deputies[0].user)
    first = client.post(url, follow=True)
    staff_login(client, deputies[1].user)
    second = client.post(url, follow=True)

    assert "Sie vertreten" in first.content.decode()
    assert "schon eine andere Stellvertretung zugesagt" in second.content.decode()
    absage.refresh_from_db()
    assert absage.vertreten_durch == deputies[0]


def test_a_deputy_stands_in_for_one_member_only(runde):
    sitzung, mitglieder, deputies = runde
    erste = sitzungen.absage_send(sitzung, user=mitglieder[0].user)
    zweite = sitzungen.absage_send(sitzung, user=mitglieder[1].user)
    sitzungen.vertretung_confirm(erste, user=deputies[0].user)

    with pytest.raises(sitzungen.JuryRefused):
        sitzungen.vertretung_confirm(zweite, user=deputies[0].user)

    zweite.refresh_from_db()
    assert zweite.vertreten_durch is None


def test_meeting_mode_proposes_the_attendance_from_apologies(client, staff_login, runde, qm_user):
    sitzung, mitglieder, deputies = runde
    absage = sitzungen.absage_send(sitzung, user=mitglieder[0].user)
    sitzungen.vertretung_confirm(absage, user=deputies[1].user)
    staff_login(client, qm_user)

    response = client.get(reverse("jury:qm_sitzungsmodus", args=[sitzung.pk]))

    initial = response.context["anwesenheit_form"].initial
    assert sorted(initial["mitglieder"]) == sorted(str(m.pk) for m in mitglieder[1:])
    assert initial["stellvertretungen"] == [str(deputies[1].pk)]
    assert initial[f"vertritt_{deputies[1].pk}"] == str(mitglieder[0].pk)


def test_no_apologies_once_the_meeting_started(fonds, qm_user):
    antrag_zur_jury(AntragFactory(fonds=fonds), qm_user)
    mitglieder = jury_fuer(fonds.quartier, 3)
    sitzung = sitzung_fuer(fonds.quartier, qm_user)  # today: attendance may be taken
    sitzungen.anwesenheit_record(
        sitzung, akteur=Akteur(qm_user), anwesende=[m.pk for m in mitglieder], vertretungen={}
    )

    with pytest.raises(sitzungen.JuryRefused):
        sitzungen.absage_send(sitzung, user=mitglieder[0].user)

    assert not Absage.objects.exists()


def test_the_members_page_offers_apologies_and_the_deputys_page_standing_in(
    client, staff_login, runde
):
    sitzung, mitglieder, deputies = runde
    url = reverse("jury:sitzung", args=[sitzung.pk])

    staff_login(client, mitglieder[0].user)
    member_page = client.get(url).content.decode()
    sitzungen.absage_send(sitzung, user=mitglieder[0].user)
    staff_login(client, deputies[0].user)
    deputy_page = client.get(url).content.decode()

    assert "Ich kann nicht kommen" in member_page
    name = mitglieder[0].user.get_full_name()
    assert f"Ich komme und vertrete {name}" in deputy_page
