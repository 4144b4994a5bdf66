"""The bookkeeping's data of an area and its fund (issue 19): budget line and cost centre of the
fund, the office's own bank account (IBAN checksum checked), entered by QM of the area on a page of
their own (the fund report shows them and links there), read-only in the admin, read by everyone
through one selector."""

import re

import pytest
from django.urls import reverse

from antraege.fonds.selectors.buchhaltung import (
    buero_konto_for_aktionsfonds,
    haushalt_for_aktionsfonds,
)
from antraege.fonds.services.buchhaltung import BuchhaltungRefused, buchhaltung_save
from antraege.models import Aktionsfonds, Quartier
from antraege.roles import Akteur

pytestmark = pytest.mark.django_db

IBAN = "DE89370400440532013000"


def eingaben(**overrides):
    data = {
        "haushaltsstelle": "3470/68406",
        "kostenstelle": "QM-SOL-AF",
        "kontoinhaber": "Träger e. V. – QM Soldiner Kiez",
        "iban": "de89 3704 0044 0532 0130 00",
        "bic": "cobadeffxxx",
    }
    data.update(overrides)
    return data


def test_qm_enters_the_budget_line_and_the_offices_account(fonds, qm_user):
    assert buero_konto_for_aktionsfonds(fonds) is None

    fonds = buchhaltung_save(fonds, akteur=Akteur(qm_user), **eingaben())

    konto = buero_konto_for_aktionsfonds(fonds)
    assert (konto.kontoinhaber, konto.iban, konto.bic) == (
        "Träger e. V. – QM Soldiner Kiez",
        IBAN,
        "COBADEFFXXX",
    )
    assert konto.iban_formatted == "DE89 3704 0044 0532 0130 00"
    haushalt = haushalt_for_aktionsfonds(fonds)
    assert (haushalt.haushaltsstelle, haushalt.kostenstelle, haushalt.haushaltsjahr) == (
        "3470/68406",
        "QM-SOL-AF",
        fonds.jahr,
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"iban": "DE88370400440532013000"}, "buero_iban"),  # checksum wrong
        ({"iban": "XX12"}, "buero_iban"),
        ({"kontoinhaber": ""}, "buero_kontoinhaber"),
        ({"iban": ""}, "buero_iban"),
        ({"bic": "KEINEBIC"}, "buero_bic"),
    ],
)
def test_bad_entries_are_refused_and_nothing_changes(fonds, qm_user, overrides, field):
    with pytest.raises(BuchhaltungRefused) as refused:
        buchhaltung_save(fonds, akteur=Akteur(qm_user), **eingaben(**overrides))

    assert refused.value.field == field
    assert Quartier.objects.get(pk=fonds.quartier_id).buero_iban == ""
    assert Aktionsfonds.objects.get(pk=fonds.pk).haushaltsstelle == ""


@pytest.mark.parametrize("wer", ["qm_other_user", "admin_user", "jury_user"])
def test_only_qm_of_the_area_enters_them(request, fonds, wer):
    with pytest.raises(BuchhaltungRefused) as refused:
        buchhaltung_save(fonds, akteur=Akteur(request.getfixturevalue(wer)), **eingaben())

    assert refused.value.code == "forbidden"
    assert Quartier.objects.get(pk=fonds.quartier_id).buero_iban == ""


def posted(**overrides):
    data = {
        "buchhaltung-haushaltsstelle": "3470/68406",
        "buchhaltung-kostenstelle": "QM-SOL-AF",
        "buchhaltung-buero_kontoinhaber": "Träger e. V.",
        "buchhaltung-buero_iban": IBAN,
        "buchhaltung-buero_bic": "",
    }
    data.update({f"buchhaltung-{name}": value for name, value in overrides.items()})
    return data


def gespeichert(fonds):
    """What is stored: the fund's budget line and cost centre, the office's account."""
    fonds = Aktionsfonds.objects.select_related("quartier").get(pk=fonds.pk)
    quartier = fonds.quartier
    return (
        fonds.haushaltsstelle,
        fonds.kostenstelle,
        quartier.buero_kontoinhaber,
        quartier.buero_iban,
        quartier.buero_bic,
    )


def test_the_fund_report_shows_them_and_links_qm_to_their_page(client, staff_login, fonds, qm_user):
    buchhaltung_save(fonds, akteur=Akteur(qm_user), **eingaben())
    staff_login(client, qm_user)

    page = client.get(reverse("qm:fonds_bericht", args=[fonds.pk])).content.decode()

    section = page[page.index('id="buchhaltung"') : page.index('id="jahresabschluss"')]
    assert '<dd class="kern-description-list-item__value">3470/68406</dd>' in section
    assert f'<dd class="kern-description-list-item__value">{IBAN}</dd>' in section
    assert '<dd class="kern-description-list-item__value">COBADEFFXXX</dd>' in section
    assert "<form" not in section and 'name="buchhaltung-buero_iban"' not in page
    aendern = reverse("qm:fonds_buchhaltung", args=[fonds.pk])
    assert (
        f'<a class="kern-link" href="{aendern}">Angaben für die Buchhaltung ändern</a>' in section
    )


def test_their_page_shows_the_stored_values_in_the_form(client, staff_login, fonds, qm_user):
    buchhaltung_save(fonds, akteur=Akteur(qm_user), **eingaben())
    staff_login(client, qm_user)

    response = client.get(reverse("qm:fonds_buchhaltung", args=[fonds.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert f"Angaben für die Buchhaltung: {fonds.quartier.name} {fonds.jahr}</h1>" in page
    for name, value in [
        ("haushaltsstelle", "3470/68406"),
        ("kostenstelle", "QM-SOL-AF"),
        ("buero_kontoinhaber", "Träger e. V. – QM Soldiner Kiez"),
        ("buero_iban", IBAN),
        ("buero_bic", "COBADEFFXXX"),
    ]:
        assert re.search(rf'<input [^>]*name="buchhaltung-{name}" value="{value}"', page), name
    assert 'id="fehler-zusammenfassung"' not in page


def test_their_page_keeps_the_entries_on_an_error_and_stores_nothing(
    client, staff_login, fonds, qm_user
):
    staff_login(client, qm_user)
    url = reverse("qm:fonds_buchhaltung", args=[fonds.pk])
    vorher = gespeichert(fonds)

    refused = client.post(url, posted(buero_iban="DE88370400440532013000"))

    assert refused.status_code == 400
    page = refused.content.decode()
    assert 'id="fehler-zusammenfassung"' in page
    assert "Die Prüfziffer der IBAN stimmt nicht" in page
    assert 'value="DE88370400440532013000"' in page and 'value="3470/68406"' in page
    assert 'value="Träger e. V."' in page and 'value="QM-SOL-AF"' in page
    assert "Angaben für die Buchhaltung: " in page and 'id="geld-titel"' not in page
    assert gespeichert(fonds) == vorher


def test_their_page_stores_them_and_goes_back_to_the_report(client, staff_login, fonds, qm_user):
    staff_login(client, qm_user)

    saved = client.post(reverse("qm:fonds_buchhaltung", args=[fonds.pk]), posted())

    assert saved.status_code == 302
    assert saved["Location"] == reverse("qm:fonds_bericht", args=[fonds.pk]) + "#buchhaltung"
    assert gespeichert(fonds) == ("3470/68406", "QM-SOL-AF", "Träger e. V.", IBAN, "")
    page = client.get(saved["Location"]).content.decode()
    assert "Die Angaben für die Buchhaltung sind gespeichert." in page
    assert f'<dd class="kern-description-list-item__value">{IBAN}</dd>' in page


def test_admin_sees_them_read_only_and_cannot_open_or_post_their_page(
    client, staff_login, fonds, admin_user
):
    Quartier.objects.filter(pk=fonds.quartier_id).update(buero_iban=IBAN, buero_kontoinhaber="T")
    staff_login(client, admin_user)
    vorher = gespeichert(fonds)

    change = client.get(reverse("admin:antraege_quartier_change", args=[fonds.quartier_id]))
    assert change.status_code == 200
    assert IBAN in change.content.decode()
    assert 'name="buero_iban"' not in change.content.decode()
    bericht = client.get(reverse("qm:fonds_bericht", args=[fonds.pk])).content.decode()
    assert IBAN in bericht and 'name="buchhaltung-buero_iban"' not in bericht
    url = reverse("qm:fonds_buchhaltung", args=[fonds.pk])
    assert url not in bericht
    opened = client.get(url)
    assert opened.status_code == 403
    assert 'name="buchhaltung-buero_iban"' not in opened.content.decode()
    gepostet = client.post(url, posted(buero_iban="DE02120300000000202051", buero_kontoinhaber="X"))
    assert gepostet.status_code == 403
    assert gespeichert(fonds) == vorher


@pytest.mark.parametrize(("wer", "status"), [("qm_other_user", 404), ("jury_user", 403)])
def test_others_cannot_open_or_post_their_page(client, staff_login, request, fonds, wer, status):
    staff_login(client, request.getfixturevalue(wer))
    url = reverse("qm:fonds_buchhaltung", args=[fonds.pk])
    vorher = gespeichert(fonds)

    assert client.get(url).status_code == status
    assert client.post(url, posted()).status_code == status
    assert gespeichert(fonds) == vorher
