"""The rows of the fund report and the public list: each page writes them without the template
engine (``antraege.web.listenzeilen``); the row templates are the reference, byte for byte."""

from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from antraege.factories import AntragFactory, HandlungsfeldFactory
from antraege.fonds.selectors.veroeffentlichung import gefoerderte_aktionen
from antraege.geld.selectors.abrechnung import bericht_projekte
from antraege.models import AntragStatus
from antraege.web.listenzeilen import (
    BERICHT_TEMPLATE,
    OEFFENTLICH_TEMPLATE,
    bericht_zeilen,
    bericht_zeilen_html,
    oeffentliche_zeilen,
    oeffentliche_zeilen_html,
)

pytestmark = pytest.mark.django_db

BOESE = "<b>\"Fest\" & 'Feier'</b>"
ESCAPED = "&lt;b&gt;&quot;Fest&quot; &amp; &#x27;Feier&#x27;&lt;/b&gt;"


def _gefoerdert(fonds, **kwargs):
    """A funded Antrag, status written by hand (the rows are what is tested, not the moves)."""
    antrag = AntragFactory(fonds=fonds, **kwargs)
    antrag.status = AntragStatus.IN_PROGRESS
    antrag.referenz = f"AF-{fonds.jahr}-<X>-{antrag.pk}"
    antrag.betrag_bewilligt = antrag.betrag_reserviert = Decimal("1234.50")
    antrag.save()
    return antrag


@pytest.mark.parametrize("language", ["de", "en", "ar"])
def test_fund_report_rows_fast_path_writes_what_the_template_writes(fonds, language):
    boese = _gefoerdert(fonds, titel=BOESE)
    _gefoerdert(fonds, titel="Hoffest")

    with translation.override(language):
        zeilen = bericht_zeilen(bericht_projekte(fonds))
        schnell = bericht_zeilen_html(zeilen)
        vorlage = render_to_string(BERICHT_TEMPLATE, {"zeilen": zeilen})

    assert schnell == vorlage
    assert schnell.count("<tr>") == 2
    assert ESCAPED in schnell and "&lt;X&gt;" in schnell
    assert f'href="{reverse("qm:antrag_detail", args=[boese.pk])}"' in schnell


@pytest.mark.parametrize("language", ["de", "en", "tr"])
@pytest.mark.parametrize("mit_quartier", [True, False])
def test_public_rows_fast_path_writes_what_the_template_writes(fonds, language, mit_quartier):
    feld = HandlungsfeldFactory(name=BOESE, slug="boese")
    _gefoerdert(fonds, titel=BOESE, organisation=BOESE, handlungsfelder=[feld])
    _gefoerdert(fonds, titel="Hoffest", organisation="", handlungsfelder=[])

    with translation.override(language):
        zeilen = oeffentliche_zeilen(gefoerderte_aktionen(jahr=fonds.jahr))
        schnell = oeffentliche_zeilen_html(zeilen, mit_quartier=mit_quartier)
        vorlage = render_to_string(
            OEFFENTLICH_TEMPLATE, {"zeilen": zeilen, "mit_quartier": mit_quartier}
        )

    assert schnell == vorlage
    assert schnell.count("<tr>") == 2
    assert schnell.count(ESCAPED) == 3  # title, organisation, field of action
    assert (fonds.quartier.name in schnell) == mit_quartier


@pytest.mark.parametrize("wert", ["", "b", "<x>"])
def test_select_with_inline_options_writes_what_djangos_own_select_writes(wert):
    """The project's ``django/forms/widgets/select.html`` writes its options inline (no include
    per option); Django's own templates (``DjangoTemplates`` renderer) are the reference."""
    from django import forms
    from django.forms.renderers import DjangoTemplates, TemplatesSetting

    choices = [("", "Alle"), ("b", BOESE), ("Gruppe", [("<x>", "X & Y"), ("z", "Z")])]
    widget = forms.Select(choices=choices, attrs={"class": "kern-form-input__select"})

    eigene = widget.render("feld", wert, renderer=TemplatesSetting())
    django = widget.render("feld", wert, renderer=DjangoTemplates())

    assert eigene == django
    assert eigene.count("<option") == 4 and ESCAPED in eigene
    assert eigene.count(" selected") == 1
