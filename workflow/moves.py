"""The one way to move an Antrag: ``antrag_move``. Views, tasks, the admin and the shell all use it."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow import fsm

from antraege.antrag.services.antrag import antrag_lock
from antraege.antrag.services.timeline import statuswechsel_record
from antraege.models import Antrag, AntragStatus
from antraege.refusals import Refused

from .flow import MOVES, AntragFlow

logger = logging.getLogger(__name__)


class MoveRefused(Refused):
    """A move that is not allowed; nothing was changed. ``message`` is for the person acting.

    When a domain function refused, the original refusal is the ``__cause__``.
    """


def _transition(flow, move, status):
    if move not in MOVES:
        raise MoveRefused(_("Unbekannter Schritt."), code="unknown")
    return getattr(AntragFlow, move)._descriptor.get_transition(status)


def available_moves(antrag, akteur):
    """``[(move, label)]`` the akteur may make now: the buttons a page shows."""
    flow = AntragFlow(antrag)
    result = []
    for move in MOVES:
        transition = _transition(flow, move, antrag.status)
        if transition and transition.has_perm(flow, akteur) and transition.conditions_met(flow):
            result.append((move, transition.label))
    return result


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
        flow = AntragFlow(current)
        transition = _transition(flow, move, current.status)
        if transition is None:
            raise MoveRefused(
                _("Dieser Schritt ist im Status „%(status)s“ nicht möglich.")
                % {"status": AntragStatus(current.status).label},
                code="wrong_state",
            )
        if not transition.has_perm(flow, akteur):
            raise MoveRefused(_("Sie dürfen diesen Schritt nicht ausführen."), code="forbidden")
        unmet = transition.get_unmet_condition(flow)
        if unmet is not None:
            raise MoveRefused(getattr(unmet[1], "message", "") or _("Bedingung nicht erfüllt."))

        source, target = current.status, transition.target
        claimed = Antrag.objects.filter(pk=current.pk, status=source).update(
            status=target, geaendert_am=timezone.now()
        )
        if not claimed:
            raise MoveRefused(
                _("Der Antrag wurde inzwischen geändert. Bitte laden Sie die Seite neu."),
                code="conflict",
            )
        try:
            getattr(flow, move)(kommentar=kommentar, **data)
        except (Refused, ValueError, ValidationError, fsm.TransitionNotAllowed) as error:
            # the atomic block rolls back the claim; the error is the reason for the person acting
            raise MoveRefused(_message(error)) from error
        statuswechsel_record(
            current, akteur=akteur, von=source, nach=target, kommentar=kommentar, intern=intern
        )
    logger.info("antrag %s: %s → %s (%s by %r)", current.pk, source, target, move, akteur)
    if not reload:
        return current
    return Antrag.objects.select_related("fonds__quartier").get(pk=current.pk)


def _message(error):
    if isinstance(error, Refused):
        return error.message
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error.args[0]) if error.args else str(error)


def antrag_record_created(antrag, *, akteur, kommentar=""):
    """The first timeline entry of a new draft (a paper application says so in ``kommentar``)."""
    statuswechsel_record(
        antrag, akteur=akteur, von="", nach=AntragStatus.DRAFT, kommentar=kommentar
    )
