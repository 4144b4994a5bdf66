"""The paths from a draft to every state, walked through the real moves.

The demo data and the tests bring an Antrag to a state the way residents, QM and the jury would:
each move through ``antrag_move`` (so every condition, effect, e-mail and timeline entry happens),
and the settlement steps through their domain functions. Nothing sets a status by hand.
"""

import functools

from django.core.files.base import ContentFile
from django.utils import timezone

from antraege.geld.services import abrechnung as settlement
from antraege.models import Antrag
from antraege.roles import Akteur

from .moves import antrag_move

# The moves that lead from a draft to each state: (move, who, extra data). "vereinbarung",
# "abrechnung" and "auszahlung" are not moves: the applicant confirms the agreement online (the fund
# pays the advance), hands in a receipt per cost line and the report; QM accepts every receipt and
# releases the payout.
WEGE = {
    "draft": [],
    "submitted": [("submit", "applicant", {})],
    "in_review": [("submit", "applicant", {}), ("start_review", "qm", {})],
    "changes_requested": [
        ("submit", "applicant", {}),
        ("start_review", "qm", {}),
        (
            "request_changes",
            "qm",
            {"kommentar": "Bitte fügen Sie einen Kostenvoranschlag für das Material bei."},
        ),
    ],
    "ineligible": [
        ("submit", "applicant", {}),
        ("start_review", "qm", {}),
        (
            "declare_ineligible",
            "qm",
            {"kommentar": "Eine private Feier ist nicht öffentlich und daher nicht förderfähig."},
        ),
    ],
    "jury_vote": [
        ("submit", "applicant", {}),
        ("start_review", "qm", {}),
        (
            "put_to_jury",
            "qm",
            {"kommentar": "Formal vollständig, Kosten plausibel.", "intern": True},
        ),
    ],
    "withdrawn": [("submit", "applicant", {}), ("withdraw", "applicant", {})],
}
WEGE["approved"] = WEGE["jury_vote"] + [
    ("approve", "system", {"kommentar": "Die Jury hat mehrheitlich zugestimmt."})
]
WEGE["rejected"] = WEGE["jury_vote"] + [
    ("reject", "system", {"kommentar": "Die Jury sieht zu wenig Nutzen für die Nachbarschaft."})
]
WEGE["in_progress"] = WEGE["approved"] + [
    ("vereinbarung", "applicant", {}),
    ("start_project", "qm", {}),
]
WEGE["settlement_submitted"] = WEGE["in_progress"] + [
    ("abrechnung", "applicant", {}),
    ("submit_settlement", "applicant", {}),
]
WEGE["settlement_changes_requested"] = WEGE["settlement_submitted"] + [
    (
        "request_settlement_changes",
        "qm",
        {"kommentar": "Bitte reichen Sie den Kassenbon lesbar nach."},
    )
]
WEGE["paid"] = WEGE["settlement_submitted"] + [
    ("auszahlung", "qm", {}),
    ("mark_paid", "qm", {"buchungszeichen": "HHST 68406 / 2026-0815"}),
]
WEGE["closed"] = WEGE["paid"] + [("close", "qm", {})]
# expired after the advance was paid: the fund claims it back
WEGE["expired"] = WEGE["approved"] + [("vereinbarung", "applicant", {}), ("expire", "system", {})]
WEGE["cancelled"] = WEGE["in_progress"] + [
    ("cancel", "applicant", {"kommentar": "Das Fest fällt wegen Regen aus."})
]


def antrag_walk_to(antrag, ziel, *, qm_user=None, **daten):
    """Bring ``antrag`` to the state ``ziel`` along ``WEGE[ziel]``; returns it as stored.

    A draft walks the whole path; an Antrag already in a state on the way (``WEGE[status]`` starts
    ``WEGE[ziel]``) walks on from there. ``daten`` overrides or adds the data of a move by its
    name, e.g. ``approve={"betrag": Decimal("300.00")}`` (default: the requested amount). Paths
    with QM's moves need ``qm_user`` (QM staff of the Antrag's area).
    """
    antrag = Antrag.objects.select_related("fonds__quartier").get(pk=antrag.pk)
    weg = WEGE[ziel]
    schon = WEGE.get(antrag.status)
    if schon is None or weg[: len(schon)] != schon:
        raise ValueError(f"no walk from {antrag.status} to {ziel}")
    akteure = {
        "applicant": Akteur(None, antrag_ids=[antrag.pk]),
        "qm": Akteur(qm_user),
        "system": Akteur.system_akteur(),
    }
    for move, wer, data in weg[len(schon) :]:
        data = {**data, **daten.get(move, {})}  # for "abrechnung": the receipt's ``kategorie``
        if move == "approve":
            data.setdefault("betrag", antrag.betrag_beantragt)
        if move == "mark_paid":
            data.setdefault("bezahlt_am", timezone.localdate())
        if move == "vereinbarung":
            from antraege.geld.services.vereinbarung import vereinbarung_confirm

            bank_details_give(antrag, akteur=akteure[wer])  # the advance needs them
            vereinbarung_confirm(antrag, akteur=akteure[wer])
            abschlag_pay_in_full(antrag, akteur=akteure["qm"])
        elif move == "abrechnung":
            abrechnung_hand_in(antrag, akteur=akteure[wer], **data)
        elif move == "auszahlung":
            auszahlung_release_in_full(antrag, akteur=akteure[wer])
        else:
            if move == "start_project":
                antrag = projektbeginn_bring_forward(antrag)
            antrag = antrag_move(antrag, move, akteur=akteure[wer], **data)
    return Antrag.objects.select_related("fonds__quartier").get(pk=antrag.pk)


def projektbeginn_bring_forward(antrag):
    """A walk cannot wait for the action's day: an action that starts later than the area's grace
    allows "Projektbeginn bestätigen" is moved to start today (its end stays). Returns the Antrag."""
    from antraege.geld.selectors.abrechnung import projektbeginn_ab

    heute = timezone.localdate()
    ab = projektbeginn_ab(antrag)
    if ab is not None and heute < ab:
        Antrag.objects.filter(pk=antrag.pk).update(beginn=heute)
        antrag = Antrag.objects.select_related("fonds__quartier").get(pk=antrag.pk)
    return antrag


def bank_details_give(antrag, *, akteur):
    """The applicant gives the bank details (once: the advance and the payout need them)."""
    from antraege.geld.services import vereinbarung as geld
    from antraege.models import Bankverbindung

    if not Bankverbindung.objects.filter(antrag=antrag).exists():
        geld.bankverbindung_save(
            antrag,
            akteur=akteur,
            iban="DE89 3704 0044 0532 0130 00",
            kontoinhaber=antrag.antragsteller_name,
        )


def abrechnung_hand_in(antrag, *, akteur, kategorie=None):
    """The applicant gives the bank details, hands in one numbered receipt per cost line and the
    short report (``kategorie`` is ignored: each receipt names its cost line)."""
    bank_details_give(antrag, akteur=akteur)
    for position in antrag.kostenpositionen.all():
        settlement.beleg_add(
            antrag,
            akteur=akteur,
            datum=timezone.localdate(),
            aussteller="Baumarkt am Kiez",
            betrag=str(position.betrag),
            kostenposition_id=position.pk,
            datei=ContentFile(_beleg_pdf(), name="kassenbon.pdf"),
        )
    settlement.sachbericht_save(
        antrag,
        akteur=akteur,
        text="Das Projekt hat stattgefunden, viele Nachbarinnen und Nachbarn kamen.",
        teilnehmende=45,
        logoleiste_verwendet=True,
    )


def auszahlung_release_in_full(antrag, *, akteur):
    """QM accepts every receipt in full, releases the payout and has its payout order confirmed
    by two people and released (``anordnungen_confirm_by_two``)."""
    for beleg in antrag.belege.all():
        settlement.beleg_check(beleg, akteur=akteur, anerkannt=str(beleg.betrag))
    settlement.auszahlung_release(antrag, akteur=akteur)
    anordnungen_confirm_by_two(antrag, akteur=akteur)


def qm_second_person(quartier, *, neben=None):
    """A second QM staff account of the area (four eyes): given ``neben``, the area's own account
    other than that one where it has one (the demo's ``qm-sol-2``); else one made on first use."""
    from django.contrib.auth import get_user_model

    andere = quartier.qm_staff.exclude(pk=neben.pk).order_by("pk").first() if neben else None
    if andere is not None:
        return andere
    user, _created = get_user_model().objects.get_or_create(
        username=f"qm-zweite-person-{quartier.pk}",
        defaults={"first_name": "Zweite", "last_name": "Person"},
    )
    quartier.qm_staff.add(user)
    return user


def abschlag_pay_in_full(antrag, *, akteur):
    """The advance's order (if any) is confirmed by two, released and paid today: the walks'
    "the advance was paid" (a cancellation then claims it back)."""
    from django.db import transaction

    from antraege.antrag.services.antrag import antrag_lock
    from antraege.geld.services import anordnung as anordnungen
    from antraege.models import Auszahlungsanordnung

    anordnungen_confirm_by_two(antrag, akteur=akteur)
    with transaction.atomic():
        anordnungen.anordnung_mark_paid(
            antrag_lock(antrag), Auszahlungsanordnung.Art.ABSCHLAG, bezahlt_am=timezone.localdate()
        )


def anordnungen_confirm_by_two(antrag, *, akteur):
    """Every open payout order of ``antrag``: "sachlich richtig" by ``akteur``, "rechnerisch
    richtig" by a second QM account of the area, released by ``akteur``."""
    from antraege.geld.services import anordnung as anordnungen
    from antraege.models import Auszahlungsanordnung

    zweite = Akteur(qm_second_person(antrag.fonds.quartier, neben=akteur.user))
    offen = Auszahlungsanordnung.objects.filter(
        antrag=antrag, status=Auszahlungsanordnung.Status.OFFEN
    )
    for anordnung in offen:
        anordnungen.anordnung_confirm(anordnung, akteur=akteur, als="sachlich")
        anordnungen.anordnung_confirm(anordnung, akteur=zweite, als="rechnerisch")
        anordnungen.anordnung_release(anordnung, akteur=akteur)


@functools.cache
def _beleg_pdf():
    from antraege.dokumente.pdf import html_to_pdf

    return html_to_pdf(
        "<html lang='de'><head><title>Kassenbon</title></head>"
        "<body><p>Kassenbon Baumarkt am Kiez</p></body></html>"
    )
