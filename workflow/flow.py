"""Every state and every allowed move of an Antrag, on one screen.

The machine orchestrates, it does not decide: permissions call role predicates, conditions call
domain checks, bodies call domain functions in ``antraege.services``. Never call a move directly:
go through ``workflow.moves.antrag_move``, which checks the permission (viewflow does not), applies
the move as a conditional update in a transaction and records the timeline.
"""

from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from antraege import permissions
from antraege.antrag.services import antrag as application
from antraege.dokumente import services as documents
from antraege.fonds.selectors import kosten
from antraege.geld.selectors.abrechnung import (
    auszahlung_released,
    projektbeginn_ab,
    settlement_errors,
)
from antraege.geld.services import abrechnung as settlement
from antraege.geld.services import vereinbarung as geld
from antraege.models import AntragStatus as S
from antraege.models import Dokument, Rueckforderung
from antraege.states import BEFORE_DECISION_STATES

from .machine import Bedingung, State, machine_moves


# --- Who may make a move (viewflow calls these with the flow and the Akteur): the predicates of
# antraege.permissions, for the flow's Antrag. ---
def applicant(flow, akteur):
    return permissions.may_act_on_antrag_as_applicant(akteur, flow.antrag)


def qm_staff(flow, akteur):
    return permissions.may_act_on_antrag_as_qm(akteur, flow.antrag)


def applicant_or_qm_staff(flow, akteur):
    return permissions.may_act_on_antrag_as_applicant_or_qm(akteur, flow.antrag)


def system(flow, akteur):
    return permissions.is_system(akteur)


def qm_staff_or_system(flow, akteur):
    return permissions.may_act_on_antrag_as_qm_or_system(akteur, flow.antrag)


# --- Conditions (viewflow calls these with the flow). ---
def is_complete(flow):
    # antrag_move checks the conditions and viewflow checks them again when the move runs:
    # read the cost plan once per flow object
    errors = getattr(flow, "_submission_errors", None)
    if errors is None:
        errors = flow._submission_errors = application.antrag_submission_errors(flow.antrag)
    return Bedingung(
        not errors, _("Der Antrag ist noch nicht vollständig. Bitte prüfen Sie Ihre Angaben.")
    )


def exceptions_justified(flow):
    errors = kosten.ausnahmen_ohne_begruendung(flow.antrag)
    return Bedingung(not errors, " ".join(str(e) for e in errors))


def settlement_complete(flow):
    errors = settlement_errors(flow.antrag)
    return Bedingung(not errors, " ".join(str(e) for e in errors))


def project_start_near(flow):
    """No "Projektbeginn" months before the action: from its start minus the area's grace."""
    ab = projektbeginn_ab(flow.antrag)
    return Bedingung(
        ab is None or application.berlin_today() >= ab,
        gettext("Den Projektbeginn können Sie ab dem %(datum)s bestätigen.")
        % {"datum": formats.date_format(ab, "SHORT_DATE_FORMAT") if ab else ""},
        "too_early",
    )


def payout_released(flow):
    return Bedingung(
        auszahlung_released(flow.antrag),
        _("Bitte geben Sie zuerst die Auszahlung frei."),
    )


class AntragFlow:
    status = State(S, default=S.DRAFT)

    def __init__(self, antrag):
        self.antrag = antrag

    @status.getter()
    def _get_status(self):
        return self.antrag.status

    @status.setter()
    def _set_status(self, value):
        self.antrag.status = value

    # Resident
    @status.transition(
        source=[S.DRAFT, S.CHANGES_REQUESTED],
        target=S.SUBMITTED,
        label=_("Antrag absenden"),
        permission=applicant,
        conditions=[is_complete],
    )
    def submit(self, **_kwargs):
        application.antrag_submitted(self.antrag)

    @status.transition(
        source=list(BEFORE_DECISION_STATES),
        target=S.WITHDRAWN,
        label=_("Antrag zurückziehen"),
        permission=applicant,
    )
    def withdraw(self, **_kwargs):
        application.antrag_withdrawn(self.antrag)

    # QM: formal check
    @status.transition(
        source=S.SUBMITTED, target=S.IN_REVIEW, label=_("Prüfung beginnen"), permission=qm_staff
    )
    def start_review(self, **_kwargs):
        pass

    @status.transition(
        source=[S.SUBMITTED, S.IN_REVIEW],
        target=S.CHANGES_REQUESTED,
        label=_("Nachforderung senden"),
        permission=qm_staff,
    )
    def request_changes(self, *, kommentar="", **_kwargs):
        application.antrag_changes_requested(self.antrag, kommentar=kommentar)

    @status.transition(
        source=S.IN_REVIEW,
        target=S.INELIGIBLE,
        label=_("Nicht förderfähig"),
        permission=qm_staff,
    )
    def declare_ineligible(self, *, kommentar="", **_kwargs):
        application.antrag_declared_ineligible(self.antrag, kommentar=kommentar)
        documents.dokument_schedule(self.antrag, Dokument.Art.NICHT_FOERDERFAEHIG)

    @status.transition(
        source=S.IN_REVIEW,
        target=S.JURY_VOTE,
        label=_("Der Jury vorlegen"),
        permission=qm_staff,
        conditions=[exceptions_justified],
    )
    def put_to_jury(self, *, kommentar="", **_kwargs):
        application.antrag_put_to_jury(self.antrag, kommentar=kommentar)

    @status.transition(
        source=S.JURY_VOTE,
        target=S.IN_REVIEW,
        label=_("Zurück in die Prüfung"),
        permission=qm_staff,
    )
    def return_to_review(self, **_kwargs):
        pass

    # Decision: taken by the jury's vote (system) or recorded by QM from a meeting.
    @status.transition(
        source=S.JURY_VOTE, target=S.APPROVED, label=_("Bewilligen"), permission=qm_staff_or_system
    )
    def approve(
        self, *, betrag, auflagen="", kommentar="", kostenplan=None, brief_einzeln=True, **_kwargs
    ):
        application.antrag_approved(
            self.antrag,
            betrag=betrag,
            auflagen=auflagen,
            kommentar=kommentar,
            kostenplan=kostenplan,
        )
        if brief_einzeln:  # else the caller's task delivers it with others (a meeting's letters)
            documents.dokument_schedule(self.antrag, Dokument.Art.BEWILLIGUNG)

    @status.transition(
        source=S.JURY_VOTE, target=S.REJECTED, label=_("Ablehnen"), permission=qm_staff_or_system
    )
    def reject(self, *, kommentar="", brief_einzeln=True, **_kwargs):
        application.antrag_rejected(self.antrag, kommentar=kommentar)
        if brief_einzeln:  # else the caller's task delivers it with others (a meeting's letters)
            documents.dokument_schedule(self.antrag, Dokument.Art.ABLEHNUNG)

    # Project and settlement
    @status.transition(
        source=S.APPROVED,
        target=S.IN_PROGRESS,
        label=_("Projektbeginn bestätigen"),
        permission=applicant_or_qm_staff,
        conditions=[project_start_near],
    )
    def start_project(self, **_kwargs):
        pass

    @status.transition(
        source=[S.IN_PROGRESS, S.SETTLEMENT_CHANGES_REQUESTED],
        target=S.SETTLEMENT_SUBMITTED,
        label=_("Abrechnung einreichen"),
        permission=applicant_or_qm_staff,
        conditions=[settlement_complete],
    )
    def submit_settlement(self, **_kwargs):
        settlement.abrechnung_submitted(self.antrag)

    @status.transition(
        source=S.SETTLEMENT_SUBMITTED,
        target=S.SETTLEMENT_CHANGES_REQUESTED,
        label=_("Nachforderung zur Abrechnung"),
        permission=qm_staff,
    )
    def request_settlement_changes(self, *, kommentar="", **_kwargs):
        settlement.abrechnung_changes_requested(self.antrag, kommentar=kommentar)

    @status.transition(
        source=S.SETTLEMENT_SUBMITTED,
        target=S.PAID,
        label=_("Als ausgezahlt markieren"),
        permission=qm_staff,
        conditions=[payout_released],
    )
    def mark_paid(self, *, bezahlt_am=None, buchungszeichen="", **_kwargs):
        settlement.auszahlung_mark_paid(
            self.antrag, bezahlt_am=bezahlt_am, buchungszeichen=buchungszeichen
        )

    @status.transition(
        source=S.PAID, target=S.CLOSED, label=_("Abschließen"), permission=qm_staff_or_system
    )
    def close(self, **_kwargs):
        application.antrag_closed(self.antrag)

    @status.transition(
        source=[S.APPROVED, S.IN_PROGRESS, S.SETTLEMENT_CHANGES_REQUESTED],
        target=S.EXPIRED,
        label=_("Verfallen"),
        permission=system,
    )
    def expire(self, **_kwargs):
        application.antrag_expired(self.antrag)
        geld.antrag_not_carried_out(self.antrag, anlass=Rueckforderung.Anlass.VERFALLEN)

    @status.transition(
        source=[S.APPROVED, S.IN_PROGRESS, S.SETTLEMENT_CHANGES_REQUESTED],
        target=S.CANCELLED,
        label=_("Aktion entfällt"),
        permission=applicant_or_qm_staff,
    )
    def cancel(self, *, akteur=None, kommentar="", **_kwargs):
        geld.antrag_not_carried_out(self.antrag, anlass=Rueckforderung.Anlass.ENTFAELLT)
        if akteur is not None and not permissions.may_act_on_antrag_as_qm(akteur, self.antrag):
            geld.aktion_entfaellt_qm_notify(self.antrag, begruendung=kommentar)


MOVES = machine_moves(AntragFlow)
