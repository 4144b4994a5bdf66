"""Every page, in German and Arabic, at 360 px and 1280 px: zero axe-core violations (WCAG 2.1 A/AA),
no horizontal scrolling down to 320 px, the right language and direction, nothing blocked by the CSP.

One page load per page × language; the viewports are checked one after the other on that load
(resizing re-lays the page out, axe then scans the new layout): same coverage, half the time.
"""

import pytest

from .a11y import PAGES, VIEWPORTS, assert_no_violations, axe_violations, horizontal_overflow

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", ["de", "ar"])
@pytest.mark.parametrize("spec", PAGES, ids=lambda spec: spec.name)
def test_page_has_no_axe_violations_at_360_and_1280_px(open_page, spec, language):
    page = open_page(spec, language=language, viewport="360")

    expected = "de" if spec.staff and language == "ar" else language
    html = page.locator("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == (
        expected,
        "rtl" if expected == "ar" else "ltr",
    )
    for name, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        assert_no_violations(axe_violations(page), f"on {spec.name} ({language}, {name} px)")
        assert horizontal_overflow(page) <= 0, f"horizontal scrolling at {name} px"
    # WCAG 1.4.10 reflow: 320 CSS px is 1280 px at 400 % zoom (and covers 200 % on any screen).
    page.set_viewport_size({"width": 320, "height": 640})
    assert horizontal_overflow(page) <= 0, "horizontal scrolling at 320 px"
    assert page.console_errors == []


def test_kern_styles_and_fonts_are_served_and_applied(open_page):
    page = open_page(PAGES[0], viewport="1280")

    font = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    button_background = page.evaluate(
        "getComputedStyle(document.querySelector('.af-language__button--current')).backgroundColor"
    )
    assert font.startswith('"Fira Sans"')
    assert page.evaluate("document.fonts.check('16px \"Fira Sans\"')") is True
    assert button_background != "rgba(0, 0, 0, 0)"


@pytest.mark.urls("tests.urls_fehler")
@pytest.mark.parametrize("language", ["de", "ar"])
def test_500_page_has_no_axe_violations(open_page, language):
    from .a11y import Page

    page = open_page(Page("fehler_500", "/kaputt/", status=500), language=language)

    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("#naechster-schritt").count() == 1
    assert_no_violations(axe_violations(page), f"on the 500 page ({language})")
