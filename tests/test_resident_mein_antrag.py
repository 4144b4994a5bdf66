""" "Mein Antrag": personal links, status and timeline, change requests, withdrawal, new links."""

import re
import time
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from antraege.factories import AntragFactory
from antraege.models import Antrag, AntragStatus, Benachrichtigung, Statuswechsel
from antraege.roles import Akteur
from antraege.zugang.links import antrag_link_token, antrag_links_revoke
from workflow.moves import antrag_move

from .resident_helpers import projekt, schritt_url, title_of

pytestmark = pytest.mark.django_db


def link_url(antrag):
    return reverse("antraege:link", kwargs={"token": antrag_link_token(antrag)})


def detail_url(antrag):
    return reverse("antraege:mein_antrag", kwargs={"pk": antrag.pk})


def snapshot(antrag):
    antrag = Antrag.objects.get(pk=antrag.pk)
    return (
        antrag.status,
        antrag.titel,
        Statuswechsel.objects.filter(antrag=antrag).count(),
        Benachrichtigung.objects.filter(antrag=antrag).count(),
    )


def test_link_opens_the_antrag_with_plain_status(client, eingereicht):
    response = client.get(link_url(eingereicht))

    assert response.url == detail_url(eingereicht)
    page = client.get(detail_url(eingereicht)).content.decode()
    assert eingereicht.referenz in page
    assert "In Prüfung" in page
    assert "Eingereicht" not in page  # the staff label stays internal
    liste = client.get(reverse("antraege:mein_antrag_liste")).content.decode()
    assert eingereicht.titel in liste


def test_timeline_folds_internal_steps_and_hides_internal_comments(client, eingereicht, qm_user):
    qm = Akteur(qm_user)
    antrag_move(eingereicht, "start_review", akteur=qm, kommentar="Interner Vermerk", intern=True)
    antrag_move(eingereicht, "put_to_jury", akteur=qm, kommentar="Für die Jury")
    client.get(link_url(eingereicht))

    page = client.get(detail_url(eingereicht)).content.decode()

    assert page.count("<strong>In Prüfung</strong>") == 1
    assert "Interner Vermerk" not in page
    assert "Für die Jury" not in page


def test_change_request_answered_by_editing_and_resubmitting(client, eingereicht, qm_user):
    antrag_move(
        eingereicht,
        "request_changes",
        akteur=Akteur(qm_user),
        kommentar="Bitte nennen Sie den genauen Ort.",
    )
    client.get(link_url(eingereicht))

    page = client.get(detail_url(eingereicht)).content.decode()
    assert "Bitte ergänzen Sie Ihren Antrag" in page
    assert "Bitte nennen Sie den genauen Ort." in page
    assert schritt_url(eingereicht.pk, 1) in page

    response = client.post(
        schritt_url(eingereicht.pk, 2),
        projekt(projektort="Hof Soldiner Straße 12, Seitenflügel", von="pruefen"),
    )
    assert response.url == reverse("antraege:pruefen", kwargs={"pk": eingereicht.pk})
    response = client.post(response.url)

    antrag = Antrag.objects.get(pk=eingereicht.pk)
    assert response.url == reverse("antraege:eingereicht", kwargs={"pk": antrag.pk})
    assert (antrag.status, antrag.projektort, antrag.referenz) == (
        AntragStatus.SUBMITTED,
        "Hof Soldiner Straße 12, Seitenflügel",
        eingereicht.referenz,
    )
    assert list(Benachrichtigung.objects.filter(antrag=antrag).values_list("art", flat=True)) == [
        "antrag_eingegangen",
        "nachforderung",
        "antrag_ergaenzt",
    ]
    assert list(
        Statuswechsel.objects.filter(antrag=antrag).values_list("nach_status", flat=True)
    ) == ["submitted", "changes_requested", "submitted"]


def test_withdraw_asks_first_then_withdraws(client, eingereicht):
    client.get(link_url(eingereicht))
    before = snapshot(eingereicht)
    url = reverse("antraege:zurueckziehen", kwargs={"pk": eingereicht.pk})

    confirm = client.get(url)

    assert "wirklich zurückziehen" in confirm.content.decode()
    assert snapshot(eingereicht) == before

    response = client.post(url)

    antrag = Antrag.objects.get(pk=eingereicht.pk)
    assert response.url == detail_url(antrag)
    assert antrag.status == AntragStatus.WITHDRAWN
    mail = Benachrichtigung.objects.filter(antrag=antrag).latest("pk")
    assert (mail.art, mail.empfaenger) == ("zurueckgezogen", antrag.antragsteller_email)
    page = client.get(detail_url(antrag)).content.decode()
    assert "Zurückgezogen" in page
    assert url not in page  # no second withdraw button


def test_withdrawn_draft_from_the_form(client, fonds):
    draft = AntragFactory(fonds=fonds)
    client.get(link_url(draft))

    client.post(reverse("antraege:zurueckziehen", kwargs={"pk": draft.pk}))

    assert Antrag.objects.get(pk=draft.pk).status == AntragStatus.WITHDRAWN


def test_another_applicants_antrag_is_not_accessible(client, eingereicht, fonds):
    fremd = AntragFactory(fonds=fonds)
    client.get(link_url(fremd))
    before = snapshot(eingereicht)
    pk = eingereicht.pk

    assert client.get(detail_url(eingereicht)).status_code == 404
    assert client.get(schritt_url(pk, 1)).status_code == 404
    assert client.post(schritt_url(pk, 2), projekt(titel="Gekapert")).status_code == 404
    assert client.post(reverse("antraege:pruefen", kwargs={"pk": pk})).status_code == 404
    assert client.post(reverse("antraege:zurueckziehen", kwargs={"pk": pk})).status_code == 404
    assert client.get(reverse("antraege:eingereicht", kwargs={"pk": pk})).status_code == 404
    assert snapshot(eingereicht) == before
    liste = client.get(reverse("antraege:mein_antrag_liste")).content.decode()
    assert fremd.titel in liste and eingereicht.titel not in liste


def test_anonymous_visitor_gets_404(eingereicht):
    before = snapshot(eingereicht)

    response = Client().post(reverse("antraege:zurueckziehen", kwargs={"pk": eingereicht.pk}))

    assert response.status_code == 404
    assert snapshot(eingereicht) == before


def page_without_token(response, email):
    """The page with the address the visitor typed and the CSRF token blanked out."""
    content = response.content.decode().replace(email, "X")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content)


def refused(client, url, text):
    response = client.get(url)
    assert response.status_code == 410
    assert text in response.content.decode()
    return response


def test_expired_link_is_refused(client, eingereicht, settings):
    url = link_url(eingereicht)
    later = time.time() + (settings.ANTRAG_LINK_MAX_AGE_DAYS + 1) * 86400

    with mock.patch("django.core.signing.time.time", return_value=later):
        refused(client, url, "Dieser Link ist abgelaufen.")

    assert client.get(detail_url(eingereicht)).status_code == 404


def test_tampered_link_is_refused(client, eingereicht):
    token = antrag_link_token(eingereicht)
    url = reverse(
        "antraege:link", kwargs={"token": token[:-2] + ("AA" if token[-2:] != "AA" else "BB")}
    )

    refused(client, url, "Dieser Link ist ungültig.")

    assert client.get(detail_url(eingereicht)).status_code == 404


def test_revoked_link_is_refused(client, eingereicht):
    url = link_url(eingereicht)
    antrag_links_revoke(eingereicht)

    refused(client, url, "Dieser Link gilt nicht mehr.")

    assert client.get(detail_url(eingereicht)).status_code == 404


def test_new_link_is_sent_for_each_antrag_of_the_address(client, fonds):
    first = AntragFactory(fonds=fonds, antragsteller_email="kiez@example.org", sprache="ar")
    second = AntragFactory(fonds=fonds, antragsteller_email="kiez@example.org")
    AntragFactory(fonds=fonds, antragsteller_email="andere@example.org")

    known = client.post(reverse("antraege:neuer_link"), {"email": "Kiez@example.org"})
    unknown = client.post(reverse("antraege:neuer_link"), {"email": "niemand@example.org"})

    rows = Benachrichtigung.objects.order_by("antrag_id")
    assert [(r.art, r.antrag_id, r.empfaenger, r.sprache) for r in rows] == [
        ("neuer_link", first.pk, "kiez@example.org", "ar"),
        ("neuer_link", second.pk, "kiez@example.org", "de"),
    ]
    neutral = "haben wir Ihnen eine E-Mail mit einem neuen Link geschickt"
    assert known.status_code == unknown.status_code == 200
    assert neutral in known.content.decode() and neutral in unknown.content.decode()
    assert page_without_token(known, "Kiez@example.org") == page_without_token(
        unknown, "niemand@example.org"
    )


def test_new_link_form_keeps_entry_on_error(client):
    response = client.post(reverse("antraege:neuer_link"), {"email": "kein-at-zeichen"})

    assert title_of(response).startswith("Fehler:")
    assert 'value="kein-at-zeichen"' in response.content.decode()
    assert not Benachrichtigung.objects.exists()
