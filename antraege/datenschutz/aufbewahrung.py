"""Retention and erasure: personal data is kept only as long as ``domain.md`` says.

- An abandoned draft (never submitted) is deleted ``AUFBEWAHRUNG_TAGE_ENTWURF`` days (90) after its
  last change, with its files.
- A rejected, ineligible or withdrawn Antrag, and an expired one on which nothing was paid, is
  anonymised ``AUFBEWAHRUNG_JAHRE_ABGELEHNT`` years (1) after it reached that state.
- A funded Antrag (paid, closed, or expired after an advance) is anonymised
  ``AUFBEWAHRUNG_JAHRE_NACH_AUSZAHLUNG`` years (10) after the last payment. The amounts stay, so the
  fund's books and balance do not change.
- The audit log and sent e-mails (outbox rows) are pruned after their own periods.

When an Antrag's period started and by which rule is stored on it (``aufbewahrung_seit``,
``aufbewahrung_regel``) by every move into or out of an end state (``aufbewahrung_update``, called
by ``antrag_move``), so the daily job reads only what is due through a partial index, not every
ended Antrag of ten years; anonymising empties both.

Anonymising blanks the applicant's contact data and every free text, deletes attachments, photos,
letters, minutes and outbox rows and removes their files from storage (after the commit), keeps
reference, amounts, cost categories and dates, revokes the applicant's links and records an
``Anonymisierung`` row. Each Antrag is handled in its own transaction; Anträge that already have an
``Anonymisierung`` are skipped, so running the job twice changes nothing more.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, ProtectedError, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import (
    Aenderungswunsch,
    Anhang,
    Antrag,
    AntragStatus,
    Auszahlungsanordnung,
    Bankverbindung,
    Beleg,
    Benachrichtigung,
    Dokument,
    Kostenposition,
    Projektfoto,
    Sachbericht,
    SepaDatei,
    Statuswechsel,
)
from ..states import PAID_OUT_STATES, UNFUNDED_END_STATES
from .models import PERSONENBEZOGENE_FELDER, AdressBestaetigung, Anonymisierung, Zugriffsnachweis

logger = logging.getLogger(__name__)

# Approved but not carried out: financial records when an advance was paid, else like a rejection.
NICHT_DURCHGEFUEHRT_STATES = (AntragStatus.EXPIRED, AntragStatus.CANCELLED)
# the states in which a retention period runs
ENDED_STATES = (*PAID_OUT_STATES, *UNFUNDED_END_STATES, *NICHT_DURCHGEFUEHRT_STATES)

# Contact data and every free text the applicant or staff wrote about the project (the title is
# replaced by ``ANONYM_TITEL``): the one list of personal fields, ``models.PERSONENBEZOGENE_FELDER``.
ANTRAG_BLANK_FIELDS = tuple(
    name for name in PERSONENBEZOGENE_FELDER["antraege.Antrag"] if name != "titel"
)
ANONYM_TITEL = "[anonymisiert]"


@dataclass(frozen=True)
class Faelliger:
    """One Antrag whose retention period is over."""

    antrag_id: int
    referenz: str
    status: str
    seit: datetime.date  # the date the period started (last change, decision, payment)
    regel: str  # "entwurf" or an ``Anonymisierung.Regel``


@dataclass
class Faellig:
    """Everything that is due at one moment (a dry run shows it, the job removes it)."""

    entwuerfe: list = field(default_factory=list)
    anonymisieren: list = field(default_factory=list)
    zugriffsnachweise: int = 0
    benachrichtigungen: int = 0
    sepa_dateien: int = 0

    @property
    def leer(self):
        return not (
            self.entwuerfe
            or self.anonymisieren
            or self.zugriffsnachweise
            or self.benachrichtigungen
            or self.sepa_dateien
        )


def _years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _stichtage(now):
    today = timezone.localdate(now)
    return {
        "entwurf": now - datetime.timedelta(days=settings.AUFBEWAHRUNG_TAGE_ENTWURF),
        "erfolglos": _years_before(today, settings.AUFBEWAHRUNG_JAHRE_ABGELEHNT),
        "gefoerdert": _years_before(today, settings.AUFBEWAHRUNG_JAHRE_NACH_AUSZAHLUNG),
        "zugriffsnachweise": now
        - datetime.timedelta(days=settings.AUFBEWAHRUNG_TAGE_ZUGRIFFSPROTOKOLL),
        "benachrichtigungen": now
        - datetime.timedelta(days=settings.AUFBEWAHRUNG_TAGE_BENACHRICHTIGUNG),
    }


def _day(moment):
    if isinstance(moment, datetime.datetime):
        return timezone.localdate(moment)
    return moment


def _aufbewahrung_seit(antrag):
    """``(since when, rule)`` of an ended Antrag: funded (paid out, or expired/cancelled after an
    advance) counts from the last payment, the rest from reaching its end state."""
    gefoerdert = antrag.status in PAID_OUT_STATES or (
        antrag.status in NICHT_DURCHGEFUEHRT_STATES and antrag.letzte_zahlung is not None
    )
    if gefoerdert:
        return antrag.letzte_zahlung or _day(antrag.im_status_seit), Anonymisierung.Regel.GEFOERDERT
    return _day(antrag.im_status_seit), Anonymisierung.Regel.ERFOLGLOS


def _mit_aufbewahrungsdaten(antraege):
    """``antraege`` annotated with ``im_status_seit`` (when the current state was reached: the
    timeline, else the last change) and ``letzte_zahlung`` (payout paid, else advance)."""
    return antraege.annotate(
        im_status_seit=Coalesce(
            Subquery(
                Statuswechsel.objects.filter(
                    antrag_id=OuterRef("pk"), nach_status=OuterRef("status")
                )
                .order_by("-zeitpunkt")
                .values("zeitpunkt")[:1]
            ),
            F("geaendert_am"),
        ),
        letzte_zahlung=Coalesce("auszahlung__bezahlt_am", "abschlag__datum"),
    )


def aufbewahrung_update(antrag_ids):
    """Store on each of these Anträge when its retention period started and by which rule
    (``_aufbewahrung_seit``), or nothing while it is not ended and once it is anonymised: what
    ``aufbewahrung_faellig`` reads through the index ``antrag_aufbewahrung``. ``antrag_move``
    calls it after every move into or out of an end state (the payment that starts a funded
    Antrag's period is booked by the move to ``paid``)."""
    antraege = list(
        _mit_aufbewahrungsdaten(Antrag.objects.filter(pk__in=antrag_ids))
        .annotate(anonymisiert=Exists(Anonymisierung.objects.filter(antrag_id=OuterRef("pk"))))
        .only("pk", "status", "aufbewahrung_seit", "aufbewahrung_regel")
        .order_by("pk")
    )
    for antrag in antraege:
        seit, regel = None, ""
        if antrag.status in ENDED_STATES and not antrag.anonymisiert:
            seit, regel = _aufbewahrung_seit(antrag)
        antrag.aufbewahrung_seit, antrag.aufbewahrung_regel = seit, regel
    Antrag.objects.bulk_update(
        antraege, ["aufbewahrung_seit", "aufbewahrung_regel"], batch_size=1000
    )


def _anonymisieren_faellig(stichtag):
    """The ended Anträge whose period is over, read through the index ``antrag_aufbewahrung``:
    only what is due is read, not ten years of ended Anträge."""
    regel = Anonymisierung.Regel
    return (
        Antrag.objects.filter(
            Q(aufbewahrung_regel=regel.GEFOERDERT, aufbewahrung_seit__lte=stichtag["gefoerdert"])
            | Q(aufbewahrung_regel=regel.ERFOLGLOS, aufbewahrung_seit__lte=stichtag["erfolglos"]),
            anonymisierung__isnull=True,
        )
        .only("pk", "referenz", "status", "aufbewahrung_seit", "aufbewahrung_regel")
        .order_by("pk")
    )


def aufbewahrung_faellig(*, now=None):
    """What the retention rules remove at ``now``: drafts, Anträge to anonymise, old log rows."""
    now = now or timezone.now()
    stichtag = _stichtage(now)
    result = Faellig()

    entwuerfe = (
        Antrag.objects.filter(status=AntragStatus.DRAFT, geaendert_am__lt=stichtag["entwurf"])
        .only("pk", "status", "geaendert_am")
        .order_by("geaendert_am", "pk")
    )
    result.entwuerfe = [
        Faelliger(a.pk, "", a.status, _day(a.geaendert_am), "entwurf") for a in entwuerfe
    ]

    result.anonymisieren = [
        Faelliger(
            antrag.pk,
            antrag.referenz or "",
            antrag.status,
            antrag.aufbewahrung_seit,
            antrag.aufbewahrung_regel,
        )
        for antrag in _anonymisieren_faellig(stichtag)
    ]

    result.zugriffsnachweise = Zugriffsnachweis.objects.filter(
        zeitpunkt__lt=stichtag["zugriffsnachweise"]
    ).count()
    result.sepa_dateien = _sepa_dateien_faellig(stichtag).count()
    result.benachrichtigungen = _benachrichtigungen_faellig(stichtag).count()
    return result


def _benachrichtigungen_faellig(stichtag):
    """Sent e-mails past their period not yet emptied, read through the partial index
    ``benachrichtigung_ungeleert``: an emptied row kept for its dedupe key (forever) is not in it,
    so the years of those are not read again every night."""
    return Benachrichtigung.objects.filter(
        Benachrichtigung.NICHT_GELEERT, gesendet_am__lt=stichtag["benachrichtigungen"]
    )


def _dateien(antrag_id):
    """Names in storage of every file that belongs to an Antrag."""
    from jury.abstimmungen.models import Abstimmung

    names = []
    for model in (Anhang, Beleg, Projektfoto, Dokument):
        names += model.objects.filter(antrag_id=antrag_id).values_list("datei", flat=True)
    names += Abstimmung.objects.filter(antrag_id=antrag_id).values_list("protokoll", flat=True)
    return [name for name in names if name]


def _dateien_entfernen_nach_commit(names):
    def remove():
        for name in names:
            try:
                default_storage.delete(name)
            except OSError:
                logger.exception("could not remove %s from storage", name)

    transaction.on_commit(remove)


def entwurf_delete(antrag_id, *, stichtag):
    """Delete an abandoned draft and its files. False if it changed or was submitted meanwhile."""
    try:
        with transaction.atomic():
            names = _dateien(antrag_id)
            deleted, _detail = Antrag.objects.filter(
                pk=antrag_id, status=AntragStatus.DRAFT, geaendert_am__lt=stichtag
            ).delete()
            if not deleted:
                return False
            _dateien_entfernen_nach_commit(names)
    except ProtectedError:  # a record outside the Antrag still points to it: keep, log
        logger.warning("draft %s not deleted: still referenced", antrag_id)
        return False
    return True


def antrag_anonymise(antrag_id, *, regel):
    """Erase the personal data of one Antrag, keep its amounts; returns the files removed.

    Side effects: blanks contact data and free texts (also in the timeline, receipts, report and the
    jury's vote), deletes attachments, photos, letters, outbox rows and confirmed addresses, removes
    the files after commit, revokes the applicant's links, records ``Anonymisierung``. Returns None
    when the Antrag was anonymised already (by an earlier or a parallel run).
    """
    from jury.abstimmungen.models import Abstimmung, Stimme

    try:
        with transaction.atomic():
            Anonymisierung.objects.create(antrag_id=antrag_id, regel=regel)
            names = _dateien(antrag_id) + _sitzungen_leeren(antrag_id)
            Antrag.objects.filter(pk=antrag_id).update(
                titel=ANONYM_TITEL,
                aufbewahrung_seit=None,
                aufbewahrung_regel="",
                link_version=F("link_version") + 1,
                **dict.fromkeys(ANTRAG_BLANK_FIELDS, ""),
            )
            Kostenposition.objects.filter(antrag_id=antrag_id).update(
                beschreibung="", ausnahme_grund=""
            )
            Bankverbindung.objects.filter(antrag_id=antrag_id).delete()
            # the orders stay (money records), without the payee's account
            Auszahlungsanordnung.objects.filter(antrag_id=antrag_id).update(
                **dict.fromkeys(PERSONENBEZOGENE_FELDER["antraege.Auszahlungsanordnung"], "")
            )
            Statuswechsel.objects.filter(antrag_id=antrag_id).update(kommentar="")
            Beleg.objects.filter(antrag_id=antrag_id).update(
                aussteller="", ablehnungsgrund="", datei="", originalname=""
            )
            Sachbericht.objects.filter(antrag_id=antrag_id).update(text="")
            Aenderungswunsch.objects.filter(antrag_id=antrag_id).update(begruendung="", antwort="")
            Abstimmung.objects.filter(antrag_id=antrag_id).update(
                auflagen="", notiz="", protokoll=""
            )
            Stimme.objects.filter(abstimmung__antrag_id=antrag_id).update(kommentar="")
            for model in (Anhang, Projektfoto, Dokument, Benachrichtigung, AdressBestaetigung):
                model.objects.filter(antrag_id=antrag_id).delete()
            Anonymisierung.objects.filter(antrag_id=antrag_id).update(dateien_entfernt=len(names))
            _dateien_entfernen_nach_commit(names)
    except IntegrityError:
        return None
    return len(names)


def _sitzungen_leeren(antrag_id):
    """Blank the Antrag's agenda items; returns the stored files of their meetings to remove.

    The minutes of each meeting that had the Antrag on its agenda go; the minutes sweep renders
    them again from the anonymised data (the other items stay as they were). So do the stored
    papers PDFs of those meetings (made again from the anonymised data)."""
    from jury.sitzungen.models import Sitzung, Sitzungsunterlagen, Tagesordnungspunkt

    punkte = Tagesordnungspunkt.objects.filter(antrag_id=antrag_id)
    sitzungen = Sitzung.objects.filter(pk__in=punkte.values("sitzung_id")).exclude(protokoll="")
    names = list(sitzungen.values_list("protokoll", flat=True))
    sitzungen.update(protokoll="", protokoll_erstellt_am=None)
    unterlagen = Sitzungsunterlagen.objects.filter(sitzung_id__in=punkte.values("sitzung_id"))
    names += [name for name in unterlagen.values_list("datei", flat=True) if name]
    unterlagen.delete()
    punkte.update(**dict.fromkeys(PERSONENBEZOGENE_FELDER["jury.Tagesordnungspunkt"], ""))
    return names


def _sepa_dateien_faellig(stichtag):
    """Stored SEPA files past the financial records' period (counted from their booking day, or
    from the day they were made while unbooked) that still hold their XML: it names every payee
    and IBAN of the file. The row stays (count, sum, message id: the orders point to it)."""
    return SepaDatei.objects.exclude(inhalt="").filter(
        Q(bezahlt_am__lt=stichtag["gefoerdert"])
        | Q(bezahlt_am__isnull=True, erstellt_am__date__lt=stichtag["gefoerdert"])
    )


def aufbewahrung_enforce(*, now=None):
    """The daily job: delete due drafts, anonymise due Anträge, prune the audit log and outbox.

    Returns the ``Faellig`` that was found (what was removed). Idempotent.
    """
    now = now or timezone.now()
    stichtag = _stichtage(now)
    faellig = aufbewahrung_faellig(now=now)
    for eintrag in faellig.entwuerfe:
        entwurf_delete(eintrag.antrag_id, stichtag=stichtag["entwurf"])
    for eintrag in faellig.anonymisieren:
        antrag_anonymise(eintrag.antrag_id, regel=eintrag.regel)
    Zugriffsnachweis.objects.filter(zeitpunkt__lt=stichtag["zugriffsnachweise"]).delete()
    _sepa_dateien_faellig(stichtag).update(inhalt="")
    gesendet = _benachrichtigungen_faellig(stichtag)
    gesendet.filter(dedupe_key__isnull=True).delete()
    # A row with a dedupe key keeps its key (so the e-mail is never sent twice), nothing else.
    gesendet.update(empfaenger="", kontext={}, betreff="", letzter_fehler="")
    logger.info(
        "retention: %s drafts deleted, %s Anträge anonymised, %s log rows, %s e-mails, "
        "%s SEPA files pruned",
        len(faellig.entwuerfe),
        len(faellig.anonymisieren),
        faellig.zugriffsnachweise,
        faellig.benachrichtigungen,
        faellig.sepa_dateien,
    )
    return faellig
