"""A deputy stands in for an absent member in an online vote (issue 20), where the area's rules
allow it: the member asks, the area's deputies are told in their language, the first to accept
votes for the member's seat. The standing-in deputy's ballot counts once; the absent member's
cannot be cast any more."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from antraege.models import Benachrichtigung
from antraege.roles import Akteur
from jury.abstimmungen import services
from jury.abstimmungen.models import Ergebnis, JuryRegeln, Stimme
from jury.abstimmungen.services import JuryRefused
from jury.factories import antrag_zur_jury, jury_fuer, stellvertretungen_fuer
from jury.mitglieder.models import Kontoeinstellung

from .test_jury_emails_sprache import gesendet
from .test_jury_rules import schliessen_nach_frist

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    call_command("compilemessages", "--ignore=.venv", "--ignore=node_modules", verbosity=0)


@pytest.fixture
def jury(quartier):
    return jury_fuer(quartier, 4)


@pytest.fixture
def deputies(quartier):
    return stellvertretungen_fuer(quartier, 2)


@pytest.fixture
def abstimmung(antrag, qm_user, jury, deputies):
    antrag = antrag_zur_jury(antrag, qm_user)
    return services.abstimmung_open(antrag, akteur=Akteur(qm_user), betrag=antrag.betrag_beantragt)


def test_the_standing_in_deputys_ballot_counts_once_and_the_absent_members_cannot(
    abstimmung, jury, deputies, mailoutbox
):
    Kontoeinstellung.objects.create(user=deputies[1].user, sprache="en")
    abwesend, vertretung = jury[0], deputies[0]
    eroeffnet = gesendet("abstimmung_eroeffnet", mailoutbox)[abwesend.user.email]
    assert "bitten Sie auf dem Stimmzettel um Vertretung" in eroeffnet.body
    mailoutbox.clear()
    services.stimme_cast(abstimmung, user=abwesend.user, wert="no")

    eintrag = services.vertretung_request(abstimmung, user=abwesend.user)

    # the member's ballot is withdrawn; both deputies are told, each in their language
    assert not Stimme.objects.filter(abstimmung=abstimmung, mitglied=abwesend).exists()
    mails = gesendet("abstimmung_vertretung_gesucht", mailoutbox)
    assert set(mails) == {d.user.email for d in deputies}
    assert mails[deputies[0].user.email].subject == (
        f"Vertretung gesucht in der Online-Abstimmung: {abstimmung.antrag.referenz}"
    )
    assert mails[deputies[1].user.email].subject == (
        f"Deputy wanted in the online vote: {abstimmung.antrag.referenz}"
    )
    assert (
        reverse("jury:abstimmung_vertreten", args=[abstimmung.pk])
        in mails[deputies[0].user.email].body
    )

    services.vertretung_accept(abstimmung, user=vertretung.user, eintrag_id=eintrag.pk)
    # the second deputy is too late
    with pytest.raises(JuryRefused) as zu_spaet:
        services.vertretung_accept(abstimmung, user=deputies[1].user, eintrag_id=eintrag.pk)
    assert zu_spaet.value.code == "conflict"

    services.stimme_cast(abstimmung, user=vertretung.user, wert="yes")
    services.stimme_cast(abstimmung, user=vertretung.user, wert="yes")  # changed, still one
    with pytest.raises(JuryRefused) as selbst:
        services.stimme_cast(abstimmung, user=abwesend.user, wert="no")
    assert selbst.value.code == "forbidden"
    assert "in Vertretung für Sie" in selbst.value.message
    with pytest.raises(JuryRefused):  # the other deputy stands in for nobody
        services.stimme_cast(abstimmung, user=deputies[1].user, wert="no")
    services.stimme_cast(abstimmung, user=jury[1].user, wert="no")

    [stimme] = Stimme.objects.filter(abstimmung=abstimmung, mitglied=abwesend)
    assert (stimme.wert, stimme.abgegeben_von) == ("yes", vertretung)
    closed = schliessen_nach_frist(abstimmung)
    assert (closed.anzahl_berechtigt, closed.stimmen_ja, closed.stimmen_nein) == (4, 1, 1)
    assert closed.ergebnis == Ergebnis.ABGELEHNT  # a tie: the area's default rejects


def test_without_the_areas_rule_no_deputy_votes_online(quartier, antrag, qm_user, jury, deputies):
    JuryRegeln.objects.update_or_create(quartier=quartier, defaults={"vertretung_online": False})
    antrag = antrag_zur_jury(antrag, qm_user)
    abstimmung = services.abstimmung_open(
        antrag, akteur=Akteur(qm_user), betrag=antrag.betrag_beantragt
    )

    with pytest.raises(JuryRefused) as refused:
        services.vertretung_request(abstimmung, user=jury[0].user)

    assert refused.value.code == "forbidden"
    assert not abstimmung.stimmberechtigungen.filter(vertretung_gesucht_am__isnull=False).exists()


def test_a_deputy_cannot_stand_in_unasked(abstimmung, deputies):
    eintrag = abstimmung.stimmberechtigungen.first()

    with pytest.raises(JuryRefused) as refused:
        services.vertretung_accept(abstimmung, user=deputies[0].user, eintrag_id=eintrag.pk)

    assert refused.value.code == "conflict"
    assert not abstimmung.stimmberechtigungen.filter(vertreten_durch__isnull=False).exists()


def test_the_pages_ask_accept_and_vote(client, abstimmung, jury, deputies):
    client.force_login(jury[0].user)
    seite = client.get(reverse("jury:abstimmung", args=[abstimmung.pk])).content.decode()
    bitten = reverse("jury:abstimmung_vertretung_bitten", args=[abstimmung.pk])
    assert bitten in seite
    assert client.post(bitten).status_code == 302

    client.force_login(deputies[0].user)
    vertreten = reverse("jury:abstimmung_vertreten", args=[abstimmung.pk])
    seite = client.get(vertreten).content.decode()
    name = jury[0].user.get_full_name()
    assert f"Für {name} abstimmen" in seite
    eintrag = abstimmung.stimmberechtigungen.get(mitglied=jury[0])
    response = client.post(vertreten, {"eintrag": eintrag.pk})
    assert response["Location"] == reverse("jury:abstimmung", args=[abstimmung.pk])
    seite = client.get(response["Location"]).content.decode()
    assert f"Sie stimmen in Vertretung für {name} ab." in seite

    client.force_login(jury[0].user)
    assert client.get(reverse("jury:abstimmung", args=[abstimmung.pk])).status_code == 403


def test_the_deputy_sees_the_vote_on_their_page_and_gets_the_reminder(
    client, abstimmung, jury, deputies
):
    eintrag = services.vertretung_request(abstimmung, user=jury[0].user)
    services.vertretung_accept(abstimmung, user=deputies[0].user, eintrag_id=eintrag.pk)

    client.force_login(deputies[0].user)
    seite = client.get(reverse("jury:home")).content.decode()
    assert reverse("jury:abstimmung", args=[abstimmung.pk]) in seite

    abstimmung.refresh_from_db()
    services.abstimmungen_remind(now=abstimmung.frist - datetime.timedelta(hours=1))
    erinnert = set(
        Benachrichtigung.objects.filter(art="abstimmung_erinnerung").values_list(
            "empfaenger", flat=True
        )
    )
    assert deputies[0].user.email in erinnert
    assert jury[0].user.email not in erinnert
    assert jury[1].user.email in erinnert
