"""Keyboard-only journeys in the real Chromium: no mouse, no filling of unfocused fields. Every
field is reached with Tab (which also checks the focus order), typed into with the keyboard, and
every form sent with Enter or Space on its button. The state reached is checked in the database."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from antraege.factories import DEMO_PASSWORD, AntragFactory, project_start
from antraege.models import Antrag, AntragStatus, Benachrichtigung, Statuswechsel
from antraege.roles import Akteur
from jury.abstimmungen import services
from jury.abstimmungen.models import Stimme
from jury.factories import antrag_zur_jury, jury_fuer
from workflow.wege import antrag_walk_to, projektbeginn_bring_forward

from .a11y import FOCUS_STATE

pytestmark = pytest.mark.django_db(transaction=True)

IS_FOCUSED = "selector => document.activeElement === document.querySelector(selector)"


def tab_to(page, selector, *, limit=60, backwards=False):
    """Press Tab (or Shift+Tab) until ``selector`` has the focus; every stop must show its focus."""
    assert page.locator(selector).count() == 1, f"{selector} is not on {page.url}"
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        state = page.evaluate(FOCUS_STATE)
        assert state is None or state["visible"], f"focus not visible on {state['key']!r}"
        if page.evaluate(IS_FOCUSED, selector):
            return
    pytest.fail(f"{selector} not reached by {limit} x Tab on {page.url}")


def type_into(page, selector, text):
    """Tab to the field and type ``text`` over what it holds (Ctrl+A selects the entry)."""
    tab_to(page, selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def type_date(page, selector, day):
    """Type a date into a date field's segments. Their order follows the browser's UI language
    (Debian's Chromium ships only en-US: month first), so a first entry finds it out."""
    tab_to(page, selector)
    page.keyboard.type("01022000")
    probe = page.evaluate("s => document.querySelector(s).value", selector)
    assert probe in ("2000-02-01", "2000-01-02"), probe
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")  # back to the first segment of the same field
    assert page.evaluate(IS_FOCUSED, selector)
    page.keyboard.type(day.strftime("%d%m%Y" if probe == "2000-02-01" else "%m%d%Y"))
    assert page.evaluate("s => document.querySelector(s).value", selector) == day.isoformat()


def press_and_wait(page, key="Enter"):
    with page.expect_navigation():
        page.keyboard.press(key)


def submit_with(page, selector):
    """Tab to the button and press Enter, as a keyboard user sends a form."""
    tab_to(page, selector)
    press_and_wait(page, "Enter")


def focused(page):
    return page.evaluate("document.activeElement && document.activeElement.id")


def language_cookie(live_server, language="de"):
    return [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]


# --- (a) A resident submits an Antrag ---


def test_resident_submits_an_antrag_from_the_start_page_by_keyboard_only(
    fresh_page, live_server, fonds
):
    page = fresh_page(language_cookie(live_server))
    page.goto(live_server.url + reverse("start"))

    # Start page: choose the area in the select with the arrow key, then "Antrag beginnen".
    tab_to(page, "#id_quartier")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.querySelector('#id_quartier').value") == "SOL"
    page.keyboard.press("Tab")
    press_and_wait(page, "Enter")
    assert "Schritt 1 von 5" in page.title()

    # Step 1: about you.
    for selector, text in [
        ("#id_antragsteller_name", "Aylin Demir"),
        ("#id_antragsteller_strasse", "Soldiner Straße 12"),
        ("#id_antragsteller_plz", "13359"),
        ("#id_antragsteller_ort", "Berlin"),
        ("#id_antragsteller_email", "aylin@example.org"),
        ("#id_organisation", "Hofgruppe Soldiner 12"),
    ]:
        type_into(page, selector, text)
    tab_to(page, "#id_wohnt_oder_arbeitet_im_gebiet")
    page.keyboard.press("Space")
    submit_with(page, ".af-actions button[value=weiter]")
    antrag = Antrag.objects.get(antragsteller_email="aylin@example.org")
    assert page.url.endswith(reverse("antraege:schritt", args=[antrag.pk, 2]))

    # Step 2: the project.
    for selector, text in [
        ("#id_titel", "Hoffest Soldiner Kiez"),
        ("#id_kurzbeschreibung", "Ein Fest im Hof für alle."),
        ("#id_ziele", "Nachbarn lernen sich kennen."),
        ("#id_zielgruppe", "Alle im Kiez"),
        ("#id_teilnehmende_erwartet", "80"),
        ("#id_projektort", "Hof Soldiner Straße 12"),
    ]:
        type_into(page, selector, text)
    type_date(page, "#id_beginn", project_start())
    type_date(page, "#id_ende", project_start())
    type_into(page, "#id_oeffentlichkeitsarbeit", "Plakate im Haus")
    tab_to(page, "#id_handlungsfelder_0")
    page.keyboard.press("Space")
    submit_with(page, ".af-actions button[value=weiter]")

    # Step 3: one cost line (category by type-ahead in the select), then the money.
    tab_to(page, "#id_pos-0-kategorie")
    page.keyboard.type("Sach")
    assert page.evaluate(
        "document.querySelector('#id_pos-0-kategorie').selectedOptions[0].text"
    ) == ("Sachkosten")
    for selector, text in [
        ("#id_pos-0-beschreibung", "Getränke und Material"),
        ("#id_pos-0-menge", "2"),
        ("#id_pos-0-einzelpreis", "150"),
    ]:
        type_into(page, selector, text)
    for selector, text in [
        ("#id_betrag_beantragt", "300"),
        ("#id_weitere_mittel", "0"),
        ("#id_eigenleistung_stunden", "20"),
        ("#id_eigenleistung_beschreibung", "Aufbau und Abbau"),
    ]:
        type_into(page, selector, text)
    submit_with(page, ".af-actions button[value=weiter]")

    # Step 4: attachments are voluntary.
    assert "Schritt 4 von 5" in page.title()
    submit_with(page, ".af-actions button[value=weiter]")

    # Step 5: the three declarations, each ticked with Space (data protection is a notice, not a box).
    for name in ("nicht_kommerziell", "nicht_begonnen", "belege"):
        tab_to(page, f"#id_erklaerung_{name}")
        page.keyboard.press("Space")
    submit_with(page, ".af-actions button[value=weiter]")

    # Check your answers, then send.
    assert page.url.endswith(reverse("antraege:pruefen", args=[antrag.pk]))
    assert "Hoffest Soldiner Kiez" in page.inner_text("main")
    submit_with(page, "form[action$='/pruefen/'] button[type=submit]")

    antrag.refresh_from_db()
    assert page.url.endswith(reverse("antraege:eingereicht", args=[antrag.pk]))
    assert antrag.referenz in page.inner_text("main")
    assert (antrag.status, antrag.titel, antrag.betrag_beantragt, antrag.organisation) == (
        AntragStatus.SUBMITTED,
        "Hoffest Soldiner Kiez",
        Decimal("300.00"),
        "Hofgruppe Soldiner 12",
    )
    assert (antrag.beginn, antrag.antragsteller_ort) == (project_start(), "Berlin")
    assert antrag.erklaerung_belege and antrag.wohnt_oder_arbeitet_im_gebiet
    assert [(p.kategorie.name, p.menge, p.einzelpreis) for p in antrag.kostenpositionen.all()] == [
        ("Sachkosten", Decimal("2"), Decimal("150.00"))
    ]

    # From the confirmation to "Mein Antrag", and back to the list of one's Anträge.
    submit_with(page, f"main a[href='{reverse('antraege:mein_antrag', args=[antrag.pk])}']")
    assert antrag.referenz in page.inner_text("main")
    submit_with(page, "#zurueck")
    assert page.url.endswith(reverse("antraege:mein_antrag_liste"))


# --- The error summary (issue 5) ---


def test_three_errors_show_three_linked_messages_and_keep_every_entry(
    fresh_page, live_server, fonds
):
    page = fresh_page(language_cookie(live_server))
    page.goto(live_server.url + reverse("antraege:antrag_start", args=[fonds.quartier.code]))
    entries = {
        # error 1: no name
        "#id_antragsteller_strasse": "Soldiner Straße 12",
        "#id_antragsteller_plz": "133",  # error 2: not five digits
        "#id_antragsteller_ort": "Berlin-Wedding",
        "#id_antragsteller_email": "aylin-at-example.org",  # error 3: no e-mail address
        "#id_antragsteller_telefon": "030 1234567",
        "#id_organisation": "Hofgruppe Soldiner 12",
    }
    for selector, text in entries.items():
        type_into(page, selector, text)
    tab_to(page, "#id_wohnt_oder_arbeitet_im_gebiet")
    page.keyboard.press("Space")

    submit_with(page, ".af-actions button[value=weiter]")

    assert page.title().startswith("Fehler:")
    summary = page.locator("#fehler-zusammenfassung")
    assert focused(page) == "fehler-zusammenfassung"  # announced first
    assert summary.locator("li").count() == 3
    hrefs = summary.locator("li > a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert sorted(hrefs) == [
        "#id_antragsteller_email",
        "#id_antragsteller_name",
        "#id_antragsteller_plz",
    ]
    for href in hrefs:
        field = page.locator(href)
        assert field.count() == 1
        # the field names its error: aria-invalid and the message in its description
        assert field.get_attribute("aria-invalid") == "true"
        assert f"{href[1:]}-fehler" in field.get_attribute("aria-describedby").split()
    assert Antrag.objects.count() == 0
    for selector, text in entries.items():
        assert page.locator(selector).input_value() == text
    assert page.locator("#id_wohnt_oder_arbeitet_im_gebiet").is_checked()

    # Following a link of the summary by keyboard puts the focus on the field.
    page.keyboard.press("Tab")  # from the focused summary to its first link
    first = page.evaluate("document.activeElement.getAttribute('href')")
    page.keyboard.press("Enter")
    assert "#" + focused(page) == first


# --- (b) QM staff request changes ---


def test_qm_staff_log_in_and_request_changes_by_keyboard_only(
    fresh_page, live_server, fonds, qm_user
):
    antrag = antrag_walk_to(
        AntragFactory(fonds=fonds, titel="Kiezgarten", sprache="tr"), "submitted"
    )
    detail = reverse("qm:antrag_detail", args=[antrag.pk])
    app = TOTPDevice.objects.create(user=qm_user, name="App", confirmed=True)
    page = fresh_page(language_cookie(live_server), viewport="1280")
    page.goto(live_server.url + reverse("start"))

    # From the navigation to the login form, the code from the app, then to the dashboard.
    tab_to(page, f"a.af-nav__link[href='{reverse('login')}']")
    press_and_wait(page)
    type_into(page, "#id_username", qm_user.username)
    type_into(page, "#id_password", DEMO_PASSWORD)
    press_and_wait(page, "Enter")  # Enter in the password field sends the form
    assert reverse("zwei_faktor_bestaetigen") in page.url
    type_into(page, "#id_code", f"{totp(app.bin_key):06d}")
    press_and_wait(page, "Enter")
    assert page.url.endswith(reverse("qm:dashboard"))

    # The Antrag from the dashboard's list, then "Prüfung beginnen".
    tab_to(page, f"main a[href='{detail}']")
    press_and_wait(page)
    submit_with(page, "form[action$='/schritt/start_review/'] button")
    assert Antrag.objects.get(pk=antrag.pk).status == AntragStatus.IN_REVIEW
    assert page.inner_text(".af-messages").strip() == (
        f"Die Prüfung von {antrag.referenz} hat begonnen. Als Nächstes: Legen Sie den Antrag "
        "der Jury vor, fordern Sie etwas nach oder erklären Sie ihn für nicht förderfähig."
    )

    # Request changes: the message, then the form's button.
    type_into(page, "#id_request_changes-kommentar", "Bitte ergänzen Sie einen Kostenvoranschlag.")
    submit_with(page, "form[action$='/schritt/request_changes/'] button")

    assert page.url.endswith(detail)
    antrag.refresh_from_db()
    assert antrag.status == AntragStatus.CHANGES_REQUESTED
    schritt = Statuswechsel.objects.filter(antrag=antrag).latest("pk")
    assert (schritt.nach_status, schritt.kommentar, schritt.akteur_id) == (
        AntragStatus.CHANGES_REQUESTED,
        "Bitte ergänzen Sie einen Kostenvoranschlag.",
        qm_user.pk,
    )
    mail = Benachrichtigung.objects.filter(antrag=antrag).latest("pk")
    assert (mail.art, mail.empfaenger, mail.sprache) == (
        "nachforderung",
        antrag.antragsteller_email,
        "tr",
    )
    assert (
        page.inner_text(".af-messages")
        .strip()
        .startswith(
            f"Die Nachforderung zu {antrag.referenz} ist per E-Mail an die antragstellende Person"
        )
    )

    # The way back from the Antrag to the dashboard, by keyboard.
    submit_with(page, "#zurueck")
    assert page.url.endswith(reverse("qm:dashboard"))


# --- (c) A jury member votes ---


def test_jury_member_logs_in_and_votes_by_keyboard_only(fresh_page, live_server, fonds, qm_user):
    jury = jury_fuer(fonds.quartier, 3)
    antrag = antrag_zur_jury(AntragFactory(fonds=fonds, titel="Sommerkino"), qm_user)
    abstimmung = services.abstimmung_open(antrag, akteur=Akteur(qm_user), betrag=Decimal("300.00"))
    ballot = reverse("jury:abstimmung", args=[abstimmung.pk])
    page = fresh_page(language_cookie(live_server))
    page.goto(f"{live_server.url}{reverse('login')}?next={ballot}")

    type_into(page, "#id_username", jury[0].user.username)
    type_into(page, "#id_password", DEMO_PASSWORD)
    press_and_wait(page, "Enter")
    assert page.url.endswith(ballot)

    # "Ja" is the first choice of the group; Space chooses it, then comment and send.
    tab_to(page, "#id_wert_0")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.type("Schöne Idee")
    page.keyboard.press("Tab")
    press_and_wait(page, "Enter")

    assert page.url.endswith(f"{ballot}?quittung=1#quittung")
    assert "Ihre Stimme ist gespeichert" in page.inner_text("#quittung")
    stimme = Stimme.objects.get(abstimmung=abstimmung)
    assert (stimme.mitglied_id, stimme.wert, stimme.kommentar) == (jury[0].pk, "yes", "Schöne Idee")

    # Changed by keyboard while the vote is open: the arrow key moves within the group.
    tab_to(page, "#id_wert_0")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.querySelector('#id_wert_1').checked") is True
    submit_with(page, "#stimmzettel button[type=submit]")
    stimme.refresh_from_db()
    assert (Stimme.objects.filter(abstimmung=abstimmung).count(), stimme.wert) == (1, "no")

    # Back from the ballot to all votes.
    submit_with(page, "#zurueck")
    assert page.url.endswith(reverse("jury:home"))
    assert "Sommerkino" in page.inner_text("main")


# --- (d) After the approval: project start, the confirmation, the money on "Mein Antrag" ---


def test_resident_confirms_the_start_and_sees_the_money_by_keyboard_only(
    fresh_page, live_server, fonds, qm_user
):
    from antraege.roles import SESSION_KEY
    from tests.abrechnung_helpers import approved

    antrag = approved(AntragFactory(fonds=fonds, titel="Kiezchor"), qm_user, betrag="280.00")
    antrag = projektbeginn_bring_forward(antrag)  # the action is due
    client = Client()
    session = client.session
    session[SESSION_KEY] = [antrag.pk]
    session.save()
    cookies = language_cookie(live_server) + [
        {
            "name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "url": live_server.url,
        }
    ]
    page = fresh_page(cookies)
    page.goto(live_server.url + reverse("antraege:mein_antrag", args=[antrag.pk]))
    assert "Bewilligter Betrag" in page.inner_text("#geld")
    assert "280,00 €" in page.inner_text("#geld")

    submit_with(page, f"a[href='{reverse('abrechnung:mein_abrechnung', args=[antrag.pk])}']")
    submit_with(page, "form[action$='/projektbeginn/'] button")

    assert Antrag.objects.get(pk=antrag.pk).status == AntragStatus.IN_PROGRESS
    assert page.inner_text(".af-messages").strip() == (
        "Projektbeginn bestätigt. Als Nächstes: Laden Sie Ihre Belege hoch und schreiben Sie "
        "einen kurzen Bericht. Dann reichen Sie die Abrechnung ein."
    )
    submit_with(page, "#zurueck")
    assert page.url.endswith(reverse("antraege:mein_antrag", args=[antrag.pk]))
