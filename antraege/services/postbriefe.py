"""QM's postal queue: letters for applicants without e-mail (``Antrag.briefe_per_post``).

``mail.queue_for_applicant`` records such a notice as a ``Benachrichtigung`` with ``kanal="post"``;
the outbox never hands it to SMTP. QM prints the waiting letters of its areas as one PDF for
window envelopes (DIN 5008 Form B, ``pdf/_brief.html``: the address sits in the window) and marks
them posted; each posting is an entry in the Antrag's timeline.
"""

import io
import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from ..mail.messages import attachments_for, render
from ..models import Antrag, Benachrichtigung
from ..pdf import html_to_pdf
from .documents import dokument_context
from .timeline import statuswechsel_record


def postbriefe_offen(quartier_ids):
    """The letters waiting to be printed and posted in these areas, oldest first."""
    return (
        Benachrichtigung.objects.filter(
            kanal="post", gesendet_am__isnull=True, antrag__fonds__quartier_id__in=quartier_ids
        )
        .select_related("antrag__fonds__quartier")
        .order_by("erstellt_am", "pk")
    )


def _absaetze(text):
    """The e-mail's paragraphs without its signature (the letterhead and footer name the office)."""
    text = re.split(r"^-- ?$", text, maxsplit=1, flags=re.MULTILINE)[0]
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


def postbrief_html(row):
    """The letter of one postal row: the e-mail's subject and text in the letter layout."""
    from django.template.loader import render_to_string

    betreff, text, _html = render(row)
    context = dokument_context(row.antrag, "postbrief")
    context.update({"betreff": betreff, "absaetze": _absaetze(text)})
    with override(row.sprache):
        return render_to_string("pdf/postbrief.html", context)


def postbriefe_pdf(rows):
    """One PDF of all ``rows``: per row its letter, then the documents that go with it (the
    decision letter, the agreement), so each envelope's content lies together."""
    from pypdf import PdfReader, PdfWriter

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
        with override("de"):
            kommentar = _("Brief per Post versandt: %(betreff)s") % {"betreff": row.betreff}
        statuswechsel_record(antrag, akteur=akteur, kommentar=kommentar)
    return len(rows)
