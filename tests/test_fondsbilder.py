"""The fund's chart, figures, approvals per month and fields of action: the pages write them
without the template engine (``antraege.web.fondsbilder``); the templates are the reference, byte
for byte, in every language, with what a user typed (an area's or a field's name) escaped."""

import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from antraege.factories import HandlungsfeldFactory
from antraege.fonds.selectors.fondsbild import (
    bewilligungen_je_monat,
    fondsbild_for,
    handlungsfelder_alle,
    handlungsfelder_bericht,
)
from antraege.geld.buchungen.selectors import Saldo, saldo_from_row
from antraege.models import Handlungsfeld
from antraege.web.fondsbilder import (
    FONDSBILD_TEMPLATE,
    HANDLUNGSFELDER_TEMPLATE,
    MONATSBILD_TEMPLATE,
    SALDO_TEMPLATE,
    fondsbild_html,
    handlungsfelder_zeilen_html,
    monatsbild_html,
    saldo_html,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ["de", "en", "tr", "ar"]
BOESE = "<b>\"Kiez\" & 'Feld'</b>"
ESCAPED = "&lt;b&gt;&quot;Kiez&quot; &amp; &#x27;Feld&#x27;&lt;/b&gt;"

# (figures of the fund row, closed): a fund with money in every figure; one with nothing yet
# (every bar but the budget and what is available is 0 € and drawn as no bar); one closed
SALDI = {
    "in use": (
        {
            "summe_reserviert": "1234.50",
            "summe_abschlag": "800",
            "summe_restzahlung": "99.99",
            "summe_zurueckgefordert": "120",
            "summe_zurueckgezahlt": "20.01",
        },
        False,
    ),
    "new": ({}, False),
    "closed": (
        {"summe_reserviert": "300", "summe_abschlag": "4000", "summe_verfallen": "5700"},
        True,
    ),
}


def _fonds_mit(fonds, figures, closed):
    fonds.quartier.name = BOESE
    for name, value in figures.items():
        setattr(fonds, name, Decimal(value))
    fonds.abgeschlossen_am = (
        datetime.datetime(2027, 1, 4, 23, 30, tzinfo=datetime.UTC) if closed else None
    )
    return fonds


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("fall", list(SALDI))
def test_the_chart_and_figures_are_what_their_templates_write(fonds, language, fall):
    fonds = _fonds_mit(fonds, *SALDI[fall])
    with translation.override(language):
        bild = fondsbild_for(fonds, saldo=saldo_from_row(fonds))
        schnell = fondsbild_html(bild) + saldo_html(bild)
        vorlage = render_to_string(FONDSBILD_TEMPLATE, {"bild": bild}) + render_to_string(
            SALDO_TEMPLATE, {"saldo": bild}
        )
    assert schnell == vorlage
    assert ESCAPED in schnell and BOESE not in schnell
    # a bar of 0 € draws nothing: as many bars as figures above 0
    assert schnell.count('class="af-fondsbild__balken ') == sum(z.betrag > 0 for z in bild.zahlen)
    if fall == "closed":  # the day of the close in Berlin (23:30 UTC is the next day there)
        assert "05.01.2027" in schnell


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_figures_of_a_saldo_are_what_the_template_writes(language):
    saldo = Saldo(budget=Decimal("10000"), reserviert=Decimal("1234567.89"))
    with translation.override(language):
        assert saldo_html(saldo) == render_to_string(SALDO_TEMPLATE, {"saldo": saldo})
    assert "<strong>" in saldo_html(saldo)  # what is available stands out


# (year, month, approvals, sum) as the fund's stored figures hold them: December of the year
# before (decided for this fund), one month with one approval, one with many, the rest none
MONATE = {
    "several": [
        (2025, 12, 2, Decimal("900")),
        (2026, 3, 1, Decimal("1500")),
        (2026, 6, 14, Decimal("10123.45")),
    ],
    "one": [(2026, 5, 1, Decimal("0.01"))],
    "none": [],
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("fall", list(MONATE))
def test_the_months_are_what_their_template_writes(fonds, language, fall):
    fonds.jahr = 2026
    with translation.override(language):
        monate = bewilligungen_je_monat(fonds, MONATE[fall])
        schnell = monatsbild_html(monate, fonds)
        vorlage = render_to_string(MONATSBILD_TEMPLATE, {"monate": monate, "fonds": fonds})
    assert schnell == vorlage
    assert schnell.count("<rect ") == len(MONATE[fall])  # a column per month with approvals
    assert schnell.count("<tr><th") == 12 + (fall == "several")  # and December 2025


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_fields_of_action_are_what_their_template_writes(fonds, language):
    boese = HandlungsfeldFactory(name=BOESE, slug="boese", reihenfolge=9)
    je_feld = [(boese.pk, 3, Decimal("2500.50"), Decimal("1000"))]
    with translation.override(language):
        felder = handlungsfelder_bericht(fonds, je_feld)
        schnell = handlungsfelder_zeilen_html(felder)
        vorlage = render_to_string(HANDLUNGSFELDER_TEMPLATE, {"felder": felder})
    assert schnell == vorlage
    assert ESCAPED in schnell and schnell.count("<tr>") == len(felder) >= 2


def test_all_fields_of_action_are_read_as_the_orm_reads_them(fonds):
    """``handlungsfelder_alle`` (a statement compiled once) gives what ``objects.all()`` gives."""
    HandlungsfeldFactory(name=BOESE, name_en="Evil", slug="boese", reihenfolge=0, aktiv=False)
    spalten = [field.attname for field in Handlungsfeld._meta.concrete_fields]

    schnell, orm = handlungsfelder_alle(), list(Handlungsfeld.objects.all())

    assert [[getattr(f, s) for s in spalten] for f in schnell] == [
        [getattr(f, s) for s in spalten] for f in orm
    ]
    assert len(schnell) >= 2 and schnell[0].name == BOESE  # in their order
    assert all(f._state.db == "default" and not f._state.adding for f in schnell)
    with translation.override("en"):
        assert schnell[0].anzeigename == "Evil"


def test_the_report_page_and_dashboard_show_them(client, staff_login, fonds, qm_user):
    """The pages use the fast twins: chart, figures, months and fields of action are on them."""
    staff_login(client, qm_user)
    bericht = client.get(reverse("qm:fonds_bericht", args=[fonds.pk])).content.decode()
    dashboard = client.get(reverse("qm:dashboard")).content.decode()
    for seite in (bericht, dashboard):
        assert f'id="fondsbild-{fonds.pk}-titel"' in seite
        assert 'data-zahl="verfuegbar"' in seite
    assert f'id="monate-{fonds.pk}-tabelle"' in bericht
    assert 'id="handlungsfelder-tabelle"' in bericht and '<th scope="row">' in bericht
