"""Settlement pages: every action × every role; refusals leave no trace; bad input is refused."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from antraege.dokumente import services as documents
from antraege.dokumente.pdf import pdf_text
from antraege.factories import AntragFactory
from antraege.geld.services.abrechnung import auszahlung_release, beleg_check
from antraege.models import (
    Abschlag,
    Antrag,
    Auszahlung,
    Beleg,
    Benachrichtigung,
    Dokument,
    Projektfoto,
    Sachbericht,
    Statuswechsel,
)
from antraege.roles import SESSION_KEY, Akteur
from workflow.moves import antrag_move
from workflow.wege import anordnungen_confirm_by_two

from .abrechnung_helpers import (
    add_beleg,
    agreed,
    applicant,
    approved,
    approved_and_due,
    fondsbericht_pdf,
    in_progress,
    pdf_bytes,
    png_bytes,
    settlement_submitted,
)

pytestmark = pytest.mark.django_db


def with_beleg(antrag, qm):
    antrag = in_progress(antrag, qm)
    add_beleg(antrag, "10.00")
    return antrag


def ready_to_submit(antrag, qm):
    from antraege.geld.services.abrechnung import sachbericht_save

    antrag = with_beleg(antrag, qm)
    sachbericht_save(antrag, akteur=applicant(antrag), text="Schön.", teilnehmende=5)
    return antrag


def submitted(antrag, qm):
    return settlement_submitted(antrag, qm, ["80.00"])[0]


def checked(antrag, qm):
    antrag, (beleg,) = settlement_submitted(antrag, qm, ["80.00"])
    beleg_check(beleg, akteur=Akteur(qm), anerkannt="80.00")
    return antrag


def agreed_manual(antrag, qm):
    return agreed(approved(antrag, qm), auto=False)


def with_claim(antrag, qm):
    antrag = agreed(approved(antrag, qm))
    return antrag_move(antrag, "cancel", akteur=applicant(antrag))


def with_change_request(antrag, qm_user):
    """Approved, and the applicant asked for two more weeks to settle."""
    from antraege.antrag.services.aenderung import aenderung_request

    antrag = approved(antrag, qm_user)
    aenderung_request(
        antrag,
        akteur=Akteur(None, antrag_ids=[antrag.pk]),
        art="frist",
        abrechnungsfrist=antrag.abrechnungsfrist + datetime.timedelta(days=14),
        begruendung="Krank.",
    )
    return antrag


def snapshot(antrag):
    a = Antrag.objects.get(pk=antrag.pk)
    return (
        a.status,
        a.betrag_reserviert,
        a.betrag_ausgezahlt,
        Statuswechsel.objects.filter(antrag=a).count(),
        Beleg.objects.filter(antrag=a).values_list("pk", "status", "betrag_anerkannt").count(),
        list(Beleg.objects.filter(antrag=a).values_list("status", "betrag_anerkannt")),
        Benachrichtigung.objects.filter(antrag=a).count(),
        Sachbericht.objects.filter(antrag=a).values_list("text", flat=True).first(),
        Abschlag.objects.filter(antrag=a).exists(),
        list(Auszahlung.objects.filter(antrag=a).values_list("betrag", "bezahlt_am")),
        Projektfoto.objects.filter(antrag=a).count(),
    )


def position_id(antrag):
    return antrag.kostenpositionen.first().pk


def beleg_data(antrag, **overrides):
    data = {
        "datum": timezone.localdate().isoformat(),
        "aussteller": "Bäckerei Soldiner",
        "betrag": "42,50",
        "kostenposition": position_id(antrag),
        "datei": SimpleUploadedFile("quittung.pdf", pdf_bytes(), content_type="application/pdf"),
    }
    data.update(overrides)
    return data


def released(antrag, qm):
    antrag, (beleg,) = settlement_submitted(antrag, qm, ["100.00"])
    beleg_check(beleg, akteur=Akteur(qm), anerkannt="100.00")
    auszahlung_release(antrag, akteur=Akteur(qm))
    anordnungen_confirm_by_two(antrag, akteur=Akteur(qm))
    return antrag


def paid(antrag, qm):
    antrag = released(antrag, qm)
    return antrag_move(
        antrag,
        "mark_paid",
        akteur=Akteur(qm),
        bezahlt_am=timezone.localdate(),
        buchungszeichen="B1",
    )


def with_letter(antrag, qm):
    antrag = approved(antrag, qm)
    documents.dokument_produce(antrag.pk, Dokument.Art.BEWILLIGUNG)
    return antrag


def first_beleg(antrag):
    return Beleg.objects.filter(antrag=antrag).first().pk


def first_dokument(antrag):
    return Dokument.objects.filter(antrag=antrag).first().pk


# name: (setup, method, url name, url kwargs extra, data, allowed role)
ACTIONS = {
    "mein_abrechnung": (in_progress, "get", {}, None, "applicant"),
    "mein_projektbeginn": (approved_and_due, "post", {}, {}, "applicant"),
    "mein_beleg_neu": (in_progress, "post", {}, beleg_data, "applicant"),
    "mein_beleg_entfernen": (
        with_beleg,
        "post",
        {"beleg_pk": first_beleg},
        {},
        "applicant",
    ),
    "mein_sachbericht": (
        in_progress,
        "post",
        {},
        lambda a: {"text": "Es war schön.", "teilnehmende": "40", "logoleiste_verwendet": "ja"},
        "applicant",
    ),
    "mein_foto": (
        in_progress,
        "post",
        {},
        lambda a: {"datei": SimpleUploadedFile("f.png", png_bytes(), content_type="image/png")},
        "applicant",
    ),
    "mein_einreichen": (
        ready_to_submit,
        "post",
        {},
        {},
        "applicant",
    ),
    "mein_dokument": (with_letter, "get", {"dokument_pk": first_dokument}, None, "applicant"),
    "qm_abrechnung": (in_progress, "get", {}, None, "qm"),
    "qm_projektbeginn": (approved_and_due, "post", {}, {}, "qm"),
    "qm_abschlag": (
        agreed_manual,
        "post",
        {},
        lambda a: {"datum": timezone.localdate().isoformat(), "betrag": "100,00"},
        "qm",
    ),
    "qm_beleg_pruefen": (
        submitted,
        "post",
        {"beleg_pk": first_beleg},
        lambda a: {
            f"beleg{first_beleg(a)}-entscheidung": "accept",
            f"beleg{first_beleg(a)}-anerkannt": "70,00",
        },
        "qm",
    ),
    "qm_beleg_datei": (
        submitted,
        "get",
        {"beleg_pk": first_beleg},
        None,
        "qm",
    ),
    "qm_nachforderung": (
        submitted,
        "post",
        {},
        lambda a: {"kommentar": "Bitte den Kassenbon nachreichen."},
        "qm",
    ),
    "qm_freigeben": (
        checked,
        "post",
        {},
        {},
        "qm",
    ),
    "qm_bezahlt": (
        released,
        "post",
        {},
        lambda a: {"bezahlt_am": timezone.localdate().isoformat(), "buchungszeichen": "BZ-9"},
        "qm",
    ),
    "qm_abschliessen": (paid, "post", {}, {}, "qm"),
    "mein_vereinbarung": (approved, "post", {}, {"einverstanden": "on"}, "applicant"),
    "mein_bankverbindung": (
        approved,
        "post",
        {},
        {"kontoinhaber": "Ada Nachbarin", "iban": "DE89 3704 0044 0532 0130 00"},
        "applicant",
    ),
    "mein_entfaellt": (
        approved,
        "post",
        {},
        {"kommentar": "Regen", "bestaetigt": "on"},
        "applicant",
    ),
    "mein_aenderung": (
        approved,
        "post",
        {},
        lambda a: {
            "art": "frist",
            "abrechnungsfrist": (a.abrechnungsfrist + datetime.timedelta(days=14)).isoformat(),
            "begruendung": "Die Rechnung fehlt noch.",
        },
        "applicant",
    ),
    "qm_aenderung_entscheiden": (
        with_change_request,
        "post",
        {"wunsch_pk": lambda a: a.aenderungswuensche.get().pk},
        {"entscheidung": "bewilligen", "antwort": "Gern."},
        "qm",
    ),
    "qm_vereinbarung_papier": (
        approved,
        "post",
        {},
        lambda a: {"unterschrieben_am": timezone.localdate().isoformat()},
        "qm",
    ),
    "qm_bankverbindung": (
        approved,
        "post",
        {},
        {"kontoinhaber": "Ada Nachbarin", "iban": "DE89370400440532013000"},
        "qm",
    ),
    "qm_entfaellt": (in_progress, "post", {}, {"kommentar": "Abgesagt", "bestaetigt": "on"}, "qm"),
    "qm_rueckzahlung": (
        with_claim,
        "post",
        {},
        lambda a: {"datum": timezone.localdate().isoformat()},
        "qm",
    ),
    "qm_beleg_neu": (
        in_progress,
        "post",
        {},
        lambda a: {
            "papier-datum": timezone.localdate().isoformat(),
            "papier-aussteller": "Copyshop",
            "papier-betrag": "12,00",
            "papier-kostenposition": a.kostenpositionen.first().pk,
        },
        "qm",
    ),
    "qm_sachbericht": (
        in_progress,
        "post",
        {},
        {
            "papier-text": "Vom Papier.",
            "papier-teilnehmende": "12",
            "papier-logoleiste_verwendet": "nein",
        },
        "qm",
    ),
    "qm_einreichen": (ready_to_submit, "post", {}, {}, "qm"),
    "qm_dokument": (with_letter, "get", {"dokument_pk": first_dokument}, None, "qm"),
}
ROLES = ["anonymous", "applicant", "other_applicant", "qm", "qm_other_area", "jury"]


def client_as(client, role, antrag, users, staff_login=None):
    if role in ("applicant", "other_applicant"):
        target = antrag if role == "applicant" else AntragFactory(fonds=antrag.fonds)
        session = client.session
        session[SESSION_KEY] = [target.pk]
        session.save()
    elif role != "anonymous":
        staff_login(client, users[role])
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_permission_matrix(
    client, staff_login, antrag, qm_user, qm_other_user, jury_user, action, role
):
    setup, method, extra, data, allowed = ACTIONS[action]
    antrag = setup(antrag, qm_user) or antrag
    kwargs = {"pk": antrag.pk, **{k: f(antrag) for k, f in extra.items()}}
    url = reverse(f"abrechnung:{action}", kwargs=kwargs)
    users = {"qm": qm_user, "qm_other_area": qm_other_user, "jury": jury_user}
    client_as(client, role, antrag, users, staff_login)
    before = snapshot(antrag)

    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, data(antrag) if callable(data) else data)

    if role == allowed:
        assert response.status_code == (200 if method == "get" else 302)
        if method == "post":
            assert snapshot(antrag) != before
            assert response["Location"].endswith("/abrechnung/")
    else:
        assert response.status_code == refused_status(allowed, role)
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("login"))
        assert snapshot(antrag) == before


def refused_status(allowed, role):
    """The one access rule (``antraege.zugriff``): an applicant page is 404 for everyone
    but the applicant; a QM page sends the signed-out to the sign-in, is 404 for QM of another
    area (no hint that the Antrag exists) and 403 for a person without a QM role."""
    if allowed == "applicant":
        return 404
    if role in ("anonymous", "applicant", "other_applicant"):
        return 302
    return 404 if role == "qm_other_area" else 403


@pytest.mark.parametrize("fmt", ["pdf", "csv"])
@pytest.mark.parametrize("role", ["anonymous", "qm", "qm_other_area", "jury", "admin"])
def test_fund_report_only_for_staff_of_the_area(
    client, staff_login, antrag, qm_user, qm_other_user, jury_user, admin_user, role, fmt
):
    users = {"qm": qm_user, "qm_other_area": qm_other_user, "jury": jury_user, "admin": admin_user}
    client_as(client, role, antrag, users, staff_login)

    response = client.get(
        reverse(f"abrechnung:fonds_bericht_{fmt}", kwargs={"pk": antrag.fonds.pk})
    )

    if role in ("qm", "admin"):
        assert response.status_code == (202 if fmt == "pdf" else 200)  # the PDF: being made
        if fmt == "pdf":
            text = pdf_text(fondsbericht_pdf(client, antrag.fonds))
            assert f"Aktionsfonds Soldiner Kiez {antrag.fonds.jahr}" in text
            assert "Verfügbar 10.000,00 €" in text
        else:
            lines = response.content.decode("utf-8-sig").splitlines()
            assert {"Budget;10000,00", "Verfügbar;10000,00"} <= set(lines)
    else:
        # the one access rule: another area's QM finds no such fund (404), no QM role at all 403
        assert response.status_code == {"anonymous": 302, "jury": 403}.get(role, 404)
        assert b"10000,00" not in response.content and b"%PDF" not in response.content


def applicant_client(client, antrag):
    return client_as(client, "applicant", antrag, {})


def test_pdf_disguised_receipt_is_refused(client, antrag, qm_user):
    antrag = in_progress(antrag, qm_user)
    fake = SimpleUploadedFile(
        "beleg.pdf", b"<html>not a pdf</html>", content_type="application/pdf"
    )
    broken = SimpleUploadedFile("beleg.pdf", b"%PDF-1.7\ngarbage", content_type="application/pdf")
    applicant_client(client, antrag)
    url = reverse("abrechnung:mein_beleg_neu", kwargs={"pk": antrag.pk})

    for datei in (fake, broken):
        response = client.post(url, beleg_data(antrag, datei=datei))

        assert response.status_code == 400
        assert "Die Datei ist kein gültiges PDF/JPEG/PNG-Dokument." in response.content.decode()
        assert "<title>Fehler:" in response.content.decode()
    assert not Beleg.objects.exists()


def test_oversized_receipt_is_refused(client, antrag, qm_user, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    antrag = in_progress(antrag, qm_user)
    applicant_client(client, antrag)
    big = SimpleUploadedFile("beleg.pdf", pdf_bytes() + b"%" * 2048, content_type="application/pdf")

    response = client.post(
        reverse("abrechnung:mein_beleg_neu", kwargs={"pk": antrag.pk}),
        beleg_data(antrag, datei=big),
    )

    assert response.status_code == 400
    assert "Die Datei ist zu groß" in response.content.decode()
    assert not Beleg.objects.exists()


@pytest.mark.parametrize("betrag", ["-12,00", "0", "zwölf", "1e400", ""])
def test_bad_amount_is_refused_and_the_form_keeps_the_entries(client, antrag, qm_user, betrag):
    antrag = in_progress(antrag, qm_user)
    applicant_client(client, antrag)

    response = client.post(
        reverse("abrechnung:mein_beleg_neu", kwargs={"pk": antrag.pk}),
        beleg_data(antrag, betrag=betrag),
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="Bäckerei Soldiner"' in html
    assert 'aria-invalid="true"' in html
    assert not Beleg.objects.exists()


def test_receipt_dated_before_approval_is_flagged_not_silently_accepted(
    client, staff_login, antrag, qm_user
):
    antrag = in_progress(antrag, qm_user)
    Antrag.objects.filter(pk=antrag.pk).update(
        entschieden_am=timezone.now() - datetime.timedelta(days=10)
    )
    applicant_client(client, antrag)
    client.post(
        reverse("abrechnung:mein_beleg_neu", kwargs={"pk": antrag.pk}),
        beleg_data(antrag, datum=(timezone.localdate() - datetime.timedelta(days=20)).isoformat()),
    )
    beleg = Beleg.objects.get(antrag=antrag)
    assert (beleg.vor_bewilligung, beleg.status) == (True, Beleg.Status.OFFEN)
    from antraege.geld.services.abrechnung import sachbericht_save

    sachbericht_save(antrag, akteur=applicant(antrag), text="x", teilnehmende=1)
    antrag_move(antrag, "submit_settlement", akteur=applicant(antrag))
    client.logout()
    staff_login(client, qm_user)
    url = reverse("abrechnung:qm_beleg_pruefen", kwargs={"pk": antrag.pk, "beleg_pk": beleg.pk})

    page = client.get(reverse("abrechnung:qm_abrechnung", kwargs={"pk": antrag.pk}))
    response = client.post(
        url, {f"beleg{beleg.pk}-entscheidung": "accept", f"beleg{beleg.pk}-anerkannt": "42,50"}
    )

    assert "Vor der Bewilligung datiert" in page.content.decode()
    assert response.status_code == 400
    assert "Bitte begründen Sie" in response.content.decode()
    beleg.refresh_from_db()
    assert (beleg.status, beleg.betrag_anerkannt) == (Beleg.Status.OFFEN, None)

    client.post(
        url,
        {
            f"beleg{beleg.pk}-entscheidung": "accept",
            f"beleg{beleg.pk}-anerkannt": "42,50",
            f"beleg{beleg.pk}-grund": "Vorab mit dem QM abgestimmt.",
        },
    )
    beleg.refresh_from_db()
    assert (beleg.status, beleg.betrag_anerkannt) == (Beleg.Status.ANERKANNT, Decimal("42.50"))


def test_settlement_received_mail_goes_to_the_qm_office(client, antrag, qm_user):
    antrag, _belege = settlement_submitted(antrag, qm_user, ["20.00"])

    row = Benachrichtigung.objects.get(antrag=antrag, art="abrechnung_eingegangen")

    assert (row.empfaenger, row.sprache) == ("qm-sol@example.org", "de")


def test_fund_report_csv_holds_figures_and_funded_projects(client, staff_login, antrag, qm_user):
    antrag = paid(antrag, qm_user)
    staff_login(client, qm_user)

    response = client.get(reverse("abrechnung:fonds_bericht_csv", kwargs={"pk": antrag.fonds.pk}))

    lines = response.content.decode("utf-8-sig").splitlines()
    assert "Budget;10000,00" in lines
    assert "Bewilligt (aufgeführte Projekte);300,00" in lines
    assert "Ausgezahlt insgesamt;110,00" in lines  # 100 accepted + 10 % lump sum
    assert "Reserviert (bewilligt, noch nicht ausgezahlt);0,00" in lines  # 190 released
    assert "Verfügbar;9890,00" in lines
    assert f"{antrag.referenz};{antrag.titel};300,00;110,00;0,00;0,00;Ausgezahlt" in lines
    assert "Sachkosten;300,00;100,00" in lines


def test_fund_report_pdf_lists_the_projects(client, staff_login, antrag, qm_user):

    antrag = paid(antrag, qm_user)
    staff_login(client, qm_user)

    text = pdf_text(fondsbericht_pdf(client, antrag.fonds))
    assert f"Aktionsfonds Soldiner Kiez {antrag.fonds.jahr}" in text
    assert f"{antrag.referenz} {antrag.titel} 300,00 € 110,00 €" in text
    assert "Verfügbar 9.890,00 €" in text


def test_the_short_reports_volunteer_hours_reach_the_fund_report(
    client, staff_login, antrag, qm_user
):
    from antraege.models import Sachbericht

    antrag = in_progress(antrag, qm_user)
    applicant_client(client, antrag)
    response = client.post(
        reverse("abrechnung:mein_sachbericht", kwargs={"pk": antrag.pk}),
        {
            "text": "Es war schön.",
            "teilnehmende": "40",
            "ehrenamtsstunden": "26",
            "logoleiste_verwendet": "ja",
        },
    )
    assert response.status_code == 302
    bericht = Sachbericht.objects.get(antrag=antrag)
    assert (bericht.teilnehmende, bericht.ehrenamtsstunden) == (40, 26)

    client.logout()
    staff_login(client, qm_user)
    csv_text = client.get(
        reverse("abrechnung:fonds_bericht_csv", args=[antrag.fonds_id])
    ).content.decode()
    rows = [zeile.split(";") for zeile in csv_text.lstrip("\ufeff").splitlines()]
    assert ["Teilnehmende (laut Sachberichten)", "40"] in rows
    assert ["Ehrenamtliche Stunden (laut Sachberichten)", "26"] in rows
