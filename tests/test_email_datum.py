"""Dates in e-mails: the domain queues date objects, the outbox row keeps them (tagged ISO in its
JSON), and the template formats them in the reader's language."""

import datetime
import zoneinfo

import pytest
from django.utils import translation
from django.utils.formats import date_format

from antraege.mail import messages
from antraege.mail import services as mail_services
from antraege.mail.kontext import kontext_dump, kontext_load

pytestmark = pytest.mark.django_db

FRIST = datetime.date(2027, 3, 29)


def test_the_context_keeps_dates_and_times_as_objects_and_text_as_text():
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    kontext = {
        "frist": FRIST,
        "ende": datetime.datetime(2027, 3, 29, 18, 0, tzinfo=berlin),
        "punkte": [{"am": FRIST}],
        "text": "2027-03-29",
        "nichts": None,
    }
    gespeichert = kontext_dump(kontext)
    assert gespeichert["frist"] == {"$datum": "2027-03-29"}
    loaded = kontext_load(gespeichert)
    assert loaded == kontext
    assert loaded["ende"].utcoffset() == datetime.timedelta(hours=2)


@pytest.mark.parametrize("sprache", ["de", "en", "tr", "ar"])
def test_a_date_in_an_email_is_written_the_readers_way(antrag, sprache):
    row = mail_services.queue(
        "abrechnung_erinnerung",
        empfaenger="person@example.org",
        sprache=sprache,
        antrag=antrag,
        kontext={"frist": FRIST},
    )
    row.refresh_from_db()
    subject, text, html = messages.render(row)
    with translation.override(sprache):
        erwartet = date_format(FRIST, "DATE_FORMAT")
    assert erwartet in subject
    assert erwartet in text
    assert "29.03.2027" not in text
    month = {"de": "März", "en": "March", "tr": "Mart", "ar": "مارس"}[sprache]
    assert month in erwartet
