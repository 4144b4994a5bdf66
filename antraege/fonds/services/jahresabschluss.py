"""The year-end close of a fund: money not committed lapses at year end, it does not carry over.

After the close the fund takes no new Anträge and no approvals, and whatever is neither reserved
nor paid — including money an Antrag of that year returns later — is reported as lapsed
(``Saldo.verfallen``), not as available.
"""

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ... import permissions
from ...geld.buchungen.services import verfall_book
from ...models import Aktionsfonds
from ...refusals import Refused

logger = logging.getLogger(__name__)


class JahresabschlussRefused(Refused):
    """The close was refused; nothing changed."""


def jahresabschluss_moeglich_ab(fonds):
    """The first day the fund of ``fonds.jahr`` may be closed: 1 January of the next year."""
    return datetime.date(fonds.jahr + 1, 1, 1)


def aktionsfonds_close(fonds, *, akteur, today=None):
    """QM closes the fund of a past year, once.

    Side effects: sets ``abgeschlossen_am`` / ``abgeschlossen_von`` by a conditional update (a
    double click or a second tab closes once; the second is refused), books what is still
    available as lapsed (``verfall_book``) in the same transaction, and logs it.
    """
    today = today or timezone.localdate()
    if not permissions.may_close_aktionsfonds(akteur, fonds):
        raise JahresabschlussRefused(
            _("Sie dürfen diesen Schritt nicht ausführen."), code="forbidden"
        )
    if today < jahresabschluss_moeglich_ab(fonds):
        raise JahresabschlussRefused(
            _("Den Aktionsfonds %(jahr)s können Sie ab dem 1. Januar %(folgejahr)s abschließen.")
            % {"jahr": fonds.jahr, "folgejahr": fonds.jahr + 1},
            code="too_early",
        )
    jetzt = timezone.now()
    with transaction.atomic():
        updated = Aktionsfonds.objects.filter(pk=fonds.pk, abgeschlossen_am__isnull=True).update(
            abgeschlossen_am=jetzt, abgeschlossen_von=akteur.user
        )
        if not updated:
            raise JahresabschlussRefused(
                _("Der Aktionsfonds %(jahr)s ist bereits abgeschlossen.") % {"jahr": fonds.jahr},
                code="conflict",
            )
        verfall_book(fonds, user=akteur.user)
    fonds.abgeschlossen_am, fonds.abgeschlossen_von = jetzt, akteur.user
    logger.info("aktionsfonds %s closed by %s", fonds.pk, akteur)
    return fonds
