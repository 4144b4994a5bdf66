"""Real-browser suite: Playwright for Python driving Debian's Chromium against pytest-django's live server.

Skipped as a whole, with the reason in the summary, where /usr/bin/chromium or axe-core is missing
(`make test` installs Chromium via bin/system-deps.sh and axe-core via npm).
"""

import os
from pathlib import Path

import pytest

from .a11y import AXE_JS, VIEWPORTS

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Playwright's sync API keeps an event loop in the test thread; Django would then refuse ORM calls
# made by the test itself (creating data). The live server runs in its own thread and is unaffected.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _skip_reason():
    if not CHROMIUM.exists():
        return f"browser suite skipped: no Chromium at {CHROMIUM} (run `make test` or `apt-get install chromium`)"
    if not AXE_JS.exists():
        return f"browser suite skipped: {AXE_JS} missing (run `make install` for npm axe-core)"
    return None


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    reason = _skip_reason()
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Welt:
    """The data every page needs: one area with its fund, an Antrag, a QM user and a jury member."""

    def __init__(self, *, quartier, fonds, antrag, qm_user, jury_user):
        self.quartier, self.fonds, self.antrag = quartier, fonds, antrag
        self.qm_user, self.jury_user = qm_user, jury_user


@pytest.fixture
def welt(transactional_db, quartier, fonds, antrag, qm_user, jury_user):
    return Welt(quartier=quartier, fonds=fonds, antrag=antrag, qm_user=qm_user, jury_user=jury_user)


@pytest.fixture
def open_page(browser, live_server, welt):
    """``open_page(page_spec, language="de", viewport="360")`` → a Playwright page showing it.

    The language is chosen the way a person does: the ``django_language`` cookie that the language
    switch sets. Staff pages get a signed-in session, applicant pages the Mein-Antrag link first.
    Console errors (CSP violations, 404s of assets) are collected on ``page.console_errors``.
    """
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from antraege.links import antrag_link_token

    contexts = []

    def _open(spec, *, language="de", viewport="360"):
        context = browser.new_context(viewport=VIEWPORTS[viewport], locale="de-DE")
        contexts.append(context)
        # Host-only cookies (``url``), exactly like the ones Django sets, so set_language replaces them.
        cookies = [
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}
        ]
        if spec.role in ("qm", "jury"):
            client = Client()
            client.force_login(welt.qm_user if spec.role == "qm" else welt.jury_user)
            session = client.cookies[settings.SESSION_COOKIE_NAME].value
            cookies.append(
                {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}
            )
        context.add_cookies(cookies)
        page = context.new_page()
        page.console_errors = []

        def on_console(msg):
            # The document's own status (e.g. 410 for an invalid link) is expected, not an error.
            if msg.type == "error" and msg.location.get("url") != page.url:
                page.console_errors.append(f"{msg.text} ({msg.location.get('url')})")

        page.on("console", on_console)
        if spec.role == "applicant":
            token = antrag_link_token(welt.antrag)
            page.goto(live_server.url + reverse("antraege:link", kwargs={"token": token}))
        response = page.goto(spec.url(live_server.url, welt))
        assert response.status == spec.status, f"{spec.name}: HTTP {response.status}"
        return page

    yield _open
    for context in contexts:
        context.close()
