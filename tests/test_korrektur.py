"""QM corrects an Antrag's data after the jury (issue 20): with a reason, old and new values in the
timeline the applicant sees, the applicant told in their language (by letter when they chose
post); refused without a reason, without a change or before the jury's decision, leaving no trace."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from antraege.antrag.services import korrektur
from antraege.models import Antrag, Benachrichtigung, Statuswechsel
from antraege.roles import SESSION_KEY, Akteur
from workflow.wege import antrag_walk_to

from .abrechnung_helpers import approved
from .test_jury_emails_sprache import gesendet

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    call_command("compilemessages", "--ignore=.venv", "--ignore=node_modules", verbosity=0)


def _korrigieren(antrag, qm_user, grund="Tippfehler aus dem Papierantrag.", **werte):
    return korrektur.antrag_correct(antrag, akteur=Akteur(qm_user), grund=grund, werte=werte)


def _spur(antrag):
    return (
        Antrag.objects.filter(pk=antrag.pk)
        .values_list("titel", "antragsteller_strasse", "antragsteller_plz")
        .get(),
        Statuswechsel.objects.filter(antrag=antrag).count(),
        Benachrichtigung.objects.filter(art="antrag_korrigiert").count(),
    )


def test_qm_corrects_after_the_jury_and_the_applicant_sees_it_in_their_language(
    client, antrag, qm_user, mailoutbox
):
    Antrag.objects.filter(pk=antrag.pk).update(titel="Hoffets", sprache="en")
    antrag = approved(Antrag.objects.get(pk=antrag.pk), qm_user)
    alte_strasse = antrag.antragsteller_strasse

    geaendert = _korrigieren(
        antrag,
        qm_user,
        titel="Hoffest",
        antragsteller_strasse="Soldiner Straße 14",
        antragsteller_plz=antrag.antragsteller_plz,  # unchanged: not listed
    )

    assert geaendert == ["titel", "antragsteller_strasse"]
    antrag = Antrag.objects.get(pk=antrag.pk)
    assert (antrag.titel, antrag.antragsteller_strasse) == ("Hoffest", "Soldiner Straße 14")
    eintrag = Statuswechsel.objects.filter(antrag=antrag).order_by("-pk").first()
    assert not eintrag.intern
    assert eintrag.kommentar == (
        "Angaben korrigiert: Titel des Projekts: „Hoffets“ → „Hoffest“; Straße und Hausnummer: "
        f"„{alte_strasse}“ → „Soldiner Straße 14“. Grund: Tippfehler aus dem Papierantrag."
    )
    nachricht = gesendet("antrag_korrigiert", mailoutbox)[antrag.antragsteller_email]
    assert nachricht.subject == f"Details of your application corrected: {antrag.referenz}"
    assert "Project title: „Hoffets“ → „Hoffest“" in nachricht.body
    assert "Tippfehler aus dem Papierantrag." in nachricht.body
    assert "Postleitzahl" not in nachricht.body and "Postcode" not in nachricht.body

    session = client.session
    session[SESSION_KEY] = [antrag.pk]
    session.save()
    seite = client.get(reverse("antraege:mein_antrag", args=[antrag.pk])).content.decode()
    assert "Grund: Tippfehler aus dem Papierantrag." in seite


def test_a_resident_who_chose_post_gets_the_correction_as_a_letter(antrag, qm_user):
    Antrag.objects.filter(pk=antrag.pk).update(briefe_per_post=True)
    antrag = approved(Antrag.objects.get(pk=antrag.pk), qm_user)

    _korrigieren(antrag, qm_user, antragsteller_plz="13357")

    brief = Benachrichtigung.objects.get(art="antrag_korrigiert")
    assert (brief.kanal, brief.empfaenger) == ("post", "")


@pytest.mark.parametrize(
    ("grund", "werte", "code", "feld"),
    [
        ("", {"titel": "Hoffest"}, "invalid", "grund"),
        ("Tippfehler", {"titel": "Nachbarschaftsfest 1"}, "invalid", None),
        ("Tippfehler", {"titel": "   "}, "invalid", "titel"),
        ("Tippfehler", {"antragsteller_plz": "1335"}, "invalid", "antragsteller_plz"),
        ("Tippfehler", {"betrag_bewilligt": "900"}, "invalid", "betrag_bewilligt"),
    ],
)
def test_a_refused_correction_leaves_no_trace(antrag, qm_user, grund, werte, code, feld):
    Antrag.objects.filter(pk=antrag.pk).update(titel="Nachbarschaftsfest 1")
    antrag = approved(Antrag.objects.get(pk=antrag.pk), qm_user)
    vorher = _spur(antrag)

    with pytest.raises(korrektur.KorrekturRefused) as refused:
        _korrigieren(antrag, qm_user, grund=grund, **werte)

    assert (refused.value.code, refused.value.field) == (code, feld)
    assert _spur(antrag) == vorher


def test_before_the_jury_decided_qm_cannot_correct_here(antrag, qm_user):
    antrag = antrag_walk_to(antrag, "jury_vote", qm_user=qm_user)
    vorher = _spur(antrag)

    with pytest.raises(korrektur.KorrekturRefused) as refused:
        _korrigieren(antrag, qm_user, titel="Hoffest")

    assert refused.value.code == "wrong_state"
    assert _spur(antrag) == vorher


def test_qm_of_another_area_cannot_correct(antrag, qm_user, qm_other_user):
    antrag = approved(antrag, qm_user)
    vorher = _spur(antrag)

    with pytest.raises(korrektur.KorrekturRefused) as refused:
        _korrigieren(antrag, qm_other_user, titel="Hoffest")
    assert refused.value.code == "forbidden"

    assert _spur(antrag) == vorher


def test_the_page_corrects_with_a_reason_and_asks_for_one(client, staff_login, antrag, qm_user):
    antrag = approved(antrag, qm_user)
    staff_login(client, qm_user)
    detail = client.get(reverse("qm:antrag_detail", args=[antrag.pk])).content.decode()
    url = reverse("qm:antrag_korrigieren", args=[antrag.pk])
    assert url in detail
    formular = client.get(url)
    daten = {
        name: ("" if value is None else value)
        for name, value in formular.context["form"].initial.items()
        if name in korrektur.KORRIGIERBARE_FELDER
    }

    ohne_grund = client.post(url, {**daten, "titel": "Hoffest"})
    assert ohne_grund.status_code == 400
    assert Antrag.objects.get(pk=antrag.pk).titel == antrag.titel

    response = client.post(url, {**daten, "titel": "Hoffest", "grund": "Tippfehler"})
    assert response.status_code == 302
    assert response["Location"] == reverse("qm:antrag_detail", args=[antrag.pk])
    assert Antrag.objects.get(pk=antrag.pk).titel == "Hoffest"
