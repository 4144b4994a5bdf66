"""The public side: the list of funded actions (page, CSV, JSON), the fields of action, and the
fund report's idea of "funded"."""

import csv
import io
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from antraege.factories import AntragFactory, HandlungsfeldFactory
from antraege.fonds.selectors.veroeffentlichung import (
    FondsweiseZeilen,
    gefoerderte_summe,
    gefoerderte_zeilen,
)
from antraege.geld.auswertung import (
    fondsauswertung_refresh,
    gefoerderte_je_fonds_gespeichert,
    gefoerderte_summe_gespeichert,
)
from antraege.geld.selectors.abrechnung import aktionsfonds_bericht
from antraege.geld.services.abrechnung import auszahlung_release, beleg_check
from antraege.models import AntragStatus
from antraege.roles import Akteur
from workflow.moves import antrag_move
from workflow.wege import anordnungen_confirm_by_two, antrag_walk_to

from .abrechnung_helpers import (
    approved,
    in_progress,
    settlement_submitted,
    worker_refreshes_figures,
)

pytestmark = pytest.mark.django_db

D = Decimal
KONTAKT = ("Soldiner Straße 12", "13359", "@example.org", "0176")


def text(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def welt(fonds, qm_user, qm_other_user, anderes_quartier):
    """One Antrag of the area in every state that matters for the list, by real moves."""
    qm = Akteur(qm_user)

    def neu(titel, **kwargs):
        kwargs.setdefault("antragsteller_telefon", "0176 5550101")
        return AntragFactory(fonds=fonds, titel=titel, **kwargs)

    bewilligt = approved(neu("Hoffest", organisation="Hofgemeinschaft e. V."), qm_user)
    laeuft = in_progress(
        neu(
            "Lesecafé",
            antragsteller_name="Demir, Aylin",
            oeffentlicher_name="Aylin",
            vorname_veroeffentlichen=True,
        ),
        qm_user,
        betrag="250.00",
    )
    ohne_zustimmung = approved(neu("Pflanzaktion", antragsteller_name="Jonas Berg"), qm_user)
    bezahlt, belege = settlement_submitted(neu("Kiezkino"), qm_user, ["200.00"])
    beleg_check(belege[0], akteur=qm, anerkannt="200.00")
    auszahlung_release(bezahlt, akteur=qm)
    anordnungen_confirm_by_two(bezahlt, akteur=qm)
    bezahlt = antrag_move(
        bezahlt, "mark_paid", akteur=qm, bezahlt_am=belege[0].datum, buchungszeichen="BZ-1"
    )
    # expired before the agreement was confirmed: no advance paid (the walk to "expired" pays one)
    verfallen = antrag_move(
        approved(neu("Verfallenes Fest"), qm_user), "expire", akteur=Akteur.system_akteur()
    )
    antrag_walk_to(neu("Zurückgezogenes Fest"), "withdrawn")
    antrag_walk_to(neu("Abgelehntes Fest"), "rejected", qm_user=qm_user)
    antrag_walk_to(neu("Noch in Prüfung"), "submitted")
    neu("Entwurf")
    fremd = AntragFactory(fonds__quartier=anderes_quartier, titel="Fest im Schillerkiez")
    approved(fremd, qm_other_user)  # another area: only on the list of all areas
    return {
        "gefoerdert": {bewilligt.pk, laeuft.pk, ohne_zustimmung.pk, bezahlt.pk},
        "titel": {"Hoffest", "Lesecafé", "Pflanzaktion", "Kiezkino"},
        "verfallen": verfallen,
        "fonds": fonds,
    }


def test_public_list_shows_exactly_the_funded_actions_without_contact_data(client, welt):
    fonds = welt["fonds"]

    response = client.get(
        reverse("gefoerderte"), {"quartier": fonds.quartier.code, "jahr": fonds.jahr}
    )

    assert response.status_code == 200
    assert {a.titel for a in response.context["aktionen"]} == welt["titel"]
    page = text(response)
    for titel in ("Verfallenes Fest", "Zurückgezogenes Fest", "Abgelehntes Fest", "Entwurf"):
        assert titel not in page
    assert "Noch in Prüfung" not in page
    for kontakt in KONTAKT:
        assert kontakt not in response.content.decode()
    # organisation, else first name with consent, else nobody named
    rows = {a.titel: a.traeger for a in response.context["aktionen"]}
    assert rows == {
        "Hoffest": "Hofgemeinschaft e. V.",
        "Lesecafé": "Aylin",
        "Pflanzaktion": "",
        "Kiezkino": "",
    }
    assert "Demir" not in page and "Berg" not in page
    assert "4 Projekte, zusammen 1.150,00 €" in page  # 300 + 250 + 300 + 300 approved
    alle = client.get(reverse("gefoerderte"), {"jahr": fonds.jahr})
    assert {a.titel for a in alle.context["aktionen"]} == welt["titel"] | {"Fest im Schillerkiez"}


def test_open_data_csv_and_json_hold_the_same_rows_and_no_contact_data(client, welt):
    fonds = welt["fonds"]
    query = {"quartier": fonds.quartier.code, "jahr": fonds.jahr}

    csv_response = client.get(reverse("gefoerderte_csv"), query)
    json_response = client.get(reverse("gefoerderte_json"), query)

    body = csv_response.content.decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    data = json.loads(json_response.content)
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    assert {r["titel"] for r in rows} == welt["titel"]
    assert {p["titel"] for p in data["projekte"]} == welt["titel"]
    assert (
        sorted(rows[0])
        == sorted(data["projekte"][0])
        == sorted(
            [
                "referenz",
                "quartier",
                "quartier_code",
                "jahr",
                "titel",
                "traeger",
                "betrag_bewilligt_eur",
                "status",
                "handlungsfelder",
            ]
        )
    )
    by_title = {p["titel"]: p for p in data["projekte"]}
    assert by_title["Lesecafé"]["betrag_bewilligt_eur"] == "250.00"
    assert by_title["Lesecafé"]["status"] == "laeuft"
    assert by_title["Kiezkino"]["status"] == "abgeschlossen"
    assert by_title["Hoffest"]["handlungsfelder"] == ["nachbarschaft"]
    for kontakt in KONTAKT:
        assert kontakt not in body
        assert kontakt not in json_response.content.decode()


def test_public_list_filters_by_field_of_action(client, fonds, qm_user):
    bildung = HandlungsfeldFactory(slug="bildung", name="Bildung", reihenfolge=1)
    klima = HandlungsfeldFactory(slug="klima", name="Klimaschutz und Klimaanpassung")
    approved(AntragFactory(fonds=fonds, titel="Lernwerkstatt", handlungsfelder=[bildung]), qm_user)
    approved(
        AntragFactory(fonds=fonds, titel="Baumpaten", handlungsfelder=[klima, bildung]), qm_user
    )
    approved(AntragFactory(fonds=fonds, titel="Hoffest"), qm_user)

    nur_klima = client.get(
        reverse("gefoerderte_json"), {"jahr": fonds.jahr, "handlungsfeld": "klima"}
    )
    nur_bildung = client.get(
        reverse("gefoerderte"), {"jahr": fonds.jahr, "handlungsfeld": "bildung"}
    )

    assert [p["titel"] for p in json.loads(nur_klima.content)["projekte"]] == ["Baumpaten"]
    assert sorted(a.titel for a in nur_bildung.context["aktionen"]) == [
        "Baumpaten",
        "Lernwerkstatt",
    ]


def test_public_list_header_counts_what_it_lists_after_each_move_in_every_area(
    client, fonds, qm_user, qm_other_user, anderes_quartier, django_capture_on_commit_callbacks
):
    """Number and sum come from the funds' stored figures, which the worker recomputes after a
    move into or out of the funded states: they equal the rows the list pages through."""
    bildung = HandlungsfeldFactory(slug="bildung", name="Bildung")
    qm = Akteur(qm_user)
    with (
        worker_refreshes_figures() as neu_berechnet,
        django_capture_on_commit_callbacks(execute=True),
    ):
        hoffest = approved(AntragFactory(fonds=fonds, handlungsfelder=[bildung]), qm_user)
        approved(AntragFactory(fonds=fonds, betrag_beantragt=D("250.00")), qm_user, betrag="250.00")
        fremd = AntragFactory(fonds__quartier=anderes_quartier, fonds__jahr=fonds.jahr)
        approved(fremd, qm_other_user)
        antrag_move(hoffest, "cancel", akteur=qm)
    assert fonds.pk in neu_berechnet and fremd.fonds_id in neu_berechnet

    for filter_ in ({}, {"quartier": fonds.quartier}, {"handlungsfeld": bildung}):
        zeilen = gefoerderte_zeilen(jahr=fonds.jahr, **filter_)
        assert gefoerderte_summe_gespeichert(jahr=fonds.jahr, **filter_) == gefoerderte_summe(
            zeilen
        )
    alle = text(client.get(reverse("gefoerderte"), {"jahr": fonds.jahr}))
    assert "2 Projekte, zusammen 550,00 €" in alle  # 250 here, 300 in the other area
    bereich = {"jahr": fonds.jahr, "quartier": fonds.quartier.code}
    assert "1 Projekt, zusammen 250,00 €" in text(client.get(reverse("gefoerderte"), bereich))


def test_public_list_query_count_does_not_grow_with_rows(
    client, fonds, qm_user, django_assert_num_queries
):
    approved(AntragFactory(fonds=fonds), qm_user)
    url = reverse("gefoerderte_json")
    # the filter's stored years and areas, the Anträge, the links to their fields of action, the
    # fields
    with django_assert_num_queries(4):
        client.get(url, {"jahr": fonds.jahr})
    for _ in range(4):
        approved(AntragFactory(fonds=fonds), qm_user)
    with django_assert_num_queries(4):
        response = client.get(url, {"jahr": fonds.jahr})
    assert len(json.loads(response.content)["projekte"]) == 5


def test_fund_report_never_counts_expired_antraege_as_funded(welt):
    bericht = aktionsfonds_bericht(welt["fonds"])

    assert {a.pk for a in bericht.projekte} == welt["gefoerdert"]
    assert welt["verfallen"].status == AntragStatus.EXPIRED
    assert bericht.bewilligt == D("1150.00")
    # Kiezkino: 300 approved, 200 accepted + 20 lump sum paid, 80 released; the others reserved
    assert (bericht.ausgezahlt, bericht.reserviert, bericht.verfuegbar) == (
        D("220.00"),
        D("850.00"),
        welt["fonds"].budget - D("1070.00"),
    )


def _felder(antrag):
    return sorted(antrag.handlungsfelder.values_list("slug", flat=True))


def test_qm_corrects_the_fields_of_action_with_an_internal_note(
    client, staff_login, antrag, qm_user
):
    bildung = HandlungsfeldFactory(slug="bildung", name="Bildung", reihenfolge=1)
    antrag_walk_to(antrag, "submitted")
    staff_login(client, qm_user)

    response = client.post(
        reverse("qm:antrag_handlungsfelder", args=[antrag.pk]),
        {"handlungsfelder-handlungsfelder": [str(bildung.pk)]},
    )

    assert response.status_code == 302
    assert _felder(antrag) == ["bildung"]
    note = antrag.statuswechsel.order_by("-pk").first()
    assert (note.intern, note.kommentar) == (
        True,
        "Handlungsfelder geprüft: Bildung (vorher: Nachbarschaft).",
    )


@pytest.mark.parametrize(
    ("wer", "daten", "status"),
    [
        ("qm_user", {}, 400),  # nothing chosen: at least one field
        ("qm_other_user", "bildung", 404),  # another area's QM: no hint the Antrag exists
        ("admin_user", "bildung", 403),  # admins see, QM decides
    ],
)
def test_refused_check_of_the_fields_changes_nothing(
    request, client, staff_login, antrag, wer, daten, status
):
    bildung = HandlungsfeldFactory(slug="bildung", name="Bildung", reihenfolge=1)
    antrag_walk_to(antrag, "submitted")
    staff_login(client, request.getfixturevalue(wer))
    schritte = antrag.statuswechsel.count()
    data = {"handlungsfelder-handlungsfelder": [str(bildung.pk)]} if daten else {}

    response = client.post(reverse("qm:antrag_handlungsfelder", args=[antrag.pk]), data)

    assert response.status_code == status
    assert _felder(antrag) == ["nachbarschaft"]
    assert antrag.statuswechsel.count() == schritte


def _gefoerderte_bulk(fonds, anzahl, *, ab=0):
    """``anzahl`` funded Anträge, status written by hand: bulk rows for paging (no walk needed),
    then the worker's recomputation of the fund's stored figures (which a real move queues)."""
    for n in range(ab, ab + anzahl):
        antrag = AntragFactory(fonds=fonds, titel=f"Projekt {n:03d}")
        antrag.status = AntragStatus.APPROVED
        antrag.referenz = f"AF-{fonds.jahr}-X-{n:03d}"
        antrag.betrag_bewilligt = antrag.betrag_reserviert = D("100.00")
        antrag.save()
    fondsauswertung_refresh(fonds.pk)


def test_public_list_comes_in_pages_of_50_with_number_and_sum_of_all(client, fonds):
    _gefoerderte_bulk(fonds, 52)
    url = reverse("gefoerderte")

    erste = client.get(url, {"jahr": fonds.jahr})
    zweite = client.get(url, {"jahr": fonds.jahr, "seite": 2})

    assert len(erste.context["aktionen"]) == 50
    assert [a.titel for a in zweite.context["aktionen"]] == ["Projekt 050", "Projekt 051"]
    assert "52 Projekte, zusammen 5.200,00 €" in text(erste)
    assert "52 Projekte, zusammen 5.200,00 €" in text(zweite)
    assert "Einträge 51 bis 52 von 52" in text(zweite)
    # the open data links hold the whole selection, not the page
    assert "seite=2" not in zweite.content.decode().split("Offene Daten")[1]
    assert (
        len(
            json.loads(client.get(reverse("gefoerderte_json"), {"jahr": fonds.jahr}).content)[
                "projekte"
            ]
        )
        == 52
    )


def test_public_list_pages_read_fund_by_fund_are_the_slices_of_the_whole_list(
    client, fonds, anderes_quartier
):
    """The page is read fund by fund (where it starts from the funds' stored numbers): every
    slice, across the funds' borders too, is the slice of the list sorted as a whole."""
    from antraege.factories import AktionsfondsFactory

    andere = AktionsfondsFactory(quartier=anderes_quartier, jahr=fonds.jahr)
    _gefoerderte_bulk(fonds, 3)
    _gefoerderte_bulk(andere, 4, ab=3)
    dritte = AktionsfondsFactory(
        quartier__name="Zwischenkiez", quartier__code="ZW", jahr=fonds.jahr
    )
    fondsauswertung_refresh(dritte.pk)  # a fund with nothing funded between them
    kriterien = {"quartier": None, "jahr": fonds.jahr, "handlungsfeld": None}
    je_fonds = gefoerderte_je_fonds_gespeichert(**kriterien)
    ganze = list(gefoerderte_zeilen(**kriterien))
    seitenweise = FondsweiseZeilen(je_fonds)

    assert sorted(n for _f, n, _s, _w in je_fonds) == [0, 3, 4] and len(ganze) == 7
    for start, stop in [(0, 7), (0, 2), (2, 5), (3, 4), (5, 7), (6, 50), (7, 9)]:
        assert seitenweise[start:stop] == ganze[start:stop], (start, stop)


def test_public_list_page_queries_do_not_grow_with_rows(client, fonds, django_assert_num_queries):
    _gefoerderte_bulk(fonds, 1)
    url = reverse("gefoerderte")
    # the fields (the filter's and the rows'), the filter's stored years and areas (the choices,
    # and the chosen one among them), number and sum, the page, the links
    with django_assert_num_queries(5):
        client.get(url, {"jahr": fonds.jahr})
    _gefoerderte_bulk(fonds, 60, ab=1)
    with django_assert_num_queries(5):
        response = client.get(url, {"jahr": fonds.jahr})
    assert len(response.context["aktionen"]) == 50
    with django_assert_num_queries(5):
        client.get(url, {"jahr": fonds.jahr, "quartier": fonds.quartier.code})


def test_public_list_filter_reads_its_choices_once_and_refuses_an_unknown_one(
    client, fonds, anderes_quartier
):
    """The page reads the areas and fields of action once, for the choices and the chosen one:
    a known code is chosen (and shown as chosen), an unknown one is refused as before."""
    from antraege.factories import AktionsfondsFactory

    AktionsfondsFactory(quartier=anderes_quartier, jahr=fonds.jahr)
    bildung = HandlungsfeldFactory(slug="bildung", name="Bildung")
    url = reverse("gefoerderte")
    auswahl = {"jahr": fonds.jahr, "quartier": fonds.quartier.code, "handlungsfeld": "bildung"}

    gewaehlt = client.get(url, auswahl)
    unbekannt = client.get(url, {**auswahl, "quartier": "XX", "handlungsfeld": "gibtsnicht"})

    assert gewaehlt.context["kriterien"] == {
        "quartier": fonds.quartier,
        "jahr": fonds.jahr,
        "handlungsfeld": bildung,
    }
    html = gewaehlt.content.decode()
    assert f'<option value="{fonds.quartier.code}" selected>' in html
    assert f'<option value="{anderes_quartier.code}">' in html
    assert '<option value="bildung" selected>' in html
    assert unbekannt.context["form_has_errors"]
    assert set(unbekannt.context["form"].errors) == {"quartier", "handlungsfeld"}
    assert unbekannt.context["kriterien"]["quartier"] is None


def _optionen(response, feld):
    """The filter's choices of ``feld`` as the page shows them: ``[(value, label)]`` in order."""
    html = response.content.decode()
    auswahl = re.search(rf'<select[^>]*name="{feld}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [
        (wert, " ".join(label.split()))
        for wert, label in re.findall(r'<option value="([^"]*)"[^>]*>(.*?)</option>', auswahl, re.S)
    ]


def test_a_new_fund_shows_its_year_and_area_in_the_filter_at_once_and_a_deleted_one_goes(
    client, fonds
):
    """The filter's years and areas are stored (one row read per view), kept in the transaction
    of each change of the funds: a new fund's year and area are offered on the next view, in
    their order (years newest first, areas by name), a renamed area under its new name, and a
    deleted fund's year no more."""
    from antraege.factories import AktionsfondsFactory, QuartierFactory

    url = reverse("gefoerderte")
    vorher = client.get(url, {"jahr": fonds.jahr})
    assert _optionen(vorher, "jahr") == [(str(fonds.jahr), str(fonds.jahr))]
    assert [wert for wert, _l in _optionen(vorher, "quartier")] == ["", fonds.quartier.code]

    QuartierFactory(name="Ohnefondskiez", code="OF")  # no fund: not offered
    neu = AktionsfondsFactory(
        quartier=QuartierFactory(name="Aaa-Kiez", code="AAA"), jahr=fonds.jahr + 1
    )
    alt = AktionsfondsFactory(quartier=fonds.quartier, jahr=fonds.jahr - 3)
    nachher = client.get(url, {"jahr": fonds.jahr})

    assert [wert for wert, _l in _optionen(nachher, "jahr")] == [
        str(fonds.jahr + 1),
        str(fonds.jahr),
        str(fonds.jahr - 3),
    ]
    assert _optionen(nachher, "quartier")[1:] == [
        ("AAA", "Aaa-Kiez"),
        (fonds.quartier.code, fonds.quartier.name),
    ]
    # the new area is chosen by its code, and the page says so
    gewaehlt = client.get(url, {"jahr": fonds.jahr + 1, "quartier": "AAA"})
    assert gewaehlt.context["kriterien"]["quartier"] == neu.quartier
    assert '<option value="AAA" selected>' in gewaehlt.content.decode()

    neu.quartier.name = "Zett-Kiez"
    neu.quartier.save()
    alt.delete()
    zuletzt = client.get(url, {"jahr": fonds.jahr})

    assert [wert for wert, _l in _optionen(zuletzt, "jahr")] == [
        str(fonds.jahr + 1),
        str(fonds.jahr),
    ]
    assert _optionen(zuletzt, "quartier")[1:] == [
        (fonds.quartier.code, fonds.quartier.name),
        ("AAA", "Zett-Kiez"),
    ]


def test_the_stored_filter_is_what_the_funds_have_and_the_nightly_check_mends_a_stale_one(
    fonds, anderes_quartier
):
    """The stored choices equal the ones computed from the funds; a write that sends no signal
    (an ``update`` of a fund's year) leaves them behind until the nightly check, which recomputes
    them; with the choices current it writes nothing."""
    from antraege.factories import AktionsfondsFactory
    from antraege.fonds.selectors.veroeffentlichung import (
        oeffentliche_auswahl_berechnen,
        oeffentliche_jahre_und_quartiere,
    )
    from antraege.models import Aktionsfonds, Veroeffentlichungsfilter
    from antraege.tasks import task_check_veroeffentlichungsfilter

    AktionsfondsFactory(quartier=anderes_quartier, jahr=fonds.jahr - 1)
    jahre, quartiere = oeffentliche_jahre_und_quartiere()
    assert (jahre, [[q.pk, q.name, q.code] for q in quartiere]) == oeffentliche_auswahl_berechnen()
    assert jahre == [fonds.jahr, fonds.jahr - 1]

    Aktionsfonds.objects.filter(pk=fonds.pk).update(jahr=fonds.jahr - 5)
    assert oeffentliche_jahre_und_quartiere()[0] == [fonds.jahr, fonds.jahr - 1]  # behind
    stand = Veroeffentlichungsfilter.objects.get().berechnet_am

    assert task_check_veroeffentlichungsfilter() is True
    assert oeffentliche_jahre_und_quartiere()[0] == [fonds.jahr - 1, fonds.jahr - 5]
    neuer_stand = Veroeffentlichungsfilter.objects.get().berechnet_am
    assert neuer_stand > stand
    assert task_check_veroeffentlichungsfilter() is False
    assert Veroeffentlichungsfilter.objects.get().berechnet_am == neuer_stand


def test_without_its_stored_row_the_filter_is_computed_and_the_next_change_stores_it(client, fonds):
    """A database emptied by hand (or a test's flush) has no stored row: the list computes the
    choices from the funds, and the next change of a fund stores them again."""
    from antraege.factories import AktionsfondsFactory
    from antraege.models import Veroeffentlichungsfilter

    Veroeffentlichungsfilter.objects.all().delete()
    url = reverse("gefoerderte")
    assert [w for w, _l in _optionen(client.get(url), "jahr")] == [str(fonds.jahr)]

    AktionsfondsFactory(quartier=fonds.quartier, jahr=fonds.jahr + 1)
    assert Veroeffentlichungsfilter.objects.get().jahre == [fonds.jahr + 1, fonds.jahr]


def test_beat_checks_the_stored_filter_once_a_night():
    from aktionsfonds.celery import app
    from antraege import task_names
    from antraege.tasks import task_check_veroeffentlichungsfilter

    schedule = app.conf.beat_schedule["public-list-filter"]

    assert schedule["task"] == task_names.CHECK_VEROEFFENTLICHUNGSFILTER
    assert schedule["task"] == task_check_veroeffentlichungsfilter.name
    assert schedule["task"] in app.tasks
    assert (schedule["schedule"].hour, schedule["schedule"].minute) == ({3}, {47})
