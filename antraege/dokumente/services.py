"""Letters and other PDFs of an Antrag: decision letters and the payout order.

A decision move schedules, on commit, a task that renders and stores the letter and then queues
the decision e-mail with the letter attached. Letters are German business letters (DIN 5008) from
the area's QM office, whatever the applicant's language; the e-mail is in the applicant's language.
"""

import base64
import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .. import task_names
from ..enqueue import task_enqueue_on_commit
from ..geld.selectors.abrechnung import auszahlung_berechnung
from ..mail import services as mail
from ..models import Antrag, Dokument

logger = logging.getLogger(__name__)

TEMPLATES = {
    Dokument.Art.BEWILLIGUNG: "pdf/bewilligung.html",
    Dokument.Art.ABLEHNUNG: "pdf/ablehnung.html",
    Dokument.Art.NICHT_FOERDERFAEHIG: "pdf/nicht_foerderfaehig.html",
    Dokument.Art.AUSZAHLUNGSANORDNUNG: "pdf/auszahlungsanordnung.html",
    Dokument.Art.VEREINBARUNG: "pdf/vereinbarung.html",
    Dokument.Art.ABSCHLAG_ANORDNUNG: "pdf/abschlag_anordnung.html",
    Dokument.Art.ABRECHNUNG: "pdf/abrechnung.html",
    Dokument.Art.RUECKFORDERUNG: "pdf/rueckforderung.html",
}
# The decision e-mail (templates/emails/<art>/) that carries each letter.
DECISION_EMAILS = {
    Dokument.Art.BEWILLIGUNG: "bewilligt",
    Dokument.Art.ABLEHNUNG: "abgelehnt",
    Dokument.Art.NICHT_FOERDERFAEHIG: "nicht_foerderfaehig",
    Dokument.Art.RUECKFORDERUNG: "rueckforderung",
}
# Documents the applicant may download under "Mein Antrag" (payout orders are for the bookkeeping).
APPLICANT_DOKUMENTE = (
    Dokument.Art.BEWILLIGUNG,
    Dokument.Art.ABLEHNUNG,
    Dokument.Art.NICHT_FOERDERFAEHIG,
    Dokument.Art.VEREINBARUNG,
    Dokument.Art.ABRECHNUNG,
    Dokument.Art.RUECKFORDERUNG,
)
LOGO_TYPES = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg", b"<svg": "image/svg+xml"}


def dokument_schedule(antrag, art):
    """After commit, render and store the PDF ``art`` in a task (and send a decision letter)."""
    task_enqueue_on_commit(task_names.RENDER_DOKUMENT, antrag_id=antrag.pk, art=str(art))


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
    context.update(_money_context(antrag, art))
    return context


def _money_context(antrag, art):
    """Payout plan, lump sum, cost categories, agreement, bank details and repayment of a letter."""
    from ..fonds.selectors import kosten
    from ..geld.selectors import vereinbarung as geld
    from ..geld.selectors.abrechnung import anerkannt_je_position
    from ..models import Foerderung

    if antrag.betrag_bewilligt is None:
        return {}
    context = {
        "plan": geld.zahlungsplan_for(antrag),
        "pauschale_geplant": geld.pauschale_geplant(antrag),
        "positionen": list(antrag.kostenpositionen.select_related("kategorie")),
        "vereinbarung": getattr(antrag, "vereinbarung", None),
        "abschlag": getattr(antrag, "abschlag", None),
        "rueckforderung": getattr(antrag, "rueckforderung", None),
    }
    if art in (Dokument.Art.BEWILLIGUNG, Dokument.Art.VEREINBARUNG):
        by_state = kosten.kategorien_by_state(antrag.fonds.quartier_id)
        context["kategorien"] = by_state[Foerderung.FOERDERFAEHIG]
        context["kategorien_ausnahme"] = by_state[Foerderung.AUSNAHME]
        context["ausschluesse"] = kosten.ausschluesse_text(antrag.fonds.quartier_id)
    if art in (
        Dokument.Art.ABSCHLAG_ANORDNUNG,
        Dokument.Art.AUSZAHLUNGSANORDNUNG,
        Dokument.Art.ABRECHNUNG,
    ):
        bank = getattr(antrag, "bankverbindung", None)
        context["bank"] = bank
        context["iban"] = geld.iban_formatted(bank.iban) if bank else ""
    if art in (
        Dokument.Art.AUSZAHLUNGSANORDNUNG,
        Dokument.Art.ABRECHNUNG,
        Dokument.Art.RUECKFORDERUNG,
    ):
        context["auszahlung"] = getattr(antrag, "auszahlung", None)
        context["rechnung"] = auszahlung_berechnung(antrag)
        context["belege"] = list(antrag.belege.select_related("kategorie", "kostenposition"))
        context["je_position"] = anerkannt_je_position(antrag)
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
    existing = Dokument.objects.filter(antrag_id=antrag_id, art=art).first()
    if existing:
        return existing
    from .pdf import html_to_pdf

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
        mail.queue_for_applicant(
            antrag,
            email,
            kontext={"dokumente": [dokument.pk], "grund": antrag.entscheidungsgrund},
            dedupe_key=f"entscheidung:{antrag.pk}:{art}",
        )
    return dokument
