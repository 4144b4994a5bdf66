"""Payout orders (Auszahlungsanordnung) under the four-eyes principle, and the SEPA file.

An order is made where the money is released (the advance in ``abrechnung.abschlag_book``, the
remainder in ``abrechnung.auszahlung_release``), never without the applicant's IBAN: without it
the order is made once the IBAN is entered. Two different QM staff accounts confirm it
("sachlich richtig", "rechnerisch richtig"), then it is released ("angeordnet"); released orders
of an area leave in one pain.001 file (``sepa_datei_create``); QM then marks the file paid
(``workflow.zahlungen.sepa_datei_mark_paid``, which books through the existing writers).
Every step is a conditional update on the order's status, in the Antrag's lock.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ...antrag.services.antrag import antrag_lock
from ...antrag.services.timeline import statuswechsel_record
from ...dokumente import services as documents
from ...models import Abschlag, Antrag, Auszahlung, Auszahlungsanordnung, Bankverbindung
from ...money import ZERO, euro_format
from ...permissions import (
    may_confirm_auszahlungsanordnung,
    may_release_auszahlungsanordnung,
    require,
)
from ...refusals import Refused
from ...roles import Akteur
from ..buchungen.models import Buchung
from ..buchungen.services import buchung_book

AO = Auszahlungsanordnung
S = Auszahlungsanordnung.Status

# confirmation → the other one, which must come from a second person
BESTAETIGUNGEN = {"sachlich": "rechnerisch", "rechnerisch": "sachlich"}


class AnordnungRefused(Refused):
    """A step of a payout order or a SEPA file that is not allowed; nothing was changed."""


def bestaetigung_label(als):
    return _("sachlich richtig") if als == "sachlich" else _("rechnerisch richtig")


def anordnung_create(antrag, art, betrag):
    """Inside a locked transaction: the order ``art`` of ``antrag`` over ``betrag`` for the IBAN
    stored now, and its PDF (task). None without bank details or for nothing to pay: the order
    is made when the IBAN is entered (``anordnungen_bank_changed``). Made once per kind."""
    bank = Bankverbindung.objects.filter(antrag=antrag).first()
    if bank is None or betrag <= ZERO:
        return None
    anordnung, created = AO.objects.get_or_create(
        antrag=antrag,
        art=art,
        defaults={"betrag": betrag, "iban": bank.iban, "kontoinhaber": bank.kontoinhaber},
    )
    if created:
        documents.dokument_schedule(antrag, anordnung.dokument_art)
    return anordnung


def anordnungen_bank_changed(antrag, bank):
    """Inside a locked transaction, after the bank details were stored: a released remainder
    still without its order gets it now; orders not yet in a SEPA file take the new account, and
    their confirmations go (they confirmed another payee) — the PDF is made again. An order in a
    file stays as it went to the bank."""
    auszahlung = Auszahlung.objects.filter(
        antrag=antrag, bezahlt_am__isnull=True, betrag__gt=ZERO
    ).first()
    if auszahlung is not None:
        anordnung_create(antrag, AO.Art.RESTZAHLUNG, auszahlung.betrag)
    offen = AO.objects.filter(antrag=antrag, status__in=(S.OFFEN, S.ANGEORDNET)).exclude(
        iban=bank.iban, kontoinhaber=bank.kontoinhaber
    )
    for anordnung in offen:
        AO.objects.filter(pk=anordnung.pk).update(
            iban=bank.iban,
            kontoinhaber=bank.kontoinhaber,
            status=S.OFFEN,
            sachlich_von=None,
            sachlich_am=None,
            rechnerisch_von=None,
            rechnerisch_am=None,
            angeordnet_von=None,
            angeordnet_am=None,
        )
        documents.dokument_remake(antrag, anordnung.dokument_art)


def _anordnung_locked(anordnung):
    """The order as stored, under its Antrag's lock (the caller's transaction)."""
    antrag = antrag_lock(anordnung.antrag_id)
    return antrag, AO.objects.select_related("antrag").get(pk=anordnung.pk)


def anordnung_confirm(anordnung, *, akteur, als):
    """QM confirms the order ``als`` "sachlich" or "rechnerisch" richtig (name and time kept).

    Refused when the order is released already, when this confirmation is given, and when the
    same account gave the other one (four eyes). The PDF is made again with the confirmation."""
    feld, ander = als, BESTAETIGUNGEN[als]
    with transaction.atomic():
        antrag, anordnung = _anordnung_locked(anordnung)
        require(may_confirm_auszahlungsanordnung, akteur, antrag, refused=AnordnungRefused)
        _confirm_check(anordnung, akteur, feld, ander, als)
        claimed = (
            AO.objects.filter(pk=anordnung.pk, status=S.OFFEN, **{f"{feld}_von": None})
            .exclude(**{f"{ander}_von": akteur.user})
            .update(**{f"{feld}_von": akteur.user, f"{feld}_am": timezone.now()})
        )
        if not claimed:
            raise AnordnungRefused(_konflikt(), code="conflict")
        statuswechsel_record(
            antrag,
            akteur=akteur,
            kommentar=_("Auszahlungsanordnung (%(art)s, %(betrag)s €) „%(bestaetigung)s“.")
            % {
                "art": anordnung.get_art_display(),
                "betrag": euro_format(anordnung.betrag),
                "bestaetigung": bestaetigung_label(als),
            },
        )
        documents.dokument_remake(antrag, anordnung.dokument_art)
    anordnung.refresh_from_db()
    return anordnung


def _konflikt():
    return _("Die Anordnung wurde inzwischen geändert. Bitte laden Sie die Seite neu.")


def _confirm_check(anordnung, akteur, feld, ander, als):
    if anordnung.status != S.OFFEN:
        raise AnordnungRefused(
            _("Die Anordnung ist bereits angeordnet; sie kann nicht mehr bestätigt werden."),
            code="wrong_state",
        )
    if getattr(anordnung, f"{feld}_von_id") is not None:
        raise AnordnungRefused(
            _("„%(bestaetigung)s“ ist für diese Anordnung bereits bestätigt.")
            % {"bestaetigung": bestaetigung_label(als)},
            code="conflict",
        )
    if getattr(anordnung, f"{ander}_von_id") == akteur.user.pk:
        raise AnordnungRefused(
            _(
                "Sie haben diese Anordnung bereits als „%(andere)s“ bestätigt. Die zweite "
                "Bestätigung muss eine andere Person geben (Vier-Augen-Prinzip)."
            )
            % {"andere": bestaetigung_label(ander)},
            code="vier_augen",
        )


def anordnung_release(anordnung, *, akteur):
    """QM releases ("ordnet an") an order confirmed by two people: it is ready for the SEPA
    file. Refused before both confirmations and a second time. The PDF is made again."""
    with transaction.atomic():
        antrag, anordnung = _anordnung_locked(anordnung)
        require(may_release_auszahlungsanordnung, akteur, antrag, refused=AnordnungRefused)
        if anordnung.status != S.OFFEN:
            raise AnordnungRefused(_("Die Anordnung ist bereits angeordnet."), code="wrong_state")
        claimed = AO.objects.filter(
            pk=anordnung.pk,
            status=S.OFFEN,
            sachlich_von__isnull=False,
            rechnerisch_von__isnull=False,
        ).update(status=S.ANGEORDNET, angeordnet_von=akteur.user, angeordnet_am=timezone.now())
        if not claimed:
            raise AnordnungRefused(
                _(
                    "Bitte lassen Sie die Anordnung zuerst „sachlich richtig“ und „rechnerisch "
                    "richtig“ bestätigen, von zwei verschiedenen Personen."
                ),
                code="not_ready",
            )
        statuswechsel_record(
            antrag,
            akteur=akteur,
            kommentar=_("Auszahlungsanordnung (%(art)s, %(betrag)s €) angeordnet.")
            % {"art": anordnung.get_art_display(), "betrag": euro_format(anordnung.betrag)},
        )
        documents.dokument_remake(antrag, anordnung.dokument_art)
    anordnung.refresh_from_db()
    return anordnung


def anordnung_mark_paid(antrag, art, *, bezahlt_am):
    """Inside a locked transaction: the order ``art`` of ``antrag`` is paid (from a released
    order or one in a SEPA file). Returns whether an order was marked."""
    return bool(
        AO.objects.filter(antrag=antrag, art=art)
        .filter(status__in=(S.ANGEORDNET, S.IN_DATEI))
        .update(status=S.BEZAHLT, bezahlt_am=bezahlt_am)
    )


def restzahlung_anordnung_released(antrag):
    """The remainder's order is released (or in a file or paid): the payout may be marked paid."""
    return AO.objects.filter(
        antrag=antrag, art=AO.Art.RESTZAHLUNG, status__in=(S.ANGEORDNET, S.IN_DATEI, S.BEZAHLT)
    ).exists()


def abschlag_anordnung_cancel(antrag, *, akteur=None):
    """Inside a locked transaction, when the action is cancelled or expires: an advance whose
    order is not yet in a SEPA file never left the office's account. The order is cancelled,
    the advance booked back (``ABSCHLAG_STORNO``: paid → free) and its row goes, so nothing is
    claimed back. Returns the cancelled amount, or None (no such order: a claim follows)."""
    anordnung = AO.objects.filter(
        antrag=antrag, art=AO.Art.ABSCHLAG, status__in=(S.OFFEN, S.ANGEORDNET)
    ).first()
    if anordnung is None or not AO.objects.filter(
        pk=anordnung.pk, status__in=(S.OFFEN, S.ANGEORDNET)
    ).update(status=S.STORNIERT):
        return None
    akteur = akteur or Akteur.system_akteur()
    user = akteur.user if akteur.is_authenticated else None
    buchung_book(
        antrag.fonds_id, Buchung.Art.ABSCHLAG_STORNO, anordnung.betrag, antrag=antrag, user=user
    )
    Antrag.objects.filter(pk=antrag.pk).update(
        betrag_ausgezahlt=F("betrag_ausgezahlt") - anordnung.betrag
    )
    Abschlag.objects.filter(antrag=antrag).delete()
    statuswechsel_record(
        antrag,
        akteur=akteur,
        kommentar=_(
            "Abschlag von %(betrag)s € storniert: er war noch nicht überwiesen und wird nicht "
            "zurückgefordert."
        )
        % {"betrag": euro_format(anordnung.betrag)},
    )
    documents.dokument_remake(antrag, anordnung.dokument_art)
    return anordnung.betrag
