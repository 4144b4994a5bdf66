"""E-mails about an Antrag come in the name of the area's QM office and answers go there; every
link says where it leads; no hedging where the product knows the answer; clean HTML."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail

from antraege.factories import AntragFactory
from antraege.mail import messages as mail_messages
from antraege.mail import outbox
from antraege.mail import services as mail_services

pytestmark = pytest.mark.django_db

LANGUAGES = ("de", "en", "tr", "ar")
EMAIL_DIR = Path(settings.BASE_DIR) / "templates" / "emails"
# The e-mails to applicants that carry their personal link.
WITH_LINK = sorted(
    path.parent.name for path in EMAIL_DIR.glob("*/text.txt") if "{{ link }}" in path.read_text()
)


def row_for(antrag, art, sprache, **kontext):
    return mail_services.queue(
        art, empfaenger="aylin@example.org", sprache=sprache, antrag=antrag, kontext=kontext
    )


@pytest.mark.parametrize("sprache", LANGUAGES)
def test_an_email_about_an_antrag_comes_from_the_area_office_and_answers_go_there(fonds, sprache):
    quartier = fonds.quartier
    antrag = AntragFactory(fonds=fonds, sprache=sprache)
    row = row_for(antrag, "antrag_eingegangen", sprache)

    assert outbox.send(row.pk, execution=outbox.execution_new()) is True

    (message,) = mail.outbox
    adresse = re.search(r"<?([^<>\s]+@[^<>\s]+)>?$", settings.DEFAULT_FROM_EMAIL).group(1)
    assert message.from_email == f'"{quartier.qm_buero_name}" <{adresse}>'
    assert message.reply_to == [f'"{quartier.qm_buero_name}" <{quartier.qm_email}>']
    parsed = message.message()
    assert quartier.qm_email in parsed["Reply-To"]
    assert message.extra_headers["Content-Language"] == sprache


@pytest.mark.parametrize("sprache", LANGUAGES)
@pytest.mark.parametrize("art", WITH_LINK)
def test_every_link_in_an_applicants_email_is_labelled(fonds, art, sprache):
    row = row_for(AntragFactory(fonds=fonds, sprache=sprache), art, sprache, betrag="100,00")

    _subject, text, _html = mail_messages.render(row)

    lines = text.splitlines()
    link_lines = [i for i, line in enumerate(lines) if "/mein-antrag/zugang/" in line]
    assert link_lines, f"{art}: no personal link"
    for i in link_lines:
        if lines[i].strip().startswith("http"):
            assert lines[i - 1].rstrip().endswith(":"), f"{art} ({sprache}): {lines[i - 1]!r}"


@pytest.mark.parametrize("sprache", LANGUAGES)
@pytest.mark.parametrize("art", sorted(path.name for path in EMAIL_DIR.iterdir() if path.is_dir()))
def test_html_part_has_a_one_line_title_and_no_empty_paragraph(fonds, art, sprache):
    row = row_for(AntragFactory(fonds=fonds, sprache=sprache), art, sprache, betrag="100,00")

    _subject, _text, html = mail_messages.render(row)

    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "\n" not in title
    assert title.strip() == title and title
    assert re.findall(r"<p>\s*</p>", html) == []


def test_the_approval_email_names_the_advance_the_area_pays(fonds):
    fonds.abschlag_prozent = Decimal("50")
    fonds.save(update_fields=["abschlag_prozent"])
    row = row_for(AntragFactory(fonds=fonds), "bewilligt", "de")

    _subject, text, _html = mail_messages.render(row)

    assert "Danach zahlen wir einen Abschlag von 50 % des bewilligten Betrags" in text
    assert "falls" not in text


def test_the_approval_email_without_an_advance_says_the_money_comes_after_the_settlement(fonds):
    fonds.abschlag_prozent = Decimal("0")
    fonds.save(update_fields=["abschlag_prozent"])
    row = row_for(AntragFactory(fonds=fonds, sprache="ar"), "bewilligt", "ar")

    _subject, text, _html = mail_messages.render(row)

    assert "تحصلون على المال بعد التسوية." in text
    assert "دفعة مقدمة" not in text
