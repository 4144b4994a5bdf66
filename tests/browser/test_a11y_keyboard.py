"""Keyboard only: the skip link, every control reachable with a visible focus, no trap, the language switch."""

import pytest

from .a11y import PAGES, tab_through

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("spec", PAGES, ids=lambda spec: spec.name)
def test_tab_reaches_every_control_with_visible_focus_and_no_trap(open_page, spec):
    page = open_page(spec, viewport="1280")

    seen = tab_through(page)

    assert seen[0]["key"].startswith("a #inhalt")  # the skip link comes first


def test_skip_link_moves_focus_to_the_main_content(open_page):
    page = open_page(PAGES[0])

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "af-skip-link"
    page.keyboard.press("Enter")

    assert page.evaluate("document.activeElement.id") == "inhalt"


def test_language_switch_by_keyboard_is_remembered_and_mirrors_the_layout(open_page, live_server):
    page = open_page(PAGES[0])

    page.locator("button[name=language][value=ar]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("html").get_attribute("dir") == "rtl"  # back on the same page, mirrored
    page.goto(live_server.url + "/barrierefreiheit/")

    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("button[name=language][value=ar]").get_attribute("aria-current") == "true"
    # Logical properties: the navigation starts at the right edge in Arabic.
    nav_link = page.locator(".af-nav__link").first.bounding_box()
    assert nav_link["x"] > page.viewport_size["width"] / 2


def test_tab_through_fails_when_focus_is_invisible(open_page):
    """The check above can fail: with outlines and halos removed it reports the first link."""
    page = open_page(PAGES[0], viewport="1280")
    page.evaluate(
        """() => document.querySelectorAll("a, button").forEach(el => {
             el.style.setProperty("outline", "none", "important");
             el.style.setProperty("box-shadow", "none", "important");
           })"""
    )

    with pytest.raises(AssertionError, match="focus not visible"):
        tab_through(page)
