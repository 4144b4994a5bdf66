"""Staff sessions end (issue 21): after 30 minutes without a request and 10 hours after signing in,
whatever happens in between; the sign-in page says why. Applicants keep their 2-hour rule."""

import time

import pytest
from django.urls import reverse

from aktionsfonds.anmeldung import STAFF_SEIT_KEY, STAFF_ZULETZT_KEY
from antraege.roles import ZULETZT_KEY, grant_applicant_access

pytestmark = pytest.mark.django_db

DASHBOARD = "/qm/"


def _session_set(client, **values):
    session = client.session
    session.update(values)
    session.save()


def test_staff_session_survives_29_idle_minutes(client, staff_login, qm_user):
    staff_login(client, qm_user)
    assert client.get(DASHBOARD).status_code == 200
    _session_set(client, **{STAFF_ZULETZT_KEY: time.time() - 29 * 60})

    assert client.get(DASHBOARD).status_code == 200


@pytest.mark.parametrize("sprache", ["de", "en"])
def test_staff_session_ends_after_30_idle_minutes_and_says_why(
    client, staff_login, qm_user, sprache
):
    staff_login(client, qm_user)
    client.cookies["django_language"] = sprache
    assert client.get(DASHBOARD).status_code == 200
    _session_set(client, **{STAFF_ZULETZT_KEY: time.time() - 31 * 60})

    response = client.get(DASHBOARD)
    login = client.get(response.url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    text = login.content.decode()
    assert {
        "de": "weil Sie 30 Minuten nichts getan haben",
        "en": "because you did nothing for 30 minutes",
    }[sprache] in text
    assert client.get(DASHBOARD).status_code == 302


def test_staff_session_ends_ten_hours_after_sign_in_however_active(client, staff_login, qm_user):
    staff_login(client, qm_user)
    assert client.get(DASHBOARD).status_code == 200
    # active a minute ago, but signed in ten hours and a minute ago
    _session_set(
        client,
        **{STAFF_SEIT_KEY: time.time() - 10 * 3600 - 60, STAFF_ZULETZT_KEY: time.time() - 60},
    )

    response = client.get(DASHBOARD)

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert "10 Stunden angemeldet" in client.get(response.url).content.decode()


def test_limits_are_the_settings(settings):
    assert (settings.STAFF_SESSION_IDLE_SECONDS, settings.STAFF_SESSION_MAX_SECONDS) == (
        30 * 60,
        10 * 3600,
    )
    assert settings.APPLICANT_SESSION_IDLE_SECONDS == 2 * 3600


def test_applicant_session_keeps_its_two_hour_rule(client, eingereicht):
    session = client.session
    grant_applicant_access(session, eingereicht)
    session[ZULETZT_KEY] = time.time() - 90 * 60  # 90 idle minutes: more than staff may have
    session.save()

    response = client.get(reverse("antraege:mein_antrag", args=[eingereicht.pk]))

    assert response.status_code == 200
