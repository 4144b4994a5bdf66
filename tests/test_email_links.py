"""E-mails: the links of the HTML part are clickable (only our own), subject lines carry the
reference of the Antrag."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from antraege.factories import AntragFactory
from antraege.mail import messages as mail_messages
from antraege.mail import services as mail
from workflow.wege import antrag_walk_to

pytestmark = pytest.mark.django_db

ARTEN = sorted(
    p.parent.name for p in (Path(settings.BASE_DIR) / "templates" / "emails").glob("*/betreff.txt")
)


@pytest.fixture
def eingereicht(fonds):
    return antrag_walk_to(
        # the name is the one typed text an applicant's e-mail carries (issue 21)
        AntragFactory(
            fonds=fonds, antragsteller_name="Kino <b>im</b> Hof, siehe https://fremd.example/x"
        ),
        "submitted",
    )


def render(antrag, art):
    row = mail.queue_for_applicant(
        antrag,
        art,
        kontext={"nachricht": "Bitte Angebot", "grund": "Zu spät", "referenz": antrag.referenz},
    )
    return mail_messages.render(row)


def test_the_personal_link_is_clickable_in_the_html_part(eingereicht):
    _subject, text, html = render(eingereicht, "antrag_eingegangen")

    (link,) = re.findall(r"http://testserver/mein-antrag/zugang/\S+", text)
    assert f'<a href="{link}">{link}</a>' in html


def test_user_typed_addresses_and_markup_stay_text(eingereicht):
    _subject, _text, html = render(eingereicht, "antrag_eingegangen")

    assert "fremd.example/x" in html
    assert 'href="https://fremd.example' not in html
    assert "&lt;b&gt;im&lt;/b&gt;" in html
    assert "<b>im</b>" not in html


@pytest.mark.parametrize("art", ARTEN)
def test_every_subject_carries_the_reference(eingereicht, art):
    subject, _text, _html = render(eingereicht, art)

    assert eingereicht.referenz in subject


def test_reference_is_not_repeated_when_the_subject_has_it(eingereicht):
    subject, _text, _html = render(eingereicht, "bewilligt")

    assert subject == f"Ihr Antrag {eingereicht.referenz} ist bewilligt"
