"""The bookkeeping's data of an area and its fund (issue 19): budget line and cost centre of the
fund, the office's own bank account (IBAN checksum checked), entered by QM of the area on the fund
report page, read-only in the admin, read by everyone through one selector."""

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


def test_the_fund_report_page_takes_them_and_keeps_entries_on_an_error(
    client, staff_login, fonds, qm_user
):
    staff_login(client, qm_user)
    url = reverse("qm:fonds_buchhaltung", args=[fonds.pk])
    post = {
        "buchhaltung-haushaltsstelle": "3470/68406",
        "buchhaltung-kostenstelle": "QM-SOL-AF",
        "buchhaltung-buero_kontoinhaber": "Träger e. V.",
        "buchhaltung-buero_iban": "DE88370400440532013000",
        "buchhaltung-buero_bic": "",
    }

    refused = client.post(url, post)

    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Die Prüfziffer der IBAN stimmt nicht" in page
    assert 'value="DE88370400440532013000"' in page and 'value="3470/68406"' in page
    assert Quartier.objects.get(pk=fonds.quartier_id).buero_iban == ""

    post["buchhaltung-buero_iban"] = IBAN
    saved = client.post(url, post)

    assert saved.status_code == 302
    assert Quartier.objects.get(pk=fonds.quartier_id).buero_iban == IBAN
    page = client.get(reverse("qm:fonds_bericht", args=[fonds.pk])).content.decode()
    assert 'value="3470/68406"' in page and f'value="{IBAN}"' in page


def test_admin_sees_them_read_only_and_cannot_post(client, staff_login, fonds, admin_user):
    Quartier.objects.filter(pk=fonds.quartier_id).update(buero_iban=IBAN, buero_kontoinhaber="T")
    staff_login(client, admin_user)

    change = client.get(reverse("admin:antraege_quartier_change", args=[fonds.quartier_id]))
    assert change.status_code == 200
    assert IBAN in change.content.decode()
    assert 'name="buero_iban"' not in change.content.decode()
    bericht = client.get(reverse("qm:fonds_bericht", args=[fonds.pk])).content.decode()
    assert IBAN in bericht and 'name="buchhaltung-buero_iban"' not in bericht
    posted = client.post(
        reverse("qm:fonds_buchhaltung", args=[fonds.pk]),
        {"buchhaltung-buero_iban": "DE02120300000000202051", "buchhaltung-buero_kontoinhaber": "X"},
    )
    assert posted.status_code == 403
    assert Quartier.objects.get(pk=fonds.quartier_id).buero_iban == IBAN
