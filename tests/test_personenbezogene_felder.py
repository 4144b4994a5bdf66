"""One list of an applicant's personal data (issue 18, 21): ``PERSONENBEZOGENE_FELDER`` names every
personal field of every model linked to an Antrag. The form's contact step reads it, anonymisation
blanks or deletes every field on it, the Art. 15 export holds every one of them; and this test fails
when a model gets a text or file field that is on neither list."""

import io
import json
import zipfile

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.db import models

from antraege.antrag.forms.antrag import UeberSieForm
from antraege.datenschutz.aufbewahrung import ANONYM_TITEL, antrag_anonymise
from antraege.datenschutz.auskunft import auskunft_create
from antraege.datenschutz.models import (
    ANTRAG_KONTAKTFELDER,
    NICHT_IN_DER_AUSKUNFT,
    PERSONENBEZOGENE_FELDER,
    AdressBestaetigung,
)
from antraege.factories import AntragFactory
from antraege.models import Aenderungswunsch, Anhang, Antrag, Bankverbindung, Projektfoto
from antraege.roles import Akteur
from workflow.wege import antrag_walk_to

pytestmark = pytest.mark.django_db

# Text and file fields of the models linked to an Antrag that are no personal data, and why.
NICHT_PERSONENBEZOGEN = {
    # system reference, state, language, the retention rule that applies
    "antraege.Antrag": {"referenz", "status", "sprache", "aufbewahrung_regel"},
    "antraege.Kostenposition": set(),
    "antraege.Statuswechsel": {"von_status", "nach_status", "rolle"},
    "antraege.Anhang": {"art", "content_type"},
    "antraege.Dokument": {"art"},
    "antraege.Vereinbarung": {"art"},
    "antraege.Rueckforderung": {"anlass"},
    "antraege.Buchung": {"art"},
    "antraege.Benachrichtigung": {
        "art",
        "kanal",
        "sprache",
        "dedupe_key",
        "claimed_by",
        "letzter_fehler",
    },
    "antraege.Beleg": {"content_type", "status"},
    "antraege.Aenderungswunsch": {"art", "status"},
    "antraege.Projektfoto": {"content_type"},
    "antraege.Auszahlung": {"buchungszeichen"},  # the office's booking mark
    "antraege.Auszahlungsanordnung": {"art", "status"},
    "antraege.Anonymisierung": {"regel"},
    # the audit log is about staff acting; pruned after its own period
    "antraege.Zugriffsnachweis": {"akteur_name", "aktion", "gegenstand"},
    "jury.Abstimmung": {
        "modus",
        "status",
        "bei_gleichstand",
        "ergebnis",
        "ergebnis_hinweis",
        "kostenplan",  # amounts per cost line id
    },
    "jury.Tagesordnungspunkt": {"beschluss", "kostenplan"},  # amounts per cost line id
}
TEXT_FIELDS = (models.CharField, models.TextField, models.FileField, models.JSONField)


def _modelle_mit_antrag():
    return [
        model
        for model in apps.get_models()
        if model is Antrag
        or any(
            getattr(field, "related_model", None) is Antrag
            for field in model._meta.get_fields()
            if field.concrete
        )
    ]


def test_every_text_field_of_a_model_linked_to_an_antrag_is_classified():
    unclassified = {}
    for model in _modelle_mit_antrag():
        label = model._meta.label
        names = {f.name for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)}
        known = set(PERSONENBEZOGENE_FELDER.get(label, ())) | NICHT_PERSONENBEZOGEN.get(
            label, set()
        )
        if names - known:
            unclassified[label] = sorted(names - known)
        # and nothing on the lists that the model does not have
        assert known <= names, (label, sorted(known - names))
    assert unclassified == {}, (
        "personal data or not? add each field to PERSONENBEZOGENE_FELDER "
        "(antraege/datenschutz/models.py) or to NICHT_PERSONENBEZOGEN here"
    )


def test_the_forms_contact_step_asks_for_the_listed_contact_data():
    assert list(UeberSieForm.base_fields)[: len(ANTRAG_KONTAKTFELDER)] == list(ANTRAG_KONTAKTFELDER)


@pytest.fixture
def volles_antrag(fonds, qm_user):
    """A paid Antrag with a row of (nearly) every model that holds personal data, every personal
    field filled with its own marker."""
    antrag = antrag_walk_to(AntragFactory(fonds=fonds), "paid", qm_user=qm_user)
    anhang = Anhang(antrag=antrag, originalname="a.pdf", content_type="application/pdf", groesse=9)
    anhang.datei.save("a.pdf", ContentFile(b"%PDF-1.7\n"), save=True)
    foto = Projektfoto(antrag=antrag, originalname="f.png", content_type="image/png", groesse=9)
    foto.datei.save("f.png", ContentFile(b"png"), save=True)
    AdressBestaetigung.objects.create(antrag=antrag, email=antrag.antragsteller_email)
    Aenderungswunsch.objects.create(antrag=antrag, art="frist", begruendung="x", antwort="y")
    if not Bankverbindung.objects.filter(antrag=antrag).exists():
        Bankverbindung.objects.create(antrag=antrag, iban="DE02", kontoinhaber="x")
    marken = {}
    for label, felder in PERSONENBEZOGENE_FELDER.items():
        model = apps.get_model(label)
        rows = (
            model.objects.filter(pk=antrag.pk)
            if model is Antrag
            else model.objects.filter(antrag=antrag)
        )
        for pk in rows.values_list("pk", flat=True):
            werte = {}
            for name in felder:
                marke = f"PB{len(marken):03d}"
                field = model._meta.get_field(name)
                if isinstance(field, models.JSONField):
                    werte[name] = {"nachricht": marke}
                elif isinstance(field, models.EmailField):
                    werte[name] = f"{marke.lower()}@example.org"
                elif isinstance(field, models.FileField):
                    werte[name] = f"test/{marke}.pdf"
                else:
                    werte[name] = marke
                marken[(label, pk, name)] = marke
            model.objects.filter(pk=pk).update(**werte)
    # the address the export looks up by
    Antrag.objects.filter(pk=antrag.pk).update(antragsteller_email="person@example.org")
    return antrag, marken


def test_the_art_15_export_holds_every_personal_field(volles_antrag, qm_user):
    antrag, marken = volles_antrag

    auskunft = auskunft_create(
        email="person@example.org",
        akteur=Akteur(qm_user),
        identitaet_geprueft=True,
        nachweis="Ausweis",
    )

    with zipfile.ZipFile(io.BytesIO(auskunft.inhalt)) as archive:
        text = archive.read("auskunft.json").decode()
        dateien = [name for name in archive.namelist() if name != "auskunft.json"]
    json.loads(text)
    labels = {label for label, _pk, _name in marken}
    # the models a paid Antrag has rows of (a vote, a meeting and letters come with other walks)
    assert {
        "antraege.Antrag",
        "antraege.Kostenposition",
        "antraege.Statuswechsel",
        "antraege.Anhang",
        "antraege.Bankverbindung",
        "antraege.Auszahlungsanordnung",
        "antraege.Benachrichtigung",
        "antraege.Beleg",
        "antraege.Sachbericht",
        "antraege.Projektfoto",
        "antraege.AdressBestaetigung",
    } <= labels
    gesucht = {
        key: marke
        for key, marke in marken.items()
        if key[2] not in NICHT_IN_DER_AUSKUNFT.get(key[0], ())
        and key != ("antraege.Antrag", antrag.pk, "antragsteller_email")  # looked up by it
    }
    datei_felder = [
        key
        for key in gesucht
        if isinstance(apps.get_model(key[0])._meta.get_field(key[2]), models.FileField)
    ]
    fehlt = [
        key[::2]
        for key, marke in gesucht.items()
        if key not in datei_felder and marke.lower() not in text.lower()
    ]
    assert fehlt == []
    # a stored file goes into the ZIP itself (here as "…fehlt.txt": the test stored none)
    assert len(dateien) == len(datei_felder)


def test_anonymisation_leaves_no_personal_field(volles_antrag):
    antrag, marken = volles_antrag

    antrag_anonymise(antrag.pk, regel="erfolglos")

    uebrig = []
    for label, pk, name in marken:
        row = apps.get_model(label).objects.filter(pk=pk).values(name).first()
        if row is None:  # the row was deleted
            continue
        wert = row[name]
        if label == "antraege.Antrag" and name == "titel":
            assert wert == ANONYM_TITEL
        elif wert not in ("", None, {}):
            uebrig.append((label, name, wert))
    assert uebrig == []
