"""Time-driven moves: what happens when a deadline comes (run by the beat task)."""

import datetime
import logging

from django.utils import formats
from django.utils.translation import gettext as _

from antraege.antrag.services.antrag import berlin_today
from antraege.mail import services as mail
from antraege.models import Antrag
from antraege.money import euro_format
from antraege.roles import Akteur
from antraege.states import AWAITING_SETTLEMENT_STATES

from .moves import MoveRefused, antrag_move

logger = logging.getLogger(__name__)

ERINNERUNG_VOR_FRIST = datetime.timedelta(days=7)


def abrechnung_deadlines_check(*, today=None):
    """Remind before the settlement deadline (once) and expire Anträge past it.

    Returns ``(reminded, expired)`` counts. Idempotent: the reminder has a dedupe key, the expiry
    is a move that a second run finds already made.
    """
    today = today or berlin_today()
    reminded = 0
    due = Antrag.objects.filter(
        status__in=AWAITING_SETTLEMENT_STATES,
        abrechnungsfrist__gte=today,
        abrechnungsfrist__lte=today + ERINNERUNG_VOR_FRIST,
    ).select_related("fonds__quartier")
    for antrag in due:
        row = mail.queue_for_applicant(
            antrag,
            "abrechnung_erinnerung",
            kontext={"frist": antrag.abrechnungsfrist},
            dedupe_key=f"abrechnung-erinnerung:{antrag.pk}:{antrag.abrechnungsfrist.isoformat()}",
        )
        reminded += row is not None
    expired = 0
    for antrag in Antrag.objects.filter(
        status__in=AWAITING_SETTLEMENT_STATES, abrechnungsfrist__lt=today
    ).select_related("fonds__quartier"):
        try:
            antrag_move(
                antrag,
                "expire",
                akteur=Akteur.system_akteur(),
                kommentar=_(
                    "Die Abrechnungsfrist (%(frist)s) ist abgelaufen; %(betrag)s € fließen "
                    "in den Aktionsfonds zurück."
                )
                % {
                    "frist": formats.date_format(antrag.abrechnungsfrist, "SHORT_DATE_FORMAT"),
                    "betrag": euro_format(antrag.betrag_reserviert),
                },
            )
            expired += 1
        except MoveRefused as refused:
            logger.info("antrag %s not expired: %s", antrag.pk, refused.message)
    return reminded, expired
