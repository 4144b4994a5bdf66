"""The fund report as PDF, made by the worker: the page asks for it and offers the download once
the file is there ("wird erstellt" until then). One row per state of the fund (``stand``), so a
report never shows figures older than the fund, and the same state is rendered once."""

import datetime
import hashlib
import json
import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from .. import task_names
from ..enqueue import task_enqueue_on_commit, task_send
from ..models import Aktionsfonds, Antrag, Buchung, FondsberichtPdf, Statuswechsel

logger = logging.getLogger(__name__)

# The sweep leaves a request this long to its own task (queued on commit, rendered in seconds).
NACHHOLEN_NACH = datetime.timedelta(minutes=5)


def fondsbericht_stand(fonds):
    """A fingerprint of what the report shows: the fund's last booking and move, the last change
    of its Anträge and short reports, the close, and the day (the report is dated)."""
    antraege = Antrag.objects.filter(fonds=fonds).aggregate(
        geaendert=Max("geaendert_am"), bericht=Max("sachbericht__geaendert_am")
    )
    daten = [
        fonds.pk,
        Buchung.objects.filter(fonds=fonds).aggregate(m=Max("pk"))["m"],
        Statuswechsel.objects.filter(antrag__fonds=fonds).aggregate(m=Max("pk"))["m"],
        str(antraege["geaendert"]),
        str(antraege["bericht"]),
        str(fonds.abgeschlossen_am),
        str(fonds.budget),
        str(timezone.localdate()),
    ]
    return hashlib.sha256(json.dumps(daten).encode()).hexdigest()


def fondsbericht_pdf_request(fonds):
    """The report PDF of the fund as it stands: the existing row (ready or being made), or a new
    one whose rendering is queued after commit (once: the unique row decides who queues)."""
    stand = fondsbericht_stand(fonds)
    vorhanden = FondsberichtPdf.objects.filter(fonds=fonds, stand=stand).first()
    if vorhanden is not None:
        return vorhanden
    try:
        with transaction.atomic():
            row = FondsberichtPdf.objects.create(fonds=fonds, stand=stand)
    except IntegrityError:  # asked for at the same moment elsewhere: that request queued it
        return FondsberichtPdf.objects.get(fonds=fonds, stand=stand)
    task_enqueue_on_commit(task_names.RENDER_FONDSBERICHT, fondsbericht_id=row.pk)
    return row


def fondsberichte_nachholen(*, older_than=NACHHOLEN_NACH, limit=20):
    """The sweep: queue again the rendering of report PDFs asked for more than ``older_than`` ago
    that still have no file (their task was lost). Only the requests of that day: a report is
    dated, one asked for on an earlier day is of another state (``fondsbericht_stand``) and nobody
    fetches it. Reads the rows without a file through the partial index
    ``fondsbericht_ohne_datei``. Returns their ids."""
    bis = timezone.localtime() - older_than
    tag = bis.replace(hour=0, minute=0, second=0, microsecond=0)
    ids = list(
        FondsberichtPdf.objects.filter(datei="", angefordert_am__lt=bis, angefordert_am__gte=tag)
        .order_by("angefordert_am")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        task_send(task_names.RENDER_FONDSBERICHT, fondsbericht_id=pk)
    return ids


def fondsbericht_pdf_context(fonds):
    """Everything the report PDF shows: the same reads as the report page."""
    from ..dokumente.services import logo_data_url
    from ..fonds.selectors import fondsbild
    from .auswertung import fondsbericht_figures

    zahlen = fondsbericht_figures(fonds)
    bericht = zahlen.bericht
    return {
        "bericht": bericht,
        "projekte": bericht.projekte.iterator(chunk_size=500),
        "bild": fondsbild.fondsbild_for(fonds, saldo=bericht.saldo),
        "monate": zahlen.monate,
        "felder": zahlen.felder,
        "stand": zahlen.stand,
        "quartier": fonds.quartier,
        "logo": logo_data_url(fonds.quartier),
        "datum": timezone.localdate(),
    }


def fondsbericht_pdf_render(fondsbericht_id):
    """Render and store the report PDF of one row (the task's body); a row that has its file
    already is left alone. Returns the row, or None when it is gone."""
    from ..dokumente.pdf import render_pdf
    from .auswertung import fondsauswertung_refresh

    row = FondsberichtPdf.objects.filter(pk=fondsbericht_id).first()
    if row is None or row.datei:
        return row
    fonds = Aktionsfonds.objects.select_related("quartier").get(pk=row.fonds_id)
    fondsauswertung_refresh(fonds.pk)  # the figures as the fund stands now, page and PDF alike
    pdf = render_pdf("pdf/fondsbericht.html", fondsbericht_pdf_context(fonds))
    row.datei.save(
        f"aktionsfonds-{fonds.quartier.code}-{fonds.jahr}.pdf", ContentFile(pdf), save=False
    )
    row.erstellt_am = timezone.now()
    claimed = FondsberichtPdf.objects.filter(pk=row.pk, datei="").update(
        datei=row.datei.name, erstellt_am=row.erstellt_am
    )
    if not claimed:  # made twice at once: keep the first file
        row.datei.storage.delete(row.datei.name)
        row.refresh_from_db()
    logger.info("fondsbericht %s rendered", row.pk)
    return row
