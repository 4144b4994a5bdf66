"""Repayment claims (issue 19): the letter names the office's account and the reference to pay to;
money comes in in instalments until the claim is settled, each a booking of the fund; one reminder
(letter and e-mail) after the deadline, by a beat job that reads only what is due; QM sees the
overdue claims."""

import datetime
from decimal import Decimal as D

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from aktionsfonds.celery import app
from antraege import task_names
from antraege.antrag.selectors import aktionsfonds_saldo
from antraege.dokumente import services as documents
from antraege.dokumente.pdf import pdf_text
from antraege.factories import AntragFactory
from antraege.geld.services.abrechnung import AbrechnungRefused
from antraege.geld.services.vereinbarung import rueckforderungen_mahnen, rueckzahlung_record
from antraege.mail import outbox
from antraege.models import Benachrichtigung, Buchung, Dokument, Rueckforderung, Statuswechsel
from antraege.roles import Akteur
from workflow.wege import antrag_walk_to

pytestmark = pytest.mark.django_db


def _konto(quartier):
    quartier.buero_kontoinhaber = "Stadtteilbüro Soldiner Kiez e.V."
    quartier.buero_iban = "DE02120300000000202051"
    quartier.buero_bic = "BYLADEM1001"
    quartier.save(update_fields=["buero_kontoinhaber", "buero_iban", "buero_bic"])


def _claim(fonds, qm_user, **felder):
    """An Antrag whose advance (150 €) was paid and whose action was then cancelled: a claim."""
    antrag = antrag_walk_to(AntragFactory(fonds=fonds, **felder), "cancelled", qm_user=qm_user)
    return Rueckforderung.objects.select_related("antrag").get(antrag=antrag)


def _letter(antrag, art):
    return pdf_text(documents.dokument_produce(antrag.pk, art).datei.read())


def test_the_repayment_letter_names_the_office_account_and_the_reference(fonds, qm_user):
    _konto(fonds.quartier)
    claim = _claim(fonds, qm_user)

    text = _letter(claim.antrag, Dokument.Art.RUECKFORDERUNG)

    referenz = claim.antrag.referenz
    assert "Kontoinhaber Stadtteilbüro Soldiner Kiez e.V." in text
    assert "IBAN DE02 1203 0000 0000 2020 51" in text
    assert "BIC BYLADEM1001" in text
    assert f"Verwendungszweck {referenz}" in text
    assert f"als Verwendungszweck nur das Aktenzeichen {referenz} an" in text
    assert "Betrag 150,00 €" in text
    assert f"Zahlungsfrist {claim.frist:%d.%m.%Y}" in text


def test_without_the_office_account_the_letter_says_where_to_pay(fonds, qm_user):
    claim = _claim(fonds, qm_user)

    text = _letter(claim.antrag, Dokument.Art.RUECKFORDERUNG)

    assert "IBAN" not in text
    assert "fragen Sie dort nach der Bankverbindung" in text
    assert f"Verwendungszweck {claim.antrag.referenz}" in text


def test_instalments_are_booked_until_the_claim_is_settled(fonds, qm_user):
    claim = _claim(fonds, qm_user)
    qm = Akteur(qm_user)
    heute = timezone.localdate()
    verfuegbar = aktionsfonds_saldo(fonds).verfuegbar

    rueckzahlung_record(claim.antrag, akteur=qm, datum=heute, betrag="50,00")
    rueckzahlung_record(claim.antrag, akteur=qm, datum=heute, betrag="60")

    claim.refresh_from_db()
    assert (claim.betrag_eingegangen, claim.betrag_offen, claim.offen) == (D("110"), D("40"), True)
    assert aktionsfonds_saldo(fonds).verfuegbar == verfuegbar + D("110.00")
    with pytest.raises(AbrechnungRefused) as refused:  # more than is open
        rueckzahlung_record(claim.antrag, akteur=qm, datum=heute, betrag="40,01")
    assert refused.value.field == "betrag"

    rueckzahlung_record(claim.antrag, akteur=qm, datum=heute)  # the rest

    claim.refresh_from_db()
    assert (claim.betrag_eingegangen, claim.zurueckgezahlt_am) == (D("150.00"), heute)
    buchungen = Buchung.objects.filter(antrag=claim.antrag, art=Buchung.Art.RUECKZAHLUNG)
    assert [b.betrag for b in buchungen.order_by("pk")] == [D("50.00"), D("60.00"), D("40.00")]
    saldo = aktionsfonds_saldo(fonds)
    assert (saldo.zurueckgezahlt, saldo.verfuegbar) == (D("150.00"), verfuegbar + D("150.00"))
    with pytest.raises(AbrechnungRefused):  # settled: nothing more to record
        rueckzahlung_record(claim.antrag, akteur=qm, datum=heute, betrag="1")
    assert buchungen.count() == 3


def test_the_qm_money_page_lists_each_instalment(client, staff_login, fonds, qm_user):
    claim = _claim(fonds, qm_user)
    rueckzahlung_record(
        claim.antrag, akteur=Akteur(qm_user), datum=timezone.localdate(), betrag="50"
    )
    staff_login(client, qm_user)

    response = client.get(reverse("abrechnung:qm_abrechnung", kwargs={"pk": claim.antrag.pk}))

    html = " ".join(response.content.decode().split())
    assert "Eingegangene Zahlungen" in html
    assert "offen 100,00 €" in html
    assert f"{timezone.localdate():%d.%m.%Y}</td>" in html


def test_one_reminder_after_the_deadline_with_letter_and_email(fonds, qm_user):
    _konto(fonds.quartier)
    claim = _claim(fonds, qm_user, sprache="en")
    rueckzahlung_record(
        claim.antrag, akteur=Akteur(qm_user), datum=timezone.localdate(), betrag="50"
    )

    assert rueckforderungen_mahnen(today=claim.frist) == 0  # the deadline day itself: not yet
    tag_danach = claim.frist + datetime.timedelta(days=1)
    assert rueckforderungen_mahnen(today=tag_danach) == 1
    assert rueckforderungen_mahnen(today=tag_danach + datetime.timedelta(days=3)) == 0  # once

    claim.refresh_from_db()
    assert claim.mahnfrist == tag_danach + datetime.timedelta(weeks=2)
    assert claim.gemahnt_am is not None
    eintrag = Statuswechsel.objects.filter(antrag=claim.antrag).last()
    assert eintrag.kommentar == (
        f"Zahlungserinnerung zur Rückforderung versandt: noch offen 100,00 €, neue Frist "
        f"{claim.mahnfrist:%d.%m.%Y}."
    )
    # the task the job queued: the letter, then the e-mail that carries it
    documents.dokument_deliver(claim.antrag_id, Dokument.Art.MAHNUNG)
    text = _letter(claim.antrag, Dokument.Art.MAHNUNG)
    assert "Zahlungserinnerung" in text
    assert "Bereits eingegangen 50,00 €" in text and "Noch offen 100,00 €" in text
    assert "IBAN DE02 1203 0000 0000 2020 51" in text
    assert f"Verwendungszweck {claim.antrag.referenz}" in text
    assert f"bis zum {claim.mahnfrist:%d.%m.%Y}" in text
    row = Benachrichtigung.objects.get(antrag=claim.antrag, art="rueckforderung_mahnung")
    assert (row.empfaenger, row.sprache) == (claim.antrag.antragsteller_email, "en")
    assert outbox.send(row.pk, execution="t1") is True
    (message,) = [m for m in mail.outbox if f".{row.pk}." in m.extra_headers["Message-ID"]]
    assert message.to == [claim.antrag.antragsteller_email]
    assert message.subject == f"Payment reminder for your application {claim.antrag.referenz}"
    assert "100.00" in message.body or "100,00" in message.body
    assert [a[0] for a in message.attachments] == [f"{claim.antrag.referenz}-mahnung.pdf"]


def test_the_reminder_in_german_names_the_reference(fonds, qm_user):
    claim = _claim(fonds, qm_user)

    rueckforderungen_mahnen(today=claim.frist + datetime.timedelta(days=1))
    documents.dokument_deliver(claim.antrag_id, Dokument.Art.MAHNUNG)

    row = Benachrichtigung.objects.get(antrag=claim.antrag, art="rueckforderung_mahnung")
    assert outbox.send(row.pk, execution="t1") is True
    (message,) = [m for m in mail.outbox if f".{row.pk}." in m.extra_headers["Message-ID"]]
    assert message.subject == f"Zahlungserinnerung zu Ihrem Antrag {claim.antrag.referenz}"
    assert f"Aktenzeichen {claim.antrag.referenz} an" in message.body


def test_the_reminder_job_reads_only_what_is_due_and_at_most_its_limit(fonds, qm_user):
    faellig = [_claim(fonds, qm_user) for _ in range(3)]
    bezahlt = _claim(fonds, qm_user)
    rueckzahlung_record(bezahlt.antrag, akteur=Akteur(qm_user), datum=timezone.localdate())
    spaeter = _claim(fonds, qm_user)
    Rueckforderung.objects.filter(pk=spaeter.pk).update(
        frist=faellig[0].frist + datetime.timedelta(days=30)
    )
    tag = faellig[0].frist + datetime.timedelta(days=1)

    assert rueckforderungen_mahnen(today=tag, limit=2) == 2
    assert rueckforderungen_mahnen(today=tag, limit=2) == 1  # the next run takes the rest
    assert rueckforderungen_mahnen(today=tag, limit=2) == 0

    gemahnt = set(
        Rueckforderung.objects.filter(gemahnt_am__isnull=False).values_list("pk", flat=True)
    )
    assert gemahnt == {c.pk for c in faellig}


def test_the_reminder_job_runs_daily_by_beat():
    (eintrag,) = [
        e
        for e in app.conf.beat_schedule.values()
        if e["task"] == task_names.REMIND_OVERDUE_RUECKFORDERUNGEN
    ]
    assert eintrag["schedule"].hour == {7}


def test_qm_sees_overdue_claims_on_the_dashboard(client, staff_login, fonds, qm_user):
    ueberfaellig = _claim(fonds, qm_user)
    offen = _claim(fonds, qm_user)
    heute = timezone.localdate()
    Rueckforderung.objects.filter(pk=ueberfaellig.pk).update(
        frist=heute - datetime.timedelta(days=3)
    )
    rueckforderungen_mahnen()
    staff_login(client, qm_user)

    response = client.get(reverse("qm:dashboard"))

    html = " ".join(response.content.decode().split())
    frist = heute - datetime.timedelta(days=3)
    assert (
        f"{ueberfaellig.antrag.referenz} – {ueberfaellig.antrag.titel}</a>: offen 150,00 € von "
        f"150,00 €, <strong>überfällig seit {frist:%d.%m.%Y}</strong> · erinnert am "
        f"{heute:%d.%m.%Y}, neue Frist {heute + datetime.timedelta(weeks=2):%d.%m.%Y}"
    ) in html
    assert (
        f"{offen.antrag.referenz} – {offen.antrag.titel}</a>: offen 150,00 € von 150,00 €, fällig am {offen.frist:%d.%m.%Y}"
        in html
    )
    assert html.index(ueberfaellig.antrag.referenz) < html.index(offen.antrag.referenz)
