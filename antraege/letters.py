"""Letters and other PDFs of an Antrag: decision letters and the payout order.

A decision move schedules, on commit, a task that renders and stores the letter and then queues
the decision e-mail with the letter attached. Letters are German business letters (DIN 5008) from
the area's QM office, whatever the applicant's language; the e-mail is in the applicant's language.
"""

import base64
import datetime
import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import notifications
from .hintergrund import im_hintergrund_wie_jetzt
from .models import Antrag, Dokument, Kostenkategorie

logger = logging.getLogger(__name__)

TEMPLATES = {
    Dokument.Art.BEWILLIGUNG: "pdf/bewilligung.html",
    Dokument.Art.ABLEHNUNG: "pdf/ablehnung.html",
    Dokument.Art.NICHT_FOERDERFAEHIG: "pdf/nicht_foerderfaehig.html",
    Dokument.Art.AUSZAHLUNGSANORDNUNG: "pdf/auszahlungsanordnung.html",
}
# The decision e-mail (templates/emails/<art>/) that carries each letter.
DECISION_EMAILS = {
    Dokument.Art.BEWILLIGUNG: "bewilligt",
    Dokument.Art.ABLEHNUNG: "abgelehnt",
    Dokument.Art.NICHT_FOERDERFAEHIG: "nicht_foerderfaehig",
}
LOGO_TYPES = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg", b"<svg": "image/svg+xml"}


def dokument_schedule(antrag, art):
    """After commit, render and store the PDF ``art`` in a task (and send a decision letter)."""
    antrag_id = antrag.pk

    def dispatch():
        from .hintergrund import task_enqueue
        from .tasks import task_render_dokument

        try:
            task_enqueue(task_render_dokument, antrag_id=antrag_id, art=str(art))
        except Exception:  # noqa: BLE001 - broker down: the sweep renders what is missing
            logger.warning(
                "broker unavailable, %s for antrag %s left for the sweep", art, antrag_id
            )

    transaction.on_commit(im_hintergrund_wie_jetzt(dispatch))


def logo_data_url(quartier):
    """The QM office's logo as a ``data:`` URL (a letter fetches nothing), or ``""``."""
    if not quartier.logo:
        return ""
    try:
        with quartier.logo.open("rb") as handle:
            data = handle.read()
    except OSError:
        logger.warning("logo of quartier %s missing", quartier.pk)
        return ""
    mime = next((m for magic, m in LOGO_TYPES.items() if data.lstrip()[:8].startswith(magic)), None)
    if mime is None:
        return ""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def dokument_context(antrag, art):
    """Everything a letter template needs, loaded with few queries."""
    quartier = antrag.fonds.quartier
    context = {
        "antrag": antrag,
        "art": art,
        "quartier": quartier,
        "fonds": antrag.fonds,
        "logo": logo_data_url(quartier),
        "absender_anschrift": ", ".join(
            line.strip() for line in quartier.qm_anschrift.splitlines() if line.strip()
        ),
        "datum": timezone.localdate(),
    }
    if art == Dokument.Art.BEWILLIGUNG:
        context["kategorien"] = list(
            Kostenkategorie.objects.filter(quartier=quartier, foerderfaehig=True)
        )
    if art == Dokument.Art.AUSZAHLUNGSANORDNUNG:
        from .abrechnung import auszahlung_berechnung

        context["auszahlung"] = antrag.auszahlung
        context["rechnung"] = auszahlung_berechnung(antrag)
        context["abschlag"] = getattr(antrag, "abschlag", None)
        context["belege"] = list(antrag.belege.select_related("kategorie"))
    return context


def dokument_html(antrag, art):
    """The rendered HTML of a document (always German: letters are official correspondence)."""
    with translation.override("de"):
        return render_to_string(TEMPLATES[art], dokument_context(antrag, art))


def dokument_store(antrag, art, pdf):
    """Store ``pdf`` as the document ``art`` of ``antrag``; the first stored one wins."""
    dokument = Dokument(antrag=antrag, art=art)
    dokument.datei.save(f"{art}.pdf", ContentFile(pdf), save=False)
    try:
        with transaction.atomic():
            dokument.save()
    except IntegrityError:
        dokument.datei.delete(save=False)
        return Dokument.objects.get(antrag=antrag, art=art)
    return dokument


def dokument_produce(antrag_id, art):
    """The stored document ``art`` of an Antrag: rendered and stored now unless it exists."""
    from .pdf import html_to_pdf

    existing = Dokument.objects.filter(antrag_id=antrag_id, art=art).first()
    if existing:
        return existing
    antrag = Antrag.objects.select_related("fonds__quartier").get(pk=antrag_id)
    return dokument_store(antrag, art, html_to_pdf(dokument_html(antrag, art)))


def dokument_deliver(antrag_id, art):
    """Task body: produce the document; a decision letter then goes to the applicant by e-mail.

    Safe to run twice: the document is stored once, the e-mail has a dedupe key.
    """
    dokument = dokument_produce(antrag_id, art)
    email = DECISION_EMAILS.get(art)
    if email:
        antrag = dokument.antrag
        notifications.queue_for_applicant(
            antrag,
            email,
            kontext={"dokumente": [dokument.pk], "grund": antrag.entscheidungsgrund},
            dedupe_key=f"entscheidung:{antrag.pk}:{art}",
        )
    return dokument


def dokumente_missing(*, older_than=datetime.timedelta(minutes=5)):
    """``[(antrag_id, art)]`` of letters and payout orders that should exist but do not.

    For the sweep: a task lost while the broker was down. Recent decisions are left to their task.
    """
    from .models import AntragStatus as S
    from .models import Auszahlung

    before = timezone.now() - older_than
    # An anonymised Antrag lost its letters on purpose (retention): never render them again.
    decided = Antrag.objects.filter(entschieden_am__lt=before, anonymisierung__isnull=True)
    wanted = {
        Dokument.Art.BEWILLIGUNG: decided.filter(betrag_bewilligt__isnull=False).exclude(
            status__in=(S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED, S.JURY_VOTE)
        ),
        Dokument.Art.ABLEHNUNG: decided.filter(status=S.REJECTED),
        Dokument.Art.NICHT_FOERDERFAEHIG: decided.filter(status=S.INELIGIBLE),
        Dokument.Art.AUSZAHLUNGSANORDNUNG: Antrag.objects.filter(
            pk__in=Auszahlung.objects.filter(freigegeben_am__lt=before).values("antrag_id"),
            anonymisierung__isnull=True,
        ),
    }
    missing = []
    for art, antraege in wanted.items():
        ids = antraege.exclude(dokumente__art=art).values_list("pk", flat=True)
        missing.extend((pk, art) for pk in ids[:100])
    return missing
