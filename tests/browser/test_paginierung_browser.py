"""The paginated QM dashboard in Chromium: axe-clean at 360 and 1280 px, every page link reachable
by Tab with a visible focus, and the next page opened with the keyboard keeps the filter."""

import pytest

from tests.test_paginierung import many

from .a11y import VIEWPORTS, Page, assert_no_violations, axe_violations, tab_through

pytestmark = pytest.mark.django_db(transaction=True)


def dashboard(welt, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return Page("qm_dashboard_seiten", lambda _welt: f"/qm/?{query}", role="qm", staff=True)


def test_paginated_dashboard_passes_axe_and_is_usable_by_keyboard(open_page, welt):
    many(welt.fonds, 120, titel="Garten")
    many(welt.fonds, 10, titel="Fest")
    page = open_page(dashboard(welt, jahr=welt.fonds.jahr, suche="Garten"), viewport="360")

    for name, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        assert_no_violations(axe_violations(page), f"on the paginated dashboard ({name} px)")
    seen = tab_through(page)
    pages_nav = page.locator("nav.af-seiten")
    assert pages_nav.get_attribute("aria-label") == "Seiten: Anträge"
    assert pages_nav.locator("[aria-current=page]").inner_text().split()[-1] == "1"
    assert any(stop["key"].endswith("Nächste Seite") for stop in seen)  # reached by Tab

    page.locator("nav.af-seiten a[rel=next]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert pages_nav.locator("[aria-current=page]").inner_text().split()[-1] == "2"
    rows = page.locator("table tbody tr")
    assert rows.count() == 50
    assert rows.first.locator("td").first.inner_text() == "Garten 51"
    assert page.locator("#id_suche").input_value() == "Garten"
    assert "Einträge 51 bis 100 von 120 (Seite 2 von 3)" in pages_nav.inner_text()
    assert_no_violations(axe_violations(page), "on page 2 of the dashboard")
