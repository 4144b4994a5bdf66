"""Real-browser suite: Playwright for Python driving Debian's Chromium against pytest-django's live server.

Skipped as a whole, with the reason in the summary, where /usr/bin/chromium or axe-core is missing
(`make test` installs Chromium via bin/system-deps.sh and axe-core via npm).
"""

import os
from decimal import Decimal
from functools import cached_property
from pathlib import Path

import pytest
from django.db import connections

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


@pytest.fixture(scope="session")
def browser_context(browser):
    """One browser context for the whole run: the HTTP cache keeps the styles and fonts between
    pages. Each test starts with its own cookies (``open_page``/``fresh_page``) and its own tab."""
    context = browser.new_context(locale="de-DE")
    yield context
    context.close()


@pytest.fixture
def fresh_page(browser_context, live_server):
    """``fresh_page(cookies=(), viewport="360")`` → a new tab with only ``cookies`` set."""
    pages = []

    def _new(cookies=(), *, viewport="360"):
        browser_context.clear_cookies()
        if cookies:
            browser_context.add_cookies(list(cookies))
        page = browser_context.new_page()
        page.set_viewport_size(VIEWPORTS[viewport])
        pages.append(page)
        return page

    yield _new
    for page in pages:
        page.close()


class Welt:
    """The data the pages show: one area with its fund, QM staff and a jury (``jury_user`` and two
    more), and an Antrag per state a page needs, each created when a page first asks for it (a
    test builds only what its page shows). ``applicant_ids``: the Anträge created so far that
    belong to the resident, whose "Mein Antrag" access the applicant pages hold."""

    def __init__(self, *, quartier, fonds, qm_user, jury_user):
        from jury.factories import jury_fuer

        self.quartier, self.fonds = quartier, fonds
        self.qm_user, self.jury_user = qm_user, jury_user
        self.applicant_ids = []
        jury_fuer(quartier, 2)

    def _neu(self, titel, *, resident=True):
        from antraege.factories import AntragFactory

        antrag = AntragFactory(fonds=self.fonds, titel=titel, antragsteller_name="Aylin Demir")
        if resident:
            self.applicant_ids.append(antrag.pk)
        return antrag

    @cached_property
    def entwurf(self):
        return self._neu("Lesecafé im Hof")

    @cached_property
    def in_pruefung(self):
        from workflow.wege import antrag_walk_to

        return antrag_walk_to(self._neu("Hoffest Soldiner Kiez"), "in_review", qm_user=self.qm_user)

    @cached_property
    def bei_jury(self):
        from jury.factories import antrag_zur_jury

        return antrag_zur_jury(self._neu("Kiezgarten", resident=False), self.qm_user)

    @cached_property
    def abstimmung(self):
        """An open online vote: ``jury_user`` and the two others are entitled."""
        from antraege.roles import Akteur
        from jury.abstimmungen.services import abstimmung_open
        from jury.factories import antrag_zur_jury

        antrag = antrag_zur_jury(self._neu("Sommerkino", resident=False), self.qm_user)
        return abstimmung_open(
            antrag,
            akteur=Akteur(self.qm_user),
            betrag=Decimal("250.00"),
            auflagen="Plakat mit Logo",
        )

    @cached_property
    def einladung_pfad(self):
        """The link of an invitation e-mail: a new jury account sets its password."""
        from django.contrib.auth.tokens import default_token_generator
        from django.urls import reverse
        from django.utils.encoding import force_bytes
        from django.utils.http import urlsafe_base64_encode

        from antraege.factories import UserFactory

        user = UserFactory(username="neu-in-der-jury")
        user.set_unusable_password()
        user.save()
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        return reverse("jury:passwort_setzen", kwargs={"uidb64": uid, "token": token})

    @cached_property
    def jurymitglied(self):
        from jury.mitglieder.models import Jurymitglied

        return Jurymitglied.objects.get(user=self.jury_user)

    @cached_property
    def sitzung(self):
        """A meeting with its papers sent: three Anträge on the agenda."""
        from antraege.roles import Akteur
        from jury.factories import antrag_zur_jury, sitzung_fuer
        from jury.sitzungen.services import sitzung_einladungen_send

        for titel, betrag in (
            ("Hoffest", "300.00"),
            ("Lesecafé", "200.00"),
            ("Kiezchor", "150.00"),
        ):
            antrag = self._neu(titel, resident=False)
            antrag.betrag_beantragt = Decimal(betrag)
            antrag.kostenpositionen.update(einzelpreis=Decimal(betrag))
            antrag.save(update_fields=["betrag_beantragt"])
            antrag_zur_jury(antrag, self.qm_user)
        sitzung = sitzung_fuer(self.quartier, self.qm_user)
        sitzung_einladungen_send(sitzung, akteur=Akteur(self.qm_user))
        return sitzung

    @cached_property
    def sitzung_laufend(self):
        """The meeting under way: attendance taken (every member present), first item open."""
        from antraege.roles import Akteur
        from jury.mitglieder.models import jury_in_term
        from jury.sitzungen.services import anwesenheit_record

        anwesende = jury_in_term(self.quartier, self.sitzung.datum).values_list("pk", flat=True)
        return anwesenheit_record(
            self.sitzung, akteur=Akteur(self.qm_user), anwesende=list(anwesende), vertretungen={}
        )

    @cached_property
    def sitzung_antrag(self):
        return self.sitzung.punkte.order_by("position").first().antrag

    @cached_property
    def projekt(self):
        """Approved and under way, with a receipt and the approval letter."""
        from django.core.files.base import ContentFile

        from antraege.models import Dokument
        from tests.abrechnung_helpers import add_beleg, in_progress, pdf_bytes

        antrag = in_progress(self._neu("Nähwerkstatt"), self.qm_user)
        add_beleg(antrag, "45.90")
        brief = Dokument(antrag=antrag, art=Dokument.Art.BEWILLIGUNG)
        brief.datei.save("bewilligung.pdf", ContentFile(pdf_bytes()), save=True)
        return antrag

    @cached_property
    def abrechnung(self):
        """Settlement handed in: QM checks its receipt."""
        from tests.abrechnung_helpers import settlement_submitted

        antrag, _belege = settlement_submitted(self._neu("Flohmarkt"), self.qm_user, ["120.00"])
        return antrag


@pytest.fixture
def welt(transactional_db, quartier, fonds, qm_user, jury_user):
    return Welt(quartier=quartier, fonds=fonds, qm_user=qm_user, jury_user=jury_user)


@pytest.fixture
def open_page(fresh_page, live_server, welt, staff_login):
    """``open_page(page_spec, language="de", viewport="360")`` → a Playwright page showing it.

    The language is chosen the way a person does: the ``django_language`` cookie that the language
    switch sets. Staff pages get a signed-in session, applicant pages the Mein-Antrag link first.
    Console errors (CSP violations, 404s of assets) are collected on ``page.console_errors``.
    """
    from django.conf import settings
    from django.test import Client

    from antraege.roles import SESSION_KEY

    def _open(spec, *, language="de", viewport="360"):
        # Host-only cookies (``url``), exactly like the ones Django sets, so set_language replaces them.
        url = spec.url(live_server.url, welt)  # creates the data the page shows
        cookies = [
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}
        ]
        if spec.role != "anonymous":
            # The session a person would hold: signed in (staff), or the "Mein Antrag" access of
            # the applicant's Anträge (what opening their personal links grants).
            client = Client()
            if spec.role == "applicant":
                session = client.session
                session[SESSION_KEY] = welt.applicant_ids
                session.save()
            else:
                staff_login(client, welt.qm_user if spec.role == "qm" else welt.jury_user)
            session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
            cookies.append(
                {"name": settings.SESSION_COOKIE_NAME, "value": session_key, "url": live_server.url}
            )
        page = fresh_page(cookies, viewport=viewport)
        page.console_errors = []

        def on_console(msg):
            # The document's own status (e.g. 410 for an invalid link) is expected, not an error.
            if msg.type == "error" and msg.location.get("url") != page.url:
                page.console_errors.append(f"{msg.text} ({msg.location.get('url')})")

        page.on("console", on_console)
        response = page.goto(url)
        assert response.status == spec.status, f"{spec.name}: HTTP {response.status}"
        return page

    return _open


@pytest.fixture(scope="session", autouse=True)
def _close_connections_before_the_test_database_is_dropped(django_db_setup):
    """The flush after each test runs while Playwright's loop is active and leaves a connection
    open that the teardown of the test database does not know; PostgreSQL then refuses the drop."""
    yield
    connections.close_all()
