"""Every e-mail template, rendered with hostile input everywhere a user can type: the HTML part shows
it as text (escaped), the text part as typed (no entities), the subject stays one plain line."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from antraege.factories import AntragFactory, QuartierFactory
from antraege.mail import messages as mail_messages
from antraege.models import Benachrichtigung

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert(\"x\")</script><img src=x onerror=alert(1)> & 'Co'"
ENTITIES = ("&lt;", "&gt;", "&amp;", "&quot;", "&#x27;", "&#39;")
EMAIL_ARTEN = sorted(
    p.parent.name for p in (Path(settings.BASE_DIR) / "templates" / "emails").glob("*/text.txt")
)
# Every key any template reads from ``kontext`` (staff-typed and system values alike), found in the
# templates themselves so a new e-mail is covered too; lists (an agenda) get one hostile item.
KONTEXT_KEYS = sorted(
    {
        key
        for p in (Path(settings.BASE_DIR) / "templates" / "emails").glob("*/*.txt")
        for key in re.findall(r"kontext\.(\w+)", p.read_text())
    }
)
HOSTILE_ITEM = dict.fromkeys(["position", "referenz", "titel", "betrag", "name"], HOSTILE)


def hostile_kontext():
    kontext = dict.fromkeys(KONTEXT_KEYS, HOSTILE)
    for key in ("tagesordnung", "dokumente"):
        if key in kontext:
            kontext[key] = [HOSTILE_ITEM] if key == "tagesordnung" else []
    return kontext


@pytest.fixture
def hostile_antrag(db):
    quartier = QuartierFactory(
        name=f"Kiez {HOSTILE}", code="HOS", qm_buero_name=HOSTILE, qm_anschrift=HOSTILE
    )
    from antraege.factories import AktionsfondsFactory

    fonds = AktionsfondsFactory(quartier=quartier)
    antrag = AntragFactory(
        fonds=fonds,
        titel=HOSTILE,
        antragsteller_name=HOSTILE,
        organisation=HOSTILE,
        entscheidungsgrund=HOSTILE,
    )
    antrag.referenz = "AF-2026-HOS-001"
    antrag.save(update_fields=["referenz"])
    return antrag


def test_every_template_is_covered():
    """The tests below take their e-mails from the templates folder: every e-mail folder has its
    text part, and the ones residents, jury and QM get are among them (a wrong path or a renamed
    part must not shrink the escaping tests to none)."""
    folders = sorted(
        p.name for p in (Path(settings.BASE_DIR) / "templates" / "emails").iterdir() if p.is_dir()
    )
    assert EMAIL_ARTEN == folders
    assert {"antrag_eingegangen", "bewilligt", "abstimmung_eroeffnet", "sitzung_unterlagen"} <= set(
        EMAIL_ARTEN
    )


@pytest.mark.parametrize("sprache", ["de", "ar"])
@pytest.mark.parametrize("art", EMAIL_ARTEN)
def test_email_escapes_hostile_input_in_html_and_keeps_text_plain(hostile_antrag, art, sprache):
    row = Benachrichtigung.objects.create(
        art=art,
        empfaenger="person@example.org",
        sprache=sprache,
        antrag=hostile_antrag,
        kontext=hostile_kontext(),
    )

    subject, text, html = mail_messages.render(row)

    lowered = html.lower()
    assert "<script" not in lowered and "<img" not in lowered
    assert "&lt;script&gt;" in html  # the name at least is shown, as text
    assert HOSTILE in text  # as typed
    assert not any(entity in text for entity in ENTITIES)
    assert "\n" not in subject and not any(entity in subject for entity in ENTITIES)
    assert "<script" not in html.split("<body>")[0].lower()  # the <title> too


@pytest.mark.parametrize("art", EMAIL_ARTEN)
def test_every_template_reads_only_what_the_outbox_loads_of_a_row_and_its_antrag(
    hostile_antrag, art
):
    """The sender loads a batch's rows with only the fields sending reads (``outbox.GELESEN``):
    a template that asks for another field of the Antrag would cost a query per e-mail. The row
    is loaded as the sender loads it (``outbox._batch_claim``: on PostgreSQL one statement that
    claims and loads, elsewhere the ORM)."""
    from antraege.mail import outbox

    created = Benachrichtigung.objects.create(
        art=art,
        empfaenger="person@example.org",
        sprache="de",
        antrag=hostile_antrag,
        kontext=hostile_kontext(),
    )
    (row,) = outbox._batch_claim(outbox.execution_new(), 10)
    assert row.pk == created.pk and row.kontext == created.kontext
    deferred = (row.get_deferred_fields(), row.antrag.get_deferred_fields())
    assert len(deferred[1]) > 20  # the Antrag's other columns are not loaded

    with CaptureQueriesContext(connection) as queries:
        ((_row, message),) = mail_messages.messages_build([row])

    assert not isinstance(message, Exception)
    assert (row.get_deferred_fields(), row.antrag.get_deferred_fields()) == deferred
    # the Antrag, its fund and area came with the row (a reminder's claim is read by its own)
    assert not [q for q in queries if GELADEN.search(q["sql"])]


GELADEN = re.compile(r'FROM "antraege_(antrag|aktionsfonds|quartier)"')
SITE = "http://testserver"
LAYOUT_TEXTE = [
    HOSTILE,
    "Guten Tag & \"Grüße\" 'Co' <b>fett</b> {{ subject }} {% if %} textplatzhalter",
    "مرحبا، طلبك AF-2026-HOS-001 وصل.\n\nالرابط: "
    + SITE
    + "/mein-antrag/zugang/abc.def/.\n-- \nمكتب",
    "Zeile eins\nZeile zwei\r\nZeile drei\r\rnach zwei leeren\n\n\n\nvier leere\n   \n  eingerückt",
    "Sehr lange Zeile " * 200 + SITE + "/x?a=1&b=<2>»",
    "Link " + SITE + '/datenschutz/"onmouseover=alert(1)" und fremd http://example.org/' + SITE,
    "",
]


@pytest.mark.parametrize("sprache", ["de", "en", "tr", "ar"])
def test_the_layout_made_once_per_language_is_the_layout_rendered_for_each_email(sprache, settings):
    from django.template.loader import get_template

    settings.SITE_URL = SITE
    layout = get_template("emails/layout.html")
    stapel = mail_messages.Stapel()
    for subject in (HOSTILE, "Ihr Antrag AF-2026-HOS-001 ist eingegangen", "طلبك & <وصل>"):
        for text in LAYOUT_TEXTE:
            text = mail_messages._absaetze(text)
            whole = layout.render({"text": text, "subject": subject, "sprache": sprache})
            assert stapel.html(layout, subject=subject, text=text, sprache=sprache) == whole
    (form,) = stapel.layouts.values()
    assert form.pieces is not None  # made once, not per e-mail


def test_the_html_part_has_a_paragraph_a_line_and_no_empty_lines():
    """A mail server reads an e-mail line by line: the HTML part is the text's paragraphs, one a
    line, in a page of few lines (``absaetze``: Django's ``linebreaks`` put ``\\n\\n`` between)."""
    from django.template.loader import get_template

    text = "Erster Absatz & <b>\nzweite Zeile\n\nZweiter\n\n\nDritter " + SITE + "/x/"
    html = get_template("emails/layout.html").render(
        {"text": text, "subject": "Betreff", "sprache": "de"}
    )

    assert "<div><p>Erster Absatz &amp; &lt;b&gt;<br>zweite Zeile</p>\n<p>Zweiter</p>\n<p>" in html
    assert f'<p>Dritter <a href="{SITE}/x/">{SITE}/x/</a></p></div>' in html
    assert "\n\n" not in html and len(html.splitlines()) == 6


def test_a_layout_that_shows_the_subject_twice_is_rendered_for_each_email():
    from django.template import engines

    layout = engines["django"].from_string(
        "{% load mail_links %}<title>{{ subject|force_escape }}</title><h1>{{ subject|upper }}</h1>"
        "{{ text|eigene_links|linebreaks }}"
    )
    stapel = mail_messages.Stapel()
    html = stapel.html(layout, subject="Ihr <Antrag>", text="a & b", sprache="de")
    assert html == "<title>Ihr &lt;Antrag&gt;</title><h1>IHR &lt;ANTRAG&gt;</h1><p>a &amp; b</p>"
    (form,) = stapel.layouts.values()
    assert form.pieces is None
