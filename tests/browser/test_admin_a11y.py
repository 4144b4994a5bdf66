"""The admin pages admins use (index, every list and add form, a change form per list, the TOTP
device pages) and every error page in German and Arabic (400, 413, 429 and CSRF here; 403, 404,
410 and 500 in a11y.PAGES): zero axe-core violations."""

import pytest
from django.test import Client

from .a11y import assert_no_violations, axe_violations, format_violations

pytestmark = pytest.mark.django_db(transaction=True)

LINKS = """() => [...new Set([...document.querySelectorAll('#content-main a[href^="/admin/"]')]
  .map(a => a.getAttribute('href')))]"""
FIRST_ROW = """() => { const a = document.querySelector('#result_list tbody th a, #result_list tbody td a');
  return a ? a.getAttribute('href') : null; }"""


@pytest.fixture(params=["with JavaScript", "without JavaScript"])
def admin_page(request, browser, live_server, welt, admin_user, staff_login):
    """A signed-in admin's tab, with JavaScript and without: the names of the fields are in the
    HTML the server sends, not added by a script (a browser without scripts reads them too)."""
    from django.conf import settings

    client = Client()
    staff_login(client, admin_user)
    for data in ("projekt", "sitzung"):  # an Antrag with receipts, a meeting: lists with rows
        getattr(welt, data)
    context = browser.new_context(locale="de-DE")
    if request.param == "without JavaScript":
        # The page's scripts never load (axe is put in by the test, not as a file). Chromium's own
        # switch for scripts would stop axe's timers too.
        context.route("**/*.js", lambda route: route.abort())
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    yield page
    context.close()


def test_admin_pages_have_no_axe_violations(admin_page, live_server):
    page = admin_page
    page.goto(live_server.url + "/admin/")
    paths = ["/admin/", *page.evaluate(LINKS)]
    for path in list(paths):
        if path.endswith("/") and path.count("/") == 4:  # a list: also its first object
            page.goto(live_server.url + path)
            first = page.evaluate(FIRST_ROW)
            if first:
                paths.append(first)
    found = {}
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response.status == 200, f"{path}: HTTP {response.status}"
        violations = axe_violations(page)
        if violations:
            found[path] = format_violations(violations)

    assert found == {}, "\n\n".join(f"{path}\n{text}" for path, text in found.items())


# --- Error pages not in a11y.PAGES (404, 410, 403 and 500 are there): 400, 413, 429, CSRF ---


def _send_form(page, *, field_value, drop_csrf=False):
    """Submit the page's main form with ``field_value`` in its first text field (the way a
    browser does: a navigation to the answer)."""
    script = """([value, dropCsrf]) => {
      const form = document.querySelector('main form[method=post]');
      const field = form.querySelector('input[type=email], input[type=text], textarea');
      field.value = value;
      if (dropCsrf) form.querySelector('[name=csrfmiddlewaretoken]').value = 'x';
      form.submit();
    }"""
    with page.expect_navigation():
        page.evaluate(script, [field_value, drop_csrf])


@pytest.mark.parametrize("language", ["de", "ar"])
def test_413_page_has_no_axe_violations(fresh_page, live_server, settings, language):
    from django.urls import reverse

    settings.REQUEST_MAX_BYTES = 2000
    page = fresh_page(_language(live_server, language))
    page.goto(live_server.url + reverse("antraege:neuer_link"))

    _send_form(page, field_value="x" * 5000 + "@example.org")

    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("#naechster-schritt").get_attribute("href") == reverse(
        "antraege:neuer_link"
    )
    assert_no_violations(axe_violations(page), f"on the 413 page ({language})")


@pytest.mark.parametrize("language", ["de", "ar"])
def test_csrf_page_has_no_axe_violations(fresh_page, live_server, language):
    from django.urls import reverse

    page = fresh_page(_language(live_server, language))
    page.goto(live_server.url + reverse("antraege:neuer_link"))

    _send_form(page, field_value="aylin@example.org", drop_csrf=True)

    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("#naechster-schritt").count() == 1
    assert_no_violations(axe_violations(page), f"on the CSRF page ({language})")


@pytest.mark.urls("tests.urls_fehler")
@pytest.mark.parametrize("language", ["de", "ar"])
def test_400_page_has_no_axe_violations(fresh_page, live_server, language):
    page = fresh_page(_language(live_server, language))

    response = page.goto(live_server.url + "/kaputte-anfrage/")

    assert response.status == 400
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("#naechster-schritt").count() == 1
    assert_no_violations(axe_violations(page), f"on the 400 page ({language})")


@pytest.mark.parametrize("language", ["de", "ar"])
def test_429_of_the_new_link_form_is_the_form_again_with_the_reason(
    fresh_page, live_server, settings, language
):
    from django.urls import reverse

    settings.MAIL_RATE_PER_ADDRESS = 0  # every request counts as one too many
    page = fresh_page(_language(live_server, language))
    page.goto(live_server.url + reverse("antraege:neuer_link"))

    with page.expect_navigation() as answer:
        page.fill("input[type=email]", "aylin@example.org")
        page.locator("main form button[type=submit]").click()

    assert answer.value.status == 429
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("main [role=status]").count() == 1  # why, and when to try again
    assert page.locator("input[type=email]").input_value() == "aylin@example.org"
    assert page.locator(f'main a[href="{reverse("start")}"]').count() == 1  # the way back
    assert_no_violations(axe_violations(page), f"on the 429 page of the new link ({language})")


@pytest.mark.parametrize("language", ["de", "ar"])
def test_429_of_the_first_step_keeps_the_entries_and_says_why(
    fresh_page, live_server, settings, welt, language
):
    from django.urls import reverse

    settings.ENTWURF_RATE_PER_CLIENT = 0  # this client began too many drafts this hour
    page = fresh_page(_language(live_server, language))
    page.goto(live_server.url + reverse("antraege:antrag_start", args=[welt.quartier.code]))
    page.fill("input[name=antragsteller_name]", "Aylin Demir")
    page.fill("input[name=antragsteller_email]", "aylin@example.org")

    with page.expect_navigation() as answer:
        page.locator(".af-actions button[value=spaeter]").click()

    assert answer.value.status == 429
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("#fehler-zusammenfassung").count() == 1  # why, and what to do instead
    assert page.locator("input[name=antragsteller_name]").input_value() == "Aylin Demir"
    assert_no_violations(axe_violations(page), f"on the 429 page of step 1 ({language})")


@pytest.mark.parametrize("language", ["de", "ar"])
def test_429_of_a_locked_sign_in_says_until_when_and_leads_back(
    fresh_page, live_server, settings, qm_user, language
):
    from django.urls import reverse

    settings.AXES_FAILURE_LIMIT = 2
    page = fresh_page(_language(live_server, language))
    for _attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        page.goto(live_server.url + reverse("login"))
        page.fill("input[name=username]", qm_user.username)
        page.fill("input[name=password]", "falsch-falsch-falsch")
        with page.expect_navigation() as answer:
            page.locator("main form button[type=submit]").click()

    assert answer.value.status == 429
    # The sign-in is a staff page: German or English, an Arabic choice falls back to German.
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("main [role=alert]").count() == 1
    assert page.locator(f'main a[href="{reverse("start")}"]').count() == 1
    assert_no_violations(axe_violations(page), f"on the locked sign-in ({language})")


def _language(live_server, language):
    from django.conf import settings

    return [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
