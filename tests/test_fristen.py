"""Lead time before an action, and applying in December for next year's fund."""

import datetime
import re
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from antraege.antrag.services.antrag import antrag_submission_errors
from antraege.factories import AktionsfondsFactory, AntragFactory, QuartierFactory
from antraege.fonds.selectors import fristen

from .resident_helpers import projekt

pytestmark = pytest.mark.django_db

D = datetime.date


def text(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def on(day):
    """The clock of the views (Europe/Berlin date) set to ``day``."""
    return mock.patch("django.utils.timezone.localdate", return_value=day)


@pytest.mark.parametrize(
    ("wochen", "beginn", "fehler"),
    [
        (6, D(2027, 3, 1), True),  # 4 weeks ahead: too early
        (6, D(2027, 3, 15), False),  # exactly 6 weeks ahead
        (2, D(2027, 3, 1), False),  # the area asks for 2 weeks only
        (0, D(2027, 2, 2), False),  # no lead time: tomorrow is fine
    ],
)
def test_submission_respects_the_areas_lead_time(wochen, beginn, fehler):
    heute = D(2027, 2, 1)
    quartier = QuartierFactory(vorlaufzeit_wochen=wochen)
    antrag = AntragFactory(fonds__quartier=quartier, fonds__jahr=2027, beginn=beginn, ende=beginn)

    errors = antrag_submission_errors(antrag, today=heute)

    if fehler:
        assert errors == {
            "beginn": [
                "Anträge müssen mindestens 6 Wochen vor dem Projektbeginn eingehen. "
                "Ihr Projekt kann frühestens am 15. März 2027 beginnen."
            ]
        }
    else:
        assert errors == {}


def test_lead_time_is_not_asked_again_when_answering_a_change_request():
    heute = D(2027, 2, 1)
    antrag = AntragFactory(fonds__jahr=2027, beginn=D(2027, 2, 20), ende=D(2027, 2, 20))
    antrag.eingereicht_am = datetime.datetime(2027, 1, 2, tzinfo=datetime.UTC)

    assert antrag_submission_errors(antrag, today=heute) == {}


def test_project_step_names_the_earliest_date_while_typing(client, antrag):
    session = client.session
    session["mein_antrag_ids"] = [antrag.pk]
    session.save()
    heute = timezone.localdate()
    zu_frueh = heute + datetime.timedelta(weeks=2)

    response = client.post(
        reverse("antraege:schritt", args=[antrag.pk, 2]),
        projekt(beginn=zu_frueh.isoformat(), ende=zu_frueh.isoformat()),
    )

    assert response.status_code == 200
    expected = date_format(heute + datetime.timedelta(weeks=6), "DATE_FORMAT")
    assert f"Ihr Projekt kann frühestens am {expected} beginnen." in text(response)
    assert response.context["form"]["beginn"].value() == zu_frueh.isoformat()


@pytest.mark.parametrize(
    ("heute", "jahre", "erwartet"),
    [
        (D(2026, 11, 2), (2026, 2027), 2026),  # an action still fits into this year
        (D(2026, 11, 25), (2026, 2027), 2027),  # lead time reaches into next year
        (D(2026, 12, 27), (2026, 2027), 2027),  # between Christmas and New Year
        (D(2026, 12, 27), (2026,), None),  # next year's fund not set up yet
        (D(2027, 1, 5), (2026, 2027), 2027),
        (D(2026, 10, 1), (2027,), None),  # next year's fund opens in December
    ],
)
def test_new_antraege_go_to_the_earliest_fund_still_possible(heute, jahre, erwartet):
    quartier = QuartierFactory()
    for jahr in jahre:
        AktionsfondsFactory(quartier=quartier, jahr=jahr)

    fonds = fristen.fonds_fuer_neuen_antrag(quartier, heute)

    assert (fonds.jahr if fonds else None) == erwartet


def test_fund_opening_date_is_per_fund():
    quartier = QuartierFactory()
    AktionsfondsFactory(quartier=quartier, jahr=2027, antraege_ab=D(2027, 1, 15))

    assert fristen.fonds_fuer_neuen_antrag(quartier, D(2026, 12, 27)) is None
    assert fristen.fonds_fuer_neuen_antrag(quartier, D(2027, 1, 15)).jahr == 2027


def test_start_page_between_christmas_and_new_year_offers_next_years_fund(client):
    quartier = QuartierFactory(name="Soldiner Kiez", code="SOL")
    AktionsfondsFactory(quartier=quartier, jahr=2026)
    AktionsfondsFactory(quartier=quartier, jahr=2027)

    with on(D(2026, 12, 27)):
        page = text(client.get(reverse("start")))
        form = client.get(reverse("antraege:antrag_start", args=["SOL"]))

    assert "Im Moment nimmt kein Quartier Anträge an." not in page
    assert "Soldiner Kiez (Aktionsfonds 2027)" in page
    assert "frühestens am 7. Februar 2027 beginnen" in page
    assert form.context["fonds"].jahr == 2027


def test_start_page_says_so_when_no_fund_takes_applications(client):
    AktionsfondsFactory(quartier=QuartierFactory(), jahr=2026)

    with on(D(2026, 12, 27)):
        page = text(client.get(reverse("start")))

    assert "Im Moment nimmt kein Quartier Anträge an." in page


def test_closed_fund_takes_no_new_antraege():
    fonds = AktionsfondsFactory(jahr=2027)
    fonds.abgeschlossen_am = datetime.datetime(2027, 6, 1, tzinfo=datetime.UTC)

    assert fristen.fonds_nimmt_antraege_an(fonds, D(2027, 2, 1)) is False


def test_dashboard_opens_on_next_years_fund_in_december(client, staff_login, qm_user, quartier):
    AktionsfondsFactory(quartier=quartier, jahr=2026)
    AktionsfondsFactory(quartier=quartier, jahr=2027)
    staff_login(client, qm_user)

    with on(D(2026, 12, 2)):
        december = client.get(reverse("qm:dashboard"))
    with on(D(2026, 11, 2)):
        november = client.get(reverse("qm:dashboard"))

    assert (december.context["saldo_jahr"], november.context["saldo_jahr"]) == (2027, 2026)


def test_start_page_names_the_next_meeting_and_its_deadline(client):
    from jury.sitzungen.models import Sitzung

    quartier = QuartierFactory(name="Soldiner Kiez", code="SOL")
    AktionsfondsFactory(quartier=quartier, jahr=2027)
    for datum, frist, status in [
        (D(2027, 1, 20), D(2027, 1, 13), "planned"),  # deadline passed on the day below
        (D(2027, 2, 24), D(2027, 2, 17), "planned"),  # the next one
        (D(2027, 3, 24), D(2027, 3, 17), "planned"),
    ]:
        Sitzung.objects.create(
            quartier=quartier,
            datum=datum,
            beginn=datetime.time(18, 0),
            ort="Nachbarschaftshaus",
            einreichungsfrist=frist,
            status=status,
        )

    with on(D(2027, 1, 14)):
        page = text(client.get(reverse("start")))

    assert (
        "Nächste Jurysitzung: 24. Februar 2027. Anträge, die bis zum 17. Februar 2027 eingehen, "
        "kommen auf ihre Tagesordnung."
    ) in page
    assert "20. Januar 2027" not in page
