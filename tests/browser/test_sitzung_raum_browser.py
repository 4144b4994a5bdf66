"""Meeting mode for the room, in the real Chromium by keyboard only: the projector's page at
1280×720 switched with the arrow keys, axe clean; named voting of seven members in one screen."""

import pytest
from django.urls import reverse

from jury.factories import jury_fuer
from jury.sitzungen.models import Einzelstimme

from .a11y import Page, assert_no_violations, axe_violations, horizontal_overflow
from .test_journeys import press_and_wait, tab_to

pytestmark = pytest.mark.django_db(transaction=True)

BEAMER = {"width": 1280, "height": 720}


def test_projector_page_by_keyboard_at_1280x720_passes_axe(open_page, welt):
    spec = Page(
        "praesentation",
        lambda w: reverse("jury:qm_praesentation", args=[w.sitzung_laufend.pk]),
        role="qm",
        staff=True,
    )
    page = open_page(spec, viewport="1280")
    page.set_viewport_size(BEAMER)

    main = page.locator("main").inner_text()
    assert "1. Hoffest" in main and "Punkt 1 von 3" in main
    assert page.locator("nav.af-nav").count() == 0  # no staff navigation on the projector
    assert_no_violations(axe_violations(page), "on the projector page")
    assert horizontal_overflow(page) <= 0

    press_and_wait(page, "ArrowRight")  # a presenter's clicker or the arrow key: next item
    assert "2. Lesecafé" in page.locator("main").inner_text()
    tab_to(page, 'a[rel="prev"]')  # the same by Tab and Enter
    press_and_wait(page)
    assert "1. Hoffest" in page.locator("main").inner_text()
    assert page.console_errors == []


def test_named_vote_of_seven_members_fits_one_screen(open_page, welt):
    jury_fuer(welt.quartier, 4)  # with the Welt's three: seven members, all present
    spec = Page(
        "sitzungsmodus",
        lambda w: reverse("jury:qm_sitzungsmodus", args=[w.sitzung_laufend.pk]),
        role="qm",
        staff=True,
    )
    page = open_page(spec, viewport="1280")
    page.set_viewport_size(BEAMER)
    punkt = welt.sitzung.punkte.order_by("position").first()
    prefix = f"#id_p{punkt.pk}-"

    tab_to(page, prefix + "praesentiert_0")
    page.keyboard.press("Space")
    tab_to(page, prefix + "art_0")  # Tab reaches the group at its checked radio ("gezählt")
    page.keyboard.press("ArrowDown")  # the arrow key chooses "Namentlich" for this item
    assert page.locator(prefix + "art_1").is_checked()
    assert page.locator("#stimmen-gezaehlt").is_hidden()
    namentlich = page.locator("#stimmen-namentlich").bounding_box()
    assert namentlich["height"] <= BEAMER["height"], namentlich  # seven members in one screen
    selects = page.locator("#stimmen-namentlich select")
    assert selects.count() == 7
    last = selects.nth(6).get_attribute("id")
    tab_to(page, f"#{last}")
    page.keyboard.press("ArrowDown")  # "wie alle" → first exception in the list: Ja
    page.keyboard.press("ArrowDown")  # Nein
    tab_to(page, "button[value=beschluss]")
    press_and_wait(page)

    assert page.locator(".kern-alert--danger").count() == 0, page.locator("main").inner_text()
    punkt.refresh_from_db()
    assert (punkt.stimmen_ja, punkt.stimmen_nein, punkt.stimmen_enthaltung) == (6, 1, 0)
    assert Einzelstimme.objects.filter(punkt=punkt).count() == 7
    assert_no_violations(axe_violations(page), "on meeting mode after a named vote")
