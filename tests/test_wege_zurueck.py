"""Ways back: every page deeper than a dashboard links back to where one came from, at the top,
and the confirmations after an action say what happened and what comes next."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from antraege.factories import AntragFactory
from antraege.roles import SESSION_KEY, Akteur
from jury.abstimmungen.services import abstimmung_open
from jury.factories import antrag_zur_jury, jury_fuer
from workflow.wege import antrag_walk_to

from .abrechnung_helpers import in_progress, settlement_submitted
from .resident_helpers import schritt_url

pytestmark = pytest.mark.django_db


def back_link(response):
    assert response.status_code == 200, response.status_code
    match = re.search(r'href="([^"]+)" id="zurueck"', response.content.decode())
    assert match, "no way back on the page"
    return match.group(1)


def as_applicant(client, *antraege):
    session = client.session
    session[SESSION_KEY] = [a.pk for a in antraege]
    session.save()
    return client


def test_qm_pages_link_back_to_the_antrag_or_overview(
    client, staff_login, fonds, qm_user, jury_user
):
    jury_fuer(fonds.quartier, 2)
    abrechnung = settlement_submitted(AntragFactory(fonds=fonds), qm_user, ["50.00"])[0]
    bei_jury = antrag_zur_jury(AntragFactory(fonds=fonds), qm_user)
    abstimmung = abstimmung_open(
        antrag_zur_jury(AntragFactory(fonds=fonds), qm_user),
        akteur=Akteur(qm_user),
        betrag=Decimal("100.00"),
        auflagen="",
    )
    staff_login(client, qm_user)

    def detail(antrag):
        return reverse("qm:antrag_detail", args=[antrag.pk])

    pages = {
        reverse("qm:antrag_detail", args=[bei_jury.pk]): reverse("qm:dashboard"),
        reverse("abrechnung:qm_abrechnung", args=[abrechnung.pk]): detail(abrechnung),
        reverse("jury:qm_eroeffnen", args=[bei_jury.pk]): detail(bei_jury),
        reverse("jury:qm_abstimmung", args=[abstimmung.pk]): detail(abstimmung.antrag),
        reverse("jury:qm_regeln", args=[fonds.quartier.pk]): reverse("jury:qm_uebersicht"),
    }

    assert {page: back_link(client.get(page)) for page in pages} == pages


def test_jury_pages_link_back(client, staff_login, fonds, qm_user, jury_user):
    abstimmung = abstimmung_open(
        antrag_zur_jury(AntragFactory(fonds=fonds), qm_user),
        akteur=Akteur(qm_user),
        betrag=Decimal("100.00"),
        auflagen="",
    )
    staff_login(client, jury_user)
    stimmzettel = reverse("jury:abstimmung", args=[abstimmung.pk])

    assert back_link(client.get(stimmzettel)) == reverse("jury:home")
    assert back_link(client.get(reverse("jury:befangenheit", args=[abstimmung.pk]))) == stimmzettel


def test_resident_pages_link_back(client, fonds, qm_user):
    projekt_antrag = in_progress(AntragFactory(fonds=fonds), qm_user)
    eingereicht = antrag_walk_to(AntragFactory(fonds=fonds), "submitted")
    entwurf = AntragFactory(fonds=fonds)
    as_applicant(client, projekt_antrag, eingereicht, entwurf)
    mein = reverse("antraege:mein_antrag", args=[projekt_antrag.pk])

    pages = {
        mein: reverse("antraege:mein_antrag_liste"),
        reverse("abrechnung:mein_abrechnung", args=[projekt_antrag.pk]): mein,
        reverse("antraege:zurueckziehen", args=[eingereicht.pk]): reverse(
            "antraege:mein_antrag", args=[eingereicht.pk]
        ),
        reverse("antraege:pruefen", args=[entwurf.pk]): schritt_url(entwurf.pk, 5),
        reverse("antraege:neuer_link"): reverse("start"),
    }

    assert {page: back_link(client.get(page)) for page in pages} == pages


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_project_start_confirmation_says_what_comes_next(client, fonds, qm_user):
    from .abrechnung_helpers import approved_and_due

    antrag = approved_and_due(AntragFactory(fonds=fonds), qm_user)
    as_applicant(client, antrag)

    response = client.post(reverse("abrechnung:mein_projektbeginn", args=[antrag.pk]), follow=True)

    assert messages_of(response) == [
        "Projektbeginn bestätigt. Als Nächstes: Laden Sie Ihre Belege hoch und schreiben Sie "
        "einen kurzen Bericht. Dann reichen Sie die Abrechnung ein."
    ]


def test_settlement_and_close_confirmations_say_what_comes_next(
    client, staff_login, fonds, qm_user
):
    antrag = antrag_walk_to(AntragFactory(fonds=fonds), "paid", qm_user=qm_user)
    staff_login(client, qm_user)

    response = client.post(reverse("abrechnung:qm_abschliessen", args=[antrag.pk]), follow=True)

    (text,) = messages_of(response)
    assert text.startswith(f"Der Antrag {antrag.referenz} ist abgeschlossen.")
    assert "Gespeichert." not in response.content.decode()


def test_formal_check_confirmation_names_the_next_step(client, staff_login, fonds, qm_user):
    antrag = antrag_walk_to(AntragFactory(fonds=fonds), "submitted")
    staff_login(client, qm_user)

    response = client.post(
        reverse("qm:antrag_schritt", args=[antrag.pk, "start_review"]), follow=True
    )

    antrag.refresh_from_db()
    assert messages_of(response) == [
        f"Die Prüfung von {antrag.referenz} hat begonnen. Als Nächstes: Legen Sie den Antrag der "
        "Jury vor, fordern Sie etwas nach oder erklären Sie ihn für nicht förderfähig."
    ]


def test_meeting_and_fund_pages_link_back(client, staff_login, fonds, qm_user):
    from jury.factories import sitzung_fuer

    sitzung = sitzung_fuer(fonds.quartier, qm_user)
    staff_login(client, qm_user)
    tagesordnung = reverse("jury:qm_tagesordnung", args=[sitzung.pk])
    sitzungen = reverse("jury:qm_sitzungen")
    bericht = reverse("qm:fonds_bericht", args=[fonds.pk])

    pages = {
        tagesordnung: sitzungen,
        reverse("jury:qm_sitzungsmodus", args=[sitzung.pk]): tagesordnung,
        reverse("jury:qm_sitzung_neu", args=[fonds.quartier.pk]): sitzungen,
        reverse("jury:qm_zusammensetzung", args=[fonds.quartier.pk]): sitzungen,
        reverse("qm:auskunft"): reverse("qm:dashboard"),
        bericht: reverse("qm:dashboard"),
        reverse("qm:fonds_buchhaltung", args=[fonds.pk]): f"{bericht}#buchhaltung",
    }

    assert {page: back_link(client.get(page)) for page in pages} == pages


def test_choosing_the_area_links_back_to_the_start(client, fonds):
    assert back_link(client.get(reverse("antraege:antrag_neu"))) == reverse("start")
