"""Error pages that help: in the site's layout and the visitor's language, with a next step that
fits who is looking (a resident gets a new link, a jury member the way to the votes)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from antraege.roles import SESSION_KEY
from antraege.web.fehler import link_ungueltig_response

from .abrechnung_helpers import in_progress
from .resident_helpers import title_of

pytestmark = pytest.mark.django_db


def html_lang(response):
    return re.search(r'<html lang="(\w+)" dir="(\w+)"', response.content.decode()).groups()


def next_step(response):
    """The first link under "Was Sie jetzt tun können"."""
    match = re.search(r'id="naechster-schritt" href="([^"]+)"', response.content.decode())
    return match and match.group(1)


def in_language(client, language):
    client.cookies["django_language"] = language
    return client


@pytest.mark.parametrize(
    ("language", "title"),
    [("de", "Seite nicht gefunden"), ("ar", "الصفحة غير موجودة")],
)
def test_404_of_a_resident_page_is_in_the_layout_and_offers_a_new_link(client, language, title):
    response = in_language(client, language).get("/mein-antrag/987654/")

    assert response.status_code == 404
    assert title_of(response).startswith(title)
    assert html_lang(response) == (language, "rtl" if language == "ar" else "ltr")
    assert 'class="af-nav"' in response.content.decode()
    assert next_step(response) == reverse("antraege:neuer_link")


def test_404_elsewhere_leads_to_the_start_page(client):
    response = client.get("/gibt-es-nicht/")

    assert response.status_code == 404
    assert next_step(response) == reverse("start")


@pytest.mark.parametrize("language", ["de", "ar"])
def test_404_of_a_resident_whose_session_ran_out_offers_a_new_link(
    client, antrag, qm_user, language
):
    antrag = in_progress(antrag, qm_user)  # the browser no longer holds the access

    response = in_language(client, language).get(
        reverse("abrechnung:mein_abrechnung", args=[antrag.pk])
    )

    assert response.status_code == 404  # no hint whether the Antrag exists
    assert html_lang(response)[0] == language
    assert next_step(response) == reverse("antraege:neuer_link")


def test_403_of_a_jury_member_on_a_qm_page_leads_to_their_votes(client, staff_login, jury_user):
    staff_login(client, jury_user)

    response = client.get(reverse("qm:dashboard"))

    assert response.status_code == 403
    assert title_of(response).startswith("Kein Zugang zu dieser Seite")
    assert next_step(response) == reverse("jury:home")
    assert "Als Jurymitglied können Sie" in response.content.decode()


def test_403_of_the_jury_pages_for_qm_says_why_and_what_instead(client, staff_login, jury_user):
    staff_login(client, jury_user)

    response = client.get(reverse("jury:qm_uebersicht"))

    assert response.status_code == 403
    assert "Diese Seite ist für das QM." in response.content.decode()
    assert next_step(response) == reverse("jury:home")


def test_403_of_a_signed_in_qm_member_on_another_page_leads_to_the_dashboard(
    client, staff_login, qm_user
):
    staff_login(client, qm_user)

    response = client.get(reverse("jury:home") + "../abstimmungen/999999/")

    assert response.status_code == 404
    assert next_step(response) == reverse("qm:dashboard")


@pytest.mark.parametrize(
    ("language", "title"),
    [("de", "Dieser Link gilt nicht mehr"), ("ar", "هذا الرابط لم يعد صالحًا")],
)
def test_410_for_an_invalid_link_offers_a_new_one(client, language, title):
    response = in_language(client, language).get("/mein-antrag/zugang/abgelaufen/")

    assert response.status_code == 410
    assert title_of(response).startswith(title)
    assert next_step(response) == reverse("antraege:neuer_link")


def test_410_helper_for_revoked_links_carries_the_reason(rf):
    request = rf.get("/mein-antrag/zugang/x/")
    request.session = {SESSION_KEY: []}

    response = link_ungueltig_response(request, grund="Widerrufen.")

    assert response.status_code == 410
    assert "Widerrufen." in response.content.decode()


@pytest.mark.urls("tests.urls_fehler")
@pytest.mark.parametrize(
    ("language", "title"),
    [("de", "Ein Fehler ist aufgetreten"), ("ar", "حدث خطأ")],
)
def test_500_is_in_the_layout_and_language_with_the_way_back(language, title):
    client = in_language(Client(raise_request_exception=False), language)

    response = client.get("/kaputt/")

    assert response.status_code == 500
    assert title_of(response).startswith(title)
    assert html_lang(response)[0] == language
    assert next_step(response) == reverse("start")


def test_expired_form_csrf_gets_a_helpful_page(antrag):
    client = in_language(Client(enforce_csrf_checks=True), "de")

    response = client.post(reverse("antraege:neuer_link"), {"email": "a@example.org"})

    assert response.status_code == 403
    assert title_of(response).startswith("Das Formular ist abgelaufen")
