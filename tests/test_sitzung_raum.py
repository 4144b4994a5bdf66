"""Meeting mode for the room: the projector's page of the current item, named voting in one
screen ("alle Ja", then the exceptions) and the way of voting chosen per item."""

from decimal import Decimal

import pytest
from django.urls import reverse

from antraege.factories import AntragFactory
from antraege.models import Kostenkategorie, Kostenposition
from antraege.roles import Akteur
from jury.factories import antrag_zur_jury, jury_fuer, sitzung_fuer
from jury.sitzungen import services as sitzungen
from jury.sitzungen.models import Einzelstimme

pytestmark = pytest.mark.django_db


@pytest.fixture
def zwei(fonds, qm_user):
    return [
        antrag_zur_jury(
            AntragFactory(
                fonds=fonds,
                titel=titel,
                kurzbeschreibung=f"Beschreibung von {titel}",
                ziele=f"Ziele von {titel}",
                betrag_beantragt=Decimal(betrag),
                antragsteller_email="geheim@example.org",
                antragsteller_telefon="030 1234567",
            ),
            qm_user,
        )
        for titel, betrag in (("Hoffest", "300.00"), ("Lesecafé", "200.00"))
    ]


def _beschluss(client, sitzung, punkt, **felder):
    """Post meeting mode's item form for ``punkt`` (field names without the item's prefix)."""
    daten = {f"p{punkt.pk}-{name}": wert for name, wert in felder.items()}
    return client.post(
        reverse("jury:qm_sitzungsmodus", args=[sitzung.pk]), {"aktion": "beschluss", **daten}
    )


def _gehalten(fonds, qm_user, mitglieder):
    sitzung = sitzung_fuer(fonds.quartier, qm_user)
    sitzungen.anwesenheit_record(
        sitzung, akteur=Akteur(qm_user), anwesende=[m.pk for m in mitglieder], vertretungen={}
    )
    return sitzung


def test_projector_page_shows_the_current_item_without_contact_data_or_navigation(
    client, staff_login, fonds, qm_user, zwei
):
    kategorie = Kostenkategorie.objects.create(
        quartier=fonds.quartier, name="Honorar Künstlerin", foerderung="exception"
    )
    Kostenposition.objects.create(
        antrag=zwei[0],
        kategorie=kategorie,
        beschreibung="Clownin",
        einzelpreis=Decimal("120.00"),
        ausnahme_grund="Besondere Fähigkeit, ehrenamtlich nicht leistbar",
    )
    sitzung = _gehalten(fonds, qm_user, jury_fuer(fonds.quartier, 3))
    staff_login(client, qm_user)

    response = client.get(reverse("jury:qm_praesentation", args=[sitzung.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "1. Hoffest" in page
    assert "Beschreibung von Hoffest" in page and "Ziele von Hoffest" in page
    assert "Clownin" in page
    assert "Besondere Fähigkeit, ehrenamtlich nicht leistbar" in page
    assert "Im Fonds noch verfügbar: 10.000,00 €" in page
    assert "geheim@example.org" not in page and "030 1234567" not in page
    assert "Hauptnavigation" not in page  # the staff navigation is not projected to the room
    assert 'rel="next"' in page and 'rel="prev"' not in page


def test_projector_page_switches_to_another_item(client, staff_login, fonds, qm_user, zwei):
    sitzung = _gehalten(fonds, qm_user, jury_fuer(fonds.quartier, 3))
    zweiter = sitzung.punkte.order_by("position")[1]
    staff_login(client, qm_user)

    page = client.get(
        reverse("jury:qm_praesentation", args=[sitzung.pk]), {"punkt": zweiter.pk}
    ).content.decode()

    assert "2. Lesecafé" in page and "Punkt 2 von 2" in page
    assert 'rel="prev"' in page and 'rel="next"' not in page


def test_projector_page_is_for_the_areas_qm_only(client, staff_login, fonds, qm_user, zwei):
    (mitglied, *_rest) = jury_fuer(fonds.quartier, 3)
    sitzung = _gehalten(fonds, qm_user, [mitglied])
    staff_login(client, mitglied.user)

    response = client.get(reverse("jury:qm_praesentation", args=[sitzung.pk]))

    assert response.status_code == 403
    assert "Hoffest" not in response.content.decode()


def test_named_vote_of_seven_is_all_yes_and_the_exceptions(
    client, staff_login, fonds, qm_user, zwei
):
    jury = jury_fuer(fonds.quartier, 7)
    sitzung = _gehalten(fonds, qm_user, jury)
    punkt = sitzung.punkte.order_by("position").first()
    staff_login(client, qm_user)
    response = _beschluss(
        client,
        sitzung,
        punkt,
        praesentiert="1",
        betrag="300,00",
        art="named",
        alle="yes",
        **{f"stimme_{jury[5].pk}": "no"},
        **{f"stimme_{jury[6].pk}": "abstain"},
    )

    assert response.status_code == 302
    punkt.refresh_from_db()
    assert (punkt.stimmen_ja, punkt.stimmen_nein, punkt.stimmen_enthaltung) == (5, 1, 1)
    assert punkt.namentlich is True
    assert punkt.beschluss == "approved"
    stimmen = dict(Einzelstimme.objects.filter(punkt=punkt).values_list("mitglied_id", "wert"))
    assert stimmen == {
        **{m.pk: "yes" for m in jury[:5]},
        jury[5].pk: "no",
        jury[6].pk: "abstain",
    }


def test_biased_members_get_no_vote_from_all_yes(client, staff_login, fonds, qm_user, zwei):
    jury = jury_fuer(fonds.quartier, 7)
    sitzung = _gehalten(fonds, qm_user, jury)
    punkt = sitzung.punkte.order_by("position").first()
    staff_login(client, qm_user)
    _beschluss(
        client,
        sitzung,
        punkt,
        praesentiert="1",
        betrag="300,00",
        art="named",
        alle="yes",
        befangene=[jury[0].pk],
    )

    punkt.refresh_from_db()
    assert (punkt.stimmen_ja, punkt.stimmen_nein, punkt.stimmen_enthaltung) == (6, 0, 0)
    assert not Einzelstimme.objects.filter(punkt=punkt, mitglied=jury[0]).exists()


def test_one_item_by_name_and_the_next_counted_in_the_same_meeting(
    client, staff_login, fonds, qm_user, zwei
):
    jury = jury_fuer(fonds.quartier, 3)
    sitzung = _gehalten(fonds, qm_user, jury)
    erster, zweiter = sitzung.punkte.order_by("position")
    staff_login(client, qm_user)

    _beschluss(client, sitzung, erster, praesentiert="1", betrag="300,00", art="named", alle="no")
    _beschluss(
        client,
        sitzung,
        zweiter,
        praesentiert="0",
        betrag="200,00",
        art="counted",
        ja="2",
        nein="1",
        enthaltung="0",
    )

    erster.refresh_from_db()
    zweiter.refresh_from_db()
    assert (erster.namentlich, erster.beschluss, erster.stimmen_nein) == (True, "rejected", 3)
    assert (zweiter.namentlich, zweiter.beschluss, zweiter.stimmen_ja) == (False, "approved", 2)
    assert not Einzelstimme.objects.filter(punkt=zweiter).exists()


def test_counted_vote_without_numbers_is_refused_and_keeps_the_entries(
    client, staff_login, fonds, qm_user, zwei
):
    jury = jury_fuer(fonds.quartier, 3)
    sitzung = _gehalten(fonds, qm_user, jury)
    punkt = sitzung.punkte.order_by("position").first()
    staff_login(client, qm_user)
    response = _beschluss(
        client,
        sitzung,
        punkt,
        praesentiert="1",
        betrag="300,00",
        art="counted",
        auflagen="Logoleiste auf dem Plakat",
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Bitte geben Sie die Zahl der Stimmen an." in page
    assert "Logoleiste auf dem Plakat" in page
    punkt.refresh_from_db()
    assert punkt.beschluss == ""
