"""No mail relay: the forms that send mail to a typed address are limited per address and per
client, in the shared cache, and say so politely; nothing is sent past the limit."""

import uuid

import pytest
from django.urls import reverse

from antraege.factories import AntragFactory
from antraege.models import Benachrichtigung

from .resident_helpers import ueber_sie

pytestmark = pytest.mark.django_db

NEUER_LINK = "/mein-antrag/neuer-link/"


def start_url(fonds):
    return reverse("antraege:antrag_start", kwargs={"code": fonds.quartier.code})


def test_new_link_form_is_limited_per_address(client, fonds, settings):
    for n in range(3):
        AntragFactory(fonds=fonds, antragsteller_email="kiez@example.org", titel=f"Fest {n}")

    answers = [
        client.post(NEUER_LINK, {"email": "Kiez@example.org"}, REMOTE_ADDR=f"192.0.2.{n}")
        for n in range(settings.MAIL_RATE_PER_ADDRESS + 1)
    ]

    assert [a.status_code for a in answers] == [200] * settings.MAIL_RATE_PER_ADDRESS + [429]
    refused = answers[-1].content.decode()
    assert "schon mehrere E-Mails geschickt" in refused
    assert answers[-1].context["form"]["email"].value() == "Kiez@example.org"
    # one e-mail per Antrag and hour at most, whatever the count of requests
    assert Benachrichtigung.objects.filter(art="neuer_link").count() == 3


def test_new_link_form_is_limited_per_client(client, settings):
    for n in range(settings.MAIL_RATE_PER_CLIENT):
        assert client.post(NEUER_LINK, {"email": f"p{n}@example.org"}).status_code == 200

    assert client.post(NEUER_LINK, {"email": "noch-eine@example.org"}).status_code == 429
    other = client.post(NEUER_LINK, {"email": "noch-eine@example.org"}, REMOTE_ADDR="192.0.2.99")
    assert other.status_code == 200


def test_save_for_later_sends_no_more_mail_from_one_client_past_the_limit(client, fonds, settings):
    # one visitor creating drafts for many typed addresses: the drafts are kept, the mail stops
    settings.ENTWURF_RATE_PER_CLIENT = settings.MAIL_RATE_PER_CLIENT + 2
    for n in range(settings.MAIL_RATE_PER_CLIENT + 2):
        client.cookies.clear()
        token = uuid.uuid4()
        response = client.post(
            start_url(fonds),
            ueber_sie(token, antragsteller_email=f"opfer{n}@example.org", aktion="spaeter"),
            follow=True,
        )
        assert response.status_code == 200

    assert Benachrichtigung.objects.filter(art="entwurf_gespeichert").count() == (
        settings.MAIL_RATE_PER_CLIENT
    )
    assert "schon mehrere E-Mails geschickt" in response.content.decode()


def test_limits_are_counted_across_processes(settings):
    """Another process (another gunicorn worker) counts into the same window."""
    import os
    import subprocess
    import sys

    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": prefix}}
    code = (
        "import django; django.setup(); from antraege.ratelimit import _hit; "
        "print(_hit('probe', 5))"
    )
    env = {**os.environ, "CACHE_KEY_PREFIX": prefix}
    for _ in range(2):
        subprocess.run([sys.executable, "-c", code], check=True, env=env, capture_output=True)

    from antraege.ratelimit import _hit

    assert _hit("probe", 3) is True  # third use
    assert _hit("probe", 3) is False  # fourth use
