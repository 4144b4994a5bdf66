"""Changes after approval: the QM office hears of them. When the applicant reports "Aktion entfällt",
the office address gets an e-mail in the office's language; when QM itself records it, nobody is
e-mailed twice about their own move. The applicant asks to move the dates or for more time to
settle; QM grants (the deadlines move, expiry follows them) or refuses (nothing changes)."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from antraege.antrag.services import aenderung
from antraege.models import Aenderungswunsch, Antrag, AntragStatus, Benachrichtigung
from antraege.roles import SESSION_KEY, Akteur
from workflow.deadlines import abrechnung_deadlines_check
from workflow.moves import antrag_move

from .abrechnung_helpers import applicant, approved
from .test_jury_emails_sprache import gesendet

pytestmark = pytest.mark.django_db


def _datum_de(value):
    """A date as a German e-mail writes it ("29. März 2027")."""
    with translation.override("de"):
        return date_format(value, "DATE_FORMAT")


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    call_command("compilemessages", "--ignore=.venv", "--ignore=node_modules", verbosity=0)


@pytest.mark.parametrize(
    ("qm_sprache", "betreff", "begruendung"),
    [
        ("de", "Meldung „Aktion entfällt“: {ref}", "Begründung: Der Saal ist abgebrannt."),
        ("en", "Reported cancelled: {ref}", "Reason: Der Saal ist abgebrannt."),
    ],
)
def test_applicants_cancellation_reaches_the_qm_office_in_the_offices_language(
    antrag, qm_user, mailoutbox, qm_sprache, betreff, begruendung
):
    quartier = antrag.fonds.quartier
    quartier.qm_sprache = qm_sprache
    quartier.save(update_fields=["qm_sprache"])
    antrag = approved(antrag, qm_user)

    antrag = antrag_move(
        antrag, "cancel", akteur=applicant(antrag), kommentar="Der Saal ist abgebrannt."
    )

    assert antrag.status == AntragStatus.CANCELLED
    nachricht = gesendet("aktion_entfaellt_qm", mailoutbox)[quartier.qm_email]
    assert nachricht.subject == betreff.format(ref=antrag.referenz)
    assert nachricht.extra_headers["Content-Language"] == qm_sprache
    assert begruendung in nachricht.body
    assert antrag.referenz in nachricht.body


def test_qm_recording_the_cancellation_sends_the_office_no_e_mail(antrag, qm_user):
    antrag = approved(antrag, qm_user)

    antrag_move(antrag, "cancel", akteur=Akteur(qm_user), kommentar="Telefonisch gemeldet.")

    assert not Benachrichtigung.objects.filter(art="aktion_entfaellt_qm").exists()
    # the applicant is still told, as before
    assert Benachrichtigung.objects.filter(antrag=antrag, art="aktion_entfaellt").exists()


def test_a_refused_cancellation_e_mails_nobody(antrag, qm_user):
    from workflow.moves import MoveRefused

    with pytest.raises(MoveRefused):
        antrag_move(antrag, "cancel", akteur=applicant(antrag), kommentar="zu früh")

    assert not Benachrichtigung.objects.filter(art__startswith="aktion_entfaellt").exists()


# --- The applicant asks to move the dates or for more time; QM grants or refuses. ---


def _frist_weeks(antrag):
    return datetime.timedelta(weeks=antrag.fonds.abrechnungsfrist_wochen)


def test_a_granted_date_change_moves_the_project_dates_and_the_settlement_deadline(
    antrag, qm_user, mailoutbox
):
    antrag = approved(antrag, qm_user)
    beginn, ende = (
        antrag.beginn + datetime.timedelta(weeks=8),
        antrag.ende + datetime.timedelta(weeks=9),
    )

    wunsch = aenderung.aenderung_request(
        antrag,
        akteur=applicant(antrag),
        art=Aenderungswunsch.Art.TERMIN,
        beginn=beginn,
        ende=ende,
        begruendung="Der Saal ist erst im Herbst frei.",
    )
    aenderung.aenderung_decide(wunsch, akteur=Akteur(qm_user), bewilligt=True, antwort="Gern.")

    antrag = Antrag.objects.get(pk=antrag.pk)
    assert (antrag.beginn, antrag.ende) == (beginn, ende)
    assert antrag.abrechnungsfrist == ende + _frist_weeks(antrag)
    kommentare = list(antrag.statuswechsel.values_list("kommentar", flat=True))
    assert any("Der Saal ist erst im Herbst frei." in k for k in kommentare)
    assert any(k.startswith("Änderung bewilligt") and "Gern." in k for k in kommentare)
    nachricht = gesendet("aenderung_bewilligt", mailoutbox)[antrag.antragsteller_email]
    assert nachricht.subject == f"Ihre Änderung ist bewilligt: Antrag {antrag.referenz}"
    # dates in the reader's language: "29. März 2027"
    assert _datum_de(ende) in nachricht.body
    assert _datum_de(antrag.abrechnungsfrist) in nachricht.body


def test_a_granted_extension_moves_the_deadline_and_expiry_does_not_hit_it(antrag, qm_user):
    antrag = approved(antrag, qm_user)
    alte_frist = antrag.abrechnungsfrist
    neue_frist = alte_frist + datetime.timedelta(weeks=6)
    wunsch = aenderung.aenderung_request(
        antrag,
        akteur=applicant(antrag),
        art=Aenderungswunsch.Art.FRIST,
        abrechnungsfrist=neue_frist,
        begruendung="Die Druckerei hat die Rechnung noch nicht geschickt.",
    )
    aenderung.aenderung_decide(wunsch, akteur=Akteur(qm_user), bewilligt=True)

    assert Antrag.objects.get(pk=antrag.pk).abrechnungsfrist == neue_frist
    # the day after the old deadline: not expired, and no reminder yet either
    assert abrechnung_deadlines_check(today=alte_frist + datetime.timedelta(days=1)) == (0, 0)
    assert Antrag.objects.get(pk=antrag.pk).status == AntragStatus.APPROVED
    # the day after the new deadline it expires as any other
    assert abrechnung_deadlines_check(today=neue_frist + datetime.timedelta(days=1))[1] == 1
    assert Antrag.objects.get(pk=antrag.pk).status == AntragStatus.EXPIRED


@pytest.mark.parametrize(
    ("sprache", "betreff"),
    [
        ("de", "Ihr Änderungswunsch ist abgelehnt: Antrag {ref}"),
        ("en", "Your change request has been refused: application {ref}"),
    ],
)
def test_a_refused_request_changes_nothing_and_tells_the_applicant_in_their_language(
    antrag, qm_user, mailoutbox, sprache, betreff
):
    Antrag.objects.filter(pk=antrag.pk).update(sprache=sprache)
    antrag = approved(antrag, qm_user)
    vorher = (antrag.beginn, antrag.ende, antrag.abrechnungsfrist)
    wunsch = aenderung.aenderung_request(
        antrag,
        akteur=applicant(antrag),
        art=Aenderungswunsch.Art.FRIST,
        abrechnungsfrist=antrag.abrechnungsfrist + datetime.timedelta(weeks=20),
        begruendung="Mehr Zeit, bitte.",
    )
    aenderung.aenderung_decide(
        wunsch, akteur=Akteur(qm_user), bewilligt=False, antwort="Das Jahr endet vorher."
    )

    antrag = Antrag.objects.get(pk=antrag.pk)
    assert (antrag.beginn, antrag.ende, antrag.abrechnungsfrist) == vorher
    assert Aenderungswunsch.objects.get().status == Aenderungswunsch.Status.ABGELEHNT
    nachricht = gesendet("aenderung_abgelehnt", mailoutbox)[antrag.antragsteller_email]
    assert nachricht.subject == betreff.format(ref=antrag.referenz)
    assert nachricht.extra_headers["Content-Language"] == sprache
    assert "Das Jahr endet vorher." in nachricht.body


@pytest.mark.parametrize(
    ("qm_sprache", "betreff"),
    [("de", "Änderungswunsch: {ref}"), ("en", "Change request: {ref}")],
)
def test_a_request_reaches_the_qm_office_in_the_offices_language(
    antrag, qm_user, mailoutbox, qm_sprache, betreff
):
    quartier = antrag.fonds.quartier
    quartier.qm_sprache = qm_sprache
    quartier.save(update_fields=["qm_sprache"])
    antrag = approved(antrag, qm_user)

    aenderung.aenderung_request(
        antrag,
        akteur=applicant(antrag),
        art=Aenderungswunsch.Art.FRIST,
        abrechnungsfrist=antrag.abrechnungsfrist + datetime.timedelta(days=14),
        begruendung="Krank.",
    )

    nachricht = gesendet("aenderung_beantragt", mailoutbox)[quartier.qm_email]
    assert nachricht.subject == betreff.format(ref=antrag.referenz)
    assert nachricht.extra_headers["Content-Language"] == qm_sprache


def test_refused_requests_and_decisions_leave_no_trace(antrag, qm_user):
    antrag = approved(antrag, qm_user)
    schritte = antrag.statuswechsel.count()
    frist = antrag.abrechnungsfrist
    falsch = [
        # QM cannot ask in the applicant's name here, the applicant must give a reason,
        # a shorter deadline is no extension, the end cannot come before the start
        dict(akteur=Akteur(qm_user), art="frist", abrechnungsfrist=frist + datetime.timedelta(1)),
        dict(
            akteur=applicant(antrag),
            art="frist",
            abrechnungsfrist=frist + datetime.timedelta(1),
            begruendung=" ",
        ),
        dict(akteur=applicant(antrag), art="frist", abrechnungsfrist=frist),
        dict(
            akteur=applicant(antrag),
            art="termin",
            beginn=antrag.ende,
            ende=antrag.ende - datetime.timedelta(1),
        ),
    ]
    for kwargs in falsch:
        kwargs.setdefault("begruendung", "Grund")
        with pytest.raises(aenderung.AenderungRefused):
            aenderung.aenderung_request(antrag, **kwargs)
    assert not Aenderungswunsch.objects.exists()

    wunsch = aenderung.aenderung_request(
        antrag,
        akteur=applicant(antrag),
        art="frist",
        abrechnungsfrist=frist + datetime.timedelta(7),
        begruendung="Grund",
    )
    with pytest.raises(aenderung.AenderungRefused):  # one open request at a time
        aenderung.aenderung_request(
            antrag,
            akteur=applicant(antrag),
            art="frist",
            abrechnungsfrist=frist + datetime.timedelta(8),
            begruendung="Noch einer",
        )
    with pytest.raises(aenderung.AenderungRefused):  # the applicant cannot decide
        aenderung.aenderung_decide(wunsch, akteur=applicant(antrag), bewilligt=True)
    with pytest.raises(aenderung.AenderungRefused):  # a refusal needs a message
        aenderung.aenderung_decide(wunsch, akteur=Akteur(qm_user), bewilligt=False)

    wunsch.refresh_from_db()
    assert wunsch.status == Aenderungswunsch.Status.OFFEN
    assert Antrag.objects.get(pk=antrag.pk).abrechnungsfrist == frist
    assert antrag.statuswechsel.count() == schritte + 1  # only the one request
    assert Benachrichtigung.objects.filter(art="aenderung_beantragt").count() == 1
    assert not Benachrichtigung.objects.filter(
        art__in=["aenderung_bewilligt", "aenderung_abgelehnt"]
    ).exists()


def test_a_request_is_refused_outside_the_project_phase(antrag):
    with pytest.raises(aenderung.AenderungRefused):
        aenderung.aenderung_request(
            antrag,
            akteur=applicant(antrag),
            art="frist",
            abrechnungsfrist=datetime.date(2099, 1, 1),
            begruendung="Grund",
        )
    assert not Aenderungswunsch.objects.exists()


# --- The pages: "Mein Antrag" (settlement page) asks, QM's page decides ---


def test_the_applicant_asks_on_the_page_and_qm_refuses_with_a_message(
    client, staff_login, antrag, qm_user
):
    antrag = approved(antrag, qm_user)
    session = client.session
    session[SESSION_KEY] = [antrag.pk]
    session.save()
    mein = reverse("abrechnung:mein_abrechnung", args=[antrag.pk])
    assert "Änderung beantragen" in client.get(mein).content.decode()
    neu_beginn = antrag.beginn + datetime.timedelta(days=30)
    neu_ende = antrag.ende + datetime.timedelta(days=30)

    response = client.post(
        reverse("abrechnung:mein_aenderung", args=[antrag.pk]),
        {
            "art": "termin",
            "beginn": neu_beginn.isoformat(),
            "ende": neu_ende.isoformat(),
            "begruendung": "Der Park ist gesperrt.",
        },
    )
    assert response.status_code == 302
    wunsch = Aenderungswunsch.objects.get(antrag=antrag)
    assert (wunsch.art, wunsch.beginn, wunsch.ende) == ("termin", neu_beginn, neu_ende)
    assert "Das Quartiersmanagement prüft Ihren Wunsch" in client.get(mein).content.decode()

    client.logout()
    staff_login(client, qm_user)
    qm_seite = client.get(reverse("abrechnung:qm_abrechnung", args=[antrag.pk])).content.decode()
    assert "Der Park ist gesperrt." in qm_seite
    entscheiden = reverse("abrechnung:qm_aenderung_entscheiden", args=[antrag.pk, wunsch.pk])
    # a refusal without a message is refused on the form, nothing changes
    assert client.post(entscheiden, {"entscheidung": "ablehnen", "antwort": ""}).status_code == 400
    wunsch.refresh_from_db()
    assert wunsch.status == Aenderungswunsch.Status.OFFEN
    response = client.post(
        entscheiden, {"entscheidung": "ablehnen", "antwort": "Im Park ist Baustelle bis 2028."}
    )
    assert response.status_code == 302
    wunsch.refresh_from_db()
    assert wunsch.status == Aenderungswunsch.Status.ABGELEHNT
    assert Antrag.objects.get(pk=antrag.pk).beginn == antrag.beginn

    client.logout()
    session = client.session
    session[SESSION_KEY] = [antrag.pk]
    session.save()
    mein_seite = client.get(mein).content.decode()
    assert "Im Park ist Baustelle bis 2028." in mein_seite
    assert "Änderung beantragen" in mein_seite  # may ask again


def test_a_date_change_out_of_the_funds_year_is_refused_and_leaves_no_trace(antrag, qm_user):
    antrag = approved(antrag, qm_user)
    jahr = antrag.fonds.jahr
    eintraege = antrag.statuswechsel.count()

    with pytest.raises(aenderung.AenderungRefused) as refused:
        aenderung.aenderung_request(
            antrag,
            akteur=applicant(antrag),
            art=Aenderungswunsch.Art.TERMIN,
            beginn=datetime.date(jahr, 12, 20),
            ende=datetime.date(jahr + 1, 1, 10),
            begruendung="Wir feiern lieber ins neue Jahr hinein.",
        )

    assert refused.value.field == "ende"
    assert refused.value.message.startswith(
        f"Die Aktion muss im Jahr {jahr} stattfinden: Der Aktionsfonds {jahr} fördert nur "
        "Aktionen in seinem Jahr."
    )
    assert not Aenderungswunsch.objects.exists()
    assert antrag.statuswechsel.count() == eintraege
    assert not Benachrichtigung.objects.filter(art="aenderung_beantragt").exists()


def test_the_settlement_deadline_may_move_into_the_next_year(antrag, qm_user):
    antrag = approved(antrag, qm_user)
    neue_frist = datetime.date(antrag.fonds.jahr + 1, 1, 31)
    wunsch = aenderung.aenderung_request(
        antrag,
        akteur=applicant(antrag),
        art=Aenderungswunsch.Art.FRIST,
        abrechnungsfrist=neue_frist,
        begruendung="Die letzte Rechnung kommt erst im Januar.",
    )
    aenderung.aenderung_decide(wunsch, akteur=Akteur(qm_user), bewilligt=True)

    assert Antrag.objects.get(pk=antrag.pk).abrechnungsfrist == neue_frist


def test_mein_antrag_shows_the_request_and_qms_answer(client, antrag, qm_user):
    antrag = approved(antrag, qm_user)
    wunsch = aenderung.aenderung_request(
        antrag,
        akteur=applicant(antrag),
        art=Aenderungswunsch.Art.FRIST,
        abrechnungsfrist=antrag.abrechnungsfrist + datetime.timedelta(weeks=2),
        begruendung="Die Rechnung fehlt noch.",
    )
    aenderung.aenderung_decide(
        wunsch, akteur=Akteur(qm_user), bewilligt=False, antwort="Bitte rechnen Sie so ab."
    )
    session = client.session
    session[SESSION_KEY] = [antrag.pk]
    session.save()

    seite = client.get(reverse("antraege:mein_antrag", args=[antrag.pk])).content.decode()

    assert "Begründung: Die Rechnung fehlt noch." in seite
    assert "Bitte rechnen Sie so ab." in seite
