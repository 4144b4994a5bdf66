"""The SEPA credit transfer file (issue 19): QM downloads the released, not yet paid payout
orders of an area as one pain.001.001.09 file (valid against the schema; count, control sum,
IBANs and references agree with the orders; the office's account is the debtor); an order is
never in two files; marking the file paid books each payment through the existing writers and
the fund still agrees with its bookings. The payments page: four eyes, keyboard, no stranger."""

import io
import xml.etree.ElementTree as ET
from decimal import Decimal
from importlib import resources

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from antraege.factories import AntragFactory
from antraege.geld.selectors.vereinbarung import iban_masked
from antraege.models import Antrag, Auszahlungsanordnung, Buchung, SepaDatei
from antraege.roles import Akteur
from workflow.wege import anordnungen_confirm_by_two

from .abrechnung_helpers import agreed, approved, buero_konto_save, reload
from .test_auszahlungsanordnung import restzahlung_released

pytestmark = pytest.mark.django_db

D = Decimal
AO = Auszahlungsanordnung
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}


def xsd():
    import xmlschema

    path = resources.files("sepaxml") / "schemas" / "pain.001.001.09.xsd"
    return xmlschema.XMLSchema(str(path))


@pytest.fixture
def orders(fonds, qm_user):
    """A remainder (110 €) and an advance, each confirmed by two people and released."""
    buero_konto_save(fonds, qm_user)
    rest, _order = restzahlung_released(AntragFactory(fonds=fonds, titel="Hoffest"), qm_user)
    vorschuss = approved(AntragFactory(fonds=fonds, titel="Lesecafé"), qm_user)
    # the fund's plan releases the advance at once; its order waits for the four eyes
    vorschuss = agreed(vorschuss, auto=True, advance_paid=False)
    for antrag in (rest, vorschuss):
        anordnungen_confirm_by_two(antrag, akteur=Akteur(qm_user))
    return list(AO.objects.select_related("antrag").order_by("pk"))


def make_file(client, staff_login, qm_user, quartier):
    staff_login(client, qm_user)
    return client.post(reverse("abrechnung:qm_sepa_datei_erstellen", args=[quartier.pk]))


def download(client, datei):
    response = client.get(reverse("abrechnung:qm_sepa_datei", args=[datei.quartier_id, datei.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{datei.dateiname}"'
    return response.content


def test_sepa_file_validates_and_agrees_with_the_orders(
    client, staff_login, qm_user, quartier, orders
):
    assert [o.art for o in orders] == [AO.Art.RESTZAHLUNG, AO.Art.ABSCHLAG]
    make_file(client, staff_login, qm_user, quartier)
    datei = SepaDatei.objects.get()
    xml = download(client, datei)

    xsd().validate(io.BytesIO(xml))
    root = ET.fromstring(xml)
    kopf = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", NS)
    summe = sum(o.betrag for o in orders)
    assert (
        kopf.findtext("p:NbOfTxs", namespaces=NS),
        kopf.findtext("p:CtrlSum", namespaces=NS),
    ) == (
        "2",
        f"{summe:.2f}",
    )
    assert (datei.anzahl, datei.summe, datei.schema) == (2, summe, "pain.001.001.09")
    zahlung = root.find("p:CstmrCdtTrfInitn/p:PmtInf", NS)
    assert zahlung.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == "DE89370400440532013000"
    ueberweisungen = [
        (
            tx.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS),
            D(tx.findtext("p:Amt/p:InstdAmt", namespaces=NS)),
            tx.findtext("p:RmtInf/p:Ustrd", namespaces=NS),
            tx.findtext("p:PmtId/p:EndToEndId", namespaces=NS),
        )
        for tx in zahlung.findall("p:CdtTrfTxInf", NS)
    ]
    assert ueberweisungen == [
        (
            o.iban,
            o.betrag,
            f"{o.antrag.referenz} Aktionsfonds {o.get_art_display()}",
            f"{o.antrag.referenz}-{'R' if o.art == AO.Art.RESTZAHLUNG else 'A'}",
        )
        for o in orders
    ]
    assert set(AO.objects.values_list("status", "sepa_datei")) == {("in_datei", datei.pk)}


def test_an_order_is_never_in_two_files_and_a_file_downloads_the_same(
    client, staff_login, qm_user, quartier, orders
):
    make_file(client, staff_login, qm_user, quartier)
    erste = SepaDatei.objects.get()
    bytes_before = download(client, erste)

    again = client.post(
        reverse("abrechnung:qm_sepa_datei_erstellen", args=[quartier.pk]), follow=True
    )

    assert "Es gibt keine angeordneten Zahlungen, die noch in keiner Datei sind." in (
        again.content.decode()
    )
    assert SepaDatei.objects.count() == 1
    assert download(client, erste) == bytes_before


def test_marking_the_file_paid_books_the_payments_and_the_fund_agrees(
    client, staff_login, qm_user, quartier, fonds, orders
):
    make_file(client, staff_login, qm_user, quartier)
    datei = SepaDatei.objects.get()
    rest = orders[0].antrag
    gestern = timezone.localdate() - timezone.timedelta(days=1)
    ausgezahlt_vorher = reload(rest).betrag_ausgezahlt

    response = client.post(
        reverse("abrechnung:qm_sepa_datei_bezahlt", args=[quartier.pk, datei.pk]),
        {f"datei{datei.pk}-bezahlt_am": gestern.isoformat()},
    )

    assert response.status_code == 302
    assert set(AO.objects.values_list("status", "bezahlt_am")) == {("bezahlt", gestern)}
    rest = reload(rest)
    assert (rest.status, rest.betrag_ausgezahlt) == ("paid", ausgezahlt_vorher + D("110.00"))
    buchung = Buchung.objects.get(antrag=rest, art=Buchung.Art.RESTZAHLUNG)
    assert (buchung.betrag, buchung.datum) == (D("110.00"), gestern)
    assert rest.auszahlung.buchungszeichen == f"SEPA {datei.nachricht_id}"
    out = io.StringIO()
    call_command("buchungen_pruefen", stdout=out)
    assert out.getvalue().strip() == "Alle Aktionsfonds stimmen mit ihren Buchungen überein."
    second = client.post(
        reverse("abrechnung:qm_sepa_datei_bezahlt", args=[quartier.pk, datei.pk]),
        {f"datei{datei.pk}-bezahlt_am": gestern.isoformat()},
        follow=True,
    )
    assert "Diese Datei ist bereits als bezahlt markiert." in second.content.decode()
    assert Buchung.objects.filter(antrag=rest, art=Buchung.Art.RESTZAHLUNG).count() == 1


def test_no_file_without_the_offices_account(client, staff_login, qm_user, quartier, antrag):
    restzahlung_released(antrag, qm_user)
    anordnungen_confirm_by_two(antrag, akteur=Akteur(qm_user))

    page = make_file(client, staff_login, qm_user, quartier)

    assert page.status_code == 302
    assert not SepaDatei.objects.exists()
    assert AO.objects.get().status == "angeordnet"


def test_payments_page_refuses_the_same_account_twice_and_shows_the_orders(
    client, staff_login, qm_user, quartier, antrag
):
    antrag, anordnung = restzahlung_released(antrag, qm_user)
    staff_login(client, qm_user)
    url = reverse("abrechnung:qm_zahlungen", args=[quartier.pk])
    bestaetigen = "abrechnung:qm_anordnung_bestaetigen"

    client.post(reverse(bestaetigen, args=[quartier.pk, anordnung.pk, "sachlich"]))
    refused = client.post(
        reverse(bestaetigen, args=[quartier.pk, anordnung.pk, "rechnerisch"]), follow=True
    )

    html = refused.content.decode()
    assert "Die zweite Bestätigung muss eine andere Person geben (Vier-Augen-Prinzip)." in html
    assert refused.redirect_chain == [(url, 302)]
    assert AO.objects.filter(pk=anordnung.pk, rechnerisch_von__isnull=True).exists()
    assert antrag.referenz in html
    assert "eine andere Person bestätigt (Vier-Augen-Prinzip)" in html
    # the page masks the payee's IBAN: country code and the last four characters only
    assert iban_masked(anordnung.iban) in html
    assert anordnung.iban not in html.replace(" ", "")
    assert anordnung.iban[4:-4] not in html.replace(" ", "")


def test_payments_page_is_not_for_other_areas(client, staff_login, qm_other_user, quartier):
    staff_login(client, qm_other_user)

    assert client.get(reverse("abrechnung:qm_zahlungen", args=[quartier.pk])).status_code == 404
    assert (
        client.post(reverse("abrechnung:qm_sepa_datei_erstellen", args=[quartier.pk])).status_code
        == 404
    )


def test_payments_page_reads_in_constant_queries(
    client, staff_login, qm_user, quartier, fonds, orders, django_assert_max_num_queries
):
    staff_login(client, qm_user)
    url = reverse("abrechnung:qm_zahlungen", args=[quartier.pk])
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200
    for _n in range(3):
        antrag, _order = restzahlung_released(AntragFactory(fonds=fonds), qm_user)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200
    assert Antrag.objects.count() == 5


@pytest.mark.django_db(transaction=True)
def test_two_files_made_at_once_never_share_an_order(qm_user, quartier, orders):
    from django.db import connection

    from antraege.geld.services.anordnung import AnordnungRefused
    from antraege.geld.services.sepa import sepa_datei_create

    from .test_abrechnung_payout import _concurrently

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, threads cannot race there")

    def make():
        try:
            return sepa_datei_create(quartier.pk, akteur=Akteur(qm_user))
        except AnordnungRefused as refused:
            return refused

    results = _concurrently(make)

    assert sorted(type(r).__name__ for r in results) == ["AnordnungRefused", "SepaDatei"]
    datei = SepaDatei.objects.get()
    assert datei.anzahl == 2
    assert set(AO.objects.values_list("sepa_datei", flat=True)) == {datei.pk}


def test_settlement_page_shows_the_orders_step_and_links_the_payments_page(
    client, staff_login, qm_user, quartier, antrag
):
    antrag, _anordnung = restzahlung_released(antrag, qm_user)
    staff_login(client, qm_user)

    html = client.get(reverse("abrechnung:qm_abrechnung", args=[antrag.pk])).content.decode()

    assert "Restzahlung, 110,00 €: Zu bestätigen" in html
    assert reverse("abrechnung:qm_zahlungen", args=[quartier.pk]) in html
