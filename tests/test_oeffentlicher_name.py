"""The public name is one the applicant types and agrees to show (issue 21), never a word cut out of
their name: "Ing." or a surname typed first ("Müller, Erika") no longer reach the public list."""

import importlib

import pytest
from django.urls import reverse

from antraege.fonds.selectors.veroeffentlichung import traeger_for
from antraege.models import Antrag

from .resident_helpers import schritt_url, token_from, ueber_sie

pytestmark = pytest.mark.django_db


def start_url(fonds):
    return reverse("antraege:antrag_start", kwargs={"code": fonds.quartier.code})


def test_consent_without_a_name_is_refused_with_a_message_and_the_entries_kept(client, fonds):
    token = token_from(client.get(start_url(fonds)))

    response = client.post(
        start_url(fonds),
        ueber_sie(token, antragsteller_name="Ing. Erika Müller", vorname_veroeffentlichen="on"),
    )

    assert response.status_code == 200
    assert not Antrag.objects.exists()
    form = response.context["form"]
    assert form.errors["oeffentlicher_name"] == [
        "Bitte tragen Sie den Namen ein, der in der öffentlichen Liste stehen soll, oder nehmen "
        "Sie den Haken bei der Zustimmung heraus."
    ]
    assert form["antragsteller_name"].value() == "Ing. Erika Müller"


def test_the_typed_public_name_is_stored_with_the_consent(client, fonds):
    token = token_from(client.get(start_url(fonds)))

    response = client.post(
        start_url(fonds),
        ueber_sie(
            token,
            antragsteller_name="Müller, Erika",
            oeffentlicher_name="Erika",
            vorname_veroeffentlichen="on",
        ),
    )

    antrag = Antrag.objects.get()
    assert response.url == schritt_url(antrag.pk, 2)
    assert (antrag.oeffentlicher_name, antrag.vorname_veroeffentlichen) == ("Erika", True)


@pytest.mark.parametrize(
    ("organisation", "name", "zustimmung", "expected"),
    [
        ("Hofgemeinschaft e. V.", "Erika", True, "Hofgemeinschaft e. V."),
        ("", "Erika", True, "Erika"),
        ("", "Erika", False, ""),  # typed, but not agreed: never shown
        ("", "", True, ""),
    ],
)
def test_the_public_list_shows_the_typed_name_only_with_consent(
    organisation, name, zustimmung, expected
):
    assert traeger_for(organisation, name, zustimmung) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Erika Müller", "Erika"),
        ("Ing. Erika Müller", "Erika"),
        ("Müller, Erika", "Erika"),
        ("Dr. med. Aylin Demir", "Aylin"),
        ("", ""),
    ],
)
def test_existing_consenting_rows_get_their_first_name_not_a_title_or_surname(name, expected):
    migration = importlib.import_module("antraege.migrations.0013_oeffentlicher_name")

    assert migration._vorname(name) == expected
