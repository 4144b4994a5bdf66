"""Meeting pages: QM runs a meeting through its pages; members read the agenda without contact data."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from antraege.dokumente.pdf import pdf_text
from antraege.factories import AntragFactory
from antraege.models import Antrag, AntragStatus
from antraege.roles import Akteur
from jury.abstimmungen.models import JuryRegeln
from jury.factories import antrag_zur_jury, jury_fuer, sitzung_fuer, stellvertretungen_fuer
from jury.mitglieder.selectors import kontosprache
from jury.sitzungen import services as sitzungen
from jury.sitzungen import unterlagen
from jury.sitzungen.models import Sitzung, SitzungStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def drei(fonds, qm_user):
    return [
        antrag_zur_jury(
            AntragFactory(
                fonds=fonds,
                titel=t,
                betrag_beantragt=Decimal(b),
                antragsteller_strasse="Koloniestraße 77",
            ),
            qm_user,
        )
        for t, b in (("Hoffest", "300.00"), ("Lesecafé", "200.00"), ("Kiezchor", "150.00"))
    ]


def test_qm_runs_a_meeting_from_the_new_form_to_closing(client, staff_login, fonds, qm_user, drei):
    jury = jury_fuer(fonds.quartier, 3)
    (stv,) = stellvertretungen_fuer(fonds.quartier, 1)
    staff_login(client, qm_user)
    heute = timezone.localdate()

    response = client.post(
        reverse("jury:qm_sitzung_neu", args=[fonds.quartier.pk]),
        {
            "datum": heute.isoformat(),
            "beginn": "18:30",
            "ort": "Kiezraum",
            "einreichungsfrist": heute.isoformat(),
        },
    )
    sitzung = Sitzung.objects.get()
    assert response.url == reverse("jury:qm_tagesordnung", args=[sitzung.pk])
    assert sitzung.punkte.count() == 3
    url = reverse("jury:qm_sitzungsmodus", args=[sitzung.pk])
    client.post(
        url,
        {
            "aktion": "anwesenheit",
            "mitglieder": [jury[0].pk, jury[1].pk],
            "stellvertretungen": [stv.pk],
            f"vertritt_{stv.pk}": jury[2].pk,
        },
    )
    punkte = list(sitzung.punkte.order_by("position"))
    for punkt, (ja, nein) in zip(punkte, ((3, 0), (0, 3), (2, 1)), strict=True):
        p = f"p{punkt.pk}-"
        response = client.post(
            url,
            {
                "aktion": "beschluss",
                p + "praesentiert": "1",
                p + "betrag": "100,00",
                # the jury cuts the one cost line to what it approves (the lump sum stays 0)
                p + f"position_{punkt.antrag.kostenpositionen.get().pk}": "100,00",
                p + "ja": ja,
                p + "nein": nein,
                p + "enthaltung": 0,
            },
        )
        assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Fonds danach" in page
    assert "9.800,00 €" in page  # 10,000 € − two approvals of 100 € each
    unconfirmed = client.post(url, {"aktion": "schliessen"}, follow=True)
    assert "Bitte bestätigen Sie" in unconfirmed.content.decode()
    assert Sitzung.objects.get(pk=sitzung.pk).status == SitzungStatus.GEHALTEN
    client.post(url, {"aktion": "schliessen", "bestaetigt": "1"})
    client.post(url, {"aktion": "schliessen", "bestaetigt": "1"})  # double click

    assert Sitzung.objects.get(pk=sitzung.pk).status == SitzungStatus.GESCHLOSSEN
    status = [Antrag.objects.get(pk=a.pk).status for a in drei]
    assert status == [AntragStatus.APPROVED, AntragStatus.REJECTED, AntragStatus.APPROVED]
    assert Antrag.objects.get(pk=drei[0].pk).betrag_bewilligt == Decimal("100.00")


def test_a_form_with_errors_keeps_every_entry(client, staff_login, fonds, qm_user, drei):
    jury = jury_fuer(fonds.quartier, 3)
    sitzung = sitzung_fuer(fonds.quartier, qm_user)
    sitzungen.anwesenheit_record(
        sitzung, akteur=Akteur(qm_user), anwesende=[m.pk for m in jury], vertretungen={}
    )
    staff_login(client, qm_user)
    punkt = sitzung.punkte.order_by("position").first()
    p = f"p{punkt.pk}-"

    response = client.post(
        reverse("jury:qm_sitzungsmodus", args=[sitzung.pk]),
        {
            "aktion": "beschluss",
            p + "praesentiert": "1",
            p + "betrag": "120,00",
            p + "auflagen": "Logo!",
            p + "ja": 5,
            p + "nein": 0,
            p + "enthaltung": 0,
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "mehr Stimmen erfasst (5)" in page
    assert 'value="120,00"' in page and "Logo!" in page
    assert sitzung.punkte.get(pk=punkt.pk).beschluss == ""


def test_members_read_agenda_pages_and_papers_without_contact_data(
    client, staff_login, fonds, qm_user, jury_user, drei
):
    sitzung = sitzung_fuer(fonds.quartier, qm_user)
    staff_login(client, jury_user)
    antrag = drei[0]
    url = reverse("jury:sitzung_antrag", args=[sitzung.pk, antrag.pk])
    assert client.get(url).status_code == 403  # papers not sent yet
    sitzungen.sitzung_einladungen_send(sitzung, akteur=Akteur(qm_user))

    page = client.get(url).content.decode()
    home = client.get(reverse("jury:home")).content.decode()
    pdf_url = reverse("jury:unterlagen", args=[sitzung.pk])
    wartet = client.get(pdf_url)  # the worker makes the PDF: the meeting page says so
    sitzungsseite = client.get(reverse("jury:sitzung", args=[sitzung.pk])).content.decode()
    unterlagen.sitzungsunterlagen_render(unterlagen.sitzungsunterlagen_current(sitzung, "de").pk)
    pdf = client.get(pdf_url)

    assert antrag.titel in page and antrag.antragsteller_name in page
    assert antrag.antragsteller_email not in page and antrag.antragsteller_strasse not in page
    assert "Lesecafé" in home and reverse("jury:sitzung", args=[sitzung.pk]) in home
    assert wartet.status_code == 302
    assert wartet["Location"] == reverse("jury:sitzung", args=[sitzung.pk]) + "#unterlagen"
    assert "wird gerade erstellt" in sitzungsseite
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf_text(b"".join(pdf.streaming_content)).count(antrag.titel) >= 1


def test_staff_of_another_area_and_members_cannot_open_meeting_mode(
    client, staff_login, fonds, qm_user, qm_other_user, jury_user, drei
):
    sitzung = sitzung_fuer(fonds.quartier, qm_user)
    # another area's QM: the meeting is none of their business, no hint that it exists (404);
    # a jury member: the page is for QM (403 with the reason)
    for user, status in ((qm_other_user, 404), (jury_user, 403)):
        staff_login(client, user)
        assert client.get(reverse("jury:qm_sitzungsmodus", args=[sitzung.pk])).status_code == status
        assert (
            client.post(
                reverse("jury:qm_tagesordnung", args=[sitzung.pk]), {"aktion": "unterlagen"}
            ).status_code
            == status
        )
        assert (
            client.get(reverse("jury:qm_sitzungsprotokoll", args=[sitzung.pk])).status_code
            == status
        )
    assert Sitzung.objects.get(pk=sitzung.pk).status == SitzungStatus.GEPLANT


def test_another_areas_meeting_answers_404_like_one_that_does_not_exist(
    client, staff_login, fonds, anderes_quartier, qm_user, qm_other_user, drei
):
    sitzung = sitzung_fuer(fonds.quartier, qm_user)
    sitzungen.sitzung_einladungen_send(sitzung, akteur=Akteur(qm_user))
    fremde_jury = jury_fuer(anderes_quartier, 1)[0].user
    missing = Sitzung.objects.order_by("-pk").first().pk + 1
    for user in (qm_other_user, fremde_jury):
        staff_login(client, user)
        for name, args in (
            ("jury:sitzung", [sitzung.pk]),
            ("jury:sitzung_antrag", [sitzung.pk, drei[0].pk]),
            ("jury:unterlagen", [sitzung.pk]),
        ):
            seen = client.get(reverse(name, args=args))
            unknown = client.get(reverse(name, args=[missing, *args[1:]]))

            assert (seen.status_code, unknown.status_code) == (404, 404), (user, name)
            assert drei[0].titel not in seen.content.decode()


def test_named_voting_shows_one_choice_per_present_member(
    client, staff_login, fonds, qm_user, drei
):
    jury = jury_fuer(fonds.quartier, 3)
    JuryRegeln.objects.create(quartier=fonds.quartier, namentliche_abstimmung=True)
    sitzung = sitzung_fuer(fonds.quartier, qm_user)
    sitzungen.anwesenheit_record(
        sitzung, akteur=Akteur(qm_user), anwesende=[jury[0].pk, jury[1].pk], vertretungen={}
    )
    staff_login(client, qm_user)

    page = client.get(reverse("jury:qm_sitzungsmodus", args=[sitzung.pk])).content.decode()

    punkt = sitzung.punkte.order_by("position").first()
    assert page.count(f'<select name="p{punkt.pk}-stimme_') == 2  # one per present member
    assert page.count(f'name="p{punkt.pk}-alle"') == 3  # yes / no / abstain, once for all
    assert jury[2].user.get_full_name() not in page.split('id="aktuell"')[1]


def test_language_setting_is_stored(client, staff_login, jury_user):
    staff_login(client, jury_user)
    client.post(reverse("jury:kontosprache"), {"sprache": "tr"})
    assert kontosprache(jury_user) == "tr"


def test_jury_home_reads_meetings_without_a_query_per_meeting(
    client, staff_login, fonds, qm_user, jury_user, django_assert_max_num_queries
):
    def sitzung_mit_unterlagen(tage):
        antrag_zur_jury(AntragFactory(fonds=fonds), qm_user)
        sitzung = sitzung_fuer(
            fonds.quartier, qm_user, datum=timezone.localdate() + datetime.timedelta(days=tage)
        )
        sitzungen.sitzung_einladungen_send(sitzung, akteur=Akteur(qm_user))

    staff_login(client, jury_user)
    sitzung_mit_unterlagen(1)
    with django_assert_max_num_queries(50) as one:
        client.get(reverse("jury:home"))
    for tage in (2, 3, 4):
        sitzung_mit_unterlagen(tage)

    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(reverse("jury:home")).content.decode()

    assert page.count('href="/jury/sitzungen/') >= 4


def test_qm_adds_an_antrag_submitted_after_the_deadline_by_hand(
    client, staff_login, fonds, qm_user, drei
):
    sitzung = sitzung_fuer(
        fonds.quartier, qm_user, frist=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert sitzung.punkte.count() == 0  # all three came in today, after the deadline
    staff_login(client, qm_user)
    url = reverse("jury:qm_tagesordnung", args=[sitzung.pk])
    page = client.get(url).content.decode()
    assert page.count("nach der Einreichungsfrist eingereicht") == 3
    bis = sitzung.datum - datetime.timedelta(days=5)
    assert f"Die Unterlagen gehen am {bis:%d.%m.%Y} automatisch an die Jury" in page

    client.post(url, {"aktion": "hinzufuegen", "antrag": drei[1].pk})
    client.post(url, {"aktion": "hinzufuegen", "antrag": drei[1].pk})  # double click

    assert list(sitzung.punkte.values_list("antrag_id", flat=True)) == [drei[1].pk]


def test_meeting_mode_reads_the_confirmed_addresses_once_for_the_agenda(
    client, staff_login, fonds, qm_user, django_assert_max_num_queries
):
    jury_fuer(fonds.quartier, 3)
    antrag_zur_jury(AntragFactory(fonds=fonds), qm_user)
    sitzung = sitzung_fuer(fonds.quartier, qm_user)
    staff_login(client, qm_user)
    url = reverse("jury:qm_sitzungsmodus", args=[sitzung.pk])
    client.get(url)  # what is read once per session
    with django_assert_max_num_queries(80) as one:
        client.get(url)
    weitere = [antrag_zur_jury(AntragFactory(fonds=fonds), qm_user) for _ in range(3)]
    sitzung.delete()
    sitzung = sitzung_fuer(fonds.quartier, qm_user)
    assert sitzung.punkte.count() == 1 + len(weitere)

    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("jury:qm_sitzungsmodus", args=[sitzung.pk]))

    assert response.status_code == 200


def test_attendance_for_a_meeting_next_week_is_refused_on_the_page(
    client, staff_login, fonds, qm_user, drei
):
    jury = jury_fuer(fonds.quartier, 3)
    naechste_woche = timezone.localdate() + datetime.timedelta(days=7)
    sitzung = sitzung_fuer(fonds.quartier, qm_user, datum=naechste_woche)
    staff_login(client, qm_user)

    response = client.post(
        reverse("jury:qm_sitzungsmodus", args=[sitzung.pk]),
        {"aktion": "anwesenheit", "mitglieder": [m.pk for m in jury]},
    )

    assert response.status_code == 200  # the page again, the reason on the attendance form
    assert (
        "Die Anwesenheit können Sie erst am Tag der Sitzung erfassen "
        f"({naechste_woche:%d.%m.%Y})." in response.content.decode()
    )
    stored = Sitzung.objects.get(pk=sitzung.pk)
    assert (stored.status, stored.anwesenheit_erfasst_am) == (SitzungStatus.GEPLANT, None)
    assert not stored.teilnahmen.exists()
