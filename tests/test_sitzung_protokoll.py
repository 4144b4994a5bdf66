"""The minutes as the official record (issue 19): counts right by construction with a deputy
standing in and a conflict, chair and recorder, start and end, a note per item, the approval of
the previous minutes and "Verschiedenes"; the jury reads the minutes of its meetings."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from antraege.dokumente.pdf import pdf_text
from antraege.factories import AntragFactory
from antraege.roles import Akteur
from jury.factories import antrag_zur_jury, jury_fuer, sitzung_fuer, stellvertretungen_fuer
from jury.sitzungen import services as sitzungen
from jury.sitzungen.models import Sitzung

pytestmark = pytest.mark.django_db


def _text(sitzung):
    sitzung.refresh_from_db()
    with sitzung.protokoll.open("rb") as handle:
        return " ".join(pdf_text(handle.read()).split())


@pytest.fixture
def gehalten(fonds, qm_user):
    """Seven seats; five members present, a deputy standing in for the sixth, the seventh absent."""
    for titel in ("Hoffest", "Lesecafé"):
        antrag_zur_jury(
            AntragFactory(fonds=fonds, titel=titel, betrag_beantragt=Decimal("300.00")), qm_user
        )
    mitglieder = jury_fuer(fonds.quartier, 7)
    (deputy,) = stellvertretungen_fuer(fonds.quartier, 1)
    sitzung = sitzung_fuer(fonds.quartier, qm_user)
    sitzungen.anwesenheit_record(
        sitzung,
        akteur=Akteur(qm_user),
        anwesende=[m.pk for m in mitglieder[:5]] + [deputy.pk],
        vertretungen={deputy.pk: mitglieder[5].pk},
    )
    return sitzung, mitglieder, deputy


def test_minutes_count_the_present_voters_minus_conflicts(gehalten, qm_user):
    sitzung, mitglieder, _deputy = gehalten
    akteur = Akteur(qm_user)
    erster, zweiter = sitzung.punkte.order_by("position")
    sitzungen.top_decide(
        erster,
        akteur=akteur,
        praesentiert=False,
        befangene=[mitglieder[0].pk],
        betrag=Decimal("300.00"),
        ja=4,
        nein=1,
        enthaltung=0,
        notiz="Die Antragstellerin hat Fragen zum Ort beantwortet.",
    )
    sitzungen.top_decide(
        zweiter,
        akteur=akteur,
        praesentiert=False,
        betrag=Decimal("300.00"),
        ja=3,
        nein=1,
        enthaltung=1,
    )
    sitzungen.protokollangaben_save(
        sitzung,
        akteur=akteur,
        vorsitz="Ayşe Demir-Wolkenstein",
        protokollfuehrung="Jan Kowalski",
        ende=datetime.time(20, 15),
        verschiedenes="Nächste Sitzung im Nachbarschaftshaus.",
    )
    sitzungen.sitzung_close(sitzung, akteur=akteur)

    sitzungen.sitzung_protokoll_create(sitzung.pk)

    text = _text(sitzung)
    assert "Anwesend und stimmberechtigt: 5 · Ja: 4 · Nein: 1 · Enthaltungen: 0" in text
    assert "Anwesend und stimmberechtigt: 6 · Ja: 3 · Nein: 1 · Enthaltungen: 1" in text
    assert "nicht abgestimmt: 1" in text  # the second item: six entitled, five votes
    assert "Grundlage der Beschlussfähigkeit: 7 Sitze" in text
    assert "Ayşe Demir-Wolkenstein" in text and "Jan Kowalski" in text
    assert "18:30 bis 20:15 Uhr" in text
    assert "Die Antragstellerin hat Fragen zum Ort beantwortet." in text
    assert "Verschiedenes Nächste Sitzung im Nachbarschaftshaus." in text
    assert "Keine vorige Sitzung." in text


def test_minutes_record_the_approval_of_the_previous_minutes(fonds, qm_user):
    akteur = Akteur(qm_user)
    mitglieder = jury_fuer(fonds.quartier, 3)
    vorige = sitzung_fuer(fonds.quartier, qm_user)
    sitzungen.anwesenheit_record(
        vorige, akteur=akteur, anwesende=[m.pk for m in mitglieder], vertretungen={}
    )
    sitzungen.sitzung_close(vorige, akteur=akteur)
    frueher = vorige.datum - datetime.timedelta(days=30)
    Sitzung.objects.filter(pk=vorige.pk).update(datum=frueher, einreichungsfrist=frueher)
    vorige.refresh_from_db()
    antrag_zur_jury(AntragFactory(fonds=fonds), qm_user)
    sitzung = sitzung_fuer(fonds.quartier, qm_user)
    sitzungen.anwesenheit_record(
        sitzung, akteur=akteur, anwesende=[m.pk for m in mitglieder], vertretungen={}
    )
    sitzungen.protokollangaben_save(
        sitzung, akteur=akteur, vorprotokoll_genehmigt=True, vorprotokoll_bemerkung=""
    )
    punkt = sitzung.punkte.get()
    sitzungen.top_defer(punkt, akteur=akteur, grund="Kostenvoranschlag fehlt")
    sitzungen.sitzung_close(sitzung, akteur=akteur)

    sitzungen.sitzung_protokoll_create(sitzung.pk)

    datum = vorige.datum.strftime("%d.%m.%Y")
    assert f"Das Protokoll der Sitzung am {datum} ist genehmigt." in _text(sitzung)


def test_details_cannot_change_after_closing(gehalten, qm_user):
    sitzung, *_ = gehalten
    akteur = Akteur(qm_user)
    for punkt in sitzung.punkte.all():
        sitzungen.top_defer(punkt, akteur=akteur, grund="später")
    sitzungen.sitzung_close(sitzung, akteur=akteur)

    with pytest.raises(sitzungen.JuryRefused):
        sitzungen.protokollangaben_save(sitzung, akteur=akteur, vorsitz="Jemand anderes")

    sitzung.refresh_from_db()
    assert sitzung.vorsitz == ""
    assert sitzung.ende is not None  # closing records the end when none was entered


def test_the_jury_reads_the_minutes_of_its_meeting(client, staff_login, gehalten, qm_user):
    sitzung, mitglieder, deputy = gehalten
    akteur = Akteur(qm_user)
    for punkt in sitzung.punkte.all():
        sitzungen.top_defer(punkt, akteur=akteur, grund="später")
    sitzungen.sitzung_close(sitzung, akteur=akteur)
    sitzungen.sitzung_protokoll_create(sitzung.pk)
    url = reverse("jury:sitzung_protokoll", args=[sitzung.pk])

    staff_login(client, mitglieder[6].user)  # absent that evening, still of this jury
    response = client.get(url)
    home = client.get(reverse("jury:home")).content.decode()

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert url in home
    text = pdf_text(b"".join(response.streaming_content))
    for punkt in sitzung.punkte.select_related("antrag"):  # never applicants' contact data
        assert punkt.antrag.titel in text
        assert punkt.antrag.antragsteller_email not in text
        assert punkt.antrag.antragsteller_strasse not in text


def test_another_areas_member_gets_no_minutes(
    client, staff_login, gehalten, qm_user, anderes_quartier
):
    sitzung, *_ = gehalten
    akteur = Akteur(qm_user)
    for punkt in sitzung.punkte.all():
        sitzungen.top_defer(punkt, akteur=akteur, grund="später")
    sitzungen.sitzung_close(sitzung, akteur=akteur)
    sitzungen.sitzung_protokoll_create(sitzung.pk)
    (fremd,) = jury_fuer(anderes_quartier, 1)
    staff_login(client, fremd.user)

    response = client.get(reverse("jury:sitzung_protokoll", args=[sitzung.pk]))

    assert response.status_code == 404
