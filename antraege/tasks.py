"""Celery tasks of Anträge: thin wrappers that load by id and call one domain function."""

import logging

from celery import shared_task

from workflow.deadlines import abrechnung_deadlines_check

from . import task_names
from .dokumente import services as documents
from .dokumente.selectors import dokumente_missing
from .enqueue import task_send
from .geld.services.vereinbarung import rueckforderungen_mahnen
from .mail.tasks import (  # noqa: F401 - registers the tasks
    task_dispatch_pending_benachrichtigungen,
    task_send_benachrichtigung,
)

logger = logging.getLogger(__name__)


@shared_task(name=task_names.RENDER_DOKUMENT)
def task_render_dokument(*, antrag_id, art):
    """Render and store a letter or payout order; a decision letter then goes out by e-mail."""
    dokument = documents.dokument_deliver(antrag_id, art)
    logger.info("dokument %s (%s) of antrag %s ready", dokument.pk, art, antrag_id)
    return dokument.pk


@shared_task(name=task_names.CHECK_SETTLEMENT_DEADLINES)
def task_check_settlement_deadlines():
    """Beat: settlement reminders and expiry; also renders documents a lost task left missing."""
    reminded, expired = abrechnung_deadlines_check()
    missing = dokumente_missing()
    for antrag_id, art in missing:
        task_send(task_names.RENDER_DOKUMENT, antrag_id=antrag_id, art=str(art))
    logger.info(
        "settlement deadlines: %s reminded, %s expired, %s documents re-queued",
        reminded,
        expired,
        len(missing),
    )
    return reminded, expired


@shared_task(name=task_names.REMIND_OVERDUE_RUECKFORDERUNGEN)
def task_remind_overdue_rueckforderungen():
    """Beat: one reminder (letter and e-mail) for each repayment claim past its deadline."""
    gemahnt = rueckforderungen_mahnen()
    logger.info("repayment claims: %s reminded", gemahnt)
    return gemahnt


@shared_task(name=task_names.RENDER_FONDSBERICHT, bind=True, max_retries=3, retry_backoff=10)
def task_render_fondsbericht(self, *, fondsbericht_id):
    """Render and store one fund report PDF (the fund as it stood when it was asked for)."""
    from .geld.bericht import fondsbericht_pdf_render

    fondsbericht_pdf_render(fondsbericht_id)


@shared_task(name=task_names.REFRESH_FONDSAUSWERTUNG)
def task_refresh_fondsauswertung(*, fonds_id):
    """Recompute the stored report figures of one fund after a change of it."""
    from .geld.auswertung import fondsauswertung_refresh

    fondsauswertung_refresh(fonds_id)


@shared_task(name=task_names.CHECK_VEROEFFENTLICHUNGSFILTER)
def task_check_veroeffentlichungsfilter():
    """Beat, once a night: the public list's stored filter choices against the funds, mended when
    a write that sends no signal (an ``update`` of a fund's year by hand) left them behind. True
    when they were."""
    from .fonds.services.veroeffentlichung import veroeffentlichungsfilter_pruefen

    if not veroeffentlichungsfilter_pruefen():
        return False
    logger.warning("public list: the filter's stored years and areas were stale, recomputed")
    return True


@shared_task(name=task_names.SWEEP_FONDSBERICHTE)
def task_sweep_fondsberichte():
    """Beat: recompute the stored report figures and queue again the report PDFs whose task was
    lost (worker crash, broker down)."""
    from .geld.auswertung import fondsauswertungen_nachholen
    from .geld.bericht import fondsberichte_nachholen

    fonds = fondsauswertungen_nachholen()
    pdfs = fondsberichte_nachholen()
    if fonds or pdfs:
        logger.info(
            "fund reports: figures of %s funds recomputed, %s PDFs re-queued", len(fonds), len(pdfs)
        )
    return len(fonds), len(pdfs)
