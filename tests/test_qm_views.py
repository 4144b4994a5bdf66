"""QM staff pages through the test client: dashboard, detail, the moves of the formal check."""

import re
from decimal import Decimal
from html import unescape

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from antraege.factories import AktionsfondsFactory, AntragFactory, KostenkategorieFactory
from antraege.models import Anhang, Antrag, AntragStatus, Benachrichtigung, Statuswechsel
from antraege.roles import Akteur
from antraege.web.dashboard_zeilen import (
    LISTENFELDER,
    TEMPLATE,
    dashboard_zeilen,
    dashboard_zeilen_html,
)
from workflow.moves import antrag_move
from workflow.wege import antrag_walk_to

pytestmark = pytest.mark.django_db


def outbox(antrag):
    return list(
        Benachrichtigung.objects.filter(antrag=antrag)
        .order_by("pk")
        .values_list("art", "empfaenger", "sprache")
    )


def state(antrag):
    """Everything a refused action must leave as it was."""
    antrag = Antrag.objects.get(pk=antrag.pk)
    return (
        antrag.status,
        antrag.pruefvermerk,
        antrag.entscheidungsgrund,
        list(Statuswechsel.objects.filter(antrag=antrag).values_list("nach_status", "kommentar")),
        outbox(antrag),
    )


def text(response):
    return text_of(response.content.decode())


def text_of(html):
    """The text a reader sees: tags dropped, entities resolved, white space collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def schritt_url(antrag, move):
    return reverse("qm:antrag_schritt", args=[antrag.pk, move])


# --- Dashboard ---


def test_dashboard_lists_own_area_with_counts_and_balance(
    client, staff_login, antrag, qm_user, anderes_quartier
):
    antrag_walk_to(antrag, "submitted")
    zweiter = AntragFactory(
        fonds=antrag.fonds, titel="Kiezgarten", betrag_beantragt=Decimal("1250")
    )
    antrag_walk_to(zweiter, "in_review", qm_user=qm_user)
    AntragFactory(fonds=antrag.fonds, titel="Noch ein Entwurf")  # drafts are not QM's business
    fremd = AntragFactory(fonds__quartier=anderes_quartier, titel="Fremdes Fest")
    antrag_walk_to(fremd, "submitted")
    staff_login(client, qm_user)

    response = client.get(reverse("qm:dashboard"))

    assert response.status_code == 200
    page = text(response)
    antraege = list(response.context["antraege"])
    assert {a["titel"] for a in antraege} == {antrag.titel, "Kiezgarten"}
    assert response.context["status_counts"] == [
        ("submitted", "Eingereicht", 1),
        ("in_review", "In Formalprüfung", 1),
    ]
    assert "1.250,00 €" in page
    assert "Fremdes Fest" not in page
    assert "Noch ein Entwurf" not in page
    [(fonds, saldo)] = response.context["fonds_saldi"]
    assert fonds == antrag.fonds
    assert "Budget 10.000,00 €" in page
    assert "Verfügbar 10.000,00 €" in page
    assert f'href="{reverse("qm:antrag_detail", args=[zweiter.pk])}"' in response.content.decode()


@pytest.mark.parametrize(
    ("language", "betrag", "status"),
    [("de", "1.234,50 €", "Eingereicht"), ("en", "1,234.50 €", "Submitted")],
)
def test_dashboard_rows_escape_what_applicants_typed_and_write_money_per_language(
    client, staff_login, qm_user, fonds, language, betrag, status
):
    boese = '<script>alert("x")</script>'
    antrag = AntragFactory(
        fonds=fonds,
        titel=f"Fest {boese}",
        antragsteller_name=f"Name {boese}",
        organisation=f"Verein & {boese}",
        betrag_beantragt=Decimal("1234.50"),
    )
    antrag_walk_to(antrag, "submitted")
    staff_login(client, qm_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    html = client.get(reverse("qm:dashboard"), {"suche": boese[:18]}).content.decode()

    assert "<script>" not in html
    link = html.index(f'href="{reverse("qm:antrag_detail", args=[antrag.pk])}"')
    zeile = text_of(html[html.rindex("<tr", 0, link) : html.index("</tr>", link)])
    antrag.refresh_from_db()
    eingereicht = timezone.localtime(antrag.eingereicht_am)
    assert zeile == (
        f'{antrag.referenz} Fest <script>alert("x")</script> Name <script>alert("x")</script> '
        f'Verein & <script>alert("x")</script> {betrag} {status} {eingereicht:%d.%m.%Y}'
    )
    # the search field keeps what was typed, escaped
    assert 'value="&lt;script&gt;alert(&quot;x&quot;)"' in html


@pytest.mark.parametrize("language", ["de", "en"])
def test_dashboard_rows_fast_path_writes_what_the_template_writes(fonds, qm_user, language):
    """The page writes its rows without the template engine; the template is the reference."""
    boese = "<b>\"Fest\" & 'Feier'</b>"
    mit_organisation = AntragFactory(
        fonds=fonds, titel=boese, antragsteller_name=boese, organisation=boese
    )
    antrag_walk_to(mit_organisation, "submitted")
    AntragFactory(fonds=fonds, titel="Entwurf", organisation="", betrag_beantragt=Decimal("70"))
    eintraege = list(Antrag.objects.order_by("pk").values(*LISTENFELDER))
    assert [e["eingereicht_am"] is None for e in eintraege] == [False, True]

    with translation.override(language):
        zeilen = dashboard_zeilen(eintraege)
        schnell = dashboard_zeilen_html(zeilen)
        vorlage = render_to_string(TEMPLATE, {"zeilen": zeilen})

    assert schnell == vorlage
    assert "&lt;b&gt;&quot;Fest&quot; &amp; &#x27;Feier&#x27;&lt;/b&gt;" in schnell


def test_dashboard_balance_shows_reserved_money(client, staff_login, antrag, qm_user):
    antrag_walk_to(antrag, "approved", qm_user=qm_user, approve={"betrag": Decimal("275.50")})
    staff_login(client, qm_user)

    page = text(client.get(reverse("qm:dashboard")))

    assert "Reserviert (bewilligt, noch nicht ausgezahlt) 275,50 €" in page
    assert "Verfügbar 9.724,50 €" in page


def test_dashboard_filters_by_state_and_searches(client, staff_login, antrag, qm_user):
    antrag_walk_to(antrag, "submitted")
    garten = AntragFactory(fonds=antrag.fonds, titel="Kiezgarten", antragsteller_name="Ayşe Yılmaz")
    antrag_walk_to(garten, "in_review", qm_user=qm_user)
    AktionsfondsFactory(quartier=antrag.fonds.quartier, jahr=antrag.fonds.jahr + 1)
    staff_login(client, qm_user)
    url = reverse("qm:dashboard")

    by_state = client.get(url, {"jahr": antrag.fonds.jahr, "status": "in_review"})
    by_name = client.get(url, {"jahr": antrag.fonds.jahr, "suche": "yılmaz"})
    by_reference = client.get(url, {"jahr": "", "suche": Antrag.objects.get(pk=antrag.pk).referenz})
    other_year = client.get(url, {"jahr": antrag.fonds.jahr + 1})

    assert [a["pk"] for a in by_state.context["antraege"]] == [garten.pk]
    assert [a["pk"] for a in by_name.context["antraege"]] == [garten.pk]
    assert [a["pk"] for a in by_reference.context["antraege"]] == [antrag.pk]
    assert list(other_year.context["antraege"]) == []
    assert other_year.context["saldo_jahr"] == antrag.fonds.jahr + 1
    assert by_name.context["form"]["suche"].value() == "yılmaz"


def test_dashboard_of_admin_shows_every_area_read_only(
    client, staff_login, antrag, admin_user, anderes_quartier
):
    antrag_walk_to(antrag, "submitted")
    antrag_walk_to(
        AntragFactory(fonds__quartier=anderes_quartier, titel="Fremdes Fest"), "submitted"
    )
    staff_login(client, admin_user)

    response = client.get(reverse("qm:dashboard"))

    assert len(response.context["antraege"]) == 2
    assert response.context["nur_lesen"] is True


def test_dashboard_query_count_does_not_grow_with_antraege(
    client, staff_login, django_assert_num_queries, fonds, qm_user
):
    staff_login(client, qm_user)
    url = reverse("qm:dashboard")

    def queries_for(n):
        while Antrag.objects.exclude(status=AntragStatus.DRAFT).count() < n:
            antrag_walk_to(AntragFactory(fonds=fonds), "submitted")
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert len(response.context["antraege"]) == n
        return len(ctx.captured_queries)

    one = queries_for(1)
    fifty = queries_for(50)

    assert one == fifty
    with django_assert_num_queries(one):
        client.get(url)


# --- Detail ---


def test_detail_shows_everything_and_internal_timeline(client, staff_login, antrag, qm_user):
    sach = KostenkategorieFactory(quartier=antrag.fonds.quartier, name="Sachkosten")
    personal = KostenkategorieFactory(quartier=antrag.fonds.quartier, name="Personalkosten")
    personal.foerderung = "eligible"
    personal.save()
    mit_plan = AntragFactory(
        fonds=antrag.fonds,
        organisation="Nachbarschaftsinitiative Soldiner",
        betrag_beantragt=Decimal("1200.00"),
        weitere_mittel=Decimal("300.00"),
        eigenleistung_stunden=40,
        positionen=[
            (sach, "Farben und Pinsel", Decimal("2"), Decimal("600.00")),
            (personal, "Aufsicht", Decimal("1"), Decimal("300.00")),
        ],
    )
    antrag_walk_to(
        mit_plan,
        "jury_vote",
        qm_user=qm_user,
        put_to_jury={"kommentar": "Gut begründet.", "intern": True},
    )
    # The area excludes a category after the Antrag went to the jury: the line stays, marked.
    personal.foerderung = "excluded"
    personal.save()
    staff_login(client, qm_user)

    response = client.get(reverse("qm:antrag_detail", args=[mit_plan.pk]))

    assert response.status_code == 200
    page = text(response)
    assert "Nachbarschaftsinitiative Soldiner" in page
    assert "Farben und Pinsel" in page
    assert "Gesamtkosten 1.500,00 €" in page
    assert "davon nicht förderfähig 300,00 €" in page
    assert "Andere Finanzierung 300,00 €" in page
    assert "Beantragter Betrag 1.200,00 €" in page
    assert "Ehrenamtliche Stunden 40" in page
    assert "Gut begründet." in page
    assert "intern" in page
    assert [m for m, _l, _f in response.context["moves"]] == ["return_to_review"]


def test_detail_offers_only_formal_check_moves(client, staff_login, antrag, qm_user):
    antrag_walk_to(antrag, "in_review", qm_user=qm_user)
    staff_login(client, qm_user)

    response = client.get(reverse("qm:antrag_detail", args=[antrag.pk]))

    assert sorted(m for m, _l, _f in response.context["moves"]) == [
        "declare_ineligible",
        "put_to_jury",
        "request_changes",
    ]
    html = response.content.decode()
    assert schritt_url(antrag, "put_to_jury") in html
    assert "approve" not in html


def test_attachment_download_for_qm_of_the_area(client, staff_login, antrag, qm_user):
    antrag_walk_to(antrag, "submitted")
    anhang = Anhang(antrag=antrag, originalname="angebot.pdf", content_type="application/pdf")
    anhang.groesse = 9
    anhang.datei.save("angebot.pdf", ContentFile(b"%PDF-1.7\n"), save=True)
    staff_login(client, qm_user)

    response = client.get(reverse("qm:anhang", args=[antrag.pk, anhang.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7\n"
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="angebot.pdf"' in response["Content-Disposition"]


# --- Moves through the client ---


def test_start_review(client, staff_login, antrag, qm_user):
    antrag_walk_to(antrag, "submitted")
    staff_login(client, qm_user)

    response = client.post(schritt_url(antrag, "start_review"), follow=True)

    assert Antrag.objects.get(pk=antrag.pk).status == AntragStatus.IN_REVIEW
    step = Statuswechsel.objects.filter(antrag=antrag).last()
    assert (step.von_status, step.nach_status, step.akteur, step.rolle) == (
        "submitted",
        "in_review",
        qm_user,
        "qm",
    )
    referenz = Antrag.objects.get(pk=antrag.pk).referenz
    assert f"Die Prüfung von {referenz} hat begonnen. Als Nächstes:" in text(response)
    assert outbox(antrag) == [("antrag_eingegangen", antrag.antragsteller_email, "de")]


def test_request_changes_sends_message_to_applicant(client, staff_login, antrag, qm_user):
    Antrag.objects.filter(pk=antrag.pk).update(sprache="tr")
    antrag_walk_to(antrag, "in_review", qm_user=qm_user)
    staff_login(client, qm_user)

    response = client.post(
        schritt_url(antrag, "request_changes"),
        {"request_changes-kommentar": "Bitte fügen Sie einen Kostenvoranschlag bei."},
    )

    assert response.status_code == 302
    assert Antrag.objects.get(pk=antrag.pk).status == AntragStatus.CHANGES_REQUESTED
    row = Benachrichtigung.objects.filter(antrag=antrag).last()
    assert (row.art, row.empfaenger, row.sprache) == (
        "nachforderung",
        antrag.antragsteller_email,
        "tr",
    )
    assert row.kontext == {"nachricht": "Bitte fügen Sie einen Kostenvoranschlag bei."}
    step = Statuswechsel.objects.filter(antrag=antrag).last()
    assert (step.nach_status, step.kommentar, step.intern) == (
        "changes_requested",
        "Bitte fügen Sie einen Kostenvoranschlag bei.",
        False,
    )


def test_request_changes_without_message_shows_error_and_changes_nothing(
    client, staff_login, antrag, qm_user
):
    antrag_walk_to(antrag, "in_review", qm_user=qm_user)
    before = state(antrag)
    staff_login(client, qm_user)

    response = client.post(
        schritt_url(antrag, "request_changes"), {"request_changes-kommentar": "  "}
    )

    assert response.status_code == 400
    assert response.context["form_has_errors"] is True
    assert response.content.decode().count("Dieses Feld ist zwingend erforderlich.") >= 1
    assert text(response).startswith("Fehler:")
    assert state(antrag) == before


def test_declare_ineligible_with_reason(client, staff_login, antrag, qm_user):
    antrag_walk_to(antrag, "in_review", qm_user=qm_user)
    staff_login(client, qm_user)

    client.post(
        schritt_url(antrag, "declare_ineligible"),
        {"declare_ineligible-kommentar": "Das Projekt findet außerhalb des Gebiets statt."},
    )

    antrag = Antrag.objects.get(pk=antrag.pk)
    assert antrag.status == AntragStatus.INELIGIBLE
    assert antrag.entscheidungsgrund == "Das Projekt findet außerhalb des Gebiets statt."
    # the ineligibility letter is rendered in a task, which then sends the e-mail with it
    from antraege.dokumente.services import dokument_deliver

    dokument = dokument_deliver(antrag.pk, "nicht_foerderfaehig")
    row = Benachrichtigung.objects.filter(antrag=antrag).last()
    assert (row.art, row.empfaenger, row.sprache) == (
        "nicht_foerderfaehig",
        antrag.antragsteller_email,
        "de",
    )
    assert row.kontext == {
        "dokumente": [dokument.pk],
        "grund": "Das Projekt findet außerhalb des Gebiets statt.",
    }
    step = Statuswechsel.objects.filter(antrag=antrag).last()
    assert (step.nach_status, step.kommentar) == (
        "ineligible",
        "Das Projekt findet außerhalb des Gebiets statt.",
    )


def test_declare_ineligible_without_reason_keeps_state(client, staff_login, antrag, qm_user):
    antrag_walk_to(antrag, "in_review", qm_user=qm_user)
    before = state(antrag)
    staff_login(client, qm_user)

    response = client.post(
        schritt_url(antrag, "declare_ineligible"), {"declare_ineligible-kommentar": ""}
    )

    assert response.status_code == 400
    assert response.context["form"]["kommentar"].errors
    assert state(antrag) == before


def test_put_to_jury_stores_review_note_as_internal_step(client, staff_login, antrag, qm_user):
    antrag_walk_to(antrag, "in_review", qm_user=qm_user)
    mails_before = outbox(antrag)
    staff_login(client, qm_user)

    client.post(
        schritt_url(antrag, "put_to_jury"), {"put_to_jury-kommentar": "Formal vollständig."}
    )

    antrag = Antrag.objects.get(pk=antrag.pk)
    assert (antrag.status, antrag.pruefvermerk) == (AntragStatus.JURY_VOTE, "Formal vollständig.")
    step = Statuswechsel.objects.filter(antrag=antrag).last()
    assert (step.nach_status, step.kommentar, step.intern) == (
        "jury_vote",
        "Formal vollständig.",
        True,
    )
    assert outbox(antrag) == mails_before  # nothing to the applicant: "in Prüfung" goes on


def test_return_to_review(client, staff_login, antrag, qm_user):
    antrag_walk_to(antrag, "jury_vote", qm_user=qm_user)
    staff_login(client, qm_user)

    client.post(schritt_url(antrag, "return_to_review"), {"return_to_review-kommentar": ""})

    assert Antrag.objects.get(pk=antrag.pk).status == AntragStatus.IN_REVIEW
    step = Statuswechsel.objects.filter(antrag=antrag).last()
    assert (step.von_status, step.nach_status, step.rolle) == ("jury_vote", "in_review", "qm")


def test_refused_move_keeps_entry_and_shows_reason(client, staff_login, antrag, qm_user):
    """A stale tab: the Antrag moved on meanwhile; the typed message must not be lost."""
    antrag_walk_to(antrag, "submitted")
    staff_login(client, qm_user)
    antrag_move(antrag, "request_changes", akteur=Akteur(qm_user), kommentar="Erste Nachricht")
    before = state(antrag)

    response = client.post(
        schritt_url(antrag, "request_changes"), {"request_changes-kommentar": "Zweite Nachricht"}
    )

    assert response.status_code == 409
    assert "im Status „Nachforderung“ nicht möglich" in text(response)
    assert response.context["form"]["kommentar"].value() == "Zweite Nachricht"
    assert "Zweite Nachricht" in text(response)
    assert state(antrag) == before
