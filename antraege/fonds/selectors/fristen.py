"""When an area takes applications: the lead time before an action, the funds open for new
Anträge (next year's from December), and the jury's next meeting with its submission deadline.

Pure reads and rules; the start page, the form and the submission check call them.
"""

import datetime

from django.apps import apps
from django.utils.formats import date_format
from django.utils.translation import ngettext

from ...models import Aktionsfonds, Quartier

# Next year's fund takes applications from this day of the year before at the latest, unless the
# fund names a date of its own (``Aktionsfonds.antraege_ab``): apply in December for January.
ANTRAEGE_AB_MONAT_TAG = (12, 1)


def fruehester_beginn(quartier, today):
    """The earliest start of an action applied for ``today``: the area's lead time, at least tomorrow."""
    vorlauf = datetime.timedelta(weeks=quartier.vorlaufzeit_wochen)
    return today + max(vorlauf, datetime.timedelta(days=1))


def vorlaufzeit_message(quartier, today):
    """The refusal naming the lead time and the earliest possible start date."""
    wochen = quartier.vorlaufzeit_wochen
    return ngettext(
        "Anträge müssen mindestens %(wochen)s Woche vor dem Projektbeginn eingehen. "
        "Ihr Projekt kann frühestens am %(datum)s beginnen.",
        "Anträge müssen mindestens %(wochen)s Wochen vor dem Projektbeginn eingehen. "
        "Ihr Projekt kann frühestens am %(datum)s beginnen.",
        wochen,
    ) % {"wochen": wochen, "datum": date_format(fruehester_beginn(quartier, today), "DATE_FORMAT")}


def antraege_ab(fonds):
    """The first day on which ``fonds`` takes applications: its own date, else the day the year
    before when an action in the old year no longer fits the lead time, at the latest 1 December
    (so no area is ever closed for applications between the years)."""
    if fonds.antraege_ab:
        return fonds.antraege_ab
    monat, tag = ANTRAEGE_AB_MONAT_TAG
    vorlauf = datetime.timedelta(weeks=fonds.quartier.vorlaufzeit_wochen)
    return min(datetime.date(fonds.jahr - 1, monat, tag), datetime.date(fonds.jahr, 1, 1) - vorlauf)


def fonds_nimmt_antraege_an(fonds, today):
    """A fund takes new Anträge from its opening day until an action in its year is no longer
    possible within the lead time, and never after its year-end close."""
    if fonds.abgeschlossen_am is not None or today < antraege_ab(fonds):
        return False
    return fruehester_beginn(fonds.quartier, today) <= datetime.date(fonds.jahr, 12, 31)


def fonds_fuer_neuen_antrag(quartier, today):
    """The fund a new Antrag of ``quartier`` goes to today: the earliest year still possible
    (this year's while an action fits in it, then next year's once it is open), or None."""
    kandidaten = Aktionsfonds.objects.filter(
        quartier=quartier, jahr__in=(today.year, today.year + 1)
    ).order_by("jahr")
    for fonds in kandidaten:
        fonds.quartier = quartier
        if fonds_nimmt_antraege_an(fonds, today):
            return fonds
    return None


def offene_fonds(today):
    """``[fonds]`` of every area that takes applications today, one per area, by area name."""
    kandidaten = (
        Aktionsfonds.objects.filter(jahr__in=(today.year, today.year + 1))
        .select_related("quartier")
        .order_by("quartier__name", "jahr")
    )
    result = {}
    for fonds in kandidaten:
        if fonds.quartier_id not in result and fonds_nimmt_antraege_an(fonds, today):
            result[fonds.quartier_id] = fonds
    return list(result.values())


def quartiere_mit_offenem_fonds(today):
    """The areas that take applications today (a queryset, for the area choice)."""
    return Quartier.objects.filter(pk__in=[f.quartier_id for f in offene_fonds(today)]).order_by(
        "name"
    )


# --- The jury's next meeting (``jury.Sitzung``, looked up through the app registry so the
# application side does not import the jury app; empty until meetings exist). ---

SITZUNG_ANKUENDBAR = ("planned", "papers_sent")


def naechste_sitzungen(quartier_ids, today):
    """``{quartier_id: Sitzung}``: each area's next meeting whose submission deadline is not past."""
    try:
        Sitzung = apps.get_model("jury", "Sitzung")
    except LookupError:
        return {}
    result = {}
    for sitzung in Sitzung.objects.filter(
        quartier_id__in=quartier_ids,
        status__in=SITZUNG_ANKUENDBAR,
        einreichungsfrist__gte=today,
    ).order_by("datum", "pk"):
        result.setdefault(sitzung.quartier_id, sitzung)
    return result


def antragsjahr(fonds_liste, today):
    """The year staff pages open on: the newest year whose fund already takes applications (next
    year's from December), else the current year."""
    jahre = [
        fonds.jahr
        for fonds in fonds_liste
        if today.year <= fonds.jahr <= today.year + 1 and antraege_ab(fonds) <= today
    ]
    return max(jahre, default=today.year)
