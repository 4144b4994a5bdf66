"""Residents' links as an attacker would try them: an old link, or a session opened with it, ends
when a new link is sent, the Antrag is withdrawn or closed (410); the session key changes when a
link is opened; the token leaves the address at once; idle sessions end; the first step's token
takes over nobody's draft."""

import time
import uuid

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from antraege.mail import messages as mail_messages
from antraege.models import Antrag, AntragStatus, Benachrichtigung
from antraege.roles import ZULETZT_KEY
from antraege.zugang.links import antrag_link_token
from workflow.wege import antrag_walk_to

from .resident_helpers import token_from, ueber_sie

pytestmark = pytest.mark.django_db


def link_url(antrag):
    antrag.refresh_from_db()
    return reverse("antraege:link", kwargs={"token": antrag_link_token(antrag)})


def detail_url(antrag):
    return reverse("antraege:mein_antrag", kwargs={"pk": antrag.pk})


def opened(url):
    """A browser that opened ``url`` (a personal link)."""
    client = Client()
    assert client.get(url).status_code == 302
    return client


def link_in_email(art):
    row = Benachrichtigung.objects.filter(art=art).latest("pk")
    _subject, text, _html = mail_messages.render(row)
    return next(line for line in text.splitlines() if "/mein-antrag/zugang/" in line).replace(
        settings.SITE_URL, ""
    )


def test_opening_a_link_redirects_to_a_token_free_address_with_a_new_session_key(eingereicht):
    client = Client()
    client.get(reverse("start"))
    session = client.session
    session["probe"] = 1
    session.save()
    before = client.cookies[settings.SESSION_COOKIE_NAME].value

    response = client.get(link_url(eingereicht))

    assert response.status_code == 302
    assert response["Location"] == detail_url(eingereicht)
    assert response["Referrer-Policy"] == "no-referrer"
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not client.session.exists(before)
    assert client.get(detail_url(eingereicht)).status_code == 200


def test_a_new_link_revokes_the_old_one_and_the_sessions_opened_with_it(eingereicht):
    alt = link_url(eingereicht)
    offen = opened(alt)

    Client().post(reverse("antraege:neuer_link"), {"email": eingereicht.antragsteller_email})

    assert Client().get(alt).status_code == 410
    seite = offen.get(detail_url(eingereicht))
    assert seite.status_code == 410
    assert "gilt nicht mehr" in seite.content.decode()
    neu = opened(link_in_email("neuer_link"))
    assert neu.get(detail_url(eingereicht)).status_code == 200


def test_withdrawal_revokes_old_links_but_the_withdrawing_browser_stays_in(eingereicht):
    alt = link_url(eingereicht)
    andere = opened(alt)
    selbst = opened(alt)

    selbst.post(reverse("antraege:zurueckziehen", args=[eingereicht.pk]))

    assert Antrag.objects.get(pk=eingereicht.pk).status == AntragStatus.WITHDRAWN
    assert selbst.get(detail_url(eingereicht)).status_code == 200
    assert andere.get(detail_url(eingereicht)).status_code == 410
    assert Client().get(alt).status_code == 410
    Client().post(reverse("antraege:neuer_link"), {"email": eingereicht.antragsteller_email})
    assert opened(link_in_email("neuer_link")).get(detail_url(eingereicht)).status_code == 200


def test_closing_revokes_old_links_and_open_sessions(eingereicht, qm_user):
    alt = link_url(eingereicht)
    offen = opened(alt)
    antrag_walk_to(eingereicht, "paid", qm_user=qm_user)
    assert offen.get(detail_url(eingereicht)).status_code == 200  # paid: still the applicant's

    antrag_walk_to(eingereicht, "closed", qm_user=qm_user)

    for response in (offen.get(detail_url(eingereicht)), Client().get(alt)):
        assert response.status_code == 410
        page = response.content.decode()
        assert "Dieser Link gilt nicht mehr" in page
        assert f'href="{reverse("antraege:neuer_link")}"' in page  # the way to a new link
        assert eingereicht.titel not in page


def test_applicant_access_ends_after_two_idle_hours(eingereicht):
    client = opened(link_url(eingereicht))
    assert client.get(detail_url(eingereicht)).status_code == 200
    session = client.session
    session[ZULETZT_KEY] = time.time() - settings.APPLICANT_SESSION_IDLE_SECONDS - 1
    session.save()

    response = client.get(detail_url(eingereicht))

    assert response.status_code == 410
    assert "nicht aktiv" in response.content.decode()
    assert client.get(detail_url(eingereicht)).status_code == 410
    assert opened(link_url(eingereicht)).get(detail_url(eingereicht)).status_code == 200


def test_visible_abmelden_ends_the_applicant_session(eingereicht):
    client = opened(link_url(eingereicht))
    page = client.get(detail_url(eingereicht)).content.decode()
    assert f'action="{reverse("antraege:abmelden")}"' in page

    client.post(reverse("antraege:abmelden"))

    assert client.get(detail_url(eingereicht)).status_code == 404


def test_the_first_step_token_takes_over_nobodys_draft(fonds):
    url = reverse("antraege:antrag_start", kwargs={"code": fonds.quartier.code})
    opfer = Client()
    token = token_from(opfer.get(url))
    assert opfer.post(url, ueber_sie(token)).status_code == 302
    draft = Antrag.objects.get(submission_token=token)

    angreifer = Client()
    angreifer.get(url)  # a session of its own, with a token of its own
    response = angreifer.post(url, ueber_sie(token, antragsteller_name="Mallory"))

    assert response.status_code == 404
    assert Antrag.objects.get(pk=draft.pk).antragsteller_name == "Aylin Demir"
    assert angreifer.get(reverse("antraege:schritt", args=[draft.pk, 2])).status_code == 404
    # the victim's own double click still lands on the same draft
    again = opfer.post(url, ueber_sie(token))
    assert again.status_code == 302 and Antrag.objects.count() == 1


def test_a_fresh_token_still_creates_a_draft(client, fonds):
    url = reverse("antraege:antrag_start", kwargs={"code": fonds.quartier.code})

    response = client.post(url, ueber_sie(uuid.uuid4()))

    assert response.status_code == 302
    assert Antrag.objects.count() == 1
