"""The fund as a whole: year-end close (lapsed, not available), the fund picture, approvals per
month and the report per field of action."""

import csv
import datetime
import io
import re
import zoneinfo
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from antraege.antrag.selectors import aktionsfonds_saldo
from antraege.antrag.services.antrag import AktionsfondsRefused
from antraege.factories import AntragFactory, HandlungsfeldFactory
from antraege.fonds.selectors.fondsbild import (
    bewilligungen_je_monat,
    fondsbild_for,
    handlungsfelder_bericht,
)
from antraege.fonds.services.jahresabschluss import JahresabschlussRefused, aktionsfonds_close
from antraege.geld.services.abrechnung import auszahlung_release, beleg_check
from antraege.models import Aktionsfonds, Antrag
from antraege.roles import Akteur
from workflow.moves import MoveRefused, antrag_move
from workflow.wege import antrag_walk_to

from .abrechnung_helpers import (
    approved,
    fondsbericht_pdf,
    settlement_submitted,
    worker_refreshes_figures,
)

pytestmark = pytest.mark.django_db

D = Decimal


def nach_jahresende(fonds):
    return datetime.date(fonds.jahr + 1, 1, 5)


def text(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_fund_cannot_be_closed_before_its_year_is_over(fonds, qm_user):
    with pytest.raises(JahresabschlussRefused) as refused:
        aktionsfonds_close(fonds, akteur=Akteur(qm_user), today=datetime.date(fonds.jahr, 12, 31))

    assert refused.value.code == "too_early"
    assert Aktionsfonds.objects.get(pk=fonds.pk).abgeschlossen_am is None


@pytest.mark.parametrize("wer", ["qm_other_user", "admin_user", "jury_user"])
def test_only_qm_staff_of_the_area_close_the_fund(request, fonds, wer):
    user = request.getfixturevalue(wer)

    with pytest.raises(JahresabschlussRefused) as refused:
        aktionsfonds_close(fonds, akteur=Akteur(user), today=nach_jahresende(fonds))

    assert refused.value.code == "forbidden"
    assert Aktionsfonds.objects.get(pk=fonds.pk).abgeschlossen_am is None


def test_after_the_close_returned_money_is_lapsed_not_available(antrag, qm_user):
    fonds = antrag.fonds
    qm = Akteur(qm_user)
    antrag, belege = settlement_submitted(antrag, qm_user, ["200.00"])  # 300 approved

    aktionsfonds_close(fonds, akteur=qm, today=nach_jahresende(fonds))
    fonds.refresh_from_db()
    vorher = aktionsfonds_saldo(fonds)
    beleg_check(belege[0], akteur=qm, anerkannt="200.00")
    auszahlung_release(antrag, akteur=qm)  # 200 + 20 lump sum are paid, 80 of the 300 come back
    nachher = aktionsfonds_saldo(fonds)

    assert (vorher.reserviert, vorher.verfuegbar, vorher.verfallen) == (
        D("300.00"),
        D("0.00"),
        D("9700.00"),
    )
    assert (nachher.reserviert, nachher.verfuegbar, nachher.verfallen) == (
        D("220.00"),
        D("0.00"),
        D("9780.00"),
    )
    bild = fondsbild_for(fonds)
    assert [b.key for b in bild.balken][-1] == "verfallen"
    with pytest.raises(JahresabschlussRefused) as second:
        aktionsfonds_close(fonds, akteur=qm, today=nach_jahresende(fonds))
    assert second.value.code == "conflict"


def test_a_closed_fund_approves_nothing(antrag, qm_user):
    qm = Akteur(qm_user)
    antrag_walk_to(antrag, "jury_vote", qm_user=qm_user)
    aktionsfonds_close(antrag.fonds, akteur=qm, today=nach_jahresende(antrag.fonds))

    with pytest.raises((MoveRefused, AktionsfondsRefused)):
        antrag_move(antrag, "approve", akteur=Akteur.system_akteur(), betrag=D("100"))

    antrag.refresh_from_db()
    assert (antrag.status, antrag.betrag_reserviert) == ("jury_vote", D("0.00"))


def test_close_through_the_page_once(client, staff_login, fonds, qm_user):
    staff_login(client, qm_user)
    url = reverse("qm:fonds_abschliessen", args=[fonds.pk])

    with mock.patch("django.utils.timezone.localdate", return_value=nach_jahresende(fonds)):
        page_before = text(client.get(reverse("qm:fonds_bericht", args=[fonds.pk])))
        unconfirmed = client.post(url, follow=True)
        unchanged = type(fonds).objects.get(pk=fonds.pk).abgeschlossen_am
        client.post(url, {"bestaetigt": "1"})
        second = client.post(url, {"bestaetigt": "1"}, follow=True)

    fonds.refresh_from_db()
    assert f"Aktionsfonds {fonds.jahr} abschließen" in page_before
    assert "Bitte bestätigen Sie den Jahresabschluss" in text(unconfirmed)
    assert unchanged is None  # without the confirmation nothing lapsed
    assert fonds.abgeschlossen_von == qm_user
    assert "ist bereits abgeschlossen" in text(second)


def test_fund_report_counts_antraege_and_money_per_field_of_action(
    fonds, qm_user, qm_other_user, anderes_quartier, django_assert_num_queries
):
    bildung = HandlungsfeldFactory(slug="bildung", name="Bildung", reihenfolge=1)
    klima = HandlungsfeldFactory(slug="klima", name="Klimaschutz und Klimaanpassung", reihenfolge=6)
    nachbarschaft = HandlungsfeldFactory()
    approved(AntragFactory(fonds=fonds, handlungsfelder=[bildung]), qm_user, betrag="200.00")
    approved(AntragFactory(fonds=fonds, handlungsfelder=[bildung, klima]), qm_user, betrag="300.00")
    verfallen = approved(AntragFactory(fonds=fonds, handlungsfelder=[klima]), qm_user)
    antrag_move(verfallen, "expire", akteur=Akteur.system_akteur())
    AntragFactory(fonds=fonds, handlungsfelder=[nachbarschaft])  # a draft is not funded
    fremd = AntragFactory(fonds__quartier=anderes_quartier, handlungsfelder=[bildung])
    approved(fremd, qm_other_user)  # another area's fund

    # the fund's funded Anträge joined with their links, summed per field in SQL; the fields:
    # two queries for any number
    with django_assert_num_queries(2):
        bericht = handlungsfelder_bericht(fonds)
    rows = {
        zeile.handlungsfeld.slug: (zeile.anzahl, zeile.bewilligt)
        for zeile in bericht
        if zeile.handlungsfeld.slug in ("bildung", "klima", "nachbarschaft")
    }

    assert rows == {
        "bildung": (2, D("500.00")),
        "nachbarschaft": (0, D("0.00")),
        "klima": (1, D("300.00")),
    }


def test_approvals_per_month_are_counted_by_the_berlin_month_in_one_query(
    fonds, qm_user, qm_other_user, anderes_quartier, django_assert_num_queries
):
    utc = datetime.UTC
    entscheidungen = {
        # 31 January 23:30 UTC is 1 February in Berlin
        "200.00": datetime.datetime(fonds.jahr, 1, 31, 23, 30, tzinfo=utc),
        "300.00": datetime.datetime(fonds.jahr, 2, 10, 12, 0, tzinfo=utc),
        "100.00": datetime.datetime(fonds.jahr - 1, 12, 15, 12, 0, tzinfo=utc),
    }
    for betrag, am in entscheidungen.items():
        antrag = approved(AntragFactory(fonds=fonds), qm_user, betrag=betrag)
        Antrag.objects.filter(pk=antrag.pk).update(entschieden_am=am)
    abgelehnt = antrag_walk_to(AntragFactory(fonds=fonds), "rejected", qm_user=qm_user)
    Antrag.objects.filter(pk=abgelehnt.pk).update(entschieden_am=entscheidungen["300.00"])
    approved(AntragFactory(fonds__quartier=anderes_quartier), qm_other_user)  # another fund

    with django_assert_num_queries(1):
        bild = bewilligungen_je_monat(fonds)

    zeilen = [(m.name, m.anzahl, m.betrag) for m in bild.monate if m.anzahl]
    assert zeilen == [
        (f"Dezember {fonds.jahr - 1}", 1, D("100.00")),
        ("Februar", 2, D("500.00")),
    ]
    assert len(bild.monate) == 13 and (bild.anzahl, bild.betrag) == (3, D("600.00"))


def test_fund_report_page_pdf_and_csv_show_the_picture_and_the_fields(
    client, staff_login, fonds, qm_user
):
    bildung = HandlungsfeldFactory(slug="bildung", name="Bildung", reihenfolge=1)
    approved(AntragFactory(fonds=fonds, handlungsfelder=[bildung]), qm_user, betrag="250.00")
    staff_login(client, qm_user)

    page = client.get(reverse("qm:fonds_bericht", args=[fonds.pk]))
    pdf = fondsbericht_pdf(client, fonds)
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("abrechnung:fonds_bericht_csv", args=[fonds.pk]))
                .content.decode()
                .lstrip("\ufeff")
            ),
            delimiter=";",
        )
    )

    html = page.content.decode()
    assert page.status_code == 200
    assert '<svg class="af-fondsbild__svg"' in html and 'role="img"' in html
    assert "<script" not in html.split("</head>")[1] and " style=" not in html
    assert re.search(r'width="[0-9.]+"', html) and not re.search(r'width="[0-9]+,[0-9]', html)
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", html).group(1)
    assert desc == (
        "Budget: 10.000,00 €; Reserviert (bewilligt, noch nicht ausgezahlt): 250,00 €; "
        "Ausgezahlt: Abschläge: 0,00 €; Ausgezahlt: Restbeträge: 0,00 €; "
        "Ausgezahlt insgesamt: 0,00 €; Zurückgefordert: 0,00 €; Zurückgezahlt: 0,00 €; "
        "Verfügbar: 9.750,00 €; Verfallen (Jahresabschluss): 0,00 €"
    )
    assert "Bildung 1 250,00 € 0,00 €" in text(page)
    pdf_text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split()
    )
    assert "Bildung 1 250,00 € 0,00 €" in pdf_text
    assert "Verfügbar 9.750,00 €" in pdf_text
    assert ["Bildung", "1", "250,00", "0,00"] in rows


def test_the_report_shows_the_stored_figures_and_the_worker_refreshes_them_after_a_booking(
    client, staff_login, fonds, qm_user, django_capture_on_commit_callbacks
):
    bildung = HandlungsfeldFactory(slug="bildung", name="Bildung", reihenfolge=1)
    approved(AntragFactory(fonds=fonds, handlungsfelder=[bildung]), qm_user, betrag="250.00")
    staff_login(client, qm_user)
    url = reverse("qm:fonds_bericht", args=[fonds.pk])
    csv_url = reverse("abrechnung:fonds_bericht_csv", args=[fonds.pk])
    assert "Aufgeführte Projekte 1" in text(client.get(url))  # first view: computed, stored
    stand = Aktionsfonds.objects.get(pk=fonds.pk).auswertung.berechnet_am

    # a booking whose worker has not run yet: the page shows the stored figures and their time
    approved(AntragFactory(fonds=fonds, handlungsfelder=[bildung]), qm_user, betrag="100.00")
    seite = text(client.get(url))
    assert "Aufgeführte Projekte 1" in seite and "Bildung 1 250,00 €" in seite
    berlin = timezone.localtime(stand, zoneinfo.ZoneInfo("Europe/Berlin"))
    assert f"Stand {berlin:%d.%m.%Y %H:%M} Uhr" in seite
    # the next approval books, and after its commit the worker recomputes the fund's figures
    with worker_refreshes_figures() as neu_berechnet:
        with django_capture_on_commit_callbacks(execute=True):
            approved(AntragFactory(fonds=fonds, handlungsfelder=[bildung]), qm_user)
    assert neu_berechnet and set(neu_berechnet) == {fonds.pk}
    seite = text(client.get(url))
    assert "Aufgeführte Projekte 3" in seite and "Bildung 3 650,00 €" in seite
    assert Aktionsfonds.objects.get(pk=fonds.pk).auswertung.berechnet_am > stand
    rows = list(csv.reader(io.StringIO(client.get(csv_url).content.decode()), delimiter=";"))
    assert ["Aufgeführte Projekte", "3"] in rows and ["Bildung", "3", "650,00", "0,00"] in rows


def test_the_bookings_of_one_commit_recompute_each_fund_once(
    fonds, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from antraege.factories import AktionsfondsFactory
    from antraege.geld.buchungen.models import Buchung
    from antraege.geld.buchungen.services import buchung_book

    andere = AktionsfondsFactory(budget=Decimal("1000.00"))  # another area's
    reserviert = Buchung.Art.RESERVIERUNG
    with worker_refreshes_figures() as neu_berechnet:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            with pytest.raises(RuntimeError), transaction.atomic():
                buchung_book(fonds.pk, reserviert, Decimal("5.00"))
                raise RuntimeError  # the savepoint rolls back: its booking and callback go
            for _ in range(3):  # a meeting's close: several approvals on one fund
                buchung_book(fonds.pk, reserviert, Decimal("10.00"))
            buchung_book(andere.pk, reserviert, Decimal("10.00"))
        assert neu_berechnet == [fonds.pk, andere.pk]
        with django_capture_on_commit_callbacks(execute=True):  # the next commit: once again
            buchung_book(fonds.pk, reserviert, Decimal("1.00"))
        assert neu_berechnet == [fonds.pk, andere.pk, fonds.pk]
    assert Aktionsfonds.objects.get(pk=fonds.pk).auswertung.daten


def test_dashboard_shows_the_fund_picture(client, staff_login, fonds, qm_user):
    staff_login(client, qm_user)

    html = client.get(reverse("qm:dashboard"), {"jahr": fonds.jahr}).content.decode()

    assert f'id="fondsbild-{fonds.pk}-titel"' in html
    assert reverse("qm:fonds_bericht", args=[fonds.pk]) in html
    assert "css/fondsbild.css" in html


def test_other_areas_staff_do_not_see_the_fund_report(client, staff_login, fonds, qm_other_user):
    staff_login(client, qm_other_user)

    assert client.get(reverse("qm:fonds_bericht", args=[fonds.pk])).status_code == 404


def test_admin_keeps_the_fields_of_action_as_data_and_cannot_fake_a_close(
    client, staff_login, admin_user, fonds
):
    staff_login(client, admin_user)
    HandlungsfeldFactory(slug="bildung", name="Bildung", reihenfolge=1)

    liste = client.get(reverse("admin:antraege_handlungsfeld_changelist"))
    form = client.get(reverse("admin:antraege_aktionsfonds_change", args=[fonds.pk]))

    assert liste.status_code == 200 and "Bildung" in liste.content.decode()
    assert "abgeschlossen_am" not in form.context["adminform"].form.fields
    assert "antraege_ab" in form.context["adminform"].form.fields


def _projekt(fonds, nummer, status, *, abschlag=False):
    """An Antrag of the report's list or next to it, status written by hand (bulk rows for paging:
    the order and the page boundaries are tested, not the moves)."""
    from antraege.models import Abschlag

    antrag = AntragFactory(fonds=fonds, titel=f"Projekt {nummer:03d}")
    Antrag.objects.filter(pk=antrag.pk).update(
        status=status, referenz=f"AF-{fonds.jahr}-X-{nummer:03d}", betrag_bewilligt=D("100.00")
    )
    if abschlag:
        Abschlag.objects.create(antrag=antrag, datum=timezone.localdate(), betrag=D("50.00"))
    return antrag


def test_fund_report_pages_are_the_slices_of_its_projects_in_reference_order(
    client, staff_login, fonds, qm_user
):
    """Each page reads its ids from the index, then their rows: the two pages are the report's
    projects (as the exports list them) cut at 50, in order of reference, with a cancelled and
    an expired project whose advance was paid among them, and none cancelled before an advance."""
    from antraege.geld.auswertung import fondsauswertung_refresh
    from antraege.geld.selectors.abrechnung import bericht_projekte
    from antraege.models import AntragStatus as S

    for nummer in range(53):
        if nummer == 20:
            _projekt(fonds, nummer, S.CANCELLED, abschlag=True)
        elif nummer == 51:
            _projekt(fonds, nummer, S.EXPIRED, abschlag=True)
        elif nummer in (10, 52):
            _projekt(fonds, nummer, S.CANCELLED)  # no money went out: not listed
        else:
            _projekt(fonds, nummer, S.PAID if nummer % 2 else S.IN_PROGRESS)
    _projekt(AntragFactory().fonds, 900, S.PAID)  # another area's
    fondsauswertung_refresh(fonds.pk)
    staff_login(client, qm_user)
    url = reverse("qm:fonds_bericht", args=[fonds.pk])

    erste, zweite = client.get(url), client.get(url, {"seite": 2})

    titel = [a.titel for seite in (erste, zweite) for a in seite.context["projekte"].eintraege]
    assert titel == [a.titel for a in bericht_projekte(fonds)]
    assert len(titel) == 51 and len(erste.context["projekte"].eintraege) == 50
    assert titel == [f"Projekt {n:03d}" for n in range(52) if n != 10]
    assert "Einträge 51 bis 51 von 51" in text(zweite)


def test_a_page_of_no_parts_reads_no_antrag(fonds):
    """``seite_ueber_ids`` with nothing to read is empty, not every Antrag (an empty ``OR``)."""
    from antraege.antrag.selectors import seite_ueber_ids
    from antraege.geld.selectors.abrechnung import bericht_spalten
    from antraege.models import AntragStatus as S

    _projekt(fonds, 1, S.PAID)

    assert list(seite_ueber_ids([], bericht_spalten)) == []
