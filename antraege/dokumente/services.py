"""Letters and other PDFs of an Antrag: decision letters and the payout order.

A decision move schedules, on commit, a task that renders and stores the letter and then queues
the decision e-mail with the letter attached. Letters are German business letters (DIN 5008) from
the area's QM office, whatever the applicant's language; the e-mail is in the applicant's language.
"""

import base64
import io
import logging
import re

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .. import task_names
from ..enqueue import task_enqueue_on_commit
from ..geld.selectors.abrechnung import auszahlung_berechnung
from ..mail import services as mail
from ..models import Antrag, Benachrichtigung, Dokument

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
    Dokument.Art.MAHNUNG: "pdf/mahnung.html",
}
# The decision e-mail (templates/emails/<art>/) that carries each letter.
DECISION_EMAILS = {
    Dokument.Art.BEWILLIGUNG: "bewilligt",
    Dokument.Art.ABLEHNUNG: "abgelehnt",
    Dokument.Art.NICHT_FOERDERFAEHIG: "nicht_foerderfaehig",
    Dokument.Art.RUECKFORDERUNG: "rueckforderung",
    Dokument.Art.MAHNUNG: "rueckforderung_mahnung",
}
# Documents the applicant may download under "Mein Antrag" (payout orders are for the bookkeeping).
APPLICANT_DOKUMENTE = (
    Dokument.Art.BEWILLIGUNG,
    Dokument.Art.ABLEHNUNG,
    Dokument.Art.NICHT_FOERDERFAEHIG,
    Dokument.Art.VEREINBARUNG,
    Dokument.Art.ABRECHNUNG,
    Dokument.Art.RUECKFORDERUNG,
    Dokument.Art.MAHNUNG,
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


# The return address above the recipient (DIN 5008) is one line in the 85 mm window. Its size is
# chosen from its length: Noto Sans averages ~0.55 em a character, 0.58 leaves room for wide ones.
RUECKSENDUNG_BREITE_MM = 80
ZEICHENBREITE_EM = 0.58
MM_PRO_PT = 25.4 / 72


def ruecksendung_for(quartier):
    """``(text, size in tenths of a pt, in steps of 5)`` of the return address line: the office with
    its whole address at 7 pt down to 5 pt; when too long, the office with its town, else the office
    alone (down to 4 pt). The letter's CSS has a class ``rs-<size>`` for each step."""
    zeilen = [z.strip() for z in quartier.qm_anschrift.splitlines() if z.strip()]
    name = quartier.qm_buero_name
    kandidaten = [" · ".join([name, ", ".join(zeilen)])] if zeilen else []
    kandidaten += [" · ".join([name, zeilen[-1]])] if len(zeilen) > 1 else []
    kandidaten.append(name)
    for text in kandidaten:
        groesse = RUECKSENDUNG_BREITE_MM / (len(text) * ZEICHENBREITE_EM * MM_PRO_PT)
        if groesse >= 5:
            return text, _halbe_punkte(min(groesse, 7))
    return name, _halbe_punkte(max(groesse, 4))


def _halbe_punkte(groesse):
    return int(groesse * 2) * 5


def dokument_context(antrag, art):
    """Everything a letter template needs, loaded with few queries."""
    quartier = antrag.fonds.quartier
    ruecksendung, ruecksendung_pt = ruecksendung_for(quartier)
    context = {
        "antrag": antrag,
        "art": art,
        "quartier": quartier,
        "fonds": antrag.fonds,
        "logo": logo_data_url(quartier),
        "absender_anschrift": ", ".join(
            line.strip() for line in quartier.qm_anschrift.splitlines() if line.strip()
        ),
        "ruecksendung": ruecksendung,
        "ruecksendung_groesse": ruecksendung_pt,
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
        "positionen": list(antrag.kostenpositionen.select_related("kategorie").order_by("pk")),
        "vereinbarung": getattr(antrag, "vereinbarung", None),
        "abschlag": getattr(antrag, "abschlag", None),
        "rueckforderung": getattr(antrag, "rueckforderung", None),
    }
    context["kostenplan"] = geld.kostenplan_bewilligt(antrag, context["positionen"])
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
    if art in (Dokument.Art.RUECKFORDERUNG, Dokument.Art.MAHNUNG):
        context.update(_zahlungsziel(antrag))
    if art in (Dokument.Art.ABSCHLAG_ANORDNUNG, Dokument.Art.AUSZAHLUNGSANORDNUNG):
        context.update(_anordnung_context(antrag, art))
    if art in (
        Dokument.Art.AUSZAHLUNGSANORDNUNG,
        Dokument.Art.ABRECHNUNG,
        Dokument.Art.RUECKFORDERUNG,
        Dokument.Art.MAHNUNG,
    ):
        context["auszahlung"] = getattr(antrag, "auszahlung", None)
        context["rechnung"] = auszahlung_berechnung(antrag)
        context["belege"] = list(antrag.belege.select_related("kategorie", "kostenposition"))
        context["je_position"] = anerkannt_je_position(antrag)
    return context


def _zahlungsziel(antrag):
    """Where a repayment goes: the office's account (None while QM has not entered it)."""
    from ..fonds.selectors.buchhaltung import buero_konto_for_aktionsfonds

    return {"konto": buero_konto_for_aktionsfonds(antrag.fonds)}


def _anordnung_context(antrag, art):
    """A payout order's own data: payee as ordered, budget line, reference, confirmations."""
    from ..fonds.selectors.buchhaltung import haushalt_for_aktionsfonds
    from ..geld.selectors import anordnung as anordnungen
    from ..geld.selectors.vereinbarung import iban_formatted

    anordnung = anordnungen.anordnung_for_dokument(antrag, art)
    context = {"anordnung": anordnung, "haushalt": haushalt_for_aktionsfonds(antrag.fonds)}
    if anordnung is not None:
        context["bank"] = anordnung
        context["iban"] = iban_formatted(anordnung.iban)
        context["verwendungszweck"] = anordnungen.verwendungszweck(anordnung)
    return context


def dokument_html(antrag, art):
    """The rendered HTML of a document (always German: letters are official correspondence)."""
    with translation.override("de"):
        return render_to_string(TEMPLATES[art], dokument_context(antrag, art))


# The stylesheet of every letter (``pdf/_brief.html`` includes it unless ``stil_geteilt``).
BRIEF_STIL = "pdf/_brief.css"


def dokument_pdf(antrag, art):
    """The PDF of a letter, as ``html_to_pdf(dokument_html(...))`` gives it, but with the letters'
    stylesheet parsed once per worker instead of once per letter, and without the cyclic garbage
    collector walking the layout while it is made (``sammler_pausiert``)."""
    from .pdf import html_to_pdf, sammler_pausiert, stylesheet

    with translation.override("de"):
        context = {**dokument_context(antrag, art), "stil_geteilt": True}
        html = render_to_string(TEMPLATES[art], context)
    stil = stylesheet(render_to_string(BRIEF_STIL))
    with sammler_pausiert():
        return html_to_pdf(html, stylesheets=[stil])


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


def dokument_remake(antrag, art):
    """Inside a transaction: the stored document ``art`` is outdated (the order's IBAN changed).
    Its row goes now, its file after commit; the new one is rendered by the task after commit."""
    alt = Dokument.objects.filter(antrag=antrag, art=art).first()
    if alt is not None:
        storage, name = alt.datei.storage, alt.datei.name
        alt.delete()
        transaction.on_commit(lambda: storage.delete(name))
    dokument_schedule(antrag, art)


def dokument_produce(antrag_id, art):
    """The stored document ``art`` of an Antrag: rendered and stored now unless it exists."""
    existing = Dokument.objects.filter(antrag_id=antrag_id, art=art).first()
    if existing:
        return existing
    antrag = Antrag.objects.select_related("fonds__quartier").get(pk=antrag_id)
    return dokument_store(antrag, art, dokument_pdf(antrag, art))


def dokument_deliver(antrag_id, art):
    """Task body: produce the document; a decision letter then goes to the applicant by e-mail.

    Safe to run twice: the document is stored once, the e-mail has a dedupe key.
    """
    dokument = dokument_produce(antrag_id, art)
    _entscheidung_queue(dokument, art)
    return dokument


def dokumente_deliver(auftraege):
    """Task body for several ``(antrag_id, art)`` at once (a meeting's decision letters): every
    document produced as by ``dokument_deliver``, then the decision e-mails queued in one
    transaction, so its commit puts one send task on the queue instead of one per letter.

    Safe to run twice (a redelivered task, the sweep): a worker lost before the e-mails were
    queued leaves the letters stored and the e-mails for the next run. Returns the documents.
    """
    dokumente = [dokument_produce(antrag_id, art) for antrag_id, art in auftraege]
    with transaction.atomic():
        for dokument, (_antrag_id, art) in zip(dokumente, auftraege, strict=True):
            _entscheidung_queue(dokument, art)
    return dokumente


def _entscheidung_queue(dokument, art):
    """A decision letter goes to the applicant by e-mail (once: the e-mail has a dedupe key)."""
    email = DECISION_EMAILS.get(art)
    if email:
        antrag = dokument.antrag
        mail.queue_for_applicant(
            antrag,
            email,
            kontext={"dokumente": [dokument.pk], "grund": antrag.entscheidungsgrund},
            dedupe_key=f"entscheidung:{antrag.pk}:{art}",
        )


# --- QM's postal queue (issue 20) ---
# ``mail.queue_for_applicant`` records a notice for an applicant without e-mail
# (``Antrag.briefe_per_post``) as a ``Benachrichtigung`` with ``kanal="post"``; the outbox never
# hands it to SMTP. QM prints the waiting letters of its areas as one PDF for window envelopes
# (DIN 5008 Form B, ``pdf/_brief.html``: the address sits in the window) and marks them posted;
# each posting is an entry in the Antrag's timeline.


def _postbrief_absaetze(text):
    """The e-mail's paragraphs without its signature (the letterhead and footer name the office)."""
    text = re.split(r"^-- ?$", text, maxsplit=1, flags=re.MULTILINE)[0]
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


def postbrief_html(row):
    """The letter of one postal row: the e-mail's subject and text in the letter layout."""
    from ..mail.messages import render_for_post

    betreff, text = render_for_post(row)
    context = dokument_context(row.antrag, "postbrief")
    context.update({"betreff": betreff, "absaetze": _postbrief_absaetze(text)})
    with translation.override(row.sprache):
        return render_to_string("pdf/postbrief.html", context)


def postbriefe_pdf(rows):
    """One PDF of all ``rows``: per row its letter, then the documents that go with it (the
    decision letter, the agreement), so each envelope's content lies together."""
    from pypdf import PdfReader, PdfWriter

    from ..mail.messages import attachments_for
    from .pdf import html_to_pdf

    writer = PdfWriter()
    for row in rows:
        writer.append(PdfReader(io.BytesIO(html_to_pdf(postbrief_html(row)))))
        for _name, content, mimetype in attachments_for(row):
            if mimetype == "application/pdf":
                writer.append(PdfReader(io.BytesIO(content)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@transaction.atomic
def postbriefe_mark_posted(akteur, ids):
    """Mark the waiting letters ``ids`` (those QM printed) of QM's areas as posted; each once.
    Returns how many; the timeline of each Antrag records the postal dispatch."""
    from ..antrag.services.timeline import statuswechsel_record
    from ..mail.messages import render
    from .selectors import postbriefe_offen

    now = timezone.now()
    rows = list(
        postbriefe_offen(akteur.qm_quartier_ids).filter(pk__in=ids).select_for_update(of=("self",))
    )
    for row in rows:
        row.gesendet_am, row.betreff = now, render(row)[0][:250]
        Benachrichtigung.objects.filter(pk=row.pk).update(
            gesendet_am=row.gesendet_am, betreff=row.betreff
        )
        antrag = Antrag.objects.get(pk=row.antrag_id)
        with translation.override("de"):
            kommentar = translation.gettext("Brief per Post versandt: %(betreff)s") % {
                "betreff": row.betreff
            }
        statuswechsel_record(antrag, akteur=akteur, kommentar=kommentar)
    return len(rows)
