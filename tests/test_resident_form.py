"""The resident's application form through the test client: steps, draft, submission, double POSTs."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from antraege.models import Antrag, AntragStatus, Benachrichtigung, Kostenkategorie, Statuswechsel

from .resident_helpers import (
    ERKLAERUNGEN,
    heute,
    kosten,
    projekt,
    schritt_url,
    tage,
    title_of,
    token_from,
    ueber_sie,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sachkosten(fonds):
    return Kostenkategorie.objects.get(quartier=fonds.quartier, name="Sachkosten")


@pytest.fixture
def personalkosten(fonds):
    return Kostenkategorie.objects.get(quartier=fonds.quartier, name="Personalkosten")


def start_url(fonds):
    return reverse("antraege:antrag_start", kwargs={"code": fonds.quartier.code})


def fill_draft(client, fonds, sachkosten):
    """Steps 1–5 as a resident fills them; returns the draft."""
    token = token_from(client.get(start_url(fonds)))
    response = client.post(start_url(fonds), ueber_sie(token))
    antrag = Antrag.objects.get()
    assert response.url == schritt_url(antrag.pk, 2)
    assert client.post(schritt_url(antrag.pk, 2), projekt()).url == schritt_url(antrag.pk, 3)
    response = client.post(
        schritt_url(antrag.pk, 3),
        kosten([(sachkosten.pk, "Getränke und Geschirr", "2", "150.00")]),
    )
    assert response.url == schritt_url(antrag.pk, 4)
    assert client.post(schritt_url(antrag.pk, 4), {"aktion": "weiter"}).url == schritt_url(
        antrag.pk, 5
    )
    response = client.post(schritt_url(antrag.pk, 5), ERKLAERUNGEN)
    assert response.url == reverse("antraege:pruefen", kwargs={"pk": antrag.pk})
    return Antrag.objects.get(pk=antrag.pk)


def test_start_page_explains_fund_and_offers_area_with_fund(client, fonds, anderes_quartier):
    response = client.get(reverse("start"))

    content = response.content.decode()
    assert "Wer kann einen Antrag stellen?" in content
    assert 'value="SOL"' in content
    assert 'value="SHK"' not in content  # no fund this year
    assert client.get(reverse("antraege:antrag_neu"), {"quartier": "SOL"}).url == start_url(fonds)


def test_resident_fills_every_step_and_submits(client, fonds, sachkosten):
    antrag = fill_draft(client, fonds, sachkosten)
    assert antrag.status == AntragStatus.DRAFT
    assert (antrag.antragsteller_name, antrag.sprache, antrag.titel) == (
        "Aylin Demir",
        "tr",
        "Hoffest Soldiner Kiez",
    )
    assert antrag.gesamtkosten == Decimal("300.00")
    summary = client.get(reverse("antraege:pruefen", kwargs={"pk": antrag.pk}))
    assert "Getränke und Geschirr" in summary.content.decode()
    assert f"{schritt_url(antrag.pk, 2)}?von=pruefen" in summary.content.decode()

    response = client.post(reverse("antraege:pruefen", kwargs={"pk": antrag.pk}))

    antrag.refresh_from_db()
    assert antrag.status == AntragStatus.SUBMITTED
    assert antrag.referenz == f"AF-{fonds.jahr}-SOL-001"
    assert response.url == reverse("antraege:eingereicht", kwargs={"pk": antrag.pk})
    page = client.get(response.url).content.decode()
    assert antrag.referenz in page
    assert "So geht es weiter" in page
    receipt = Benachrichtigung.objects.get(antrag=antrag)
    assert (receipt.art, receipt.empfaenger, receipt.sprache) == (
        "antrag_eingegangen",
        "aylin@example.org",
        "tr",
    )
    assert list(
        Statuswechsel.objects.filter(antrag=antrag).values_list("von_status", "nach_status")
    ) == [("", "draft"), ("draft", "submitted")]


def test_double_post_of_step_one_creates_one_antrag(client, fonds):
    token = token_from(client.get(start_url(fonds)))

    first = client.post(start_url(fonds), ueber_sie(token))
    second = client.post(start_url(fonds), ueber_sie(token))

    antrag = Antrag.objects.get()
    assert first.url == second.url == schritt_url(antrag.pk, 2)
    assert Statuswechsel.objects.filter(antrag=antrag).count() == 1


def test_step_one_sent_again_after_back_button_updates_the_same_draft(client, fonds):
    token = token_from(client.get(start_url(fonds)))
    client.post(start_url(fonds), ueber_sie(token))

    client.post(start_url(fonds), ueber_sie(token, antragsteller_name="Aylin Demir-Kaya"))

    assert Antrag.objects.get().antragsteller_name == "Aylin Demir-Kaya"


def test_step_one_token_of_a_submitted_antrag_changes_nothing(client, fonds, sachkosten):
    antrag = fill_draft(client, fonds, sachkosten)
    client.post(reverse("antraege:pruefen", kwargs={"pk": antrag.pk}))

    response = client.post(
        start_url(fonds),
        ueber_sie(antrag.submission_token, antragsteller_name="Jemand anderes"),
    )
    stranger = Client().post(start_url(fonds), ueber_sie(antrag.submission_token))

    assert response.url == reverse("antraege:mein_antrag", kwargs={"pk": antrag.pk})
    assert stranger.status_code == 404
    assert Antrag.objects.get().antragsteller_name == "Aylin Demir"


def test_double_submit_ends_on_confirmation_with_one_receipt(client, fonds, sachkosten):
    antrag = fill_draft(client, fonds, sachkosten)
    url = reverse("antraege:pruefen", kwargs={"pk": antrag.pk})

    first = client.post(url)
    second = client.post(url)

    confirmation = reverse("antraege:eingereicht", kwargs={"pk": antrag.pk})
    assert first.url == second.url == confirmation
    assert Antrag.objects.count() == 1
    assert Benachrichtigung.objects.filter(antrag=antrag, art="antrag_eingegangen").count() == 1
    assert Statuswechsel.objects.filter(antrag=antrag, nach_status="submitted").count() == 1


def test_save_for_later_stores_partial_entries_and_queues_link(client, fonds):
    token = token_from(client.get(start_url(fonds)))

    response = client.post(
        start_url(fonds),
        ueber_sie(token, antragsteller_strasse="", antragsteller_plz="", aktion="spaeter"),
    )

    antrag = Antrag.objects.get()
    assert response.url == reverse("antraege:gespeichert", kwargs={"pk": antrag.pk})
    assert (antrag.antragsteller_name, antrag.antragsteller_strasse) == ("Aylin Demir", "")
    mail = Benachrichtigung.objects.get(antrag=antrag)
    assert (mail.art, mail.empfaenger, mail.sprache) == (
        "entwurf_gespeichert",
        "aylin@example.org",
        "tr",
    )
    client.post(schritt_url(antrag.pk, 2), projekt(titel="", aktion="spaeter"))
    assert Benachrichtigung.objects.filter(antrag=antrag).count() == 1  # one per hour


def test_step_errors_keep_entries_and_title_says_fehler(client, fonds):
    token = token_from(client.get(start_url(fonds)))

    response = client.post(
        start_url(fonds),
        ueber_sie(token, antragsteller_plz="1335", antragsteller_name="", organisation="Kiez e.V."),
    )

    assert response.status_code == 200
    assert Antrag.objects.count() == 0
    content = response.content.decode()
    assert title_of(response).startswith("Fehler:")
    assert "Eine Postleitzahl hat fünf Ziffern." in content
    assert 'href="#id_antragsteller_name"' in content
    assert 'value="1335"' in content
    assert 'value="Kiez e.V."' in content
    assert 'value="aylin@example.org"' in content
    assert f'value="{token}"' in content  # the retry still creates one draft only


def test_cost_step_keeps_rows_on_error_and_adds_a_row(client, fonds, sachkosten):
    antrag = fill_draft(client, fonds, sachkosten)
    zeilen = [(sachkosten.pk, "Plakate", "10", "2.50"), (sachkosten.pk, "Ohne Preis", "1", "")]

    response = client.post(schritt_url(antrag.pk, 3), kosten(zeilen, betrag="25.00"))

    assert response.status_code == 200
    assert title_of(response).startswith("Fehler:")
    content = response.content.decode()
    assert 'value="Plakate"' in content and 'value="Ohne Preis"' in content
    assert "Zeile 2, Einzelpreis (€): Bitte füllen Sie auch dieses Feld der Zeile aus." in content
    assert antrag.kostenpositionen.get().beschreibung == "Getränke und Geschirr"  # unchanged

    response = client.post(
        schritt_url(antrag.pk, 3),
        kosten([(sachkosten.pk, "Plakate", "10", "2.50")], total=1, aktion="zeile"),
    )

    assert response.url == f"{schritt_url(antrag.pk, 3)}?zeilen=1#kostenplan"
    assert list(antrag.kostenpositionen.values_list("beschreibung", flat=True)) == ["Plakate"]
    page = client.get(response.url).content.decode()
    assert 'name="pos-TOTAL_FORMS" value="2"' in page


def test_cost_step_marks_ineligible_categories(client, fonds, sachkosten, personalkosten):
    antrag = fill_draft(client, fonds, sachkosten)

    content = client.get(schritt_url(antrag.pk, 3)).content.decode()

    assert "Personalkosten – nicht förderfähig" in content


def test_steps_of_a_submitted_antrag_cannot_be_changed(client, fonds, sachkosten):
    antrag = fill_draft(client, fonds, sachkosten)
    client.post(reverse("antraege:pruefen", kwargs={"pk": antrag.pk}))

    response = client.post(schritt_url(antrag.pk, 2), projekt(titel="Nachträglich"))

    assert response.url == reverse("antraege:mein_antrag", kwargs={"pk": antrag.pk})
    assert Antrag.objects.get(pk=antrag.pk).titel == "Hoffest Soldiner Kiez"


# --- Each rule of a complete Antrag shows its message on the check page. ---


def submit_with(client, antrag, **changes):
    Antrag.objects.filter(pk=antrag.pk).update(**changes)
    response = client.post(reverse("antraege:pruefen", kwargs={"pk": antrag.pk}))
    assert response.status_code == 200
    assert title_of(response).startswith("Fehler:")
    assert Antrag.objects.get(pk=antrag.pk).status == AntragStatus.DRAFT
    assert not Benachrichtigung.objects.filter(antrag=antrag).exists()
    return response.content.decode()


@pytest.fixture
def draft(client, fonds, sachkosten):
    return fill_draft(client, fonds, sachkosten)


def test_submission_over_cap_is_refused(client, draft, sachkosten):
    draft.kostenpositionen.update(einzelpreis=Decimal("800.00"))

    content = submit_with(client, draft, betrag_beantragt=Decimal("1600.00"))

    assert "Je Projekt sind höchstens 1.500,00 € möglich." in content
    assert f"{schritt_url(draft.pk, 3)}?von=pruefen#id_betrag_beantragt" in content


def test_submission_with_ineligible_category_is_refused(client, draft, personalkosten):
    draft.kostenpositionen.update(kategorie=personalkosten)

    content = submit_with(client, draft)

    assert "„Personalkosten“ ist im Aktionsfonds nicht förderfähig" in content
    assert f"{schritt_url(draft.pk, 3)}?von=pruefen#kostenplan" in content


def test_submission_with_start_in_the_past_is_refused(client, draft):
    from .resident_helpers import heute, tage

    content = submit_with(client, draft, beginn=heute() - tage(1))

    assert "Das Projekt darf erst nach der Bewilligung beginnen" in content
    assert f"{schritt_url(draft.pk, 2)}?von=pruefen#id_beginn" in content


def test_submission_outside_the_funds_year_is_refused(client, draft):
    ende = draft.beginn.replace(year=draft.fonds.jahr + 1)

    content = submit_with(client, draft, ende=ende)

    assert f"Das Projekt muss im Jahr {draft.fonds.jahr} stattfinden." in content
    assert "#id_ende" in content


def test_submission_without_declaration_is_refused(client, draft):
    content = submit_with(client, draft, erklaerung_belege=False)

    assert "Erklärung: Bitte bestätigen Sie diese Erklärung." in content
    assert f"{schritt_url(draft.pk, 5)}?von=pruefen#id_erklaerung_belege" in content


def test_submission_whose_cost_plan_does_not_add_up_is_refused(client, draft):
    content = submit_with(client, draft, betrag_beantragt=Decimal("250.00"))

    assert "Der Kostenplan geht nicht auf: Gesamtkosten 300,00 €" in content


def test_submission_without_cost_lines_is_refused(client, draft):
    draft.kostenpositionen.all().delete()

    content = submit_with(client, draft)

    assert "Bitte geben Sie mindestens eine Kostenposition an." in content


def test_declarations_step_requires_all_three_and_keeps_ticks(client, draft):
    data = {k: v for k, v in ERKLAERUNGEN.items() if k != "erklaerung_belege"}
    Antrag.objects.filter(pk=draft.pk).update(erklaerung_belege=False)

    response = client.post(schritt_url(draft.pk, 5), data)

    assert response.status_code == 200
    content = response.content.decode()
    assert title_of(response).startswith("Fehler:")
    assert 'href="#id_erklaerung_belege"' in content
    assert content.count("checked") == 2
    # Data protection is a notice with a link, not a box to tick.
    assert 'name="erklaerung_datenschutz"' not in content
    assert f'href="{reverse("datenschutz")}"' in content


def test_draft_saved_email_carries_the_personal_link(client, fonds):
    from antraege.mail import messages as mail_messages
    from antraege.zugang.links import antrag_from_link_token

    token = token_from(client.get(start_url(fonds)))
    client.post(start_url(fonds), ueber_sie(token, sprache="de", aktion="spaeter"))
    row = Benachrichtigung.objects.get(art="entwurf_gespeichert")

    subject, text, _html = mail_messages.render(row)

    assert subject == "Ihr Antragsentwurf ist gespeichert"
    assert "Guten Tag Aylin Demir," in text
    link = next(line for line in text.splitlines() if "/mein-antrag/zugang/" in line)
    opened = antrag_from_link_token(link.rstrip("/").rsplit("/", 1)[-1])
    assert opened == Antrag.objects.get()


def test_every_page_of_the_form_renders_with_progress(client, draft):
    pages = {schritt: client.get(schritt_url(draft.pk, schritt)) for schritt in range(1, 6)}
    for schritt, response in pages.items():
        content = response.content.decode()
        assert response.status_code == 200
        assert f"Schritt {schritt} von 5" in content
        assert content.count("<h1") == 1
        assert not title_of(response).startswith("Fehler:")
    assert 'value="Hoffest Soldiner Kiez"' in pages[2].content.decode()
    assert 'value="Getränke und Geschirr"' in pages[3].content.decode()
    others = [
        reverse("antraege:antrag_neu"),
        reverse("antraege:gespeichert", kwargs={"pk": draft.pk}),
        reverse("antraege:mein_antrag", kwargs={"pk": draft.pk}),
        reverse("antraege:mein_antrag_liste"),
        reverse("antraege:neuer_link"),
    ]
    for url in others:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.content.decode().count("<h1") == 1, url


def test_unknown_area_choice_shows_error(client, fonds):
    response = client.get(reverse("antraege:antrag_neu"), {"quartier": "XXX"})

    assert response.status_code == 200
    assert title_of(response).startswith("Fehler:")
    assert client.get(reverse("antraege:antrag_start", kwargs={"code": "XXX"})).status_code == 404


def test_project_step_refuses_a_malformed_date_and_keeps_the_entry(client, draft):
    response = client.post(
        schritt_url(draft.pk, 2), projekt(beginn="32.13.2026", titel="Neuer Titel")
    )

    content = response.content.decode()
    assert title_of(response).startswith("Fehler:")
    assert "Bitte geben Sie ein Datum ein, z. B. 14.06.2026." in content
    assert 'value="32.13.2026"' in content
    assert 'value="Neuer Titel"' in content
    assert Antrag.objects.get(pk=draft.pk).titel == "Hoffest Soldiner Kiez"


def test_project_step_accepts_german_date_format(client, draft):
    beginn = draft.beginn

    client.post(schritt_url(draft.pk, 2), projekt(beginn=beginn.strftime("%d.%m.%Y")))

    assert Antrag.objects.get(pk=draft.pk).beginn == beginn


def test_save_for_later_keeps_what_was_cleared(client, draft):
    data = {k: v for k, v in ERKLAERUNGEN.items() if k != "erklaerung_belege"}

    response = client.post(schritt_url(draft.pk, 5), {**data, "aktion": "spaeter"})

    assert response.url == reverse("antraege:gespeichert", kwargs={"pk": draft.pk})
    antrag = Antrag.objects.get(pk=draft.pk)
    assert (antrag.erklaerung_belege, antrag.erklaerung_nicht_begonnen) == (False, True)


# --- Each step refuses what it holds, on its field, before the applicant moves on. ---


def error_summary(response):
    """The error summary's items as (link target, text); fails when the summary is empty."""
    html = response.content.decode()
    match = re.search(r'id="fehler-zusammenfassung".*?<ul class="kern-list">(.*?)</ul>', html, re.S)
    assert match, "no error summary on the page"
    items = re.findall(r"<li>(.*?)</li>", match.group(1), re.S)
    assert items, "an error summary with an empty list"
    result = []
    for item in items:
        link = re.search(r'<a class="kern-link" href="([^"]*)">(.*?)</a>', item, re.S)
        assert link, f"an error that links nowhere: {item}"
        result.append((link.group(1), " ".join(link.group(2).split())))
    return result


def step_refused(client, draft, schritt, data):
    """The step is shown again with its errors (title "Fehler:") and stored nothing."""
    before = Antrag.objects.filter(pk=draft.pk).values().get()
    zeilen_vorher = list(draft.kostenpositionen.values_list("beschreibung", "einzelpreis"))
    response = client.post(schritt_url(draft.pk, schritt), data)
    assert response.status_code == 200
    assert title_of(response).startswith("Fehler:")
    assert Antrag.objects.filter(pk=draft.pk).values().get() == before
    assert list(draft.kostenpositionen.values_list("beschreibung", "einzelpreis")) == zeilen_vorher
    return error_summary(response)


def test_project_step_refuses_a_start_in_the_past(client, draft):
    summary = step_refused(client, draft, 2, projekt(beginn=(heute() - tage(1)).isoformat()))

    assert summary[0] == (
        "#id_beginn",
        "Beginn: Das Projekt darf erst nach der Bewilligung beginnen: bitte ein Datum in der Zukunft.",
    )


def test_project_step_refuses_an_end_before_the_start(client, draft):
    beginn = draft.beginn
    summary = step_refused(
        client,
        draft,
        2,
        projekt(beginn=beginn.isoformat(), ende=(beginn - tage(1)).isoformat()),
    )

    assert ("#id_ende", "Ende: Das Ende darf nicht vor dem Beginn liegen.") in summary


def test_project_step_refuses_a_start_within_the_lead_time(client, draft):
    quartier = draft.fonds.quartier
    quartier.vorlaufzeit_wochen = 4
    quartier.save(update_fields=["vorlaufzeit_wochen"])

    summary = step_refused(client, draft, 2, projekt(beginn=(heute() + tage(7)).isoformat()))

    assert summary[0][0] == "#id_beginn"
    assert "Anträge müssen mindestens 4 Wochen vor dem Projektbeginn eingehen." in summary[0][1]


def test_cost_step_refuses_an_amount_above_the_cap(client, draft, sachkosten):
    data = kosten([(sachkosten.pk, "Bühne", "1", "99999.00")], betrag="99999.00")

    summary = step_refused(client, draft, 3, data)

    assert summary[0] == (
        "#id_betrag_beantragt",
        "Beantragter Betrag (€): Je Projekt sind höchstens 1.500,00 € möglich.",
    )


def test_cost_step_refuses_an_amount_the_plan_does_not_give(client, draft, sachkosten):
    data = kosten([(sachkosten.pk, "Getränke", "2", "150.00")], betrag="500.00")

    summary = step_refused(client, draft, 3, data)

    assert summary[0][0] == "#id_betrag_beantragt"
    assert "Der Kostenplan geht nicht auf: Gesamtkosten 300,00 €" in summary[0][1]


@pytest.mark.parametrize("field", ["betrag_beantragt", "weitere_mittel"])
def test_cost_step_refuses_a_negative_amount_on_its_field(client, draft, sachkosten, field):
    data = kosten([(sachkosten.pk, "Getränke", "2", "150.00")], **{field: "-5"})

    summary = step_refused(client, draft, 3, data)

    assert [target for target, _text in summary] == [f"#id_{field}"]
    assert summary[0][1].endswith("Dieser Wert muss größer oder gleich 0 sein.")


def test_cost_step_refuses_a_negative_price_on_its_line(client, draft, sachkosten):
    summary = step_refused(client, draft, 3, kosten([(sachkosten.pk, "Getränke", "1", "-150")]))

    assert summary == [
        (
            "#id_pos-0-einzelpreis",
            "Zeile 1, Einzelpreis (€): Dieser Wert muss größer oder gleich 0 sein.",
        )
    ]


def test_cost_step_refuses_an_ineligible_category_with_a_link_to_the_plan(
    client, draft, personalkosten
):
    summary = step_refused(
        client, draft, 3, kosten([(personalkosten.pk, "Honorar", "1", "300.00")])
    )

    assert summary == [
        (
            "#kostenplan",
            "Kostenplan: „Personalkosten“ ist im Aktionsfonds nicht förderfähig (Honorar).",
        )
    ]


def test_saving_for_later_keeps_a_start_in_the_past_for_the_final_check(client, draft):
    gestern = heute() - tage(1)

    response = client.post(
        schritt_url(draft.pk, 2), projekt(beginn=gestern.isoformat(), aktion="spaeter")
    )

    assert response.status_code == 302
    assert Antrag.objects.get(pk=draft.pk).beginn == gestern


def test_check_page_lists_each_remaining_error_with_a_link_to_its_step(client, draft):
    Antrag.objects.filter(pk=draft.pk).update(
        beginn=heute() - tage(1), betrag_beantragt=Decimal("99999.00"), erklaerung_belege=False
    )

    summary = error_summary(client.get(reverse("antraege:pruefen", kwargs={"pk": draft.pk})))

    targets = [target for target, _text in summary]
    assert f"{schritt_url(draft.pk, 2)}?von=pruefen#id_beginn" in targets
    assert f"{schritt_url(draft.pk, 3)}?von=pruefen#id_betrag_beantragt" in targets
    assert f"{schritt_url(draft.pk, 5)}?von=pruefen#id_erklaerung_belege" in targets
    assert Antrag.objects.get(pk=draft.pk).status == AntragStatus.DRAFT
