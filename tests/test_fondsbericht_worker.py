"""The fund report PDF is made by a real Celery worker (issue 19): the page's request queues it
after commit, the worker renders the fund's figures, QM downloads what it made."""

import re

import pytest
from django.urls import reverse

from antraege.antrag.selectors import aktionsfonds_saldo
from antraege.dokumente.pdf import pdf_text
from antraege.factories import AntragFactory
from antraege.models import Fondsauswertung, FondsberichtPdf
from antraege.money import euro_format
from tests.worker.processes import PATIENCE, wait_until
from workflow.wege import antrag_walk_to

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def worker(celery_session_worker):
    return celery_session_worker


def test_the_worker_makes_the_report_pdf_and_qm_downloads_it(client, staff_login, fonds, qm_user):
    antrag = antrag_walk_to(AntragFactory(fonds=fonds), "approved", qm_user=qm_user)
    staff_login(client, qm_user)
    url = reverse("abrechnung:fonds_bericht_pdf", args=[fonds.pk])

    assert client.get(url).status_code == 202  # being made
    wait_until(
        lambda: FondsberichtPdf.objects.filter(fonds=fonds).exclude(datei="").exists(),
        timeout=PATIENCE,
        message="the report PDF made by the worker",
    )
    response = client.get(url)

    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    text = pdf_text(b"".join(response.streaming_content))
    assert antrag.referenz in text
    for zahl in aktionsfonds_saldo(fonds).zahlen:
        assert f"{zahl.label} {euro_format(zahl.betrag)} €" in text
    assert FondsberichtPdf.objects.filter(fonds=fonds).count() == 1  # asked twice, made once


def test_after_a_booking_the_worker_recomputes_the_figures_the_page_shows(
    client, staff_login, fonds, qm_user
):
    antrag_walk_to(AntragFactory(fonds=fonds), "approved", qm_user=qm_user)
    staff_login(client, qm_user)
    url = reverse("qm:fonds_bericht", args=[fonds.pk])
    wait_until(
        lambda: Fondsauswertung.objects.filter(fonds=fonds, daten__summen__anzahl=1).exists(),
        timeout=PATIENCE,
        message="the fund's figures recomputed by the worker after the first approval",
    )

    antrag_walk_to(AntragFactory(fonds=fonds), "approved", qm_user=qm_user)  # books, commits
    wait_until(
        lambda: Fondsauswertung.objects.filter(fonds=fonds, daten__summen__anzahl=2).exists(),
        timeout=PATIENCE,
        message="the fund's figures recomputed by the worker after the second approval",
    )

    seite = " ".join(re.sub(r"<[^>]+>", " ", client.get(url).content.decode()).split())
    assert "Aufgeführte Projekte 2" in seite
