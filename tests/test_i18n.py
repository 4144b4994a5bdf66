"""Four languages for residents (de, en, tr, ar), two for staff (de, en).

The catalogue rule, checked here the way CI does it (``makemessages`` on a copy of the project, then the
.po files are read):
- English: every string is translated.
- Turkish and Arabic: every string used anywhere outside the staff-only files (``STAFF_ONLY``) is
  translated. Resident pages, e-mails, models (form labels), services (error messages), links and the
  workflow (status words, button labels) count as resident-facing. Strings used only on QM, jury,
  login, admin and letter (PDF, German by law) files may stay untranslated there.
- No entry is fuzzy, and every translation keeps the placeholders of the German original.
German is the source language: its catalogue may stay empty (msgid = German text).
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from antraege.factories import AktionsfondsFactory, AntragFactory, QuartierFactory
from antraege.mail import messages as mail_messages
from antraege.mail import outbox
from antraege.mail import services as mail

from .po import read_po

BASE_DIR = Path(settings.BASE_DIR)
RESIDENT_LANGUAGES = ("en", "tr", "ar")
STAFF_ONLY = (
    "templates/qm/",
    "templates/jury/",
    "templates/registration/",
    "templates/admin/",
    "templates/pdf/",
    "templates/antraege/keine_rolle.html",
    "antraege/admin.py",
    "antraege/apps.py",
    "antraege/antrag/views/qm.py",
    "antraege/antrag/forms/pruefung.py",
    "antraege/datenschutz/qm.py",
    "antraege/datenschutz/admin.py",
    "antraege/datenschutz/models.py",
    "antraege/datenschutz/auskunft.py",
    "workflow/apps.py",
    "jury/",
    "aktionsfonds/anmeldung.py",
)
# The jury's own pages are offered in all four languages (``settings.JURY_LANGUAGES``): their
# templates count as resident-facing although they sit under templates/jury/.
JURY_MEMBER_FILES = (
    "templates/jury/home.html",
    "templates/jury/stimmzettel.html",
    "templates/jury/befangenheit.html",
    "templates/jury/_radios.html",
    "templates/jury/sitzungen/sitzung.html",
    "templates/jury/sitzungen/antrag.html",
    "templates/jury/mitglieder/kontosprache.html",
    "templates/jury/sitzungen/_kopf.html",
    "templates/jury/sitzungen/_unterlagen_pdf.html",
    "templates/jury/mitglieder/passwort_setzen.html",
    "templates/jury/mitglieder/passwort_gesetzt.html",
)
# E-mails to QM offices (in the office's language, German or English) and jury members (in the
# member's account language, all four: checked for tr/ar by the jury tests below).
STAFF_EMAILS = (
    "abrechnung_eingegangen",
    "aenderung_beantragt",
    "abschlag_wartet_qm",
    "abstimmung_eroeffnet",
    "abstimmung_erinnerung",
    "abstimmung_geschlossen",
    "abstimmung_vertretung_gesucht",
    "aktion_entfaellt_qm",
    "jury_einladung",
    "sitzung_nachtrag",
    "sitzung_unterlagen",
    "sitzung_vertretung_gesucht",
)
# Every other e-mail goes to an applicant: a new template counts as resident-facing until listed above.
EMAIL_ARTEN = sorted(
    p.parent.name
    for p in (BASE_DIR / "templates" / "emails").glob("*/betreff.txt")
    if p.parent.name not in STAFF_EMAILS
)
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


def resident_facing(entry):
    return any(
        not ref.startswith(STAFF_ONLY) or ref.startswith(JURY_MEMBER_FILES)
        for ref in entry.references
    )


@pytest.fixture(scope="module")
def fresh_catalogues(tmp_path_factory):
    """``make messages`` run on a copy of the project: the catalogues as CI would regenerate them."""
    copy = tmp_path_factory.mktemp("projekt") / "projekt"
    shutil.copytree(
        BASE_DIR,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", "node_modules", "var", ".git", "__pycache__", "*.mo"
        ),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--no-obsolete", "-v", "0"]
        + [arg for lang in ("de", *RESIDENT_LANGUAGES) for arg in ("-l", lang)]
        + ["--ignore=.venv", "--ignore=node_modules", "--ignore=var", "--ignore=tests"],
        cwd=copy,
        check=True,
        env={"PATH": "/usr/bin:/bin", "AKTIONSFONDS_VAR_DIR": str(copy / "var")},
    )
    return {
        lang: read_po(copy / "locale" / lang / "LC_MESSAGES" / "django.po")
        for lang in RESIDENT_LANGUAGES
    }


@pytest.mark.parametrize("language", RESIDENT_LANGUAGES)
def test_makemessages_finds_no_untranslated_or_fuzzy_string(fresh_catalogues, language):
    entries = fresh_catalogues[language]
    required = entries if language == "en" else [e for e in entries if resident_facing(e)]

    untranslated = [e.msgid for e in required if not e.translated]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]

    assert len(entries) > 200  # the catalogue really was read
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("language", RESIDENT_LANGUAGES)
def test_translations_keep_the_placeholders(language):
    entries = read_po(BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po")

    broken = [
        e.msgid
        for e in entries
        if e.translated
        and any(
            sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(e.msgid))
            for text in e.msgstr.values()
        )
    ]

    assert broken == []


# --- rendered output -------------------------------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    """Tests may run without `make test`: compile the .mo files the renders below need."""
    call_command("compilemessages", "--ignore=.venv", "--ignore=node_modules", verbosity=0)


@pytest.fixture
def markierter_antrag(db):
    """Every piece of user data carries the marker "X-", so any other line shared with German is untranslated."""
    quartier = QuartierFactory(
        name="X-Kiez",
        code="XK",
        qm_buero_name="X-Buero",
        qm_anschrift="X-Strasse 1",
        qm_email="x-qm@example.org",
        qm_telefon="X-030",
    )
    fonds = AktionsfondsFactory(quartier=quartier)
    return AntragFactory(
        fonds=fonds, antragsteller_name="X-Name", titel="X-Titel", referenz="AF-2026-XK-001"
    )


def rendered(antrag, art, language):
    antrag.sprache = language
    antrag.save(update_fields=["sprache"])
    row = mail.queue_for_applicant(
        antrag, art, kontext={"nachricht": "X-Nachricht", "grund": "X-Grund"}
    )
    return mail_messages.render(row)


def untranslated_lines(german_text, text):
    """Lines of ``text`` identical to a line of the German text that are not user data (marked X-)."""
    shared = set(german_text.splitlines()) & set(text.splitlines())
    return sorted(
        line
        for line in shared
        if line.strip() not in ("", "--")
        and "X-" not in line
        and "x-qm@" not in line
        and not line.startswith("http")
    )


GREETING = {"en": "Dear X-Name,", "tr": "Sayın X-Name,", "ar": "مرحبًا X-Name،"}


@pytest.mark.parametrize("language", RESIDENT_LANGUAGES)
@pytest.mark.parametrize("art", EMAIL_ARTEN)
def test_email_is_rendered_in_the_applicants_language_without_german_left(
    markierter_antrag, art, language
):
    german_subject, german_text, _ = rendered(markierter_antrag, art, "de")

    subject, text, html = rendered(markierter_antrag, art, language)

    assert subject != german_subject
    assert text.strip().splitlines()[0] == GREETING[language]
    assert untranslated_lines(german_text, text) == []
    assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in html
    if language == "ar":
        assert re.search("[\u0600-\u06ff]", subject)


@pytest.mark.parametrize("art", STAFF_EMAILS)
def test_staff_email_is_rendered_in_english_without_german_left(markierter_antrag, art):
    def staff_render(language):
        row = mail.queue(
            art,
            empfaenger="x-qm@example.org",
            sprache=language,
            antrag=markierter_antrag,
            kontext={
                "name": "X-Jurymitglied",
                "referenz": markierter_antrag.referenz,
                "titel": markierter_antrag.titel,
                "quartier": "X-Kiez",
                "frist": "X-Frist",
                "url": "http://testserver/jury/",
                "ergebnis": "X-Ergebnis",
                "hinweis": "X-Hinweis",
                "berechtigt": "X-5",
                "ja": "X-3",
                "nein": "X-1",
                "enthaltung": "X-1",
            },
        )
        return mail_messages.render(row)

    german_subject, german_text, _ = staff_render("de")

    subject, text, html = staff_render("en")

    assert subject != german_subject
    assert untranslated_lines(german_text, text) == []
    assert '<html lang="en" dir="ltr">' in html


@pytest.mark.parametrize("language", RESIDENT_LANGUAGES)
def test_jury_papers_email_is_rendered_in_the_members_language(db, language):
    """Jury members choose their language (account setting), the resident languages included."""

    def papers(sprache):
        row = mail.queue(
            "sitzung_unterlagen",
            empfaenger="x-jury@example.org",
            sprache=sprache,
            kontext={
                "name": "X-Name",
                "quartier": "X-Kiez",
                "datum": "X-Datum",
                "beginn": "X-Beginn",
                "ort": "X-Ort",
                "stellvertretung": True,
                "tagesordnung": [{"position": 1, "referenz": "X-1", "titel": "X-T", "betrag": "X"}],
                "url": "http://testserver/jury/",
            },
        )
        return mail_messages.render(row)

    german_subject, german_text, _ = papers("de")

    subject, text, _html = papers(language)

    assert subject != german_subject
    assert untranslated_lines(german_text, text) == []


@pytest.mark.parametrize("language", RESIDENT_LANGUAGES)
@pytest.mark.parametrize("art", ["abstimmung_eroeffnet", "abstimmung_erinnerung", "jury_einladung"])
def test_jury_vote_email_is_rendered_in_the_members_language(db, art, language):
    """E-mails to jury members (online vote, invitation): every resident language, no German left."""

    def vote_email(sprache):
        row = mail.queue(
            art,
            empfaenger="x-jury@example.org",
            sprache=sprache,
            kontext={
                "name": "X-Name",
                "referenz": "X-Ref",
                "titel": "X-Titel",
                "quartier": "X-Kiez",
                "frist": "X-Frist",
                "url": "http://testserver/jury/",
                "beginn": "X-Beginn",
                "benutzername": "X-Benutzer",
                "login_url": "http://testserver/anmelden/",
            },
        )
        return mail_messages.render(row)

    german_subject, german_text, _ = vote_email("de")

    subject, text, _html = vote_email(language)

    assert subject != german_subject
    assert text.strip().splitlines()[0] == GREETING[language]
    assert untranslated_lines(german_text, text) == []


def test_email_check_above_catches_an_untranslated_line(markierter_antrag):
    """The check can fail: German compared with itself reports every sentence as untranslated."""
    _, german_text, _ = rendered(markierter_antrag, "antrag_eingegangen", "de")

    lines = untranslated_lines(german_text, german_text)

    assert "Stand Ihres Antrags:" not in lines  # not in this e-mail
    assert any(line.startswith("So geht es weiter:") for line in lines)


def test_sent_email_carries_the_language_and_translated_subject(markierter_antrag, mailoutbox):
    markierter_antrag.sprache = "tr"
    markierter_antrag.save(update_fields=["sprache"])
    row = mail.queue_for_applicant(markierter_antrag, "antrag_eingegangen")

    assert outbox.send(row.pk, execution="test") is True

    message = mailoutbox[0]
    assert message.to == [markierter_antrag.antragsteller_email]
    assert message.subject == "AF-2026-XK-001 numaralı başvurunuz alındı"
    assert message.extra_headers["Content-Language"] == "tr"


# --- pages -------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "title", "direction"),
    [
        ("de", "Geld für Ihre Idee in der Nachbarschaft", "ltr"),
        ("en", "Money for your idea in the neighbourhood", "ltr"),
        ("tr", "Mahallenizdeki fikriniz için para", "ltr"),
        ("ar", "مال لفكرتكم في الحي", "rtl"),
    ],
)
def test_resident_page_follows_the_language_cookie(client, language, title, direction):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    html = client.get(reverse("start")).content.decode()

    assert f'<html lang="{language}" dir="{direction}"' in html
    assert f"<title>{title} – " in html


@pytest.mark.django_db
def test_language_switch_remembers_the_choice_in_a_cookie(client):
    response = client.post(reverse("set_language"), {"language": "ar", "next": "/leichte-sprache/"})

    assert response.status_code == 302
    assert response["Location"] == "/leichte-sprache/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    assert '<html lang="ar" dir="rtl"' in client.get("/leichte-sprache/").content.decode()


@pytest.mark.django_db
def test_staff_pages_fall_back_to_german_and_offer_only_german_and_english(
    client, staff_login, qm_user
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    staff_login(client, qm_user)

    response = client.get(reverse("qm:dashboard"))
    html = response.content.decode()

    assert '<html lang="de" dir="ltr"' in html
    assert response["Content-Language"] == "de"
    assert re.findall(r'name="language" value="(\w+)"', html) == ["de", "en"]


@pytest.mark.django_db
def test_resident_pages_offer_all_four_languages(client):
    html = client.get(reverse("start")).content.decode()

    assert re.findall(r'name="language" value="(\w+)"', html) == ["de", "en", "tr", "ar"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["start", "barrierefreiheit", "leichte_sprache", "login"])
def test_pages_send_a_strict_csp_and_contain_no_inline_script_or_style(client, name):
    response = client.get(reverse(name))
    html = response.content.decode()

    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert "<style" not in html and " style=" not in html


@pytest.mark.django_db
def test_accessibility_statement_names_the_feedback_contacts(client, settings, quartier):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "barrieren@example.org"

    html = client.get(reverse("barrierefreiheit")).content.decode()

    assert 'href="mailto:barrieren@example.org"' in html
    assert f'href="mailto:{quartier.qm_email}"' in html
    assert "§ 6 BIKTG Bln" in html  # Berlin's complaints body, not the federal one
