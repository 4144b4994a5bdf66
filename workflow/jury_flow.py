"""Every state and every allowed move of a jury meeting (Sitzung) and of an online vote
(Abstimmung), on one screen; built like ``workflow.flow.AntragFlow``.

The machines say which move is allowed from which state, to whom and when (permissions and
conditions). The work of a move — e-mails, the rules copied in, the decisions applied to the
Anträge — is done by the jury service that makes the move (``jury.sitzungen.services``,
``jury.abstimmungen.services``), in the same transaction, because the jury layer sits above the workflow.
Never change a status directly: go through ``workflow.moves.sitzung_move`` /
``abstimmung_move``.
"""

from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from antraege import permissions
from jury.abstimmungen.models import AbstimmungStatus
from jury.sitzungen.models import Beschluss, SitzungStatus

from .machine import Bedingung, State, machine_moves

SS = SitzungStatus
AS = AbstimmungStatus


# --- Who may make a move (viewflow calls these with the flow and the Akteur): the predicates of
# antraege.permissions. ---
def meeting_runner(flow, akteur):
    return permissions.may_run_sitzung(akteur, flow.sitzung)


def papers_sender(flow, akteur):
    return permissions.may_send_sitzung_papers(akteur, flow.sitzung)


def vote_closer(flow, akteur):
    return permissions.may_close_abstimmung(akteur, flow.abstimmung)


# --- Conditions of a meeting (viewflow calls these with the flow). ---
def agenda_not_empty(flow):
    return Bedingung(flow.sitzung.punkte.exists(), _("Die Tagesordnung ist leer."), "invalid")


def no_decision_yet(flow):
    decided = flow.sitzung.punkte.exclude(beschluss__in=("", Beschluss.VERTAGT)).exists()
    return Bedingung(
        not decided,
        _("Nach dem ersten Beschluss kann die Anwesenheit nicht mehr geändert werden."),
        "wrong_state",
    )


def _meeting_day_reached(flow):
    return timezone.localdate() >= flow.sitzung.datum  # today in Europe/Berlin


def meeting_day_reached_for_attendance(flow):
    return Bedingung(
        _meeting_day_reached(flow),
        gettext("Die Anwesenheit können Sie erst am Tag der Sitzung erfassen (%(datum)s).")
        % {"datum": formats.date_format(flow.sitzung.datum, "SHORT_DATE_FORMAT")},
        "too_early",
    )


def meeting_day_reached_for_closing(flow):
    return Bedingung(
        _meeting_day_reached(flow),
        gettext("Die Sitzung können Sie erst an ihrem Tag abschließen (%(datum)s).")
        % {"datum": formats.date_format(flow.sitzung.datum, "SHORT_DATE_FORMAT")},
        "too_early",
    )


def every_item_decided(flow):
    offen = list(
        flow.sitzung.punkte.filter(beschluss="").select_related("antrag").order_by("position")
    )
    return Bedingung(
        not offen,
        _("Zu diesen Punkten fehlt noch ein Beschluss: %(punkte)s")
        % {"punkte": ", ".join(f"{p.position}. {p.antrag.titel}" for p in offen)},
        "invalid",
    )


class SitzungFlow:
    """planned → papers sent → held → closed (attendance may also be taken without papers)."""

    status = State(SS, default=SS.GEPLANT)

    def __init__(self, sitzung):
        self.sitzung = sitzung

    @status.getter()
    def _get_status(self):
        return self.sitzung.status

    @status.setter()
    def _set_status(self, value):
        self.sitzung.status = value

    @status.transition(
        source=SS.GEPLANT,
        target=SS.UNTERLAGEN_VERSANDT,
        label=_("Unterlagen versenden"),
        permission=papers_sender,
        conditions=[agenda_not_empty],
    )
    def papers_send(self, **_kwargs):
        pass

    @status.transition(
        source=[SS.GEPLANT, SS.UNTERLAGEN_VERSANDT, SS.GEHALTEN],
        target=SS.GEHALTEN,
        label=_("Anwesenheit erfassen"),
        permission=meeting_runner,
        conditions=[meeting_day_reached_for_attendance, no_decision_yet],
    )
    def attendance_record(self, **_kwargs):
        pass

    @status.transition(
        source=SS.GEHALTEN,
        target=SS.GESCHLOSSEN,
        label=_("Sitzung abschließen"),
        permission=meeting_runner,
        conditions=[meeting_day_reached_for_closing, every_item_decided],
    )
    def close(self, **_kwargs):
        pass

    # What a move from a state it does not start from says (instead of the general message).
    wrong_state_refusals = {
        ("papers_send", SS.UNTERLAGEN_VERSANDT): (
            _("Die Unterlagen wurden bereits versandt."),
            "conflict",
        ),
        ("papers_send", SS.GEHALTEN): (_("Die Unterlagen wurden bereits versandt."), "conflict"),
        ("papers_send", SS.GESCHLOSSEN): (_("Die Sitzung ist abgeschlossen."), "wrong_state"),
        ("attendance_record", SS.GESCHLOSSEN): (
            _("Die Sitzung ist abgeschlossen."),
            "wrong_state",
        ),
        ("close", SS.GEPLANT): (_("Bitte erfassen Sie zuerst die Anwesenheit."), "invalid"),
        ("close", SS.UNTERLAGEN_VERSANDT): (
            _("Bitte erfassen Sie zuerst die Anwesenheit."),
            "invalid",
        ),
        ("close", SS.GESCHLOSSEN): (_("Die Sitzung ist bereits abgeschlossen."), "conflict"),
    }


class AbstimmungFlow:
    """An online vote is open from its opening (``jury.abstimmungen.services.abstimmung_open`` creates it
    open) until the beat closes it: at the deadline, or early when everyone entitled voted and
    nothing changed for the grace period; closing takes the decision."""

    status = State(AS, default=AS.OFFEN)

    def __init__(self, abstimmung):
        self.abstimmung = abstimmung

    @status.getter()
    def _get_status(self):
        return self.abstimmung.status

    @status.setter()
    def _set_status(self, value):
        self.abstimmung.status = value

    @status.transition(
        source=AS.OFFEN,
        target=AS.GESCHLOSSEN,
        label=_("Abstimmung schließen"),
        permission=vote_closer,
    )
    def close(self, **_kwargs):
        pass

    wrong_state_refusals = {
        ("close", AS.GESCHLOSSEN): (_("Die Abstimmung ist geschlossen."), "conflict"),
    }


SITZUNG_MOVES = machine_moves(SitzungFlow)
ABSTIMMUNG_MOVES = machine_moves(AbstimmungFlow)
