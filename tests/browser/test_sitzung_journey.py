"""Keyboard only in the real Chromium: QM runs a meeting of three items from attendance to closing.
Every control is reached with Tab and used with Space or typed into; the state reached is checked
in the database."""

from decimal import Decimal

import pytest
from django.urls import reverse

from antraege.models import Antrag, AntragStatus
from jury.sitzungen.models import Sitzung, SitzungStatus

from .a11y import Page
from .test_journeys import press_and_wait, tab_to, type_into

pytestmark = pytest.mark.django_db(transaction=True)


def check(page, selector):
    tab_to(page, selector)
    page.keyboard.press("Space")
    assert page.locator(selector).is_checked()


def test_qm_runs_a_meeting_of_three_items_by_keyboard(open_page, welt):
    sitzung = welt.sitzung
    spec = Page(
        "sitzungsmodus",
        lambda w: reverse("jury:qm_sitzungsmodus", args=[w.sitzung.pk]),
        role="qm",
        staff=True,
    )
    page = open_page(spec, viewport="1280")

    for index in range(3):  # the three members of the Welt jury: proposed present (no apologies)
        assert page.locator(f"#id_mitglieder_{index}").is_checked()
    tab_to(page, "button[value=anwesenheit]")
    press_and_wait(page)
    assert "3 von 3 Sitzen besetzt" in page.locator("main").inner_text()

    punkte = list(sitzung.punkte.order_by("position"))
    for punkt, (ja, nein) in zip(punkte, ((3, 0), (1, 2), (2, 0)), strict=True):
        prefix = f"#id_p{punkt.pk}-"
        check(page, prefix + "praesentiert_0")
        type_into(page, prefix + "ja", str(ja))
        type_into(page, prefix + "nein", str(nein))
        type_into(page, prefix + "enthaltung", "0")
        tab_to(page, "button[value=beschluss]")
        press_and_wait(page)
        assert page.locator(".kern-alert--danger").count() == 0, page.locator("main").inner_text()

    check(page, "#schliessen-bestaetigt")  # the confirmation of a move that cannot be undone
    tab_to(page, "button[value=schliessen]")
    press_and_wait(page)

    assert Sitzung.objects.get(pk=sitzung.pk).status == SitzungStatus.GESCHLOSSEN
    status = [Antrag.objects.get(pk=p.antrag_id).status for p in punkte]
    assert status == [AntragStatus.APPROVED, AntragStatus.REJECTED, AntragStatus.APPROVED]
    assert Antrag.objects.get(pk=punkte[0].antrag_id).betrag_bewilligt == Decimal("300.00")
    assert "Die Sitzung ist abgeschlossen" in page.locator("main").inner_text()
