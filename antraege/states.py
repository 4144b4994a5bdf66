"""Every state of an Antrag and the groups of states the rules ask about, in one place.

The moves between the states are in ``workflow/flow.py``; here are only the names and the groups.
"""

from django.db import models
from django.utils.translation import pgettext_lazy


class AntragStatus(models.TextChoices):
    """Every state of the lifecycle; the moves between them are in ``workflow/flow.py``."""

    DRAFT = "draft", pgettext_lazy("status", "Entwurf")
    SUBMITTED = "submitted", pgettext_lazy("status", "Eingereicht")
    IN_REVIEW = "in_review", pgettext_lazy("status", "In Formalprüfung")
    CHANGES_REQUESTED = "changes_requested", pgettext_lazy("status", "Nachforderung")
    INELIGIBLE = "ineligible", pgettext_lazy("status", "Nicht förderfähig")
    JURY_VOTE = "jury_vote", pgettext_lazy("status", "Bei der Jury")
    APPROVED = "approved", pgettext_lazy("status", "Bewilligt")
    REJECTED = "rejected", pgettext_lazy("status", "Abgelehnt")
    IN_PROGRESS = "in_progress", pgettext_lazy("status", "In Durchführung")
    SETTLEMENT_SUBMITTED = "settlement_submitted", pgettext_lazy("status", "Abrechnung eingereicht")
    SETTLEMENT_CHANGES_REQUESTED = (
        "settlement_changes_requested",
        pgettext_lazy("status", "Nachforderung zur Abrechnung"),
    )
    PAID = "paid", pgettext_lazy("status", "Ausgezahlt")
    CLOSED = "closed", pgettext_lazy("status", "Abgeschlossen")
    WITHDRAWN = "withdrawn", pgettext_lazy("status", "Zurückgezogen")
    EXPIRED = "expired", pgettext_lazy("status", "Verfallen")
    CANCELLED = "cancelled", pgettext_lazy("status", "Aktion entfällt")


# What the applicant sees: internal steps folded into plain words ("in Prüfung" covers review and vote).
APPLICANT_STATUS_LABELS = {
    AntragStatus.DRAFT: pgettext_lazy("applicant status", "Entwurf – noch nicht abgeschickt"),
    AntragStatus.SUBMITTED: pgettext_lazy("applicant status", "In Prüfung"),
    AntragStatus.IN_REVIEW: pgettext_lazy("applicant status", "In Prüfung"),
    AntragStatus.JURY_VOTE: pgettext_lazy("applicant status", "In Prüfung"),
    AntragStatus.CHANGES_REQUESTED: pgettext_lazy(
        "applicant status", "Bitte ergänzen Sie Ihren Antrag"
    ),
    AntragStatus.INELIGIBLE: pgettext_lazy("applicant status", "Nicht förderfähig"),
    AntragStatus.APPROVED: pgettext_lazy("applicant status", "Bewilligt"),
    AntragStatus.REJECTED: pgettext_lazy("applicant status", "Abgelehnt"),
    AntragStatus.IN_PROGRESS: pgettext_lazy("applicant status", "Projekt läuft"),
    AntragStatus.SETTLEMENT_SUBMITTED: pgettext_lazy("applicant status", "Abrechnung in Prüfung"),
    AntragStatus.SETTLEMENT_CHANGES_REQUESTED: pgettext_lazy(
        "applicant status", "Bitte ergänzen Sie Ihre Abrechnung"
    ),
    AntragStatus.PAID: pgettext_lazy("applicant status", "Ausgezahlt"),
    AntragStatus.CLOSED: pgettext_lazy("applicant status", "Abgeschlossen"),
    AntragStatus.WITHDRAWN: pgettext_lazy("applicant status", "Zurückgezogen"),
    AntragStatus.EXPIRED: pgettext_lazy("applicant status", "Verfallen"),
    AntragStatus.CANCELLED: pgettext_lazy("applicant status", "Aktion entfällt"),
}

S = AntragStatus

# The applicant may change the Antrag (form steps, cost plan, attachments).
EDITABLE_STATES = (S.DRAFT, S.CHANGES_REQUESTED)
# Not decided yet: the applicant may withdraw; no letter exists.
BEFORE_DECISION_STATES = (S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED, S.JURY_VOTE)
# Money of the fund is reserved for the Antrag; so, until the payout, the bank details may be
# recorded and changed.
RESERVING_STATES = (
    S.APPROVED,
    S.IN_PROGRESS,
    S.SETTLEMENT_SUBMITTED,
    S.SETTLEMENT_CHANGES_REQUESTED,
)
# Funded and not undone: what the fund report counts as funded and the public list shows.
# Expired (and cancelled, withdrawn, rejected, ineligible) Anträge never count as funded. An
# allow-list, so a new end state stays out until someone decides otherwise.
GEFOERDERT_STATES = (
    S.APPROVED,
    S.IN_PROGRESS,
    S.SETTLEMENT_SUBMITTED,
    S.SETTLEMENT_CHANGES_REQUESTED,
    S.PAID,
    S.CLOSED,
)
# Nothing happens any more.
END_STATES = (S.INELIGIBLE, S.REJECTED, S.CLOSED, S.WITHDRAWN, S.EXPIRED, S.CANCELLED)
# Approved at some point, whatever came after (unlike GEFOERDERT_STATES, which leaves out what was
# undone): the project, its settlement and its figures in the fund report. A cancelled or expired
# Antrag keeps its settlement page for its letters and a repayment claim. The fund report lists
# these (the cancelled and expired ones only after an advance was paid, ``bericht_auswahl``); the
# index on fund and reference holds exactly these (``antrag_foerderung_referenz``: the fund
# report's and the public list's pages walk it), in this order.
EVER_APPROVED_STATES = (*GEFOERDERT_STATES, S.CANCELLED, S.EXPIRED)
# The applicant may change receipts, report and photos.
SETTLEMENT_EDITABLE_STATES = (S.IN_PROGRESS, S.SETTLEMENT_CHANGES_REQUESTED)
# Approved, no settlement handed in (yet, or again): agreement, advance and bank details may be
# recorded; reminded before the settlement deadline, expired after it.
AWAITING_SETTLEMENT_STATES = (S.APPROVED, S.IN_PROGRESS, S.SETTLEMENT_CHANGES_REQUESTED)
# QM may record an advance payment.
ADVANCE_STATES = (S.APPROVED, S.IN_PROGRESS)
# Retention (antraege/datenschutz/aufbewahrung.py): ended without money, personal data kept one
# year; paid out, kept ten years from the payment. Expired counts by whether anything was paid.
UNFUNDED_END_STATES = (S.REJECTED, S.INELIGIBLE, S.WITHDRAWN)
PAID_OUT_STATES = (S.PAID, S.CLOSED)
