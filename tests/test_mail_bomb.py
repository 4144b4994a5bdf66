"""No mail bomb in the office's name (issue 21): every anonymous form that e-mails a typed address,
driven 20 times at one victim, sends at most ``MAIL_RATE_PER_ADDRESS`` e-mails an hour, and no text
the visitor typed reaches a subject (in a body only the name)."""

import pytest
from django.test import Client
from django.urls import reverse

from antraege.mail import messages as mail_messages
from antraege.models import Antrag, AntragStatus, Benachrichtigung, Kostenkategorie

from .resident_helpers import ERKLAERUNGEN, kosten, projekt, schritt_url, token_from, ueber_sie

pytestmark = pytest.mark.django_db

OPFER = "opfer@example.org"
SPAM = "GUENSTIG-KREDIT http://spam.example/x"
NEUER_LINK = "/mein-antrag/neuer-link/"


def start_url(fonds):
    return reverse("antraege:antrag_start", kwargs={"code": fonds.quartier.code})


def angreifer(n):
    """A fresh browser from a fresh address: the attacker rotates both."""
    return Client(REMOTE_ADDR=f"198.51.{n // 200}.{n % 200 + 1}")


def entwurf_anlegen(client, fonds, **changes):
    token = token_from(client.get(start_url(fonds)))
    return client.post(start_url(fonds), ueber_sie(token, antragsteller_email=OPFER, **changes))


def entwurf_fertig(client, fonds, sachkosten):
    """Steps 1–5 filled in by the attacker with the victim's address; the draft, or None."""
    response = entwurf_anlegen(client, fonds, antragsteller_name=SPAM)
    if response.status_code != 302:
        return None
    antrag = Antrag.objects.filter(antragsteller_email=OPFER).order_by("-pk").first()
    pk = antrag.pk
    client.post(schritt_url(pk, 2), projekt(titel=SPAM, kurzbeschreibung=SPAM))
    client.post(schritt_url(pk, 3), kosten([(sachkosten.pk, SPAM, "2", "150.00")]))
    client.post(schritt_url(pk, 5), ERKLAERUNGEN)
    return antrag


def mails_an_opfer():
    return list(Benachrichtigung.objects.filter(empfaenger__iexact=OPFER))


@pytest.fixture
def sachkosten(fonds):
    return Kostenkategorie.objects.get(quartier=fonds.quartier, name="Sachkosten")


def test_every_anonymous_form_twenty_times_sends_at_most_three_mails(fonds, sachkosten, settings):
    settings.MAIL_RATE_PER_ADDRESS = 3
    # the mail limit holds on its own, however many drafts the address may have
    settings.ENTWURF_MAX_PRO_ADRESSE = 100
    # 1. start a draft and "später weitermachen", 20 times from 20 browsers
    for n in range(20):
        client = angreifer(n)
        token = token_from(client.get(start_url(fonds)))
        client.post(
            start_url(fonds),
            ueber_sie(token, antragsteller_email=OPFER, titel=SPAM, aktion="spaeter"),
        )
    # 2. "später weitermachen" on a later step of one draft, 20 times
    client = angreifer(100)
    entwurf = entwurf_fertig(client, fonds, sachkosten)
    if entwurf is not None:
        for _ in range(20):
            client.post(schritt_url(entwurf.pk, 2), projekt(titel=SPAM, aktion="spaeter"))
    # 3. "neuer Link", 20 times from 20 addresses
    for n in range(20):
        angreifer(200 + n).post(NEUER_LINK, {"email": OPFER.upper()})
    # 4. fill in, submit and withdraw, 20 times
    for n in range(20):
        client = angreifer(300 + n)
        antrag = entwurf_fertig(client, fonds, sachkosten)
        if antrag is None:
            continue
        client.post(reverse("antraege:pruefen", kwargs={"pk": antrag.pk}))
        client.post(reverse("antraege:zurueckziehen", kwargs={"pk": antrag.pk}))

    mails = mails_an_opfer()
    assert len(mails) == settings.MAIL_RATE_PER_ADDRESS
    # the drafts and submissions really happened (the limit is on mail, not on the forms)
    assert Antrag.objects.filter(status=AntragStatus.WITHDRAWN).count() == 20
    for row in mails:
        subject, text, html = mail_messages.render(row)
        assert "GUENSTIG" not in subject
        assert "spam.example" not in subject
        # in a body only the name the visitor typed, nothing else they typed
        assert text.count("spam.example") <= 1
        assert f"Guten Tag {SPAM}" in text or "spam.example" not in text


def test_withdrawn_draft_sends_nothing(fonds):
    client = angreifer(1)
    entwurf_anlegen(client, fonds)
    antrag = Antrag.objects.get()

    response = client.post(reverse("antraege:zurueckziehen", kwargs={"pk": antrag.pk}))

    assert response.status_code == 302
    antrag.refresh_from_db()
    assert antrag.status == AntragStatus.WITHDRAWN
    assert mails_an_opfer() == []


def test_withdrawal_mail_of_a_submitted_antrag_names_no_typed_title(fonds, sachkosten):
    client = angreifer(1)
    antrag = entwurf_fertig(client, fonds, sachkosten)
    client.post(reverse("antraege:pruefen", kwargs={"pk": antrag.pk}))
    client.post(reverse("antraege:zurueckziehen", kwargs={"pk": antrag.pk}))
    antrag.refresh_from_db()

    arten = sorted(row.art for row in mails_an_opfer())
    assert arten == ["antrag_eingegangen", "zurueckgezogen"]
    for row in mails_an_opfer():
        with_lang = mail_messages.render(row)
        subject, text = with_lang[0], with_lang[1]
        assert antrag.referenz in subject
        assert SPAM not in subject
        # the name the visitor typed is the only typed text in the body
        assert text.count(SPAM) == 1


def test_new_link_counts_mails_not_requests(fonds, settings):
    settings.MAIL_RATE_PER_ADDRESS = 3
    from antraege.factories import AntragFactory

    for n in range(5):
        AntragFactory(fonds=fonds, antragsteller_email=OPFER, titel=f"Fest {n}")

    answer = angreifer(1).post(NEUER_LINK, {"email": OPFER})

    assert answer.status_code == 200
    assert len(mails_an_opfer()) == 3
    # a second request (another client) answers alike but sends nothing more
    assert angreifer(2).post(NEUER_LINK, {"email": OPFER}).status_code == 200
    assert len(mails_an_opfer()) == 3


def test_open_drafts_per_address_are_limited_with_a_message_and_the_entries_kept(fonds, settings):
    settings.ENTWURF_MAX_PRO_ADRESSE = 2
    for n in range(2):
        assert entwurf_anlegen(angreifer(n), fonds).status_code == 302

    response = entwurf_anlegen(angreifer(5), fonds, antragsteller_name="Erika Muster")

    assert response.status_code == 429
    assert Antrag.objects.count() == 2
    content = response.content.decode()
    assert "schon 2 Antragsentwürfe" in content
    assert response.context["form"]["antragsteller_name"].value() == "Erika Muster"


def test_open_drafts_limit_speaks_the_visitors_language(fonds, settings):
    settings.ENTWURF_MAX_PRO_ADRESSE = 1
    entwurf_anlegen(angreifer(1), fonds)
    client = angreifer(2)
    client.cookies["django_language"] = "en"
    token = token_from(client.get(start_url(fonds)))

    response = client.post(start_url(fonds), ueber_sie(token, antragsteller_email=OPFER))

    assert response.status_code == 429
    assert "already 1 draft" in response.content.decode()


def test_new_drafts_per_client_are_limited(fonds, settings):
    settings.ENTWURF_RATE_PER_CLIENT = 2
    client = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(2):
        client.cookies.clear()
        token = token_from(client.get(start_url(fonds)))
        response = client.post(
            start_url(fonds), ueber_sie(token, antragsteller_email=f"p{n}@example.org")
        )
        assert response.status_code == 302

    client.cookies.clear()
    token = token_from(client.get(start_url(fonds)))
    response = client.post(start_url(fonds), ueber_sie(token, antragsteller_email="p9@example.org"))

    assert response.status_code == 429
    assert Antrag.objects.count() == 2
    assert "viele neue Anträge begonnen" in response.content.decode()
    assert response.context["form"]["antragsteller_email"].value() == "p9@example.org"
