"""Reads of an area's cost categories and the texts generated from them (letter, start page,
form). No side effects; the rules are in ``services.kosten``."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ...models import Foerderung, Kostenkategorie

F, A, X = Foerderung.FOERDERFAEHIG, Foerderung.AUSNAHME, Foerderung.AUSGESCHLOSSEN

# Never fundable whatever an area's list says (domain.md); named in letter and start page.
IMMER_AUSGESCHLOSSEN = (
    gettext_noop("Kosten, die vor der Bewilligung entstanden sind"),
    gettext_noop("Benefizveranstaltungen und kommerzielle Zwecke"),
)


def kategorien_by_state(quartier_id):
    """``{state: [Kostenkategorie]}`` of an area in its order; the one query the texts need."""
    result = {F: [], A: [], X: []}
    for kategorie in Kostenkategorie.objects.filter(quartier_id=quartier_id):
        result[kategorie.foerderung].append(kategorie)
    return result


def kategorie_name(kategorie):
    """The category's name in the current language where it is a default name."""
    return kategorie.anzeigename


def ausschluesse_text(quartier_id):
    """The exclusion sentence of an area, from its data (German letter or translated page)."""
    namen = [kategorie_name(k) for k in kategorien_by_state(quartier_id)[X]]
    namen += [_(text) for text in IMMER_AUSGESCHLOSSEN]
    return _("Nicht gefördert werden: %(liste)s.") % {"liste": "; ".join(namen)}


def ausschluesse_fuer_gebiete(quartier_ids):
    """What is never funded in any of these areas (start page): the excluded categories they
    share, in the first area's order, and the programme's fixed exclusions, translated."""
    quartier_ids = list(quartier_ids)
    per_area = {}
    for kategorie in Kostenkategorie.objects.filter(
        quartier_id__in=quartier_ids, foerderung=X
    ).order_by("quartier_id", "reihenfolge", "name"):
        per_area.setdefault(kategorie.quartier_id, []).append(kategorie)
    if len(per_area) < len(set(quartier_ids)) or not per_area:
        gemeinsam = []
    else:
        first, *others = per_area.values()
        others = [{kategorie.name for kategorie in other} for other in others]
        gemeinsam = [k.anzeigename for k in first if all(k.name in other for other in others)]
    return gemeinsam + [_(text) for text in IMMER_AUSGESCHLOSSEN]


def ausnahmen_ohne_begruendung(antrag):
    """Cost lines of an "only by exception" category that QM has not yet justified."""
    return [
        _("Für „%(position)s“ (%(kategorie)s) fehlt die Begründung der Ausnahme.")
        % {"position": position.beschreibung, "kategorie": position.kategorie.anzeigename}
        for position in antrag.kostenpositionen.select_related("kategorie")
        if position.kategorie.foerderung == A and not position.ausnahme_grund.strip()
    ]
