"""The accessibility statement as Berlin's law asks (BIKTG Bln § 5): legal basis, known barriers
each with a date, a reply within one month, Berlin's complaints body."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_statement_follows_the_biktg_bln(client):
    html = client.get(reverse("barrierefreiheit")).content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())

    assert "(BIKTG Bln)" in text
    assert "(BITV 2.0)" in text
    assert "Landesbeauftragte für digitale Barrierefreiheit" in text
    assert 'href="https://www.berlin.de/lb/digitale-barrierefreiheit/"' in html
    assert "spätestens innerhalb eines Monats" in text
    assert "allein mit der Tastatur" in text
    assert "Schlichtungsstelle" not in text  # the federal body is for federal websites


def test_every_known_barrier_has_a_date_for_its_fix(client):
    html = client.get(reverse("barrierefreiheit")).content.decode()
    section = html.split('id="barrieren"', 1)[1].split("</ul>", 1)[0]
    barrieren = re.findall(r"<li>(.*?)</li>", section, re.S)

    assert len(barrieren) == 4
    assert all(re.search(r"Bis zum \d{1,2}\. \w+ 20\d\d", b) for b in barrieren)
