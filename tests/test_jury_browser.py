"""A jury member votes with the keyboard only in the real Chromium; the ballot page passes axe-core."""

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

from antraege.factories import DEMO_PASSWORD
from antraege.roles import Akteur
from jury import services
from jury.factories import antrag_zur_jury, jury_fuer
from jury.models import Stimme

CHROMIUM = "/usr/bin/chromium"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Chromium not installed"),
    pytest.mark.skipif(not AXE.exists(), reason="axe-core missing: run npm ci"),
]


@pytest.fixture(scope="session", autouse=True)
def _live_server_prerequisites():
    """Before the (session) live server starts: its WhiteNoise warns (an error here) when
    STATIC_ROOT is missing, and its thread must not keep a persistent PostgreSQL connection
    (CONN_MAX_AGE), which would block dropping the test database at the end of the run."""
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    db = connections.settings["default"]
    before = db.get("CONN_MAX_AGE", 0)
    db["CONN_MAX_AGE"] = 0
    yield
    db["CONN_MAX_AGE"] = before


@pytest.fixture
def page(monkeypatch, settings):
    playwright_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test are fine
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        context = browser.new_context(
            viewport={"width": 360, "height": 800}, locale="de-DE", bypass_csp=True
        )
        yield context.new_page()
        # ORM calls made while Playwright's loop is running get a connection of their own
        # (another async context); close it here, or it blocks dropping the test database
        connections.close_all()
        browser.close()


def test_member_votes_by_keyboard_and_the_ballot_page_has_no_axe_violation(
    page, live_server, antrag, qm_user, quartier
):
    jury = jury_fuer(quartier, 3)
    antrag_zur_jury(antrag, qm_user)
    abstimmung = services.abstimmung_eroeffnen(
        antrag, akteur=Akteur(qm_user), betrag=Decimal("300.00")
    )
    member = jury[0].user
    ballot_url = f"{live_server.url}/jury/abstimmungen/{abstimmung.pk}/"

    page.goto(f"{live_server.url}/anmelden/?next=/jury/abstimmungen/{abstimmung.pk}/")
    page.fill("#id_username", member.username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url(ballot_url)

    # axe is injected by the test (bypass_csp); the page itself keeps its strict CSP
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => JSON.stringify((await axe.run()).violations)")
    violations = json.loads(result)
    assert violations == [], [(v["id"], v["nodes"][0]["target"]) for v in violations]

    # keyboard only: focus the first radio ("Ja") by tabbing, choose, comment, submit
    radio = page.locator("#id_wert_0")
    for _ in range(60):
        page.keyboard.press("Tab")
        if radio.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the first choice of the ballot is not reachable by Tab")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.type("Schöne Idee")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    page.wait_for_url(f"{ballot_url}?quittung=1#quittung")
    assert "Ihre Stimme ist gespeichert" in page.inner_text("#quittung")
    stimme = Stimme.objects.get(abstimmung=abstimmung)
    assert (stimme.mitglied_id, stimme.wert, stimme.kommentar) == (jury[0].pk, "yes", "Schöne Idee")
