"""Keyboard only in the real Chromium: QM appoints a deputy, first forgets the age confirmation (the
form comes back with every entry kept and the error announced), then appoints, then ends a term."""

import datetime

import pytest
from django.urls import reverse

from jury.mitglieder.models import Jurymitglied
from jury.mitglieder.selectors import kontosprache

from .a11y import Page
from .test_journeys import focused, press_and_wait, submit_with, tab_to, type_date, type_into

pytestmark = pytest.mark.django_db(transaction=True)


def test_qm_appoints_a_deputy_and_ends_a_term_by_keyboard(open_page, welt):
    spec = Page(
        "qm_mitglied_neu",
        lambda w: reverse("jury:qm_mitglied_neu", args=[w.quartier.pk]),
        role="qm",
        staff=True,
    )
    page = open_page(spec, viewport="1280")

    type_into(page, "#id_vorname", "Ayşe")
    type_into(page, "#id_nachname", "Demir")
    type_into(page, "#id_email", "ayse.demir@example.org")
    tab_to(page, "#id_sprache")
    page.keyboard.press("ArrowDown")  # a closed select: Deutsch → English → Türkçe
    page.keyboard.press("ArrowDown")
    tab_to(page, "#id_rolle_0")
    page.keyboard.press("ArrowDown")  # the radio group: deputy
    type_date(page, "#id_beginn", datetime.date(2026, 3, 1))
    type_date(page, "#id_gewaehlt_am", datetime.date(2026, 2, 15))
    submit_with(page, "main button[type=submit]")

    assert focused(page) == "fehler-zusammenfassung"
    assert "mindestens 16 Jahre alt" in page.locator("#fehler-zusammenfassung").inner_text()
    assert page.locator("#id_vorname").input_value() == "Ayşe"
    assert page.locator("#id_sprache").input_value() == "tr"
    assert page.locator("#id_rolle_1").is_checked()
    assert page.locator("#id_beginn").input_value() == "2026-03-01"
    assert not Jurymitglied.objects.filter(user__email="ayse.demir@example.org").exists()

    tab_to(page, "#id_mindestalter_bestaetigt")
    page.keyboard.press("Space")
    submit_with(page, "main button[type=submit]")

    main = page.locator("main").inner_text()
    assert page.locator("#fehler-zusammenfassung").count() == 0, main
    neu = Jurymitglied.objects.get(user__email="ayse.demir@example.org")
    assert (neu.rolle, neu.beginn, neu.gewaehlt_am, neu.mindestalter_bestaetigt) == (
        "deputy",
        datetime.date(2026, 3, 1),
        datetime.date(2026, 2, 15),
        True,
    )
    assert kontosprache(neu.user) == "tr"
    assert "Die Jury hat nur 3 Mitglieder (mindestens 7)." in page.locator("main").inner_text()

    beenden = reverse("jury:qm_mitglied_beenden", args=[welt.quartier.pk, welt.jurymitglied.pk])
    tab_to(page, f'a[href="{beenden}"]')
    press_and_wait(page)
    submit_with(page, "main button[type=submit]")  # the last day defaults to today

    welt.jurymitglied.refresh_from_db()
    assert welt.jurymitglied.ende is not None
    assert "Die Amtszeit von" in page.locator("main").inner_text()
