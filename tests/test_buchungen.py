"""The fund ledger: every money event is a booking of its fund, the fund row carries the running
totals, and ``manage.py buchungen_pruefen`` recomputes every fund from its bookings."""

import datetime
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from antraege.antrag.selectors import aktionsfonds_saldo
from antraege.factories import AntragFactory
from antraege.fonds.services.jahresabschluss import aktionsfonds_close
from antraege.geld.buchungen.selectors import fonds_abweichungen
from antraege.geld.services.abrechnung import AbrechnungRefused
from antraege.geld.services.vereinbarung import rueckzahlung_record
from antraege.models import Aktionsfonds, Buchung, Rueckforderung, Statuswechsel
from antraege.roles import Akteur
from workflow.moves import antrag_move
from workflow.wege import antrag_walk_to

from .abrechnung_helpers import agreed, approved, fondsbericht_pdf, reload

D = Decimal
A = Buchung.Art


def arten(antrag):
    return [(b.art, b.betrag) for b in Buchung.objects.filter(antrag=antrag).order_by("pk")]


def pruefen():
    out = io.StringIO()
    call_command("buchungen_pruefen", stdout=out)
    return out.getvalue()


@pytest.fixture
def jahr_mit_allem(fonds, qm_user):
    """A year as the issue tells it: one project paid in full, one cut by the jury, one cancelled
    after its 150 € advance with the claim repaid in two instalments."""
    qm = Akteur(qm_user)
    bezahlt = antrag_walk_to(AntragFactory(fonds=fonds), "paid", qm_user=qm_user)
    gekuerzt = approved(AntragFactory(fonds=fonds), qm_user, betrag="200.00")
    abgesagt = agreed(approved(AntragFactory(fonds=fonds), qm_user))  # 300, advance 150
    abgesagt = antrag_move(abgesagt, "cancel", akteur=qm, kommentar="Regen.")
    heute = timezone.localdate()
    rueckzahlung_record(abgesagt, akteur=qm, datum=heute, betrag="100,00")
    rueckzahlung_record(abgesagt, akteur=qm, datum=heute)  # the rest: 50
    return {"bezahlt": bezahlt, "gekuerzt": gekuerzt, "abgesagt": abgesagt, "qm": qm}


@pytest.mark.django_db
def test_every_money_event_is_booked_and_the_totals_add_up(jahr_mit_allem, fonds):
    bezahlt, abgesagt = jahr_mit_allem["bezahlt"], jahr_mit_allem["abgesagt"]
    gezahlt = bezahlt.betrag_ausgezahlt

    assert arten(bezahlt) == [
        (A.RESERVIERUNG, bezahlt.betrag_bewilligt),
        (A.ABSCHLAG, D("150.00")),
        (A.RESTZAHLUNG, gezahlt - D("150.00")),
    ]  # every receipt accepted in full: nothing released
    assert arten(jahr_mit_allem["gekuerzt"]) == [(A.RESERVIERUNG, D("200.00"))]
    assert arten(abgesagt) == [
        (A.RESERVIERUNG, D("300.00")),
        (A.ABSCHLAG, D("150.00")),
        (A.FREIGABE, D("150.00")),
        (A.RUECKFORDERUNG, D("150.00")),
        (A.RUECKZAHLUNG, D("100.00")),
        (A.RUECKZAHLUNG, D("50.00")),
    ]
    saldo = aktionsfonds_saldo(fonds)
    assert (saldo.reserviert, saldo.zurueckgefordert, saldo.zurueckgezahlt) == (
        D("200.00"),
        D("150.00"),
        D("150.00"),
    )
    assert saldo.ausgezahlt == gezahlt + D("150.00")  # gross: the cancelled advance went out
    assert saldo.budget == saldo.verfuegbar + saldo.reserviert + saldo.ausgezahlt - D("150.00")
    claim = Rueckforderung.objects.get(antrag=abgesagt)
    assert (claim.betrag_eingegangen, claim.zurueckgezahlt_am) == (
        D("150.00"),
        timezone.localdate(),
    )
    assert "noch offen: 50,00 €" in " ".join(
        Statuswechsel.objects.filter(antrag=abgesagt).values_list("kommentar", flat=True)
    )
    assert fonds_abweichungen() == []
    assert "stimmen mit ihren Buchungen überein" in pruefen()


@pytest.mark.django_db
def test_year_end_close_books_the_lapse_and_later_returns_lapse_too(jahr_mit_allem, fonds):
    vorher = aktionsfonds_saldo(fonds)
    aktionsfonds_close(
        fonds, akteur=jahr_mit_allem["qm"], today=datetime.date(fonds.jahr + 1, 1, 2)
    )
    nachher = aktionsfonds_saldo(fonds)
    assert (nachher.verfallen, nachher.verfuegbar) == (vorher.verfuegbar, D("0.00"))

    antrag_move(jahr_mit_allem["gekuerzt"], "cancel", akteur=jahr_mit_allem["qm"])

    zuletzt = aktionsfonds_saldo(fonds)
    assert (zuletzt.verfallen, zuletzt.verfuegbar, zuletzt.reserviert) == (
        vorher.verfuegbar + D("200.00"),
        D("0.00"),
        D("0.00"),
    )
    assert zuletzt.budget == zuletzt.reserviert + zuletzt.ausgezahlt - zuletzt.zurueckgezahlt + (
        zuletzt.verfallen
    )
    assert fonds_abweichungen() == []


@pytest.mark.django_db
def test_a_repayment_beyond_the_open_claim_is_refused_and_leaves_no_trace(fonds, qm_user):
    qm = Akteur(qm_user)
    abgesagt = antrag_move(
        agreed(approved(AntragFactory(fonds=fonds), qm_user)), "cancel", akteur=qm
    )
    vorher = (
        aktionsfonds_saldo(fonds),
        Buchung.objects.count(),
        reload(abgesagt).betrag_ausgezahlt,
    )

    with pytest.raises(AbrechnungRefused) as refused:
        rueckzahlung_record(abgesagt, akteur=qm, datum=timezone.localdate(), betrag="150,01")

    assert (refused.value.field, "150,00 €" in refused.value.message) == ("betrag", True)
    assert (
        aktionsfonds_saldo(fonds),
        Buchung.objects.count(),
        reload(abgesagt).betrag_ausgezahlt,
    ) == (vorher)


@pytest.mark.django_db
def test_the_check_reports_a_fund_whose_totals_differ_from_its_bookings(jahr_mit_allem, fonds):
    Aktionsfonds.objects.filter(pk=fonds.pk).update(summe_reserviert=D("1.00"))

    with pytest.raises(CommandError) as error:
        pruefen()

    assert error.value.returncode == 1
    assert [(f.pk, was) for f, was, _g, _n in fonds_abweichungen()] == [
        (fonds.pk, "summe_reserviert"),
        (fonds.pk, "antraege.betrag_reserviert"),
    ]


@pytest.mark.django_db
def test_the_data_migration_books_the_history_of_an_existing_fund(jahr_mit_allem, fonds):
    """A database written before the ledger: no bookings, no totals. The migration's function
    books its history from the Anträge, advances, payouts and claims; the totals come out as the
    product's own bookings made them."""
    import importlib

    aktionsfonds_close(
        fonds, akteur=jahr_mit_allem["qm"], today=datetime.date(fonds.jahr + 1, 1, 2)
    )
    erwartet = aktionsfonds_saldo(fonds)
    Buchung.objects.all().delete()
    Aktionsfonds.objects.update(
        summe_reserviert=0,
        summe_abschlag=0,
        summe_restzahlung=0,
        summe_zurueckgefordert=0,
        summe_zurueckgezahlt=0,
        summe_verfallen=0,
    )
    migration = importlib.import_module("antraege.migrations.0011_buchungen")

    migration.book_history(apps, None)

    assert aktionsfonds_saldo(fonds) == erwartet
    assert fonds_abweichungen() == []


@pytest.mark.django_db
def test_report_page_csv_and_pdf_show_the_same_figures_and_list_the_cancelled_advance(
    client, staff_login, qm_user, jahr_mit_allem, fonds
):
    from pypdf import PdfReader

    staff_login(client, qm_user)
    saldo = aktionsfonds_saldo(fonds)
    page = client.get(reverse("qm:fonds_bericht", args=[fonds.pk])).content.decode()
    csv_text = client.get(reverse("abrechnung:fonds_bericht_csv", args=[fonds.pk])).content.decode()
    pdf = fondsbericht_pdf(client, fonds)
    pdf_text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split()
    )
    csv_rows = [zeile.split(";") for zeile in csv_text.lstrip("\ufeff").splitlines()]

    for zahl in saldo.zahlen:
        euro = f"{zahl.betrag:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
        assert f"{zahl.label} {euro} €" in pdf_text
        assert [zahl.label, euro.replace(".", "")] in csv_rows
        assert f"<dt>{zahl.label}</dt>" in page
    assert ["Zurückgezahlt", "150,00"] in csv_rows
    abgesagt = jahr_mit_allem["abgesagt"]
    assert [abgesagt.referenz, abgesagt.titel, "300,00", "150,00", "150,00", "150,00"] == next(
        r for r in csv_rows if r[0] == abgesagt.referenz
    )[:6]
    assert abgesagt.referenz in pdf_text and abgesagt.referenz in page
    assert ["Teilnehmende (laut Sachberichten)", "45"] in csv_rows
