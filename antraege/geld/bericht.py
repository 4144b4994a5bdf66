"""The fund report as PDF, made by the worker: the page asks for it and offers the download once
the file is there ("wird erstellt" until then). One row per state of the fund (``stand``), so a
report never shows figures older than the fund, and the same state is rendered once."""

import hashlib
import json
import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from .. import task_names
from ..enqueue import task_enqueue_on_commit
from ..models import Aktionsfonds, Antrag, Buchung, FondsberichtPdf, Statuswechsel

logger = logging.getLogger(__name__)


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
