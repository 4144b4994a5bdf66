"""Consistent labels: the check page numbers every step's section and uses the form's own labels;
filters on staff pages are not marked "freiwillig"."""

import re

import pytest
from django.urls import reverse

from antraege.roles import SESSION_KEY

pytestmark = pytest.mark.django_db


def test_check_page_numbers_every_section_and_uses_the_form_labels(client, antrag):
    session = client.session
    session[SESSION_KEY] = [antrag.pk]
    session.save()

    html = client.get(reverse("antraege:pruefen", args=[antrag.pk])).content.decode()

    headings = re.findall(r'<h2 class="kern-heading-medium" id="abschnitt-\d">([^<]+)</h2>', html)
    labels = re.findall(r'<dt class="kern-description-list-item__key">([^<]+)</dt>', html)
    assert headings == [
        "1. Über Sie",
        "2. Ihr Projekt",
        "3. Kosten",
        "4. Anhänge",
        "5. Erklärungen",
    ]
    assert "Telefon – freiwillig" in labels
    assert "Initiative oder Verein – freiwillig" in labels
    assert "Telefon (freiwillig)" not in html


def test_staff_filters_are_not_marked_optional(client, staff_login, qm_user, fonds):
    staff_login(client, qm_user)

    html = client.get(reverse("qm:dashboard")).content.decode()

    assert 'for="id_suche"' in html
    assert "freiwillig" not in html
