"""Form data a resident would type, step by step, for the test client."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from antraege.factories import HandlungsfeldFactory, project_start


def ueber_sie(token=None, **changes):
    data = {
        "antragsteller_name": "Aylin Demir",
        "antragsteller_strasse": "Soldiner Straße 12",
        "antragsteller_plz": "13359",
        "antragsteller_ort": "Berlin",
        "antragsteller_email": "aylin@example.org",
        "antragsteller_telefon": "",
        "organisation": "",
        "wohnt_oder_arbeitet_im_gebiet": "on",
        "sprache": "tr",
    }
    if token is not None:
        data["submission_token"] = str(token)
    data.update(changes)
    return data


def projekt(**changes):
    beginn = project_start()
    data = {
        "titel": "Hoffest Soldiner Kiez",
        "kurzbeschreibung": "Ein Fest im Hof für alle.",
        "ziele": "Nachbarn lernen sich kennen.",
        "zielgruppe": "Alle im Kiez",
        "teilnehmende_erwartet": "80",
        "projektort": "Hof Soldiner Straße 12",
        "beginn": beginn.isoformat(),
        "ende": beginn.isoformat(),
        "oeffentlichkeitsarbeit": "Plakate im Haus",
        "handlungsfelder": [str(HandlungsfeldFactory().pk)],
    }
    data.update(changes)
    return data


def kosten(zeilen, *, betrag="300.00", weitere="0", total=None, **changes):
    """``zeilen``: [(kategorie_pk, beschreibung, menge, einzelpreis)]; empty rows pad to ``total``."""
    total = total if total is not None else len(zeilen) + 1
    data = {
        "pos-TOTAL_FORMS": str(total),
        "pos-INITIAL_FORMS": "0",
        "pos-MIN_NUM_FORMS": "0",
        "pos-MAX_NUM_FORMS": "50",
        "betrag_beantragt": betrag,
        "weitere_mittel": weitere,
        "eigenleistung_stunden": "20",
        "eigenleistung_beschreibung": "Aufbau und Abbau",
    }
    for i in range(total):
        kategorie, beschreibung, menge, preis = zeilen[i] if i < len(zeilen) else ("", "", "", "")
        data[f"pos-{i}-kategorie"] = str(kategorie)
        data[f"pos-{i}-beschreibung"] = beschreibung
        data[f"pos-{i}-menge"] = str(menge)
        data[f"pos-{i}-einzelpreis"] = str(preis)
    data.update(changes)
    return data


ERKLAERUNGEN = {
    "erklaerung_nicht_kommerziell": "on",
    "erklaerung_nicht_begonnen": "on",
    "erklaerung_belege": "on",
}


def token_from(response):
    match = re.search(r'name="submission_token" value="([0-9a-f-]{36})"', response.content.decode())
    assert match, "the first step renders a hidden submission token"
    return match.group(1)


def schritt_url(antrag_pk, schritt):
    return reverse("antraege:schritt", kwargs={"pk": antrag_pk, "schritt": schritt})


def heute():
    return timezone.localdate()


def tage(n):
    return datetime.timedelta(days=n)


def title_of(response):
    match = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    return " ".join(match.group(1).split())
