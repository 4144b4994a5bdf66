"""QM's payments page in Chromium: axe-clean at every width, every button reached by Tab with a
visible focus, and the four-eyes steps done with the keyboard alone: "rechnerisch richtig" (the
other person gave "sachlich richtig"), "Anordnen", the SEPA file."""

import pytest

from antraege.models import Auszahlungsanordnung, SepaDatei
from antraege.roles import Akteur

from .a11y import VIEWPORTS, Page, assert_no_violations, axe_violations, tab_through

pytestmark = pytest.mark.django_db(transaction=True)


def zahlungen(welt):
    from antraege.geld.services.abrechnung import auszahlung_release, beleg_check
    from antraege.geld.services.anordnung import anordnung_confirm
    from tests.abrechnung_helpers import buero_konto_save
    from workflow.wege import qm_second_person

    buero_konto_save(welt.fonds, welt.qm_user)
    antrag = welt.abrechnung
    for beleg in antrag.belege.all():
        beleg_check(beleg, akteur=Akteur(welt.qm_user), anerkannt=str(beleg.betrag))
    auszahlung_release(antrag, akteur=Akteur(welt.qm_user))
    anordnung = Auszahlungsanordnung.objects.get(antrag=antrag)
    zweite = Akteur(qm_second_person(welt.quartier))
    anordnung_confirm(anordnung, akteur=zweite, als="sachlich")
    return f"/qm/quartiere/{welt.quartier.pk}/zahlungen/"


def press(page, locator):
    locator.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_payments_page_passes_axe_and_works_by_keyboard(open_page, welt):
    page = open_page(Page("qm_zahlungen", zahlungen, role="qm", staff=True), viewport="360")

    for name, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        assert_no_violations(axe_violations(page), f"on the payments page ({name} px)")
    seen = tab_through(page)
    assert any("„Rechnerisch richtig“ bestätigen" in stop["key"] for stop in seen)

    press(page, page.get_by_role("button", name="„Rechnerisch richtig“ bestätigen"))
    press(page, page.get_by_role("button", name="Anordnen"))
    assert_no_violations(axe_violations(page), "with a released order")
    press(page, page.get_by_role("button", name="SEPA-Datei erstellen"))

    assert SepaDatei.objects.get().anzahl == 1
    assert Auszahlungsanordnung.objects.get().status == "in_datei"
    assert_no_violations(axe_violations(page), "with a SEPA file to mark paid")
    tab_through(page)
    assert page.console_errors == []
