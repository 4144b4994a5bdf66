"""The minutes (Protokoll) of a vote: a stored PDF whose text holds tally, decision and members."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from antraege.dokumente.pdf import pdf_text
from antraege.roles import Akteur
from jury import tasks
from jury.abstimmungen import services
from jury.abstimmungen.models import Abstimmung, JuryRegeln
from jury.factories import antrag_zur_jury, jury_fuer

pytestmark = pytest.mark.django_db


def closed_vote(antrag, qm_user, quartier):
    jury = jury_fuer(quartier, 4)
    antrag_zur_jury(antrag, qm_user)
    abstimmung = services.abstimmung_open(
        antrag, akteur=Akteur(qm_user), betrag=Decimal("250.00"), auflagen="Logo auf dem Flyer"
    )
    services.stimme_cast(abstimmung, user=jury[0].user, wert="yes")
    services.stimme_cast(abstimmung, user=jury[1].user, wert="no")
    services.stimme_cast(abstimmung, user=jury[2].user, wert="yes")
    services.befangenheit_declare(
        abstimmung, user=jury[3].user, grund="Nachbarin der Antragstellerin"
    )
    services.abstimmung_close(abstimmung.pk, now=abstimmung.frist + datetime.timedelta(seconds=1))
    return abstimmung, jury


def name(member):
    return member.user.get_full_name()


def test_minutes_hold_tally_decision_and_members_but_not_how_they_voted(antrag, qm_user, quartier):
    abstimmung, jury = closed_vote(antrag, qm_user, quartier)

    assert tasks.task_render_protokoll.run(abstimmung_id=abstimmung.pk) is True

    abstimmung = Abstimmung.objects.get(pk=abstimmung.pk)
    data = abstimmung.protokoll.read()
    text = pdf_text(data)
    assert data.startswith(b"%PDF-")
    assert "Stimmberechtigt: 3 · Ja: 2 · Nein: 1 · Enthaltungen: 0" in text
    assert "Entscheidung: Bewilligt" in text
    assert "250,00 €" in text and "Logo auf dem Flyer" in text
    assert antrag.fonds.quartier.name in text
    for member in jury[:3]:
        assert name(member) in text
    assert f"{name(jury[3])}: Nachbarin der Antragstellerin" in text
    assert "Die Abstimmung ist geheim" in text
    assert f"{name(jury[0])} ja" in text  # voted (yes/no column means "has voted")
    assert " Nein " not in text.replace("Nein: 1", "")


def test_open_voting_rule_puts_each_ballot_in_the_minutes(antrag, qm_user, quartier):
    JuryRegeln.objects.create(quartier=quartier, offene_abstimmung=True)
    abstimmung, jury = closed_vote(antrag, qm_user, quartier)

    services.abstimmung_protokoll_create(abstimmung.pk)

    text = pdf_text(Abstimmung.objects.get(pk=abstimmung.pk).protokoll.read())
    assert f"{name(jury[1])} ja Nein" in text
    assert f"{name(jury[0])} ja Ja" in text


def test_minutes_are_rendered_once_and_qm_downloads_them(
    client, staff_login, antrag, qm_user, quartier
):
    abstimmung, _jury = closed_vote(antrag, qm_user, quartier)
    assert services.abstimmung_protokoll_create(abstimmung.pk) is True
    first = Abstimmung.objects.get(pk=abstimmung.pk).protokoll.name

    assert services.abstimmung_protokoll_create(abstimmung.pk) is False
    assert Abstimmung.objects.get(pk=abstimmung.pk).protokoll.name == first

    staff_login(client, qm_user)
    response = client.get(reverse("jury:qm_protokoll", kwargs={"pk": abstimmung.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Entscheidung: Bewilligt" in pdf_text(b"".join(response.streaming_content))


def test_members_cannot_download_the_minutes(client, staff_login, antrag, qm_user, quartier):
    abstimmung, jury = closed_vote(antrag, qm_user, quartier)
    services.abstimmung_protokoll_create(abstimmung.pk)
    staff_login(client, jury[0].user)

    response = client.get(reverse("jury:qm_protokoll", kwargs={"pk": abstimmung.pk}))

    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")  # the reason, not the minutes


def test_members_of_the_area_download_the_minutes_without_contact_data(
    client, staff_login, antrag, qm_user, quartier
):
    antrag.antragsteller_telefon = "0176 98765432"
    antrag.save(update_fields=["antragsteller_telefon"])
    abstimmung, jury = closed_vote(antrag, qm_user, quartier)
    services.abstimmung_protokoll_create(abstimmung.pk)
    antrag.refresh_from_db()
    url = reverse("jury:abstimmung_protokoll", kwargs={"pk": abstimmung.pk})
    staff_login(client, jury[0].user)

    home = client.get(reverse("jury:home")).content.decode()
    ballot = client.get(reverse("jury:abstimmung", kwargs={"pk": abstimmung.pk})).content.decode()
    client.logout()
    staff_login(client, jury[3].user)  # the member who declared a conflict reads them too
    response = client.get(url)

    assert url in home and url in ballot
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(response.streaming_content))
    assert "Entscheidung: Bewilligt" in text and antrag.referenz in text
    for kontakt in (
        antrag.antragsteller_email,
        antrag.antragsteller_strasse,
        antrag.antragsteller_telefon,
    ):
        assert kontakt not in text


def test_no_minutes_before_the_close_and_none_for_another_area(
    client, staff_login, antrag, qm_user, quartier, anderes_quartier
):
    from antraege.factories import AntragFactory
    from jury.factories import JurymitgliedFactory

    abstimmung, jury = closed_vote(antrag, qm_user, quartier)
    services.abstimmung_protokoll_create(abstimmung.pk)
    offen = services.abstimmung_open(
        antrag_zur_jury(AntragFactory(fonds=antrag.fonds), qm_user),
        akteur=Akteur(qm_user),
        betrag=Decimal("100.00"),
    )

    staff_login(client, jury[0].user)
    vorher = client.get(reverse("jury:abstimmung_protokoll", kwargs={"pk": offen.pk}))
    client.logout()
    staff_login(client, JurymitgliedFactory(quartier=anderes_quartier).user)
    fremd = client.get(reverse("jury:abstimmung_protokoll", kwargs={"pk": abstimmung.pk}))

    assert (vorher.status_code, fremd.status_code) == (404, 404)
