"""The pages are wired to each other: each link appears in the state where it leads somewhere, and
only for the role that may follow it."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from antraege.models import Dokument
from antraege.roles import Akteur
from antraege.zugang.links import antrag_link_token
from jury.abstimmungen import services
from jury.factories import antrag_zur_jury, jury_fuer, sitzung_fuer

from .abrechnung_helpers import approved, pdf_bytes

pytestmark = pytest.mark.django_db


def href(url):
    return f'href="{url}"'


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def jury_section(html):
    """The "Jury" section of the QM Antrag page (the navigation links the meetings too)."""
    start = html.index('id="jury"')
    return html[start : html.index("</section>", start)]


def brief(antrag, art=Dokument.Art.BEWILLIGUNG):
    dokument = Dokument(antrag=antrag, art=art)
    dokument.datei.save(f"{art}.pdf", ContentFile(pdf_bytes()), save=True)
    return dokument


def als_antragsteller(client, antrag):
    client.get(reverse("antraege:link", kwargs={"token": antrag_link_token(antrag)}))


# --- QM dashboard ---


def test_dashboard_shows_progress_of_an_open_vote_with_its_link(
    client, staff_login, antrag, qm_user
):
    jury_fuer(antrag.fonds.quartier, 3)
    antrag_zur_jury(antrag, qm_user)
    abstimmung = services.abstimmung_open(antrag, akteur=Akteur(qm_user), betrag=Decimal("300.00"))
    staff_login(client, qm_user)

    html = page(client, reverse("qm:dashboard"))

    assert href(reverse("jury:qm_abstimmung", args=[abstimmung.pk])) in html
    assert "0 von 3" in html


def test_dashboard_without_open_vote_says_so(client, staff_login, antrag, qm_user):
    staff_login(client, qm_user)

    html = page(client, reverse("qm:dashboard"))

    assert "Zurzeit läuft keine Abstimmung." in html


# --- QM Antrag detail ---


def test_qm_detail_at_the_jury_offers_vote_and_meeting(client, staff_login, antrag, qm_user):
    jury_fuer(antrag.fonds.quartier, 3)
    antrag_zur_jury(antrag, qm_user)
    staff_login(client, qm_user)
    url = reverse("qm:antrag_detail", args=[antrag.pk])

    before = page(client, url)
    abstimmung = services.abstimmung_open(antrag, akteur=Akteur(qm_user), betrag=Decimal("300.00"))
    running = page(client, url)

    assert href(reverse("jury:qm_eroeffnen", args=[antrag.pk])) in before
    assert href(reverse("jury:qm_sitzungen")) in jury_section(before)  # no meeting yet
    vote = href(reverse("jury:qm_abstimmung", args=[abstimmung.pk]))
    assert vote not in before
    # a vote is running: it is linked, and no second one is offered
    assert vote in running
    assert href(reverse("jury:qm_eroeffnen", args=[antrag.pk])) not in running
    assert href(reverse("jury:qm_sitzungen")) not in jury_section(running)


def test_qm_detail_links_the_meeting_whose_agenda_holds_the_antrag(
    client, staff_login, antrag, qm_user
):
    jury_fuer(antrag.fonds.quartier, 3)
    antrag_zur_jury(antrag, qm_user)
    sitzung = sitzung_fuer(antrag.fonds.quartier, qm_user)
    staff_login(client, qm_user)

    html = page(client, reverse("qm:antrag_detail", args=[antrag.pk]))
    overview = page(client, reverse("jury:qm_uebersicht"))

    assert href(reverse("jury:qm_tagesordnung", args=[sitzung.pk])) in html
    assert href(reverse("jury:qm_tagesordnung", args=[sitzung.pk])) in overview
    assert href(reverse("jury:qm_sitzungen")) not in jury_section(html)


def test_qm_detail_at_the_jury_has_no_settlement_link(client, staff_login, antrag, qm_user):
    antrag_zur_jury(antrag, qm_user)  # jury_vote, so the Antrag has its reference
    staff_login(client, qm_user)
    html = page(client, reverse("qm:antrag_detail", args=[antrag.pk]))

    assert href(reverse("abrechnung:qm_abrechnung", args=[antrag.pk])) not in html


def test_qm_detail_after_approval_links_settlement_and_letters(
    client, staff_login, antrag, qm_user
):
    approved(antrag, qm_user)
    dokument = brief(antrag)
    staff_login(client, qm_user)

    html = page(client, reverse("qm:antrag_detail", args=[antrag.pk]))

    assert href(reverse("abrechnung:qm_abrechnung", args=[antrag.pk])) in html
    assert href(reverse("abrechnung:qm_dokument", args=[antrag.pk, dokument.pk])) in html
    assert href(reverse("jury:qm_eroeffnen", args=[antrag.pk])) not in html


def test_admin_reads_the_detail_without_links_to_staff_only_pages(
    client, staff_login, antrag, qm_user, admin_user
):
    approved(antrag, qm_user)
    brief(antrag)
    staff_login(client, admin_user)

    html = page(client, reverse("qm:antrag_detail", args=[antrag.pk]))

    assert reverse("abrechnung:qm_abrechnung", args=[antrag.pk]) not in html
    assert "/dokumente/" not in html


# --- Mein Antrag ---


def test_mein_antrag_after_approval_shows_next_step_settlement_and_letter(client, antrag, qm_user):
    approved(antrag, qm_user)
    dokument = brief(antrag)
    als_antragsteller(client, antrag)

    html = page(client, reverse("antraege:mein_antrag", args=[antrag.pk]))

    assert "Ihr nächster Schritt" in html
    assert "Ihr Antrag ist bewilligt." in html
    assert href(reverse("abrechnung:mein_abrechnung", args=[antrag.pk])) in html
    assert href(reverse("abrechnung:mein_dokument", args=[antrag.pk, dokument.pk])) in html


def test_mein_antrag_under_review_has_no_settlement_link(client, antrag, qm_user):
    antrag_zur_jury(antrag, qm_user)
    als_antragsteller(client, antrag)

    html = page(client, reverse("antraege:mein_antrag", args=[antrag.pk]))

    assert "Ihr nächster Schritt" not in html
    assert reverse("abrechnung:mein_abrechnung", args=[antrag.pk]) not in html


# --- Header navigation ---


def nav(html):
    start = html.index('<nav class="af-nav"')
    return html[start : html.index("</nav>", start)]


def test_navigation_of_qm_staff_leads_to_dashboard_and_jury_overview(client, staff_login, qm_user):
    staff_login(client, qm_user)

    html = nav(page(client, reverse("barrierefreiheit")))

    assert href(reverse("qm:dashboard")) in html
    assert href(reverse("jury:qm_uebersicht")) in html
    assert href(reverse("jury:home")) not in html


def test_navigation_of_a_jury_member_leads_to_own_votes(client, staff_login, jury_user):
    staff_login(client, jury_user)

    html = nav(page(client, reverse("jury:home")))

    assert f'{href(reverse("jury:home"))} aria-current="page"' in html
    assert href(reverse("qm:dashboard")) not in html
    assert href(reverse("jury:qm_uebersicht")) not in html


def test_navigation_of_visitors_has_no_staff_entries(client):
    html = nav(page(client, reverse("start")))

    for name in ("qm:dashboard", "jury:qm_uebersicht", "jury:home"):
        assert href(reverse(name)) not in html
    assert href(reverse("login")) in html


@pytest.mark.parametrize("rolle", ["admin_user", "qm_user", "jury_user"])
def test_no_navigation_link_leads_to_a_403(client, staff_login, quartier, rolle, request):
    import re

    staff_login(client, request.getfixturevalue(rolle))
    start = client.get(reverse("home"), follow=True)
    links = re.findall(r'<a class="af-nav__link" href="([^"]+)"', start.content.decode())

    assert links
    assert {link: client.get(link, follow=True).status_code for link in links} == {
        link: 200 for link in links
    }
