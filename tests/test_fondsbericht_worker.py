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


def test_the_worker_sweeps_what_the_lost_tasks_of_the_fund_report_left(
    client, staff_login, fonds, qm_user
):
    """The broker lost the recomputation after a booking and the rendering of the PDF QM asked
    for: beat's sweep, run by the worker, recomputes the figures and has the PDF made."""
    import datetime
    from unittest import mock

    from django.utils import timezone

    from antraege import enqueue, task_names
    from antraege.models import Aktionsfonds
    from antraege.tasks import task_sweep_fondsberichte

    staff_login(client, qm_user)
    url = reverse("abrechnung:fonds_bericht_pdf", args=[fonds.pk])
    verloren = (task_names.REFRESH_FONDSAUSWERTUNG, task_names.RENDER_FONDSBERICHT)
    task_send = enqueue.task_send
    broker = mock.patch.object(
        enqueue, "task_send", lambda name, **kw: name in verloren or task_send(name, **kw)
    )
    with broker:
        antrag = antrag_walk_to(AntragFactory(fonds=fonds), "approved", qm_user=qm_user)
        assert client.get(url).status_code == 202
    vor_sechs_minuten = timezone.now() - datetime.timedelta(minutes=6)
    Aktionsfonds.objects.filter(pk=fonds.pk).update(auswertung_faellig_seit=vor_sechs_minuten)
    FondsberichtPdf.objects.update(angefordert_am=vor_sechs_minuten)
    assert not Fondsauswertung.objects.filter(fonds=fonds, daten__summen__anzahl=1).exists()

    task_sweep_fondsberichte.delay()

    wait_until(
        lambda: (
            Fondsauswertung.objects.filter(fonds=fonds, daten__summen__anzahl=1).exists()
            and FondsberichtPdf.objects.filter(fonds=fonds).exclude(datei="").exists()
        ),
        timeout=PATIENCE,
        message="the figures recomputed and the PDF made after the sweep",
    )
    assert Aktionsfonds.objects.get(pk=fonds.pk).auswertung_faellig_seit is None
    response = client.get(url)
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert antrag.referenz in pdf_text(b"".join(response.streaming_content))
