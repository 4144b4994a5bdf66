"""The papers of a meeting: sent on their own when the area's lead time has come, and the papers
PDF rendered by the worker, never in a request.

Sending: beat calls ``unterlagen_due_send`` (``jury.task_send_due_unterlagen``). A planned meeting
whose papers were not sent gets them once the day is ``JuryRegeln.unterlagen_tage_vorher`` (default
5) days before it or later (Europe/Berlin), and not after the meeting day. The send itself is
``services.sitzung_einladungen_send``: a conditional update planned → papers sent, so two beat
runs at once, or beat and QM's button, send once; each member's e-mail also has a dedupe key.

The PDF: ``sitzungsunterlagen_request`` records a ``Sitzungsunterlagen`` row for the meeting's
current agenda (``unterlagen_stand``) and language and queues ``jury.task_render_unterlagen`` once
(the unique row decides who queues); pages show "being made" until the row has its file. An agenda
that changes gets a new fingerprint, so a stale PDF is never served. Rows whose task was lost (broker
down) are queued again by the beat sweep.
"""

import datetime
import hashlib
import json
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from antraege import task_names
from antraege.enqueue import task_enqueue_on_commit, task_send
from antraege.roles import Akteur

from ..abstimmungen.services import JuryRefused, juryregeln_for
from ..mitglieder.models import jury_in_term
from ..mitglieder.selectors import kontosprache
from . import services
from .models import Sitzung, SitzungStatus, Sitzungsunterlagen
from .services import UNTERLAGEN_ANHANG

logger = logging.getLogger(__name__)

# A render asked for this long ago without a file is queued again by the sweep.
RENDER_SWEEP_AFTER = datetime.timedelta(minutes=2)


# --- Sending -------------------------------------------------------------------------------------


def unterlagen_faellig_am(sitzung):
    """The day the papers go out on their own: the area's lead time before the meeting."""
    return services.unterlagen_frist(sitzung)


def sitzung_unterlagen_send(sitzung, *, akteur):
    """Send the papers now (QM's button, or beat) and have the PDF made for the languages the
    recipients read pages in. Returns how many members and deputies get the e-mail."""
    with transaction.atomic():
        n = services.sitzung_einladungen_send(sitzung, akteur=akteur)
        sprachen = {"de"} | {
            sprache
            for sprache in (
                kontosprache(m.user) for m in jury_in_term(sitzung.quartier, sitzung.datum)
            )
            if sprache in settings.STAFF_LANGUAGES
        }
        for sprache in sorted(sprachen):
            sitzungsunterlagen_request(sitzung, sprache)
    return n


def unterlagen_due_send(*, now=None):
    """Beat: send the papers of every planned meeting whose lead time has come. Returns the ids of
    the meetings this call sent; a meeting someone else sent meanwhile is skipped."""
    heute = timezone.localdate(now or timezone.now())
    kandidaten = (
        Sitzung.objects.filter(
            status=SitzungStatus.GEPLANT, unterlagen_versandt_am__isnull=True, datum__gte=heute
        )
        .filter(punkte__isnull=False)
        .select_related("quartier")
        .distinct()
        .order_by("datum", "pk")
    )
    gesendet = []
    for sitzung in kandidaten:
        tage = juryregeln_for(sitzung.quartier).unterlagen_tage_vorher
        if heute < sitzung.datum - datetime.timedelta(days=tage):
            continue
        try:
            sitzung_unterlagen_send(sitzung, akteur=Akteur.system_akteur())
        except JuryRefused as refused:  # sent by QM or another beat run meanwhile, or empty
            logger.info("papers of sitzung %s not sent by beat: %s", sitzung.pk, refused.code)
            continue
        gesendet.append(sitzung.pk)
        logger.info("papers of sitzung %s sent automatically", sitzung.pk)
    return gesendet


# --- The papers PDF ------------------------------------------------------------------------------


def unterlagen_stand(sitzung):
    """A fingerprint of everything the papers PDF shows: the meeting's facts and, per agenda item,
    its place and its Antrag's last change. A new fingerprint means a new PDF."""
    punkte = list(
        sitzung.punkte.order_by("position", "pk").values_list(
            "position", "antrag_id", "antrag__geaendert_am"
        )
    )
    daten = {
        "sitzung": [
            sitzung.pk,
            str(sitzung.datum),
            str(sitzung.beginn),
            sitzung.ort,
            sitzung.quartier.name,
        ],
        "punkte": [[pos, antrag, geaendert.isoformat()] for pos, antrag, geaendert in punkte],
    }
    return hashlib.sha256(json.dumps(daten, sort_keys=True).encode()).hexdigest()


def sitzungsunterlagen_current(sitzung, sprache):
    """The row for the meeting's current agenda in ``sprache`` (ready or being made), or None."""
    return Sitzungsunterlagen.objects.filter(
        sitzung=sitzung, sprache=sprache, stand=unterlagen_stand(sitzung)
    ).first()


def sitzungsunterlagen_request(sitzung, sprache):
    """The papers PDF of the current agenda in ``sprache``: the existing row, or a new one whose
    rendering is queued after commit (once: the unique row decides who queues)."""
    sprache = sprache if sprache in dict(settings.LANGUAGES) else "de"
    stand = unterlagen_stand(sitzung)
    vorhanden = Sitzungsunterlagen.objects.filter(
        sitzung=sitzung, sprache=sprache, stand=stand
    ).first()
    if vorhanden is not None:
        return vorhanden
    try:
        with transaction.atomic():
            row = Sitzungsunterlagen.objects.create(sitzung=sitzung, sprache=sprache, stand=stand)
    except IntegrityError:  # asked for at the same moment elsewhere: that request queued it
        return Sitzungsunterlagen.objects.get(sitzung=sitzung, sprache=sprache, stand=stand)
    task_enqueue_on_commit(task_names.RENDER_UNTERLAGEN, unterlagen_id=row.pk)
    return row


def sitzungsunterlagen_render(unterlagen_id):
    """Task body: render and store the papers PDF of one row, once. True if rendered now.

    A row whose agenda changed meanwhile is not rendered (nobody would be served it)."""
    from django.core.files.base import ContentFile

    row = (
        Sitzungsunterlagen.objects.select_related("sitzung__quartier")
        .filter(pk=unterlagen_id)
        .first()
    )
    if row is None or row.datei:
        return False
    if row.stand != unterlagen_stand(row.sitzung):
        logger.info("papers pdf %s is stale, not rendered", row.pk)
        return False
    data = services.sitzung_unterlagen_pdf(row.sitzung, language=row.sprache)
    with transaction.atomic():
        current = Sitzungsunterlagen.objects.select_for_update().get(pk=row.pk)
        if current.datei:
            return False
        current.datei.save(
            f"unterlagen-{current.sitzung_id}-{current.sprache}.pdf", ContentFile(data), save=False
        )
        Sitzungsunterlagen.objects.filter(pk=current.pk).update(
            datei=current.datei.name, erstellt_am=timezone.now()
        )
    return True


def sitzungsunterlagen_sweep(*, now=None):
    """Beat: queue again the renders whose task was lost (asked for a while ago, still no file) and
    drop unfinished rows of an older agenda. Returns the ids queued."""
    now = now or timezone.now()
    offen = Sitzungsunterlagen.objects.filter(
        Q(datei="") | Q(datei__isnull=True), angefordert_am__lt=now - RENDER_SWEEP_AFTER
    ).select_related("sitzung__quartier")[:20]
    queued = []
    for row in offen:
        if row.stand != unterlagen_stand(row.sitzung):
            Sitzungsunterlagen.objects.filter(pk=row.pk, datei="").delete()
            continue
        if task_send(task_names.RENDER_UNTERLAGEN, unterlagen_id=row.pk):
            queued.append(row.pk)
    return queued


def unterlagen_anhang(row):
    """The papers PDF of the meeting ``row.kontext["sitzungsunterlagen"]`` in the e-mail's
    language, for the e-mail (``antraege.mail.messages.attachments_for``, in the worker): the
    current agenda's PDF, made now if it is not made yet. No contact data (see the PDF)."""
    sitzung = (
        Sitzung.objects.filter(pk=row.kontext.get(UNTERLAGEN_ANHANG))
        .select_related("quartier")
        .first()
    )
    if sitzung is None:
        return []
    unterlagen = sitzungsunterlagen_request(sitzung, row.sprache)
    if not unterlagen.datei:
        sitzungsunterlagen_render(unterlagen.pk)
        unterlagen.refresh_from_db()
    if not unterlagen.datei:
        return []
    with unterlagen.datei.open("rb") as handle:
        inhalt = handle.read()
    return [(f"unterlagen-{sitzung.datum:%Y-%m-%d}.pdf", inhalt, "application/pdf")]
