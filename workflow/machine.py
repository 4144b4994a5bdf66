"""The one adapter around viewflow's public FSM API, shared by every machine of the project.

A machine is a flow class in the viewflow pattern (``status = fsm.State(...)`` with getter and
setter on its model's field, ``@status.transition(...)`` moves). Viewflow neither checks the
permission when a move is called nor saves anything; ``machine_move`` does what every move needs:
the role, the conditions, a conditional update that claims the move (``UPDATE … WHERE status =
<source>``: a double click or a second tab finds 0 rows and is refused, on SQLite and PostgreSQL
alike), the move's body, and a log line — all inside the caller's transaction. Only this module
talks to viewflow (besides the flow classes' declarations).
"""

import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from viewflow import fsm

from antraege.refusals import Refused

logger = logging.getLogger("workflow")

State = fsm.State


class Bedingung(fsm.State.CONDITION):
    """A condition's answer: true, or false with the message (and refusal code) for the person."""

    def __init__(self, is_true, unmet="", code=None):
        super().__init__(bool(is_true), str(unmet) if unmet else "")
        self.code = code


class MoveRefused(Refused):
    """A move that is not allowed; nothing was changed. ``message`` is for the person acting.

    When a domain function refused, the original refusal is the ``__cause__``.
    """


def machine_moves(flow_class):
    """The names of every move of ``flow_class``, sorted (its ``status`` machine)."""
    return tuple(sorted({method.slug for method in flow_class.status.get_transitions()}))


def machine_edges(flow_class):
    """``[(move, source, target, label)]``: every edge of the machine, for docs and tests."""
    return sorted(
        (transition.slug, str(transition.source), str(transition.target), str(transition.label))
        for transitions in flow_class.status.get_transitions().values()
        for transition in transitions
    )


def move_transition(flow, move):
    """The transition ``move`` makes from ``flow``'s current state, or None."""
    state = flow.status
    for transition in type(flow).status.get_outgoing_transitions(state):
        if transition.slug == move:
            return transition
    return None


def moves_available(flow, akteur):
    """``[(move, label)]`` the akteur may make now, in the flow's order: the buttons a page shows."""
    allowed = type(flow).status.get_available_transitions(flow, flow.status, akteur)
    return sorted({(transition.slug, transition.label) for transition in allowed})


def move_check(flow, move, *, akteur, state_label):
    """The transition of ``move`` if ``akteur`` may make it now, else ``MoveRefused`` says why."""
    if move not in machine_moves(type(flow)):
        raise MoveRefused(_("Unbekannter Schritt."), code="unknown")
    transition = move_transition(flow, move)
    if transition is None:
        refusal = getattr(type(flow), "wrong_state_refusals", {}).get((move, flow.status))
        if refusal is not None:
            raise MoveRefused(refusal[0], code=refusal[1])
        raise MoveRefused(
            _("Dieser Schritt ist im Status „%(status)s“ nicht möglich.") % {"status": state_label},
            code="wrong_state",
        )
    if not getattr(flow, move).has_perm(akteur):
        raise MoveRefused(_("Sie dürfen diesen Schritt nicht ausführen."), code="forbidden")
    unmet = transition.get_unmet_condition(flow)
    if unmet is not None:
        message = getattr(unmet[1], "message", "") or _("Bedingung nicht erfüllt.")
        raise MoveRefused(message, code=getattr(unmet[1], "code", None))
    return transition


@dataclass(frozen=True)
class Schritt:
    """A move that was made: what moved, from where to where, by whom."""

    objekt: object
    move: str
    von: str
    nach: str


def machine_move(
    flow, move, *, akteur, state_label, queryset, felder=None, claim=None, data=None, conflict
):
    """Make ``move`` on ``flow``'s object for ``akteur``, or raise ``MoveRefused``.

    ``queryset`` selects the object's row (``Model.objects.filter(pk=…)``); the claim is
    ``queryset.filter(status=<source>, **claim).update(status=<target>, **felder)``, and 0 rows
    is refused with ``conflict`` (the message for "someone was faster"). Then the move's body runs
    with ``data``; a refusal from it rolls everything back. Returns a ``Schritt``.
    """
    with transaction.atomic():
        transition = move_check(flow, move, akteur=akteur, state_label=state_label)
        source, target = flow.status, transition.target
        claimed = queryset.filter(status=source, **(claim or {})).update(
            status=target, **(felder or {})
        )
        if not claimed:
            raise MoveRefused(conflict, code="conflict")
        try:
            getattr(flow, move)(**(data or {}))
        except (Refused, ValueError, ValidationError, fsm.TransitionNotAllowed) as error:
            # the atomic block rolls back the claim; the error is the reason for the person acting
            raise MoveRefused(move_refusal_message(error)) from error
    return Schritt(objekt=flow, move=move, von=str(source), nach=str(target))


def move_log(kind, pk, schritt, akteur):
    """The log line of every move of every machine, written when the move is committed (a move
    undone by the caller's refusal leaves no line)."""
    line = (kind, pk, schritt.von, schritt.nach, schritt.move, repr(akteur))
    transaction.on_commit(lambda: logger.info("%s %s: %s → %s (%s by %s)", *line))


def move_refusal_message(error):
    """The message of a refusal raised inside a move, for the person acting."""
    if isinstance(error, Refused):
        return error.message
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error.args[0]) if error.args else str(error)
