"""A lost task of the fund report is swept again (issue 22): the stored figures (``Fondsauswertung``)
recomputed when their task was lost, the report PDF rendered when its task was lost; a sweep
with nothing due reads no fund and no report."""

import contextlib
import datetime
import json
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aktionsfonds.celery import app
from antraege import enqueue, task_names
from antraege.factories import AktionsfondsFactory, AntragFactory, QuartierFactory
from antraege.geld import auswertung
from antraege.geld.auswertung import fondsauswertung_refresh, fondsauswertungen_nachholen
from antraege.geld.bericht import fondsbericht_pdf_render, fondsberichte_nachholen
from antraege.models import Aktionsfonds, Fondsauswertung, FondsberichtPdf
from antraege.tasks import task_sweep_fondsberichte

from .abrechnung_helpers import approved

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def verloren(name):
    """The broker loses every task ``name`` sent while the block runs (the others go out);
    yields the keyword arguments of the lost ones."""
    lost, task_send = [], enqueue.task_send

    def send(task, **kwargs):
        if task != name:
            return task_send(task, **kwargs)
        lost.append(kwargs)
        return True  # published, as far as the sender knows

    with mock.patch.object(enqueue, "task_send", send):
        yield lost


def anzahl(fonds):
    return Fondsauswertung.objects.get(fonds=fonds).daten["summen"]["anzahl"]


def faellig_seit(fonds):
    return Aktionsfonds.objects.get(pk=fonds.pk).auswertung_faellig_seit


def test_figures_whose_recomputation_was_lost_are_recomputed_by_the_sweep(
    fonds, qm_user, django_capture_on_commit_callbacks
):
    fondsauswertung_refresh(fonds.pk)  # the report was looked at: no project yet
    with verloren(task_names.REFRESH_FONDSAUSWERTUNG) as lost:
        with django_capture_on_commit_callbacks(execute=True):
            approved(AntragFactory(fonds=fonds), qm_user)  # books the reservation

    assert lost and anzahl(fonds) == 0  # the figures stayed as they were
    assert faellig_seit(fonds) is not None
    assert fondsauswertungen_nachholen() == []  # its task still has five minutes

    assert fondsauswertungen_nachholen(older_than=datetime.timedelta(0)) == [fonds.pk]
    assert anzahl(fonds) == 1
    assert faellig_seit(fonds) is None
    assert fondsauswertungen_nachholen(older_than=datetime.timedelta(0)) == []


def test_a_booking_during_the_recomputation_leaves_the_fund_due(fonds, qm_user):
    approved(AntragFactory(fonds=fonds), qm_user)
    compute = auswertung.fondsauswertung_compute

    def compute_then_another_approval(fonds_row):
        daten = compute(fonds_row)
        approved(AntragFactory(fonds=fonds), qm_user)  # committed while the worker computes
        return daten

    with mock.patch.object(auswertung, "fondsauswertung_compute", compute_then_another_approval):
        fondsauswertung_refresh(fonds.pk)

    assert anzahl(fonds) == 1  # computed before the second approval
    assert faellig_seit(fonds) is not None  # so the fund stays due
    fondsauswertungen_nachholen(older_than=datetime.timedelta(0))
    assert (anzahl(fonds), faellig_seit(fonds)) == (2, None)


def test_figures_of_fewer_changes_never_overwrite_those_of_more(fonds, qm_user):
    """Two recomputations at once: the one that read the fund before the second approval ends
    last; its figures are not stored over those of the other, nor is the fund marked current."""
    approved(AntragFactory(fonds=fonds), qm_user)
    compute = auswertung.fondsauswertung_compute

    def overtaken(fonds_row):
        daten = compute(fonds_row)
        approved(AntragFactory(fonds=fonds), qm_user)
        with mock.patch.object(auswertung, "fondsauswertung_compute", compute):
            fondsauswertung_refresh(fonds.pk)  # the second recomputation, done first
        return daten

    with mock.patch.object(auswertung, "fondsauswertung_compute", overtaken):
        row = fondsauswertung_refresh(fonds.pk)

    assert row.daten["summen"]["anzahl"] == anzahl(fonds) == 2
    assert faellig_seit(fonds) is None


def _rows_read(sql):
    """Rows the statement's plan nodes produced or threw away (PostgreSQL), as bench/scale.py."""

    def gelesen(plan):
        eigen = plan.get("Actual Rows", 0) + plan.get("Rows Removed by Filter", 0)
        return eigen * plan.get("Actual Loops", 1) + sum(map(gelesen, plan.get("Plans", ())))

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
        (plan,) = cursor.fetchone()
    return gelesen((json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"])


def _plaene(statements):
    """The plans of ``statements`` as text, for the message of a failed assertion."""
    with connection.cursor() as cursor:
        plaene = []
        for sql in statements:
            cursor.execute("EXPLAIN ANALYZE " + sql)
            plaene.append("\n".join(zeile for (zeile,) in cursor.fetchall()))
    return "\n\n".join(plaene)


def _sweep_statements():
    with CaptureQueriesContext(connection) as captured:
        assert task_sweep_fondsberichte() == (0, 0)
    return [q["sql"] for q in captured.captured_queries]


def test_the_sweep_with_nothing_due_reads_no_fund_and_no_report(fonds, qm_user):
    for code in ("A", "B", "C"):  # funds recomputed, reports made long ago and today
        AktionsfondsFactory(quartier=QuartierFactory(code=f"N{code}"))
    approved(AntragFactory(fonds=fonds), qm_user)
    for pk in Aktionsfonds.objects.values_list("pk", flat=True):
        fondsauswertung_refresh(pk)
        FondsberichtPdf.objects.create(fonds_id=pk, stand=f"alt{pk}", datei="f.pdf")
    FondsberichtPdf.objects.create(fonds=fonds, stand="gestern")  # asked for yesterday, lost
    FondsberichtPdf.objects.filter(stand="gestern").update(
        angefordert_am=timezone.now() - datetime.timedelta(days=1, minutes=1)
    )

    statements = _sweep_statements()

    assert len(statements) == 2  # the due funds, the PDFs without a file
    funds, pdfs = statements
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # statistics of this test's rows, not of what earlier tests left (as _plan_sql in
            # test_skalierung: with those the planner's choice between two indexes varied; this
            # test read 1 row instead of 0 once, in a run of many files on a busy machine)
            cursor.execute("ANALYZE")
            # a handful of rows: without this the planner rightly prefers to read the tables
            cursor.execute("SET LOCAL enable_seqscan = off")
        gelesen = [_rows_read(sql) for sql in statements]
        assert gelesen == [0, 0], _plaene(statements)  # through the partial indexes
    else:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {funds}")
            assert "fonds_auswertung_faellig" in str(cursor.fetchall())


def test_a_report_pdf_whose_rendering_was_lost_is_queued_again_and_made(
    client, staff_login, fonds, qm_user, django_capture_on_commit_callbacks
):
    staff_login(client, qm_user)
    url = reverse("abrechnung:fonds_bericht_pdf", args=[fonds.pk])
    with verloren(task_names.RENDER_FONDSBERICHT) as lost:
        with django_capture_on_commit_callbacks(execute=True):
            assert client.get(url).status_code == 202
    (row,) = FondsberichtPdf.objects.all()
    assert lost == [{"fondsbericht_id": row.pk}]
    assert fondsberichte_nachholen() == []  # its task still has five minutes

    with mock.patch("antraege.geld.bericht.task_send") as queued:
        assert fondsberichte_nachholen(older_than=datetime.timedelta(0)) == [row.pk]
    queued.assert_called_once_with(task_names.RENDER_FONDSBERICHT, fondsbericht_id=row.pk)
    fondsbericht_pdf_render(row.pk)  # the worker runs the queued task
    response = client.get(url)

    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert fondsberichte_nachholen(older_than=datetime.timedelta(0)) == []


def test_beat_sweeps_the_fund_reports_every_five_minutes():
    schedule = app.conf.beat_schedule["fund-reports"]

    assert schedule["task"] == task_names.SWEEP_FONDSBERICHTE == task_sweep_fondsberichte.name
    assert schedule["task"] in app.tasks
    assert schedule["schedule"] == 300.0


def test_the_public_list_counts_a_fund_changed_since_its_figures_from_its_rows(
    client, fonds, qm_user, django_capture_on_commit_callbacks
):
    """While a fund's figures are out of date (the worker has not recomputed them yet, or their
    task was lost), the public list counts that fund from its own rows: the new project is in
    the header's number and sum and on the page, not left out until the sweep."""
    fondsauswertung_refresh(fonds.pk)  # nothing funded yet
    with verloren(task_names.REFRESH_FONDSAUSWERTUNG) as lost:
        with django_capture_on_commit_callbacks(execute=True):
            antrag = approved(AntragFactory(fonds=fonds, titel="Nachbarschaftsfest"), qm_user)
    assert lost and anzahl(fonds) == 0 and faellig_seit(fonds) is not None

    page = client.get(reverse("gefoerderte"), {"jahr": fonds.jahr})

    html = page.content.decode()
    assert page.context["anzahl"] == 1
    assert page.context["summe"] == antrag.betrag_bewilligt
    assert "Nachbarschaftsfest" in html
