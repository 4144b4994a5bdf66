"""No "Projektbeginn" months before the action (issue 20): the move is taken from the project's
start minus a grace the area sets on QM's rules page; before that it is refused with the day it
becomes possible, the pages say so instead of offering the button, and nothing is recorded."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from antraege.models import Antrag, AntragStatus, Quartier, Statuswechsel
from antraege.roles import SESSION_KEY
from workflow.moves import MoveRefused, antrag_move

from .abrechnung_helpers import applicant, approved

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    call_command("compilemessages", "--ignore=.venv", "--ignore=node_modules", verbosity=0)


def _beginnt_in(antrag, tage):
    beginn = timezone.localdate() + datetime.timedelta(days=tage)
    Antrag.objects.filter(pk=antrag.pk).update(beginn=beginn, ende=beginn)
    return Antrag.objects.get(pk=antrag.pk)


def test_projektbeginn_is_refused_before_the_start_minus_the_areas_grace(antrag, qm_user):
    antrag = _beginnt_in(approved(antrag, qm_user), 30)  # default grace: 14 days
    eintraege = Statuswechsel.objects.filter(antrag=antrag).count()

    with pytest.raises(MoveRefused) as refused:
        antrag_move(antrag, "start_project", akteur=applicant(antrag))

    ab = antrag.beginn - datetime.timedelta(days=14)
    assert refused.value.code == "too_early"
    assert refused.value.message == (
        f"Den Projektbeginn können Sie ab dem {ab.strftime('%d.%m.%Y')} bestätigen."
    )
    assert Antrag.objects.get(pk=antrag.pk).status == AntragStatus.APPROVED
    assert Statuswechsel.objects.filter(antrag=antrag).count() == eintraege


def test_within_the_grace_the_applicant_confirms_the_start(antrag, qm_user):
    antrag = _beginnt_in(approved(antrag, qm_user), 14)

    antrag = antrag_move(antrag, "start_project", akteur=applicant(antrag))

    assert antrag.status == AntragStatus.IN_PROGRESS


def test_the_area_sets_its_grace_on_qms_rules_page(client, staff_login, antrag, qm_user):
    antrag = _beginnt_in(approved(antrag, qm_user), 30)
    staff_login(client, qm_user)
    daten = {
        "quorum_anteil": "0,50",
        "bei_gleichstand": "reject",
        "abstimmungsdauer_tage": "7",
        "erinnerung_stunden": "48",
        "ruhezeit_stunden": "12",
        "unterlagen_tage_vorher": "5",
        "praesentation_ab": "500,00",
        "mindestgroesse": "7",
        "projektbeginn_kulanz_tage": "31",
    }
    url = reverse("jury:qm_regeln", kwargs={"quartier_pk": antrag.fonds.quartier_id})
    assert "Projektbeginn bestätigen: frühestens" in client.get(url).content.decode()

    assert client.post(url, daten).status_code == 302

    assert Quartier.objects.get(pk=antrag.fonds.quartier_id).projektbeginn_kulanz_tage == 31
    antrag = antrag_move(antrag, "start_project", akteur=applicant(antrag))
    assert antrag.status == AntragStatus.IN_PROGRESS


def test_an_admin_reads_the_rules_but_changes_neither_them_nor_the_grace(
    client, staff_login, antrag, admin_user
):
    from jury.abstimmungen.models import JuryRegeln

    quartier_id = antrag.fonds.quartier_id
    kulanz = Quartier.objects.get(pk=quartier_id).projektbeginn_kulanz_tage
    staff_login(client, admin_user)
    url = reverse("jury:qm_regeln", kwargs={"quartier_pk": quartier_id})
    assert client.get(url).status_code == 200
    regeln = list(JuryRegeln.objects.filter(quartier_id=quartier_id).values())

    antwort = client.post(url, {"mindestgroesse": "3", "projektbeginn_kulanz_tage": "200"})

    assert antwort.status_code == 403
    assert Quartier.objects.get(pk=quartier_id).projektbeginn_kulanz_tage == kulanz
    assert list(JuryRegeln.objects.filter(quartier_id=quartier_id).values()) == regeln


def test_the_pages_name_the_day_instead_of_offering_the_button(
    client, staff_login, antrag, qm_user
):
    antrag = _beginnt_in(approved(antrag, qm_user), 30)
    with translation.override("de"):  # as the page writes it: "1. März 2027"
        ab = date_format(antrag.beginn - datetime.timedelta(days=14), "DATE_FORMAT")
    hinweis = f"Den Projektbeginn können Sie ab dem {ab} bestätigen."

    session = client.session
    session[SESSION_KEY] = [antrag.pk]
    session.save()
    seite = client.get(reverse("abrechnung:mein_abrechnung", args=[antrag.pk])).content.decode()
    assert hinweis in seite
    assert "projektbeginn/" not in seite

    staff_login(client, qm_user)
    seite = client.get(reverse("abrechnung:qm_abrechnung", args=[antrag.pk])).content.decode()
    assert hinweis in seite
    assert reverse("abrechnung:qm_projektbeginn", args=[antrag.pk]) not in seite

    # a POST anyway is refused and changes nothing
    client.post(reverse("abrechnung:qm_projektbeginn", args=[antrag.pk]))
    assert Antrag.objects.get(pk=antrag.pk).status == AntragStatus.APPROVED
