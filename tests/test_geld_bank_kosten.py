"""Bank details (validated, masked), cost categories with three states, the texts generated from
them, letters' amounts, paper application and paper settlement."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from antraege.dokumente.pdf import pdf_text
from antraege.dokumente.services import dokument_html, dokument_produce
from antraege.factories import AntragFactory, KostenkategorieFactory, QuartierFactory
from antraege.fonds.services import kosten
from antraege.geld.selectors.vereinbarung import iban_masked
from antraege.geld.services.abrechnung import (
    AbrechnungRefused,
    auszahlung_release,
    beleg_add,
    beleg_check,
)
from antraege.geld.services.vereinbarung import bankverbindung_save, iban_normalised
from antraege.models import (
    Antrag,
    AntragStatus,
    Bankverbindung,
    Dokument,
    Kostenposition,
    Statuswechsel,
)
from antraege.roles import SESSION_KEY, Akteur
from workflow.moves import MoveRefused, antrag_move
from workflow.wege import antrag_walk_to

from .abrechnung_helpers import agreed, applicant, approved, in_progress, reload

D = Decimal
IBAN_DE = "DE89 3704 0044 0532 0130 00"


# --- IBAN ---


@pytest.mark.parametrize(
    ("eingabe", "ergebnis"),
    [
        (IBAN_DE, "DE89370400440532013000"),
        ("de89370400440532013000", "DE89370400440532013000"),
        ("FR14 2004 1010 0505 0001 3M02 606", "FR1420041010050500013M02606"),  # SEPA abroad
    ],
)
def test_iban_valid(eingabe, ergebnis):
    assert iban_normalised(eingabe) == ergebnis


@pytest.mark.parametrize(
    ("eingabe", "meldung"),
    [
        ("DE89 3704 0044 0532 0130 01", "Die Prüfziffer der IBAN stimmt nicht."),
        ("TR33 0006 1005 1978 6457 8413 26", "nur auf Konten im SEPA-Raum möglich"),
        ("", "Bitte geben Sie die IBAN an."),
        ("   ", "Bitte geben Sie die IBAN an."),
        ("XX12 3456", "Eine IBAN beginnt mit dem Länderkennzeichen"),
        ("DE89 3704 0044 0532", "nicht die richtige Länge"),
    ],
)
def test_iban_refused_with_a_clear_message(eingabe, meldung):
    with pytest.raises(AbrechnungRefused) as refused:
        iban_normalised(eingabe)

    assert meldung in refused.value.message
    assert refused.value.field == "iban"


def test_iban_masked_shows_country_and_last_four():
    assert iban_masked("DE89370400440532013000") == "DE•• •••• •••• •••• ••30 00"


@pytest.mark.django_db
def test_bank_details_refused_input_changes_nothing(antrag, qm_user):
    antrag = approved(antrag, qm_user)
    with pytest.raises(AbrechnungRefused):
        bankverbindung_save(
            antrag, akteur=applicant(antrag), iban="DE00 1234", kontoinhaber="Ada Nachbarin"
        )
    with pytest.raises(AbrechnungRefused):
        bankverbindung_save(antrag, akteur=applicant(antrag), iban=IBAN_DE, kontoinhaber=" ")
    assert not Bankverbindung.objects.exists()


@pytest.mark.django_db
def test_bank_details_form_keeps_entries_and_names_the_error(client, antrag, qm_user):
    antrag = approved(antrag, qm_user)
    session = client.session
    session[SESSION_KEY] = [antrag.pk]
    session.save()

    response = client.post(
        reverse("abrechnung:mein_bankverbindung", kwargs={"pk": antrag.pk}),
        {"kontoinhaber": "Ada Nachbarin", "iban": "DE89 3704 0044 0532 0130 01"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Die Prüfziffer der IBAN stimmt nicht." in html
    assert 'value="DE89 3704 0044 0532 0130 01"' in html
    assert 'value="Ada Nachbarin"' in html
    assert not Bankverbindung.objects.exists()


@pytest.mark.django_db
def test_iban_in_full_only_for_qm_of_the_area(
    client, staff_login, antrag, qm_user, qm_other_user, jury_user, admin_user
):
    antrag = approved(antrag, qm_user)
    bankverbindung_save(antrag, akteur=applicant(antrag), iban=IBAN_DE, kontoinhaber="Ada N.")
    full, masked = IBAN_DE, "DE•• •••• •••• •••• ••30 00"
    qm_page = reverse("abrechnung:qm_abrechnung", kwargs={"pk": antrag.pk})
    detail = reverse("qm:antrag_detail", kwargs={"pk": antrag.pk})

    staff_login(client, qm_user)
    html = client.get(qm_page).content.decode()
    assert full in html

    for user in (qm_other_user, jury_user, admin_user):
        staff_login(client, user)
        for url in (qm_page, detail):
            response = client.get(url)
            assert full not in response.content.decode()
            assert "0532 0130" not in response.content.decode()
    staff_login(client, admin_user)
    assert client.get(detail).status_code == 200  # admins see the Antrag, not the IBAN

    client.logout()
    session = client.session
    session[SESSION_KEY] = [antrag.pk]
    session.save()
    html = client.get(reverse("abrechnung:mein_abrechnung", kwargs={"pk": antrag.pk})).content
    assert masked in html.decode()
    assert full not in html.decode()


@pytest.mark.django_db
def test_every_payout_order_carries_the_bank_details(antrag, qm_user):
    from .abrechnung_helpers import add_beleg

    antrag = in_progress(antrag, qm_user)
    bankverbindung_save(antrag, akteur=applicant(antrag), iban=IBAN_DE, kontoinhaber="Ada N.")
    agreed(antrag)
    advance = pdf_text(dokument_produce(antrag.pk, Dokument.Art.ABSCHLAG_ANORDNUNG).datei.read())
    assert "IBAN DE89 3704 0044 0532 0130 00" in advance
    assert "Auszuzahlen (Abschlag) 150,00 €" in advance

    beleg = add_beleg(antrag, "200.00")
    from antraege.geld.services.abrechnung import sachbericht_save

    sachbericht_save(antrag, akteur=applicant(antrag), text="Fest", teilnehmende=9)
    antrag = antrag_move(antrag, "submit_settlement", akteur=applicant(antrag))
    beleg_check(beleg, akteur=Akteur(qm_user), anerkannt="200.00")
    auszahlung_release(antrag, akteur=Akteur(qm_user))
    rest = pdf_text(dokument_produce(antrag.pk, Dokument.Art.AUSZAHLUNGSANORDNUNG).datei.read())
    assert "IBAN DE89 3704 0044 0532 0130 00" in rest
    assert "Restzahlung 70,00 €" in rest

    bescheid = pdf_text(dokument_produce(antrag.pk, Dokument.Art.ABRECHNUNG).datei.read())
    assert "Material (Sachkosten) 300,00 € 200,00 €" in bescheid
    assert "Aufwandspauschale (10 % der anerkannten Kosten" in bescheid
    assert "20,00 €" in bescheid
    assert "Abschlag vom" in bescheid and "150,00 €" in bescheid
    assert "Restzahlung 70,00 €" in bescheid
    assert "1 " + timezone.localdate().strftime("%d.%m.%Y") + " Baumarkt Wedding" in bescheid


# --- Letters ---


@pytest.mark.django_db
def test_approval_letter_states_plan_lump_sum_and_exclusions_from_data(antrag, qm_user):
    KostenkategorieFactory(quartier=antrag.fonds.quartier, name="Honorare", foerderung="exception")
    KostenkategorieFactory(quartier=antrag.fonds.quartier, name="Pfand", foerderung="excluded")
    # 300 € of lines and the fund's 10 % lump sum on top: 330 € requested and approved
    Antrag.objects.filter(pk=antrag.pk).update(betrag_beantragt=Decimal("330.00"))
    antrag = approved(Antrag.objects.get(pk=antrag.pk), qm_user, betrag="330.00")

    text = pdf_text(dokument_produce(antrag.pk, Dokument.Art.BEWILLIGUNG).datei.read())

    assert "Zuschuss von 330,00 €" in text
    assert "Abschlag vor dem Projekt: 50 % des bewilligten Betrags, also 165,00 €" in text
    assert "höchstens 165,00 €" in text
    assert "Aufwandspauschale für eigene kleine Ausgaben (10 %" in text
    assert "bis 30,00 €" in text
    assert "Nur ausnahmsweise und mit Begründung des Quartiersmanagements: Honorare." in text
    assert "Nicht gefördert werden: Personalkosten; Pfand; Kosten, die vor der Bewilligung" in text
    assert "gegen Belege erstattet" not in text
    assert "bleibendem Wert" not in text


@pytest.mark.django_db
def test_letter_reimbursement_only_when_the_fund_pays_no_advance(antrag, qm_user):
    antrag.fonds.abschlag_prozent = D("0")
    antrag.fonds.save()
    antrag = approved(antrag, qm_user)

    text = pdf_text(dokument_produce(antrag.pk, Dokument.Art.BEWILLIGUNG).datei.read())

    assert "Der Zuschuss wird nach der Abrechnung ausgezahlt" in text
    assert "Abschlag vor dem Projekt" not in text


@pytest.mark.django_db
def test_agreement_pdf_holds_lines_plan_duties_and_confirmation(antrag, qm_user):
    antrag = agreed(approved(antrag, qm_user))

    text = pdf_text(dokument_produce(antrag.pk, Dokument.Art.VEREINBARUNG).datei.read())

    assert "Material Sachkosten 300,00 €" in text
    assert "also 150,00 €" in text
    assert "Originalbelege" in text and "Logoleiste" in text
    assert f"bis spätestens {antrag.abrechnungsfrist:%d.%m.%Y}" in text
    assert "innerhalb von 4 Wochen nach der Rückforderung" in text
    assert f"Online bestätigt von {antrag.antragsteller_name} am" in text


@pytest.mark.django_db
def test_applicant_text_is_escaped_in_the_agreement(antrag, qm_user):
    Kostenposition.objects.filter(antrag=antrag).update(beschreibung="<img src=x onerror=1>")
    antrag = approved(antrag, qm_user)

    html = dokument_html(antrag, Dokument.Art.VEREINBARUNG)

    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=1&gt;" in html


# --- Cost categories ---


@pytest.mark.django_db
def test_defaults_follow_the_programme_rules():
    quartier = QuartierFactory(code="NEU", name="Neues Gebiet")

    assert kosten.kostenkategorien_defaults_create(quartier) == len(kosten.DEFAULT_KATEGORIEN)
    assert kosten.kostenkategorien_defaults_create(quartier) == 0
    state = dict(quartier.kostenkategorien.values_list("name", "foerderung"))
    assert state["Honorare"] == "exception"
    for name in ("Alkohol", "Gutscheine und Geschenkkarten", "Pfand"):
        assert state[name] == "excluded"
    assert state["Bezahlung der Antragstellenden"] == "excluded"
    assert state["Anschaffungen von bleibendem Wert"] == "eligible"


@pytest.mark.django_db
def test_exception_line_needs_a_reason_before_the_jury(antrag, qm_user):
    honorar = KostenkategorieFactory(
        quartier=antrag.fonds.quartier, name="Honorare", foerderung="exception"
    )
    position = Kostenposition.objects.create(
        antrag=antrag, kategorie=honorar, beschreibung="Clownin", einzelpreis=D("100.00")
    )
    antrag.betrag_beantragt = D("400.00")
    antrag.save()
    qm = Akteur(qm_user)
    antrag = antrag_walk_to(antrag, "in_review", qm_user=qm_user)

    with pytest.raises(MoveRefused) as refused:
        antrag_move(antrag, "put_to_jury", akteur=qm)
    assert "Für „Clownin“ (Honorare) fehlt die Begründung der Ausnahme." in refused.value.message
    with pytest.raises(AbrechnungRefused) as refused:
        kosten.ausnahme_begruenden(position, akteur=qm, grund="  ")
    assert refused.value.field == "grund"
    assert reload(antrag).status == AntragStatus.IN_REVIEW

    kosten.ausnahme_begruenden(position, akteur=qm, grund="Besondere Fähigkeit.")
    antrag = antrag_move(antrag, "put_to_jury", akteur=qm)

    assert antrag.status == AntragStatus.JURY_VOTE
    position.refresh_from_db()
    assert position.ausnahme_grund == "Besondere Fähigkeit."


@pytest.mark.django_db
def test_exception_reason_refused_to_others_and_for_eligible_lines(antrag, qm_user, akteure):
    position = antrag.kostenpositionen.get()
    antrag_walk_to(antrag, "submitted")
    with pytest.raises(AbrechnungRefused):  # "Sachkosten" is eligible: no exception
        kosten.ausnahme_begruenden(position, akteur=Akteur(qm_user), grund="x")
    for name in ("applicant", "qm_other_area", "jury", "admin"):
        with pytest.raises(AbrechnungRefused):
            kosten.ausnahme_begruenden(position, akteur=akteure[name], grund="x")
    position.refresh_from_db()
    assert position.ausnahme_grund == ""


@pytest.mark.django_db
def test_start_page_exclusions_follow_the_data(client, fonds):
    response = client.get(reverse("start"))
    assert "<li>Personalkosten</li>" in response.content.decode()

    fonds.quartier.kostenkategorien.filter(name="Personalkosten").update(foerderung="eligible")
    KostenkategorieFactory(quartier=fonds.quartier, name="Pfand", foerderung="excluded")

    html = client.get(reverse("start")).content.decode()
    assert "<li>Personalkosten</li>" not in html
    assert "<li>Pfand</li>" in html
    assert "<li>Kosten, die vor der Bewilligung entstanden sind</li>" in html
    assert "Quittungen ein und bekommen das Geld." not in html


# --- Paper application and paper settlement ---


@pytest.mark.django_db
def test_qm_enters_a_paper_application_marked_in_the_timeline(client, staff_login, fonds, qm_user):
    import uuid

    staff_login(client, qm_user)
    response = client.post(
        reverse("antraege:antrag_start", kwargs={"code": fonds.quartier.code}),
        {
            "submission_token": str(uuid.uuid4()),
            "aktion": "weiter",
            "antragsteller_name": "Ayşe Yılmaz",
            "antragsteller_strasse": "Koloniestraße 3",
            "antragsteller_plz": "13359",
            "antragsteller_ort": "Berlin",
            "antragsteller_email": "ayse@example.org",
            "wohnt_oder_arbeitet_im_gebiet": "on",
            "sprache": "tr",
        },
    )

    assert response.status_code == 302
    step = Statuswechsel.objects.get(antrag__antragsteller_email="ayse@example.org")
    assert step.antrag.papierantrag is True
    assert step.rolle == "qm"
    assert step.akteur == qm_user
    assert step.kommentar.startswith("Papierantrag")


@pytest.mark.django_db
def test_qm_enters_the_whole_settlement_from_paper(antrag, qm_user):
    from antraege.geld.services.abrechnung import sachbericht_save

    antrag = in_progress(antrag, qm_user)
    qm = Akteur(qm_user)
    position = antrag.kostenpositionen.get()
    erster = beleg_add(
        antrag,
        akteur=qm,
        datum=timezone.localdate(),
        aussteller="Copyshop",
        betrag="12,00",
        kostenposition_id=position.pk,
    )
    zweiter = beleg_add(
        antrag,
        akteur=qm,
        datum=timezone.localdate(),
        aussteller="Baumarkt",
        betrag="88,00",
        kostenposition_id=position.pk,
    )
    sachbericht_save(antrag, akteur=qm, text="Vom Papier.", teilnehmende=12)
    antrag = antrag_move(antrag, "submit_settlement", akteur=qm, kommentar="Auf Papier.")

    assert (erster.nummer, zweiter.nummer) == (1, 2)
    assert not erster.datei
    assert antrag.status == AntragStatus.SETTLEMENT_SUBMITTED
    assert Statuswechsel.objects.filter(antrag=antrag).last().rolle == "qm"


@pytest.mark.django_db
def test_applicant_receipt_needs_a_file_and_a_cost_line_of_the_own_antrag(antrag, qm_user):
    antrag = in_progress(antrag, qm_user)
    fremde = AntragFactory(fonds=antrag.fonds).kostenpositionen.get()
    with pytest.raises(AbrechnungRefused) as refused:
        beleg_add(
            antrag,
            akteur=applicant(antrag),
            datum=timezone.localdate(),
            aussteller="Laden",
            betrag="5",
            kostenposition_id=antrag.kostenpositionen.get().pk,
        )
    assert refused.value.field == "datei"
    with pytest.raises(AbrechnungRefused) as refused:
        beleg_add(
            antrag,
            akteur=applicant(antrag),
            datum=timezone.localdate(),
            aussteller="Laden",
            betrag="5",
            kostenposition_id=fremde.pk,
        )
    assert refused.value.field == "kostenposition"
    assert not antrag.belege.exists()
