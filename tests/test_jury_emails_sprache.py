"""Jury and QM e-mails go out in the recipient's language: a jury member's account setting, the QM
office's language for the office address. Each e-mail is sent through the outbox and the message
that reaches the mail backend is checked: recipient, subject, Content-Language."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.formats import date_format

from antraege.mail import outbox
from antraege.models import Benachrichtigung
from antraege.roles import Akteur
from jury.abstimmungen import services
from jury.abstimmungen.models import Abstimmung
from jury.factories import antrag_zur_jury, jury_fuer, sitzung_fuer
from jury.mitglieder import services as mitglieder_services
from jury.sitzungen import services as sitzungen

from .abrechnung_helpers import settlement_submitted

pytestmark = pytest.mark.django_db

SPRACHEN = ("de", "en", "tr", "ar")


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    call_command("compilemessages", "--ignore=.venv", "--ignore=node_modules", verbosity=0)


def gesendet(art, mailoutbox):
    """Send the queued rows through the outbox; ``{recipient: message}`` of the kind ``art``."""
    outbox.benachrichtigungen_send(execution="test")
    assert not Benachrichtigung.objects.filter(art=art, gesendet_am__isnull=True).exists()
    arten = dict(Benachrichtigung.objects.values_list("betreff", "art"))
    return {m.to[0]: m for m in mailoutbox if arten.get(m.subject) == art}


@pytest.fixture
def jury_in_vier_sprachen(quartier):
    """Four members, one per language (the account setting)."""
    jury = jury_fuer(quartier, 4)
    for mitglied, sprache in zip(jury, SPRACHEN, strict=True):
        mitglieder_services.kontosprache_set(mitglied.user, sprache)
    return dict(zip(SPRACHEN, jury, strict=True))


@pytest.fixture
def eroeffnet(antrag, qm_user, jury_in_vier_sprachen):
    antrag_zur_jury(antrag, qm_user)
    abstimmung = services.abstimmung_open(antrag, akteur=Akteur(qm_user), betrag=Decimal("300.00"))
    return abstimmung, jury_in_vier_sprachen


def betreff_je_sprache(nachrichten, jury):
    return {
        sprache: (
            nachrichten[m.user.email].subject,
            nachrichten[m.user.email].extra_headers["Content-Language"],
        )
        for sprache, m in jury.items()
    }


def test_vote_opened_email_goes_to_each_member_in_their_language(eroeffnet, mailoutbox):
    abstimmung, jury = eroeffnet
    ref = abstimmung.antrag.referenz

    nachrichten = gesendet("abstimmung_eroeffnet", mailoutbox)

    assert betreff_je_sprache(nachrichten, jury) == {
        "de": (f"Neue Abstimmung der Aktionsfondsjury: {ref}", "de"),
        "en": (f"New vote of the Action Fund jury: {ref}", "en"),
        "tr": (f"Aksiyon Fonu jürisinin yeni oylaması: {ref}", "tr"),
        "ar": (f"تصويت جديد للجنة تحكيم صندوق الأنشطة: {ref}", "ar"),
    }
    turkish = nachrichten[jury["tr"].user.email].body
    assert turkish.startswith(f"Sayın {jury['tr'].user.get_full_name()}")
    assert "Guten Tag" not in turkish and "abstimmen" not in turkish
    assert re.search("[\u0600-\u06ff]", nachrichten[jury["ar"].user.email].body)


def test_vote_reminder_goes_to_each_member_who_has_not_voted_in_their_language(
    eroeffnet, mailoutbox
):
    abstimmung, jury = eroeffnet
    services.stimme_cast(abstimmung, user=jury["de"].user, wert="yes")
    Abstimmung.objects.filter(pk=abstimmung.pk).update(
        frist=timezone.now() + datetime.timedelta(hours=10)
    )
    ref = abstimmung.antrag.referenz

    assert services.abstimmungen_remind() == 3
    nachrichten = gesendet("abstimmung_erinnerung", mailoutbox)

    noch_offen = {s: m for s, m in jury.items() if s != "de"}
    assert set(nachrichten) == {m.user.email for m in noch_offen.values()}
    assert betreff_je_sprache(nachrichten, noch_offen) == {
        "en": (f"Reminder: vote on {ref} ends soon", "en"),
        "tr": (f"Hatırlatma: {ref} oylaması yakında sona eriyor", "tr"),
        "ar": (f"تذكير: التصويت على {ref} ينتهي قريبًا", "ar"),
    }


@pytest.mark.parametrize(
    ("qm_sprache", "betreff"),
    [
        ("de", "Abstimmung zu {ref} geschlossen: Bewilligt"),
        ("en", "Vote on {ref} closed: Approved"),
    ],
)
def test_vote_closed_notice_reaches_the_qm_office_in_the_offices_language(
    eroeffnet, mailoutbox, qm_sprache, betreff
):
    abstimmung, jury = eroeffnet
    quartier = abstimmung.antrag.fonds.quartier
    quartier.qm_sprache = qm_sprache
    quartier.save(update_fields=["qm_sprache"])
    for mitglied in jury.values():
        services.stimme_cast(abstimmung, user=mitglied.user, wert="yes")
    Abstimmung.objects.filter(pk=abstimmung.pk).update(
        frist=timezone.now() - datetime.timedelta(seconds=1)
    )

    assert services.abstimmungen_close_due() == 1
    nachricht = gesendet("abstimmung_geschlossen", mailoutbox)[quartier.qm_email]

    assert nachricht.subject == betreff.format(ref=abstimmung.antrag.referenz)
    assert nachricht.extra_headers["Content-Language"] == qm_sprache
    if qm_sprache == "en":
        assert "Guten Tag" not in nachricht.body and "Stimmberechtigt" not in nachricht.body


def test_meeting_papers_go_to_each_member_in_their_language(
    fonds, qm_user, jury_in_vier_sprachen, antrag, mailoutbox
):
    antrag_zur_jury(antrag, qm_user)
    sitzung = sitzung_fuer(
        fonds.quartier, qm_user, datum=timezone.localdate() + datetime.timedelta(days=5)
    )
    datum = {}
    for sprache in ("de", "en", "tr", "ar"):
        with translation.override(sprache):
            datum[sprache] = date_format(sitzung.datum, "DATE_FORMAT")

    assert sitzungen.sitzung_einladungen_send(sitzung, akteur=Akteur(qm_user)) == 4
    nachrichten = gesendet("sitzung_unterlagen", mailoutbox)

    kiez = fonds.quartier.name
    betreffe = betreff_je_sprache(nachrichten, jury_in_vier_sprachen)
    assert betreffe["de"] == (
        f"Unterlagen für die Sitzung der Aktionsfondsjury {kiez} am {datum['de']}",
        "de",
    )
    assert betreffe["en"][1] == "en" and betreffe["en"][0].startswith("Papers for the meeting")
    assert betreffe["tr"][1] == "tr" and "Unterlagen" not in betreffe["tr"][0]
    assert betreffe["ar"][1] == "ar" and re.search("[\u0600-\u06ff]", betreffe["ar"][0])
    # the date in each reader's own way of writing it: "12. Dezember 2026", "December 12, 2026",
    # "12 Aralık 2026", Arabic month names
    for sprache, (betreff, _sprache) in betreffe.items():
        assert datum[sprache] in betreff, sprache
    assert len(set(datum.values())) == 4


@pytest.mark.parametrize(
    ("qm_sprache", "betreff"),
    [("de", "Abrechnung eingegangen: {ref}"), ("en", "Settlement received: {ref}")],
)
def test_settlement_received_notice_reaches_the_qm_office_in_the_offices_language(
    antrag, qm_user, mailoutbox, qm_sprache, betreff
):
    quartier = antrag.fonds.quartier
    quartier.qm_sprache = qm_sprache
    quartier.save(update_fields=["qm_sprache"])
    antrag, _belege = settlement_submitted(antrag, qm_user, ["20.00"])

    nachricht = gesendet("abrechnung_eingegangen", mailoutbox)[quartier.qm_email]

    assert nachricht.subject == betreff.format(ref=antrag.referenz)
    assert nachricht.extra_headers["Content-Language"] == qm_sprache
