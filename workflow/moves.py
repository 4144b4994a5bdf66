"""The one way to move an Antrag (``antrag_move``), a jury meeting (``sitzung_move``) and an online
vote (``abstimmung_move``). Views, tasks, the admin and the shell all use them."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from antraege.antrag.services.antrag import antrag_lock
from antraege.antrag.services.timeline import statuswechsel_record
from antraege.datenschutz.aufbewahrung import ENDED_STATES, aufbewahrung_update
from antraege.geld.buchungen.services import fondsauswertung_veraltet
from antraege.models import GEFOERDERT_STATES, Antrag, AntragStatus
from jury.abstimmungen.models import Abstimmung, AbstimmungStatus
from jury.sitzungen.models import Sitzung, SitzungStatus

from .flow import AntragFlow
from .jury_flow import AbstimmungFlow, SitzungFlow
from .machine import MoveRefused, Schritt, machine_move, move_log, moves_available

__all__ = [
    "MoveRefused",
    "abstimmung_move",
    "abstimmung_record_opened",
    "antrag_move",
    "antrag_record_created",
    "available_moves",
    "sitzung_move",
]


def available_moves(antrag, akteur):
    """``[(move, label)]`` the akteur may make now: the buttons a page shows."""
    return moves_available(AntragFlow(antrag), akteur)


def antrag_move(antrag, move, *, akteur, kommentar="", intern=False, reload=True, **data):
    """Make ``move`` on ``antrag`` for ``akteur``, or raise ``MoveRefused`` and change nothing.

    Checks the role and the conditions, claims the move with a conditional update (so a double
    click or a second tab cannot apply it twice), runs the move's domain function and records
    the step in the timeline, all in one transaction. Returns the Antrag as stored afterwards
    (``reload=False``: the object the move worked on, for a caller that only needs its id).
    ``antrag`` may be an unsaved ``Antrag(pk=…)``: it is read under the lock here anyway.
    """
    with transaction.atomic():
        current = antrag_lock(antrag)
        schritt = machine_move(
            AntragFlow(current),
            move,
            akteur=akteur,
            state_label=AntragStatus(current.status).label,
            queryset=Antrag.objects.filter(pk=current.pk),
            felder={"geaendert_am": timezone.now()},
            data={"kommentar": kommentar, "akteur": akteur, **data},
            conflict=_("Der Antrag wurde inzwischen geändert. Bitte laden Sie die Seite neu."),
        )
        statuswechsel_record(
            current,
            akteur=akteur,
            von=schritt.von,
            nach=schritt.nach,
            kommentar=kommentar,
            intern=intern,
        )
        if schritt.von in ENDED_STATES or schritt.nach in ENDED_STATES:
            # when its retention period starts (or that it runs no longer), for the daily job
            aufbewahrung_update([current.pk])
        if (schritt.von in GEFOERDERT_STATES) != (schritt.nach in GEFOERDERT_STATES):
            # the fund's stored figures count its funded Anträge (the public list's header)
            fondsauswertung_veraltet(current.fonds_id)
    move_log("antrag", current.pk, schritt, akteur)
    if not reload:
        return current
    return Antrag.objects.select_related("fonds__quartier").get(pk=current.pk)


def antrag_record_created(antrag, *, akteur, kommentar=""):
    """The first timeline entry of a new draft (a paper application says so in ``kommentar``)."""
    statuswechsel_record(
        antrag, akteur=akteur, von="", nach=AntragStatus.DRAFT, kommentar=kommentar
    )


def sitzung_move(sitzung, move, *, akteur, **felder):
    """Make ``move`` on the meeting ``sitzung`` for ``akteur``, or raise ``MoveRefused`` and change
    nothing. The meeting is read again under a row lock; the claim also writes ``felder`` (the
    move's stamps, the rules copied in). Call it inside the transaction that does the move's work,
    so a refusal of that work undoes the move too. Returns the meeting as stored afterwards."""
    with transaction.atomic():
        current = Sitzung.objects.select_for_update().select_related("quartier").get(pk=sitzung.pk)
        schritt = machine_move(
            SitzungFlow(current),
            move,
            akteur=akteur,
            state_label=SitzungStatus(current.status).label,
            queryset=Sitzung.objects.filter(pk=current.pk),
            felder=felder,
            conflict=_("Die Sitzung wurde inzwischen geändert. Bitte laden Sie die Seite neu."),
        )
    move_log("sitzung", current.pk, schritt, akteur)
    return Sitzung.objects.select_related("quartier").get(pk=current.pk)


def abstimmung_move(abstimmung, move, *, akteur, claim=None, **felder):
    """Make ``move`` on the online vote ``abstimmung`` for ``akteur``, or raise ``MoveRefused``.

    ``claim``: further conditions of the conditional update (closing early claims only if no
    ballot changed since the caller looked). ``felder`` are written with the claim. Call it inside
    the transaction that does the move's work. Returns the vote with its new status.
    """
    with transaction.atomic():
        schritt = machine_move(
            AbstimmungFlow(abstimmung),
            move,
            akteur=akteur,
            state_label=AbstimmungStatus(abstimmung.status).label,
            queryset=Abstimmung.objects.filter(pk=abstimmung.pk),
            felder=felder,
            claim=claim,
            conflict=_("Die Abstimmung wurde inzwischen geändert. Bitte laden Sie die Seite neu."),
        )
        for name, value in felder.items():
            setattr(abstimmung, name, value)
    move_log("abstimmung", abstimmung.pk, schritt, akteur)
    return abstimmung


def abstimmung_record_opened(abstimmung, *, akteur):
    """The log line of a vote's start: it is created open (``jury.abstimmungen.services.abstimmung_open``)."""
    move_log(
        "abstimmung", abstimmung.pk, Schritt(abstimmung, "open", "", abstimmung.status), akteur
    )
