"""Staff lists in pages of 50: boundaries, filters kept across pages, a page past the end, the total.

The Anträge are bulk-created copies (a list page only reads them); the browser check (keyboard,
axe) of the paginated dashboard is in tests/browser/test_paginierung_browser.py.
"""

import copy
import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from antraege.factories import AntragFactory
from antraege.geld.buchungen.services import buchung_book
from antraege.models import Antrag, AntragStatus, Beleg, Buchung
from antraege.paginierung import PRO_SEITE

from .abrechnung_helpers import settlement_submitted

pytestmark = pytest.mark.django_db


def many(fonds, count, *, status=AntragStatus.SUBMITTED, titel="Fest"):
    """``count`` submitted Anträge, newest first by number: "<titel> 1" is the newest.

    Deliberately hand-built in one bulk insert, not walked (``antrag_walk_to``): the paging tests
    need a page and more of rows, and the state is only the value the list filters on."""
    vorlage = AntragFactory(fonds=fonds)
    start = timezone.now()
    rows = []
    for number in range(1, count + 1):
        row = copy.copy(vorlage)
        row.pk = None
        row.id = None
        row.status = status
        row.titel = f"{titel} {number}"
        row.referenz = f"AF-T-{uuid.uuid4().hex[:12]}"
        row.submission_token = uuid.uuid4()
        row.eingereicht_am = start - timedelta(minutes=number)
        rows.append(row)
    Antrag.objects.bulk_create(rows)
    vorlage.delete()


def titles(response):
    return [antrag["titel"] for antrag in response.context["antraege"]]


def text(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def dashboard(client, staff_login, qm_user):
    staff_login(client, qm_user)
    url = reverse("qm:dashboard")
    return lambda **params: client.get(url, params)


def test_dashboard_shows_pages_of_fifty_with_the_total(dashboard, fonds):
    many(fonds, 2 * PRO_SEITE + 1)

    first = dashboard(jahr=fonds.jahr)
    second = dashboard(jahr=fonds.jahr, seite=2)
    last = dashboard(jahr=fonds.jahr, seite=3)

    assert titles(first) == [f"Fest {n}" for n in range(1, 51)]
    assert titles(second) == [f"Fest {n}" for n in range(51, 101)]
    assert titles(last) == ["Fest 101"]
    assert "101 Anträge gefunden" in text(first)
    assert "Einträge 51 bis 100 von 101 (Seite 2 von 3)" in text(second)
    html = second.content.decode()
    assert 'aria-label="Seiten: Anträge"' in html
    assert re.search(r'href="\?jahr=\d+&amp;seite=2" aria-current="page"', html)
    assert 'rel="prev" href="?jahr=' in html and 'rel="next" href="?jahr=' in html
    assert 'rel="next"' not in last.content.decode()


def test_exactly_fifty_is_one_page_without_navigation(dashboard, fonds):
    many(fonds, PRO_SEITE)

    response = dashboard(jahr=fonds.jahr)

    assert len(titles(response)) == PRO_SEITE
    assert 'aria-label="Seiten: Anträge"' not in response.content.decode()
    assert "50 Anträge gefunden" in text(response)


def test_filters_and_search_are_kept_across_pages(dashboard, fonds):
    many(fonds, 60, titel="Garten")
    many(fonds, 70, titel="Fest")
    many(fonds, 5, titel="Garten-Review", status=AntragStatus.IN_REVIEW)

    first = dashboard(jahr=fonds.jahr, suche="Garten", status="submitted")
    html = first.content.decode()
    (weiter,) = re.findall(r'rel="next" href="([^"]+)"', html)
    second = dashboard(
        **dict(pair.split("=") for pair in weiter[1:].replace("&amp;", "&").split("&"))
    )

    assert "suche=Garten" in weiter and "status=submitted" in weiter
    assert titles(first) == [f"Garten {n}" for n in range(1, 51)]
    assert titles(second) == [f"Garten {n}" for n in range(51, 61)]
    assert "60 Anträge gefunden" in text(second)
    assert second.context["form"]["suche"].value() == "Garten"


def test_a_page_past_the_end_shows_the_last_page_and_says_so(dashboard, fonds):
    many(fonds, 55)

    response = dashboard(jahr=fonds.jahr, seite=9)
    nonsense = dashboard(jahr=fonds.jahr, seite="zwei")

    assert response.status_code == 200
    assert titles(response) == [f"Fest {n}" for n in range(51, 56)]
    assert "Seite 9 gibt es nicht. Angezeigt wird Seite 2." in text(response)
    assert titles(nonsense)[0] == "Fest 1"


def test_a_page_costs_the_same_queries_with_fifty_and_with_many_pages(dashboard, fonds):
    many(fonds, 3)
    with CaptureQueriesContext(connection) as small:
        dashboard(jahr=fonds.jahr)
    many(fonds, 3 * PRO_SEITE, titel="Mehr")
    with CaptureQueriesContext(connection) as large:
        response = dashboard(jahr=fonds.jahr, seite=2)

    assert len(titles(response)) == PRO_SEITE
    assert len(large.captured_queries) == len(small.captured_queries)


def geschlossene_abstimmungen(fonds, count):
    """``count`` approved Anträge with a closed vote each, "Fest 1" closed last. Written by hand:
    bulk rows for paging (no vote needs to be walked here)."""
    from jury.abstimmungen.models import Abstimmung

    many(fonds, count, status=AntragStatus.APPROVED)
    jetzt = timezone.now()
    return Abstimmung.objects.bulk_create(
        Abstimmung(
            antrag=antrag,
            quartier_id=antrag.fonds.quartier_id,
            betrag=Decimal("300.00"),
            frist=jetzt,
            status="closed",
            geschlossen_am=jetzt - timedelta(minutes=index),
            quorum_anteil=Decimal("0.50"),
            bei_gleichstand="reject",
            erinnerung_stunden=24,
            ruhezeit_stunden=0,
            ergebnis="approved",
        )
        for index, antrag in enumerate(
            Antrag.objects.select_related("fonds").order_by("-eingereicht_am")
        )
    )


def test_closed_votes_are_paged_with_the_total(client, staff_login, qm_user, fonds):
    geschlossene_abstimmungen(fonds, PRO_SEITE + 2)
    staff_login(client, qm_user)
    url = reverse("jury:qm_uebersicht")

    with CaptureQueriesContext(connection) as first_page:
        first = client.get(url)
    with CaptureQueriesContext(connection) as second_page:
        second = client.get(url, {"seite": 2})

    assert len(first.context["geschlossen"].eintraege) == PRO_SEITE
    assert [a.antrag.titel for a in second.context["geschlossen"].eintraege] == [
        f"Fest {n}" for n in (51, 52)
    ]
    assert "52 Abstimmungen, zuletzt geschlossene zuerst" in text(first)
    assert 'aria-label="Seiten: Geschlossene Abstimmungen"' in first.content.decode()
    assert len(first_page.captured_queries) == len(second_page.captured_queries)


def test_a_members_closed_votes_are_paged_last_closed_first(client, staff_login, jury_user, fonds):
    from jury.abstimmungen.models import Stimmberechtigung, Stimme

    mitglied = jury_user.jurymitgliedschaften.get()
    abstimmungen = geschlossene_abstimmungen(fonds, PRO_SEITE + 2)
    Stimmberechtigung.objects.bulk_create(
        Stimmberechtigung(abstimmung=a, mitglied=mitglied) for a in abstimmungen
    )
    Stimme.objects.bulk_create(
        Stimme(abstimmung=a, mitglied=mitglied, wert="no") for a in abstimmungen
    )
    staff_login(client, jury_user)
    url = reverse("jury:home")
    client.get(url)  # the first request after signing in also touches the session and device

    with CaptureQueriesContext(connection) as first_page:
        first = client.get(url)
    with CaptureQueriesContext(connection) as second_page:
        second = client.get(url, {"seite": 2})

    assert len(first.context["geschlossen"]) == PRO_SEITE
    assert [e.abstimmung.antrag.titel for e in second.context["geschlossen"]] == [
        f"Fest {n}" for n in (51, 52)
    ]
    assert {e.stimme.wert for e in first.context["geschlossen"]} == {"no"}
    assert 'aria-label="Seiten: Abgeschlossene Abstimmungen"' in first.content.decode()
    assert "Einträge 51 bis 52 von 52" in text(second)
    assert len(first_page.captured_queries) == len(second_page.captured_queries)


def test_closed_meetings_are_paged_with_the_total(client, qm_user, quartier, staff_login):
    import datetime

    from jury.sitzungen.models import Sitzung, SitzungStatus

    tag = datetime.date(2026, 1, 5)
    Sitzung.objects.bulk_create(
        Sitzung(
            quartier=quartier,
            datum=tag + timedelta(days=7 * n),
            beginn=datetime.time(18, 0),
            ort="Nachbarschaftshaus",
            einreichungsfrist=tag + timedelta(days=7 * n - 14),
            status=SitzungStatus.GESCHLOSSEN,
        )
        for n in range(PRO_SEITE + 3)
    )
    staff_login(client, qm_user)
    url = reverse("jury:qm_sitzungen")
    client.get(url)  # the first request after signing in also touches the session and device

    with CaptureQueriesContext(connection) as first_page:
        first = client.get(url)
    with CaptureQueriesContext(connection) as last_page:
        last = client.get(url, {"seite": 2})

    assert len(first.context["geschlossen"].eintraege) == PRO_SEITE
    assert len(last.context["geschlossen"].eintraege) == 3
    assert last.context["geschlossen"].eintraege[-1].datum == tag  # the oldest last
    assert 'aria-label="Seiten: Abgeschlossene Sitzungen"' in first.content.decode()
    assert len(first_page.captured_queries) == len(last_page.captured_queries)


def test_former_jury_terms_are_paged_with_the_total(client, qm_user, quartier, staff_login):
    from jury.factories import JurymitgliedFactory

    heute = timezone.localdate()
    for n in range(PRO_SEITE + 2):  # one a year back, as terms pile up
        JurymitgliedFactory(
            quartier=quartier,
            beginn=heute - timedelta(days=400 + n),
            ende=heute - timedelta(days=40 + n),
            user__last_name=f"Ehemals {n:02d}",
        )
    staff_login(client, qm_user)
    url = reverse("jury:qm_zusammensetzung", args=[quartier.pk])

    first, second = client.get(url), client.get(url, {"seite": 2})

    assert len(first.context["weitere"].eintraege) == PRO_SEITE
    assert [m.user.last_name for m in second.context["weitere"].eintraege] == [
        "Ehemals 50",
        "Ehemals 51",
    ]  # the most recently begun first
    assert "Einträge 51 bis 52 von 52 (Seite 2 von 2)" in text(second)
    assert 'aria-label="Seiten: Künftige und frühere Amtszeiten"' in first.content.decode()


def test_counts_and_balance_come_from_one_query_and_add_up(dashboard, fonds):
    from decimal import Decimal

    many(fonds, 4)
    with CaptureQueriesContext(connection) as before:
        dashboard(jahr=fonds.jahr)
    many(fonds, 3, status=AntragStatus.APPROVED, titel="Bewilligt")
    Antrag.objects.filter(status=AntragStatus.APPROVED).update(betrag_reserviert=Decimal("250.50"))
    with transaction.atomic():  # the bulk rows' reservations, through the ledger's one writer
        for bulk in Antrag.objects.filter(status=AntragStatus.APPROVED):
            buchung_book(fonds.pk, Buchung.Art.RESERVIERUNG, Decimal("250.50"), antrag=bulk)
    many(fonds, 2, status=AntragStatus.DRAFT, titel="Entwurf")  # never counted, never listed

    with CaptureQueriesContext(connection) as after:
        response = dashboard(jahr=fonds.jahr)

    assert len(after.captured_queries) == len(before.captured_queries)
    counts = {value: anzahl for value, _label, anzahl in response.context["status_counts"]}
    assert counts == {AntragStatus.SUBMITTED: 4, AntragStatus.APPROVED: 3}
    assert response.context["gesamt"] == response.context["seite"].gesamt == 7
    ((shown, saldo),) = response.context["fonds_saldi"]
    assert shown == fonds and saldo.reserviert == Decimal("751.50")
    assert saldo.verfuegbar == fonds.budget - Decimal("751.50") - saldo.ausgezahlt


def test_fund_report_lists_its_projects_in_pages_and_sums_all_of_them(
    client, staff_login, qm_user, fonds
):
    many(fonds, PRO_SEITE + 1, status=AntragStatus.APPROVED, titel="Projekt")
    Antrag.objects.filter(fonds=fonds).update(
        betrag_bewilligt=Decimal("100.00"), betrag_reserviert=Decimal("100.00")
    )
    staff_login(client, qm_user)
    url = reverse("qm:fonds_bericht", args=[fonds.pk])

    first, second, past = (client.get(url, {"seite": s}) for s in ("1", "2", "9"))

    rows = [r.titel for r in first.context["projekte"].eintraege]
    rest = [r.titel for r in second.context["projekte"].eintraege]
    assert len(rows) == PRO_SEITE and len(rest) == 1
    assert set(rows) | set(rest) == {f"Projekt {n}" for n in range(1, PRO_SEITE + 2)}
    assert "51 geförderte Projekte" in text(first)
    assert "Einträge 51 bis 51 von 51 (Seite 2 von 2)" in text(second)
    assert 'aria-label="Seiten: Geförderte Projekte"' in first.content.decode()
    # the report's figures count every project, not only the page shown
    assert first.context["bericht"].bewilligt == Decimal("5100.00")
    assert "Seite 9 gibt es nicht. Angezeigt wird Seite 2." in text(past)
    assert [r.titel for r in past.context["projekte"].eintraege] == rest


def test_receipts_are_paged_and_a_check_comes_back_to_its_page(
    client, staff_login, qm_user, antrag
):
    antrag, [erster] = settlement_submitted(antrag, qm_user, ["20.00"])
    # the others: bulk copies of the first (the page only reads them), numbered on
    kopien = []
    for nummer in range(2, PRO_SEITE + 6):
        kopie = copy.copy(erster)
        kopie.pk = kopie.id = None
        kopie.nummer, kopie.aussteller = nummer, f"Laden {nummer}"
        kopien.append(kopie)
    Beleg.objects.bulk_create(kopien)
    staff_login(client, qm_user)
    url = reverse("abrechnung:qm_abrechnung", kwargs={"pk": antrag.pk})

    first, second = client.get(url), client.get(url, {"seite": "2"})

    assert [b.nummer for b, _form in first.context["belege"]] == list(range(1, PRO_SEITE + 1))
    assert [b.nummer for b, _form in second.context["belege"]] == list(range(51, 56))
    assert "Einträge 51 bis 55 von 55 (Seite 2 von 2)" in text(second)
    assert 'aria-label="Seiten: Belege"' in first.content.decode()
    letzter = Beleg.objects.get(antrag=antrag, nummer=55)
    pruefen = reverse(
        "abrechnung:qm_beleg_pruefen", kwargs={"pk": antrag.pk, "beleg_pk": letzter.pk}
    )
    assert f'action="{pruefen}?seite=2"' in second.content.decode()

    # a refusal without a reason: page 2 again, the form with its entry and the error
    refused = client.post(
        f"{pruefen}?seite=2",
        {f"beleg{letzter.pk}-entscheidung": "refuse", f"beleg{letzter.pk}-anerkannt": "7,00"},
    )
    assert refused.status_code == 400
    [form] = [form for beleg, form in refused.context["belege"] if beleg.pk == letzter.pk]
    assert form.errors and form["anerkannt"].value() == "7,00"
    letzter.refresh_from_db()
    assert letzter.status == Beleg.Status.OFFEN

    done = client.post(
        f"{pruefen}?seite=2",
        {f"beleg{letzter.pk}-entscheidung": "accept", f"beleg{letzter.pk}-anerkannt": "20,00"},
    )
    assert (done.status_code, done["Location"]) == (302, f"{url}?seite=2")
    letzter.refresh_from_db()
    assert (letzter.status, letzter.betrag_anerkannt) == (Beleg.Status.ANERKANNT, Decimal("20.00"))
