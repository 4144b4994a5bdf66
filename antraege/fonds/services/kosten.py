"""Cost categories of an area with three states — eligible, only by exception (QM gives a reason),
not eligible: the defaults an area starts with and QM's reason for an exception. The texts
generated from them (letter, start page, form) are reads in ``selectors.kosten``.

The defaults follow the programme's rules (domain.md, "The fund"); each area changes them as data.
"""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ...antrag.services.timeline import statuswechsel_record
from ...geld.services.abrechnung import AbrechnungRefused
from ...models import AntragStatus, Foerderung, Kostenkategorie, Kostenposition
from ...permissions import may_act_on_antrag_as_qm, may_translate_kostenkategorien, require
from ...refusals import Refused
from ..models import UEBERSETZT

F, A, X = Foerderung.FOERDERFAEHIG, Foerderung.AUSNAHME, Foerderung.AUSGESCHLOSSEN

# (name, state, explanation). Names are marked for translation: the pages show the translated
# name where the area kept the default, and the area's own name otherwise.
DEFAULT_KATEGORIEN = (
    (gettext_noop("Sachkosten und Material"), F, gettext_noop("Material, Verbrauchsmaterial")),
    (gettext_noop("Miete für Räume und Technik"), F, ""),
    (gettext_noop("Druck und Öffentlichkeitsarbeit"), F, gettext_noop("Flyer, Plakate")),
    (
        gettext_noop("Dienstleistungen"),
        F,
        gettext_noop("Was Ehrenamtliche nicht selbst leisten können"),
    ),
    (gettext_noop("Kleine Auslagen"), F, gettext_noop("Fahrkarten, Porto")),
    (
        gettext_noop("Anschaffungen von bleibendem Wert"),
        F,
        gettext_noop("Zum Beispiel Werkzeug oder Spiele, die danach ausgeliehen werden"),
    ),
    (
        gettext_noop("Honorare"),
        A,
        gettext_noop("Für besondere Fähigkeiten, z. B. Künstlerinnen, Moderation"),
    ),
    (gettext_noop("Essen und Getränke (ohne Alkohol)"), A, ""),
    (gettext_noop("Alkohol"), X, ""),
    (gettext_noop("Gutscheine und Geschenkkarten"), X, ""),
    (gettext_noop("Pfand"), X, ""),
    (gettext_noop("Bezahlung der Antragstellenden"), X, ""),
    (gettext_noop("Aufwandsentschädigungen für ehrenamtliche Arbeit"), X, ""),
)


def kostenkategorien_defaults_create(quartier):
    """Give ``quartier`` the default cost categories it does not have yet; returns how many."""
    vorhanden = set(quartier.kostenkategorien.values_list("name", flat=True))
    neu = [
        Kostenkategorie(
            quartier=quartier, name=name, foerderung=state, beschreibung=text, reihenfolge=index
        )
        for index, (name, state, text) in enumerate(DEFAULT_KATEGORIEN)
        if name not in vorhanden
    ]
    Kostenkategorie.objects.bulk_create(neu)
    return len(neu)


def ausnahme_begruenden(position, *, akteur, grund):
    """QM accepts a cost line of an "only by exception" category, with a written reason.

    Only during the formal check; a line of another state needs no reason and gets none.
    """
    grund = (grund or "").strip()
    with transaction.atomic():
        position = (
            Kostenposition.objects.select_for_update()
            .select_related("kategorie", "antrag__fonds__quartier")
            .get(pk=position.pk)
        )
        antrag = position.antrag
        require(may_act_on_antrag_as_qm, akteur, antrag, refused=AbrechnungRefused)
        if antrag.status not in (AntragStatus.SUBMITTED, AntragStatus.IN_REVIEW):
            raise AbrechnungRefused(
                _("Ausnahmen werden in der Formalprüfung begründet."), code="wrong_state"
            )
        if position.kategorie.foerderung != A:
            raise AbrechnungRefused(
                _("Diese Kostenart braucht keine Ausnahme."), code="invalid", field="grund"
            )
        if not grund:
            raise AbrechnungRefused(
                _("Bitte begründen Sie, warum diese Kosten ausnahmsweise gefördert werden."),
                code="invalid",
                field="grund",
            )
        position.ausnahme_grund = grund[:2000]
        position.save(update_fields=["ausnahme_grund"])
        statuswechsel_record(
            antrag,
            akteur=akteur,
            intern=True,
            kommentar=_("Ausnahme für „%(position)s“ anerkannt: %(grund)s")
            % {"position": position.beschreibung, "grund": grund},
        )
    return position


class KostenkategorieRefused(Refused):
    """A change of an area's cost categories was refused; nothing changed."""


# The fields of a category that QM translates (the German texts and the rules stay the admin's).
UEBERSETZUNG_FELDER = tuple(
    f"{feld}_{code}" for feld in ("name", "beschreibung") for code in UEBERSETZT
)


def kostenkategorien_translate(quartier, uebersetzungen, *, akteur):
    """Keep the translations QM typed for the area's categories, ``{pk: {"name_en": …, …}}``.

    Side effects: writes only the given translation fields of this area's categories (another
    area's pk is ignored); an empty one means "show the German text"."""
    require(may_translate_kostenkategorien, akteur, quartier.pk, refused=KostenkategorieRefused)
    with transaction.atomic():
        for kategorie in Kostenkategorie.objects.filter(
            quartier=quartier, pk__in=list(uebersetzungen)
        ):
            werte = {
                feld: " ".join((wert or "").split())
                for feld, wert in uebersetzungen[kategorie.pk].items()
                if feld in UEBERSETZUNG_FELDER
            }
            for feld, wert in werte.items():
                setattr(kategorie, feld, wert)
            kategorie.save(update_fields=list(werte))
