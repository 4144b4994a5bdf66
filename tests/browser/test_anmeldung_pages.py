"""The pages of the staff sign-in that the page list cannot reach with a ready session: setting up
the second factor (signed in with the password only) and the lockout after failed passwords. axe at
360 and 1280 px, no horizontal scrolling, nothing blocked by the CSP."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from .a11y import VIEWPORTS, assert_no_violations, axe_violations, horizontal_overflow

pytestmark = pytest.mark.django_db(transaction=True)


def check(page, name):
    for width, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        assert_no_violations(axe_violations(page), f"on {name} ({width} px)")
        assert horizontal_overflow(page) <= 0, f"horizontal scrolling at {width} px"


def cookies(live_server, client=None):
    jar = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "de", "url": live_server.url}]
    if client is not None:
        value = client.cookies[settings.SESSION_COOKIE_NAME].value
        jar.append({"name": settings.SESSION_COOKIE_NAME, "value": value, "url": live_server.url})
    return jar


def test_second_factor_set_up_page_has_no_violations(fresh_page, live_server, qm_user):
    client = Client()
    client.force_login(qm_user)  # the password only: QM must now set up the second factor
    page = fresh_page(cookies(live_server, client))
    errors = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))

    page.goto(live_server.url + reverse("qm:dashboard"))

    assert reverse("zwei_faktor_einrichten") in page.url
    assert page.locator("img.af-qr").evaluate("img => img.naturalWidth") > 0
    check(page, "2FA set-up")
    assert errors == []


def test_lockout_page_has_no_violations(fresh_page, live_server, qm_user):
    AccessAttempt.objects.create(
        username=qm_user.username,
        ip_address="10.9.9.9",
        user_agent="",
        path_info="/anmelden/",
        get_data="",
        post_data="",
        http_accept="",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
        attempt_time=timezone.now(),
    )
    page = fresh_page(cookies(live_server))
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", qm_user.username)
    page.fill("#id_password", "irgendetwas-falsches")
    with page.expect_navigation():
        page.click("main button[type=submit]")

    assert "Anmeldung vorübergehend gesperrt" in page.inner_text("h1")
    check(page, "lockout")
