"""Reads of the documents: which letters and payout orders should exist but do not."""

import datetime

from django.utils import timezone

from ..models import (
    Antrag,
    AntragStatus,
    Auszahlung,
    Auszahlungsanordnung,
    Benachrichtigung,
    Dokument,
    Rueckforderung,
    Vereinbarung,
)
from ..states import BEFORE_DECISION_STATES

S = AntragStatus


# How far back the sweep looks: it runs every 15 minutes, so a letter whose task was lost is found
# within minutes; a month covers any outage of broker or workers. Older decisions are not read
# again (the sweep reads what is due, not every decision of all years).
NACHHOLEN_ZEITRAUM = datetime.timedelta(days=30)


def dokumente_missing(*, older_than=datetime.timedelta(minutes=5), within=NACHHOLEN_ZEITRAUM):
    """``[(antrag_id, art)]`` of letters and payout orders that should exist but do not.

    For the sweep: a task lost while the broker was down. Recent decisions are left to their task,
    decisions and payments older than ``within`` were swept before.
    """
    before = timezone.now() - older_than
    missing = []
    for art, antraege in _dokumente_wanted(before, before - within).items():
        ids = antraege.exclude(dokumente__art=art).values_list("pk", flat=True)
        missing.extend((pk, art) for pk in ids[:100])
    return missing


def _mit_anordnung(art, before, since):
    """Anträge with a payout order of ``art`` made between ``since`` and ``before``."""
    return Antrag.objects.filter(
        pk__in=Auszahlungsanordnung.objects.filter(
            art=art, erstellt_am__lt=before, erstellt_am__gte=since
        ).values("antrag_id"),
        anonymisierung__isnull=True,
    )


def _dokumente_wanted(before, since):
    """``{art: Anträge that should have a document of it}``, for events between ``since`` and
    ``before``."""
    # An anonymised Antrag lost its letters on purpose (retention): never render them again.
    decided = Antrag.objects.filter(
        entschieden_am__lt=before, entschieden_am__gte=since, anonymisierung__isnull=True
    )
    return {
        Dokument.Art.BEWILLIGUNG: decided.filter(betrag_bewilligt__isnull=False).exclude(
            status__in=BEFORE_DECISION_STATES
        ),
        Dokument.Art.ABLEHNUNG: decided.filter(status=S.REJECTED),
        Dokument.Art.NICHT_FOERDERFAEHIG: decided.filter(status=S.INELIGIBLE),
        # payout orders: one per order row (never without an IBAN, never for nothing to pay)
        Dokument.Art.AUSZAHLUNGSANORDNUNG: _mit_anordnung(
            Auszahlungsanordnung.Art.RESTZAHLUNG, before, since
        ),
        Dokument.Art.ABRECHNUNG: Antrag.objects.filter(
            pk__in=Auszahlung.objects.filter(
                freigegeben_am__lt=before, freigegeben_am__gte=since
            ).values("antrag_id"),
            anonymisierung__isnull=True,
        ),
        Dokument.Art.VEREINBARUNG: Antrag.objects.filter(
            pk__in=Vereinbarung.objects.filter(erfasst_am__lt=before, erfasst_am__gte=since).values(
                "antrag_id"
            ),
            anonymisierung__isnull=True,
        ),
        Dokument.Art.ABSCHLAG_ANORDNUNG: _mit_anordnung(
            Auszahlungsanordnung.Art.ABSCHLAG, before, since
        ),
        Dokument.Art.RUECKFORDERUNG: Antrag.objects.filter(
            pk__in=Rueckforderung.objects.filter(
                erstellt_am__lt=before, erstellt_am__gte=since
            ).values("antrag_id"),
            anonymisierung__isnull=True,
        ),
        Dokument.Art.MAHNUNG: Antrag.objects.filter(
            pk__in=Rueckforderung.objects.filter(
                gemahnt_am__lt=before, gemahnt_am__gte=since
            ).values("antrag_id"),
            anonymisierung__isnull=True,
        ),
    }


# --- QM's postal queue: letters for applicants without e-mail (``Antrag.briefe_per_post``) ---


def postbriefe_offen(quartier_ids):
    """The letters waiting to be printed and posted in these areas, oldest first."""
    return (
        Benachrichtigung.objects.filter(
            kanal="post", gesendet_am__isnull=True, antrag__fonds__quartier_id__in=quartier_ids
        )
        .select_related("antrag__fonds__quartier")
        .order_by("erstellt_am", "pk")
    )
