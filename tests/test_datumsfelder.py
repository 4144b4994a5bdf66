"""Dates that stick: every date field renders ISO for ``<input type="date">`` in every language and
reads back the same after saving (the "Bezahlt am" field used to get "01.12.2026", which a date
input drops, so the date was lost)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from antraege.factories import project_start
from antraege.geld.forms.abrechnung import AbschlagForm, BelegForm, BezahltForm
from antraege.geld.services.abrechnung import auszahlung_release, beleg_check
from antraege.models import Abschlag, Antrag, Auszahlung, Beleg
from antraege.roles import SESSION_KEY, Akteur
from jury.sitzungen.forms import SitzungForm as JurysitzungForm
from workflow.wege import anordnungen_confirm_by_two

from .abrechnung_helpers import agreed, approved, in_progress, pdf_upload, settlement_submitted
from .resident_helpers import projekt, schritt_url

pytestmark = pytest.mark.django_db

LANGUAGES = ["de", "en", "tr", "ar"]
DAY = datetime.date(2026, 11, 3)  # day ≠ month, so a swapped order shows


def input_value(html, name):
    match = re.search(rf'<input type="date" name="{name}" value="([^"]*)"', html)
    assert match, f"no date input {name}"
    return match.group(1)


def language_cookie(client, language):
    client.cookies["django_language"] = language


DATE_FORMS = {
    "beleg_datum": (lambda antrag: BelegForm(antrag=antrag, initial={"datum": DAY}), "datum"),
    "abschlag_datum": (lambda antrag: AbschlagForm(initial={"datum": DAY}), "datum"),
    "bezahlt_am": (lambda antrag: BezahltForm(initial={"bezahlt_am": DAY}), "bezahlt_am"),
    "jurysitzung_datum": (lambda antrag: JurysitzungForm(initial={"datum": DAY}), "datum"),
    "jurysitzung_einreichungsfrist": (
        lambda antrag: JurysitzungForm(initial={"einreichungsfrist": DAY}),
        "einreichungsfrist",
    ),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", DATE_FORMS)
def test_date_widget_renders_iso_and_parses_it_back(antrag, name, language):
    make, field = DATE_FORMS[name]
    with translation.override(language):
        form = make(antrag)
        value = input_value(str(form[field]), field)
        parsed = form.fields[field].clean(value)

    assert (value, parsed) == ("2026-11-03", DAY)


@pytest.mark.parametrize("language", LANGUAGES)
def test_project_dates_round_trip_through_step_2(client, antrag, language):
    session = client.session
    session[SESSION_KEY] = [antrag.pk]
    session.save()
    language_cookie(client, language)
    beginn = project_start() + datetime.timedelta(days=2)  # after the lead time
    ende = beginn + datetime.timedelta(days=1)

    client.post(
        schritt_url(antrag.pk, 2), projekt(beginn=beginn.isoformat(), ende=ende.isoformat())
    )
    html = client.get(schritt_url(antrag.pk, 2)).content.decode()

    antrag.refresh_from_db()
    assert (antrag.beginn, antrag.ende) == (beginn, ende)
    assert (input_value(html, "beginn"), input_value(html, "ende")) == (
        beginn.isoformat(),
        ende.isoformat(),
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_receipt_date_round_trips_and_is_kept_when_the_form_is_refused(
    client, antrag, qm_user, language
):
    antrag = in_progress(antrag, qm_user)
    session = client.session
    session[SESSION_KEY] = [antrag.pk]
    session.save()
    language_cookie(client, language)
    url = reverse("abrechnung:mein_beleg_neu", args=[antrag.pk])
    position = antrag.kostenpositionen.first()
    data = {"datum": DAY.isoformat(), "aussteller": "Markt", "kostenposition": position.pk}

    refused = client.post(url, {**data, "betrag": "zwölf", "datei": pdf_upload()})
    client.post(url, {**data, "betrag": "12,50", "datei": pdf_upload()})

    assert input_value(refused.content.decode(), "datum") == DAY.isoformat()
    assert list(Beleg.objects.filter(antrag=antrag).values_list("datum", flat=True)) == [DAY]


@pytest.mark.parametrize("language", ["de", "en", "tr", "ar"])
def test_paid_date_shown_by_the_qm_page_is_saved_as_shown(
    client, staff_login, antrag, qm_user, language
):
    antrag, (beleg,) = settlement_submitted(antrag, qm_user, ["100.00"])
    beleg_check(beleg, akteur=Akteur(qm_user), anerkannt="100.00")
    auszahlung_release(antrag, akteur=Akteur(qm_user))
    anordnungen_confirm_by_two(antrag, akteur=Akteur(qm_user))
    staff_login(client, qm_user)
    language_cookie(client, language)  # staff pages: tr/ar fall back to German

    page = client.get(reverse("abrechnung:qm_abrechnung", args=[antrag.pk])).content.decode()
    shown = input_value(page, "bezahlt_am")
    client.post(
        reverse("abrechnung:qm_bezahlt", args=[antrag.pk]),
        {"bezahlt_am": shown, "buchungszeichen": "BZ-1"},
    )

    assert shown == timezone.localdate().isoformat()
    assert Auszahlung.objects.get(antrag=antrag).bezahlt_am == timezone.localdate()


@pytest.mark.parametrize("language", ["de", "en", "tr", "ar"])
def test_advance_date_round_trips(client, staff_login, antrag, qm_user, language):
    antrag = agreed(approved(antrag, qm_user), auto=False)
    staff_login(client, qm_user)
    language_cookie(client, language)

    client.post(
        reverse("abrechnung:qm_abschlag", args=[antrag.pk]),
        {"datum": DAY.isoformat(), "betrag": "100,00"},
    )

    assert Abschlag.objects.get(antrag=antrag).datum == DAY
    assert Antrag.objects.get(pk=antrag.pk).abschlag.datum == DAY
