"""The programme's fields of action (Handlungsfelder): what QM may correct, and the words the
catalogues translate.

The list itself is data (``models.Handlungsfeld``, seeded by migration 0004); the six names and
their plain-language explanations below are only marked here so that ``makemessages`` offers them
for translation. A field an admin adds later is shown as typed.
"""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ... import permissions
from ...antrag.services.timeline import statuswechsel_record
from ...geld.buchungen.services import fondsauswertung_veraltet
from ...models import Handlungsfeld
from ...refusals import Refused


class HandlungsfelderRefused(Refused):
    """QM's check of the fields of action was refused; nothing changed."""


PROGRAMM_HANDLUNGSFELDER = (
    gettext_noop("Bildung"),
    gettext_noop("Lernen und Wissen teilen: Kurse, Workshops, Lesungen"),
    gettext_noop("Integration"),
    gettext_noop("Menschen verschiedener Herkunft zusammenbringen"),
    gettext_noop("Nachbarschaft"),
    gettext_noop("Nachbarn lernen sich kennen: Feste, Treffen, Hilfe"),
    gettext_noop("Gesundheit und Bewegung"),
    gettext_noop("Sport, Bewegung, gesund leben"),
    gettext_noop("Öffentlicher Raum"),
    gettext_noop("Straßen, Plätze, Höfe und Grünflächen schöner machen"),
    gettext_noop("Klimaschutz und Klimaanpassung"),
    gettext_noop("Umwelt und Klima: Pflanzen, Reparieren, Energie sparen"),
)


def handlungsfelder_check(antrag, *, akteur, handlungsfelder):
    """QM confirms or corrects the fields of action the applicant chose.

    Side effects: replaces the Antrag's fields and writes an internal timeline note naming the
    change. At least one field must remain; only QM staff of the area may do it.
    """
    if not permissions.may_act_on_antrag_as_qm(akteur, antrag):
        raise HandlungsfelderRefused(
            _("Sie dürfen diesen Schritt nicht ausführen."), code="forbidden"
        )
    handlungsfelder = list(handlungsfelder)
    if not handlungsfelder:
        raise HandlungsfelderRefused(
            _("Bitte wählen Sie mindestens einen Bereich."), code="invalid"
        )
    with transaction.atomic():
        vorher = sorted(h.name for h in antrag.handlungsfelder.all())
        antrag.handlungsfelder.set(handlungsfelder)
        nachher = sorted(h.name for h in handlungsfelder)
        if vorher != nachher:
            statuswechsel_record(
                antrag,
                akteur=akteur,
                kommentar=_("Handlungsfelder geprüft: %(felder)s (vorher: %(vorher)s).")
                % {"felder": ", ".join(nachher), "vorher": ", ".join(vorher) or "–"},
                intern=True,
            )
            # the fund's report counts its Anträge per field (antraege.geld.auswertung)
            fondsauswertung_veraltet(antrag.fonds_id)


def handlungsfelder_active():
    return Handlungsfeld.objects.filter(aktiv=True)
