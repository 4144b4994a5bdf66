"""The jury's cut on the cost lines (issue 19): an approval of less than requested says which lines
are cut or reduced; letter, agreement and settlement show the approved lines, which add up to the
approved amount with the lump sum inside it; a plan that does not add up is refused, entries kept."""

import re
from decimal import Decimal as D

import pytest
from django.urls import reverse

from antraege.antrag.services.kostenplan import (
    KostenplanRefused,
    kostenplan_check,
    kostenplan_vorschlag,
)
from antraege.dokumente import services as documents
from antraege.dokumente.pdf import html_to_pdf, pdf_text
from antraege.factories import AntragFactory, KostenkategorieFactory
from antraege.geld.selectors.vereinbarung import kostenplan_bewilligt, pauschale_im_betrag
from antraege.models import Antrag, AntragStatus, Dokument, Kostenposition
from antraege.roles import Akteur
from jury.abstimmungen.services import JuryRefused
from jury.factories import antrag_zur_jury, jury_fuer, sitzung_fuer
from jury.sitzungen import services as sitzungen
from jury.sitzungen.models import Beschluss
from workflow.wege import antrag_walk_to

pytestmark = pytest.mark.django_db

ZEILEN = (
    ("Zeltmiete", D("120.00")),
    ("Bastelmaterial", D("80.00")),
    ("Plakate", D("60.00")),
    ("Saatgut", D("40.00")),
)


def _antrag(fonds):
    """Four lines of 300 € and the lump sum of 10 %: 330 € requested (the issue's example)."""
    kategorie = KostenkategorieFactory(quartier=fonds.quartier, name="Sachkosten")
    return AntragFactory(
        fonds=fonds,
        betrag_beantragt=D("330.00"),
        positionen=[(kategorie, name, D("1"), preis) for name, preis in ZEILEN],
    )


def _zeilen(antrag):
    return {p.beschreibung: p for p in Kostenposition.objects.filter(antrag=antrag)}


def _text(antrag, art):
    antrag = Antrag.objects.select_related("fonds__quartier").get(pk=antrag.pk)
    return pdf_text(html_to_pdf(documents.dokument_html(antrag, art)))


def _sitzung_mit(fonds, qm_user, antrag):
    jury = jury_fuer(fonds.quartier, 3)
    antrag_zur_jury(antrag, qm_user)
    sitzung = sitzung_fuer(fonds.quartier, qm_user)
    sitzungen.anwesenheit_record(
        sitzung, akteur=Akteur(qm_user), anwesende=[m.pk for m in jury], vertretungen={}
    )
    return sitzung, sitzung.punkte.get(antrag=antrag)


def test_a_plan_must_add_up_with_the_lump_sum_inside(fonds):
    antrag = _antrag(fonds)
    z = _zeilen(antrag)

    # lines 300 € − Saatgut 40 € = 260 €, with up to 26 € lump sum: 260 € to 286 €
    plan = kostenplan_check(antrag, D("280.00"), {z["Saatgut"].pk: "0"})
    assert plan == {
        z["Zeltmiete"].pk: D("120.00"),
        z["Bastelmaterial"].pk: D("80.00"),
        z["Plakate"].pk: D("60.00"),
        z["Saatgut"].pk: D("0.00"),
    }
    with pytest.raises(KostenplanRefused) as zu_wenig:  # 240 € + 24 €: at most 264 €
        kostenplan_check(antrag, D("280.00"), {z["Saatgut"].pk: "0", z["Zeltmiete"].pk: "100"})
    assert zu_wenig.value.message == (
        "Die bewilligten Kostenpositionen gehen nicht auf: Sie ergeben 240,00 €, mit der "
        "Aufwandspauschale (bis 24,00 €) also 240,00 € bis 264,00 €. Bewilligt werden "
        "280,00 €: bitte passen Sie die Positionen an."
    )
    with pytest.raises(KostenplanRefused) as zu_viel:  # a line above its request
        kostenplan_check(antrag, D("280.00"), {z["Plakate"].pk: "61"})
    assert zu_viel.value.field == f"position_{z['Plakate'].pk}"
    assert "zwischen 0 und 60,00 €" in zu_viel.value.message


def test_without_a_plan_the_lump_sum_goes_first_then_the_last_lines(fonds):
    antrag = _antrag(fonds)
    z = _zeilen(antrag)

    assert kostenplan_vorschlag(antrag, D("310.00"))[z["Saatgut"].pk] == D("40.00")
    plan = kostenplan_vorschlag(antrag, D("250.00"))
    assert [plan[z[n].pk] for n, _ in ZEILEN] == [D("120"), D("80"), D("50"), D("0")]


def test_the_meeting_records_the_cut_and_letter_and_agreement_show_the_approved_lines(
    fonds, qm_user
):
    antrag = _antrag(fonds)
    z = _zeilen(antrag)
    sitzung, punkt = _sitzung_mit(fonds, qm_user, antrag)
    wie_beantragt = {p.pk: p.betrag for p in z.values()}  # what the page sends untouched
    with pytest.raises(JuryRefused) as refused:  # the lines as requested do not fit 280 €
        sitzungen.top_decide(
            punkt,
            akteur=Akteur(qm_user),
            praesentiert=True,
            betrag=D("280"),
            ja=3,
            nein=0,
            enthaltung=0,
            kostenplan=wie_beantragt,
        )
    assert "Sie ergeben 300,00 €" in refused.value.message
    punkt.refresh_from_db()
    assert punkt.beschluss == ""  # a refused decision leaves no trace

    punkt = sitzungen.top_decide(
        punkt,
        akteur=Akteur(qm_user),
        praesentiert=True,
        betrag=D("280"),
        ja=3,
        nein=0,
        enthaltung=0,
        kostenplan={z["Saatgut"].pk: D("0")},
    )
    assert punkt.beschluss == Beschluss.BEWILLIGT
    sitzungen.sitzung_close(sitzung, akteur=Akteur(qm_user))

    antrag = Antrag.objects.get(pk=antrag.pk)
    assert (antrag.status, antrag.betrag_bewilligt) == (AntragStatus.APPROVED, D("280.00"))
    z = _zeilen(antrag)
    assert [(z[n].betrag, z[n].betrag_bewilligt) for n, _ in ZEILEN] == [
        (D("120.00"), D("120.00")),
        (D("80.00"), D("80.00")),
        (D("60.00"), D("60.00")),
        (D("40.00"), D("0.00")),  # the requested amount stays for the record
    ]
    plan = kostenplan_bewilligt(antrag)
    assert (plan.summe_bewilligt, plan.pauschale, plan.betrag) == (D("260"), D("20"), D("280"))
    assert plan.summe_bewilligt - plan.weitere_mittel + plan.pauschale == antrag.betrag_bewilligt
    for art in (Dokument.Art.BEWILLIGUNG, Dokument.Art.VEREINBARUNG):
        text = _text(antrag, art)
        assert "Position Kostenart Beantragt Bewilligt" in text
        assert "Zeltmiete Sachkosten 120,00 € 120,00 €" in text
        assert "Saatgut Sachkosten 40,00 € gestrichen" in text
        assert "innerhalb des bewilligten Betrags) bis 20,00 €" in text
        assert "Bewilligt insgesamt 280,00 €" in text
        assert "Die Jury hat die Kostenpositionen gekürzt" in text


def test_an_online_cut_without_a_plan_still_adds_up(fonds, qm_user):
    antrag = antrag_walk_to(
        _antrag(fonds), "approved", qm_user=qm_user, approve={"betrag": D("280.00")}
    )

    text = _text(antrag, Dokument.Art.BEWILLIGUNG)

    assert "Saatgut Sachkosten 40,00 € 20,00 €" in text
    # no room for a lump sum: the letter says so, not "bis 0,00 €"
    assert "ganz für die Kostenpositionen bestimmt) entfällt" in text
    assert "bis 0,00 €" not in text
    assert "Bewilligt insgesamt 280,00 €" in text
    assert "330,00" not in text.split("Bewilligte Kostenpositionen")[1].split("Auszahlung")[0]


def test_a_full_approval_shows_every_line_and_the_requested_lump_sum(fonds, qm_user):
    antrag = antrag_walk_to(_antrag(fonds), "approved", qm_user=qm_user)

    text = _text(antrag, Dokument.Art.BEWILLIGUNG)

    assert "Saatgut Sachkosten 40,00 € 40,00 €" in text
    assert "innerhalb des bewilligten Betrags) bis 30,00 €" in text
    assert "Bewilligt insgesamt 330,00 €" in text
    assert "gekürzt" not in text


def test_the_settlement_statement_compares_with_the_approved_lines(fonds, qm_user):
    antrag = antrag_walk_to(
        _antrag(fonds), "paid", qm_user=qm_user, approve={"betrag": D("280.00")}
    )

    text = _text(antrag, Dokument.Art.ABRECHNUNG)

    assert "Kostenposition Bewilligt Anerkannt" in text
    assert "Saatgut (Sachkosten) 20,00 €" in text


def test_the_meeting_page_refuses_a_plan_that_does_not_add_up_and_keeps_the_entries(
    client, staff_login, fonds, qm_user
):
    antrag = _antrag(fonds)
    z = _zeilen(antrag)
    sitzung, punkt = _sitzung_mit(fonds, qm_user, antrag)
    staff_login(client, qm_user)
    url = reverse("jury:qm_sitzungsmodus", args=[sitzung.pk])
    p = f"p{punkt.pk}-"
    page = client.get(url).content.decode()
    assert f'name="{p}position_{z["Saatgut"].pk}"' in page
    assert "Saatgut (beantragt 40,00 €)" in page

    daten = {
        "aktion": "beschluss",
        p + "praesentiert": "1",
        p + "betrag": "280,00",
        p + "ja": 3,
        p + "nein": 0,
        p + "enthaltung": 0,
        p + f"position_{z['Zeltmiete'].pk}": "100,00",
        p + f"position_{z['Saatgut'].pk}": "0",
    }
    response = client.post(url, daten)

    html = " ".join(response.content.decode().split())
    assert response.status_code == 200  # the meeting page again, as with any entry refused
    assert "Die bewilligten Kostenpositionen gehen nicht auf: Sie ergeben 240,00 €" in html
    assert 'value="100,00"' in html and 'value="280,00"' in html
    punkt.refresh_from_db()
    assert (punkt.beschluss, punkt.kostenplan) == ("", {})

    daten[p + f"position_{z['Zeltmiete'].pk}"] = "120,00"
    assert client.post(url, daten).status_code == 302
    punkt.refresh_from_db()
    assert punkt.kostenplan[str(z["Saatgut"].pk)] == "0.00"


def test_the_online_vote_puts_the_cut_lines_to_the_vote_and_applies_them(fonds, qm_user):
    from jury.abstimmungen import services as abstimmungen

    jury = jury_fuer(fonds.quartier, 3)
    antrag = antrag_zur_jury(_antrag(fonds), qm_user)
    z = _zeilen(antrag)
    with pytest.raises(JuryRefused) as refused:  # the lines as the page sends them untouched
        abstimmungen.abstimmung_open(
            antrag,
            akteur=Akteur(qm_user),
            betrag=D("200"),
            kostenplan={p.pk: p.betrag for p in z.values()},
        )
    assert "Sie ergeben 300,00 €" in refused.value.message
    assert not antrag.abstimmungen.exists()

    abstimmung = abstimmungen.abstimmung_open(
        antrag,
        akteur=Akteur(qm_user),
        betrag=D("200"),
        kostenplan={z["Zeltmiete"].pk: D("60"), z["Saatgut"].pk: D("0")},
    )
    for mitglied in jury:
        abstimmungen.stimme_cast(abstimmung, user=mitglied.user, wert="yes")
    abstimmung.refresh_from_db()
    abstimmungen.abstimmung_close(abstimmung.pk, now=abstimmung.frist)

    antrag = Antrag.objects.get(pk=antrag.pk)
    assert (antrag.status, antrag.betrag_bewilligt) == (AntragStatus.APPROVED, D("200.00"))
    plan = kostenplan_bewilligt(antrag)
    assert [p.bewilligt for p in plan.positionen] == [D("60"), D("80"), D("60"), D("0")]
    assert (plan.summe_bewilligt, plan.pauschale) == (D("200.00"), D("0.00"))


def test_the_applicants_settlement_page_shows_the_approved_lines(client, fonds, qm_user):
    from antraege.roles import SESSION_KEY

    antrag = antrag_walk_to(
        _antrag(fonds), "approved", qm_user=qm_user, approve={"betrag": D("280.00")}
    )
    session = client.session
    session[SESSION_KEY] = [antrag.pk]
    session.save()

    response = client.get(reverse("abrechnung:mein_abrechnung", args=[antrag.pk]))

    text = " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())
    assert "Position Kostenart Beantragt Bewilligt" in text
    assert "Saatgut Sachkosten 40,00 € 20,00 €" in text
    assert "Bewilligt insgesamt 280,00 €" in text


def test_qm_sees_requested_and_approved_amount_per_line(client, staff_login, fonds, qm_user):
    antrag = antrag_walk_to(
        _antrag(fonds), "approved", qm_user=qm_user, approve={"betrag": D("250.00")}
    )
    staff_login(client, qm_user)

    response = client.get(reverse("qm:antrag_detail", args=[antrag.pk]))

    text = " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())
    assert "Menge Einzelpreis Betrag Bewilligt Förderfähig" in text
    assert "Plakate 1 60,00 € 60,00 € 50,00 €" in text
    assert "Saatgut 1 40,00 € 40,00 € gestrichen" in text


def _protokoll_nach_schluss(sitzung, akteur):
    """The text of the minutes of ``sitzung``, closed by ``akteur`` and its minutes made."""
    sitzungen.sitzung_close(sitzung, akteur=akteur)
    sitzungen.sitzung_protokoll_create(sitzung.pk)
    sitzung.refresh_from_db()
    with sitzung.protokoll.open("rb") as handle:
        return pdf_text(handle.read())


def _gekuerzt_geoeffnet(fonds, qm_user, jury):
    """An online vote on 200 € of the 330 € requested: the tent reduced, the seeds cut."""
    from jury.abstimmungen import services as abstimmungen

    antrag = antrag_zur_jury(_antrag(fonds), qm_user)
    z = _zeilen(antrag)
    return abstimmungen.abstimmung_open(
        antrag,
        akteur=Akteur(qm_user),
        betrag=D("200"),
        kostenplan={z["Zeltmiete"].pk: D("60"), z["Saatgut"].pk: D("0")},
    )


def test_the_ballot_lists_the_cut_lines_put_to_the_vote(client, staff_login, fonds, qm_user):
    jury = jury_fuer(fonds.quartier, 3)
    abstimmung = _gekuerzt_geoeffnet(fonds, qm_user, jury)
    staff_login(client, jury[0].user)

    response = client.get(reverse("jury:abstimmung", args=[abstimmung.pk]))

    text = " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())
    assert "Kostenposition Beantragt Bewilligt" in text
    assert "Zeltmiete (Sachkosten) 120,00 € 60,00 €" in text
    assert "Bastelmaterial (Sachkosten) 80,00 € 80,00 €" in text
    assert "Saatgut (Sachkosten) 40,00 € gestrichen" in text
    assert "Aufwandspauschale 30,00 € 0,00 €" in text
    assert "Insgesamt 330,00 € 200,00 €" in text

    client.logout()
    staff_login(client, qm_user)  # QM's progress page shows what was put to the vote
    response = client.get(reverse("jury:qm_abstimmung", args=[abstimmung.pk]))
    text = " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())
    assert "Zeltmiete (Sachkosten) 120,00 € 60,00 €" in text
    assert "Insgesamt 330,00 € 200,00 €" in text


def test_the_online_vote_minutes_list_the_cut_lines(fonds, qm_user):
    from jury.abstimmungen import services as abstimmungen
    from jury.abstimmungen.models import Abstimmung

    jury = jury_fuer(fonds.quartier, 3)
    abstimmung = _gekuerzt_geoeffnet(fonds, qm_user, jury)
    for mitglied in jury:
        abstimmungen.stimme_cast(abstimmung, user=mitglied.user, wert="yes")
    abstimmungen.abstimmung_close(abstimmung.pk, now=abstimmung.frist)
    abstimmungen.abstimmung_protokoll_create(abstimmung.pk)

    with Abstimmung.objects.get(pk=abstimmung.pk).protokoll.open("rb") as handle:
        text = pdf_text(handle.read())
    assert "Bewilligte Kostenpositionen (Kürzung der Jury)" in text
    assert "Zeltmiete (Sachkosten) 120,00 € 60,00 €" in text
    assert "Plakate (Sachkosten) 60,00 € 60,00 €" in text
    assert "Saatgut (Sachkosten) 40,00 € gestrichen" in text
    assert "Insgesamt 330,00 € 200,00 €" in text


def test_the_meeting_minutes_list_the_cut_lines_of_a_reduced_approval(fonds, qm_user):
    antrag = _antrag(fonds)
    z = _zeilen(antrag)
    sitzung, punkt = _sitzung_mit(fonds, qm_user, antrag)
    akteur = Akteur(qm_user)
    sitzungen.top_decide(
        punkt,
        akteur=akteur,
        praesentiert=True,
        betrag=D("280.00"),
        ja=3,
        nein=0,
        enthaltung=0,
        kostenplan={z["Saatgut"].pk: D("0")},
    )
    text = _protokoll_nach_schluss(sitzung, akteur)
    assert "Bewilligte Kostenpositionen (Kürzung der Jury)" in text
    assert "Zeltmiete (Sachkosten) 120,00 € 120,00 €" in text
    assert "Saatgut (Sachkosten) 40,00 € gestrichen" in text
    assert "Aufwandspauschale 30,00 € 20,00 €" in text
    assert "Insgesamt 330,00 € 280,00 €" in text


def test_minutes_of_a_full_approval_list_no_cut(fonds, qm_user):
    antrag = _antrag(fonds)
    sitzung, punkt = _sitzung_mit(fonds, qm_user, antrag)
    akteur = Akteur(qm_user)
    sitzungen.top_decide(
        punkt, akteur=akteur, praesentiert=True, betrag=D("330.00"), ja=3, nein=0, enthaltung=0
    )
    text = _protokoll_nach_schluss(sitzung, akteur)
    assert "Beschluss Bewilligt" in text
    assert "Kürzung der Jury" not in text


def test_line_amounts_are_read_as_typed_in_german(fonds):
    """A line amount is typed as people write euro: comma decimals, a thousands point, a € sign."""
    from antraege.money import euro_text_clean

    antrag = _antrag(fonds)
    z = _zeilen(antrag)

    plan = kostenplan_check(
        antrag, D("280.00"), {z["Saatgut"].pk: "0,00 €", z["Zeltmiete"].pk: "120,00"}
    )

    assert (plan[z["Saatgut"].pk], plan[z["Zeltmiete"].pk]) == (D("0.00"), D("120.00"))
    assert euro_text_clean(" 1.234,50 € ") == "1234.50"


@pytest.mark.parametrize(
    "betrag, summe, weitere, pauschale",
    [
        (D("330.00"), D("300.00"), D("0.00"), D("30.00")),  # lines and the whole lump sum
        (D("300.00"), D("300.00"), D("0.00"), D("0.00")),  # the lines only
        (D("280.00"), D("280.00"), D("0.00"), D("0.00")),  # cut lines, no room left
        (D("250.00"), D("300.00"), D("60.00"), D("10.00")),  # other funding pays part of a line
        (D("200.00"), D("300.00"), D("0.00"), D("0.00")),  # lines beyond the amount: never < 0
    ],
)
def test_the_lump_sum_is_what_the_amount_holds_beyond_its_lines(betrag, summe, weitere, pauschale):
    assert pauschale_im_betrag(betrag, summe, weitere) == pauschale
