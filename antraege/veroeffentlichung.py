"""The public list of funded actions per area and year (as areas publish it), for the page and
the open data files (CSV, JSON).

Only what may be public leaves the database: title, the organisation (or the applicant's first
name, if they agreed), the approved amount, a public status and the fields of action. Never an
address, e-mail, phone or the full name.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import pgettext_lazy

from .models import (
    GEFOERDERT_STATES,
    Aktionsfonds,
    Antrag,
    AntragStatus,
    Handlungsfeld,
    Quartier,
)

OEFFENTLICHE_STATES = GEFOERDERT_STATES

# (machine value, label) of the public status: fewer words than the lifecycle has states.
OEFFENTLICHER_STATUS = {
    AntragStatus.APPROVED: ("bewilligt", pgettext_lazy("public status", "Bewilligt")),
    AntragStatus.IN_PROGRESS: ("laeuft", pgettext_lazy("public status", "Läuft")),
    AntragStatus.SETTLEMENT_SUBMITTED: (
        "abrechnung",
        pgettext_lazy("public status", "Wird abgerechnet"),
    ),
    AntragStatus.SETTLEMENT_CHANGES_REQUESTED: (
        "abrechnung",
        pgettext_lazy("public status", "Wird abgerechnet"),
    ),
    AntragStatus.PAID: ("abgeschlossen", pgettext_lazy("public status", "Abgeschlossen")),
    AntragStatus.CLOSED: ("abgeschlossen", pgettext_lazy("public status", "Abgeschlossen")),
}

# The only columns of an Antrag ever read for the public list.
OEFFENTLICHE_FELDER = (
    "pk",
    "referenz",
    "titel",
    "organisation",
    "antragsteller_name",  # only for the first name, and only with consent (``traeger_for``)
    "vorname_veroeffentlichen",
    "betrag_bewilligt",
    "status",
    "fonds__jahr",
    "fonds__quartier__name",
    "fonds__quartier__code",
)


@dataclass(frozen=True)
class GefoerderteAktion:
    """One row of the public list."""

    referenz: str
    titel: str
    traeger: str  # organisation, or first name with consent, or "" (a private person)
    betrag: Decimal
    status: str
    status_label: str
    handlungsfelder: tuple  # of Handlungsfeld
    quartier: str
    quartier_code: str
    jahr: int


def traeger_for(antrag):
    """Who carries the action, as the public may see it: organisation, else first name (with
    consent), else nothing."""
    if antrag.organisation.strip():
        return antrag.organisation.strip()
    if antrag.vorname_veroeffentlichen:
        return (antrag.antragsteller_name.split() or [""])[0]
    return ""


def gefoerderte_aktionen(*, quartier=None, jahr=None, handlungsfeld=None):
    """The funded actions, filtered by area, year and field of action, in reference order.

    Two queries whatever the number of rows (Anträge; their fields of action).
    """
    qs = Antrag.objects.filter(status__in=OEFFENTLICHE_STATES)
    if quartier is not None:
        qs = qs.filter(fonds__quartier=quartier)
    if jahr is not None:
        qs = qs.filter(fonds__jahr=jahr)
    if handlungsfeld is not None:
        qs = qs.filter(handlungsfelder=handlungsfeld)
    qs = (
        qs.select_related("fonds__quartier")
        .only(*(f for f in OEFFENTLICHE_FELDER if f != "pk"))
        .prefetch_related(
            Prefetch("handlungsfelder", queryset=Handlungsfeld.objects.order_by("reihenfolge"))
        )
        .order_by("fonds__quartier__name", "fonds__jahr", "referenz")
        .distinct()
    )
    return [
        GefoerderteAktion(
            referenz=antrag.referenz or "",
            titel=antrag.titel,
            traeger=traeger_for(antrag),
            betrag=antrag.betrag_bewilligt or Decimal("0.00"),
            status=OEFFENTLICHER_STATUS[antrag.status][0],
            status_label=str(OEFFENTLICHER_STATUS[antrag.status][1]),
            handlungsfelder=tuple(antrag.handlungsfelder.all()),
            quartier=antrag.fonds.quartier.name,
            quartier_code=antrag.fonds.quartier.code,
            jahr=antrag.fonds.jahr,
        )
        for antrag in qs
    ]


def oeffentliche_jahre():
    """The years for which a fund exists, newest first."""
    return sorted(set(Aktionsfonds.objects.values_list("jahr", flat=True)), reverse=True)


def oeffentliche_quartiere():
    """The areas that have a fund."""
    return Quartier.objects.filter(fonds__isnull=False).distinct().order_by("name")


def aktion_as_dict(aktion):
    """One row as open data: plain values, amounts as strings with two decimals."""
    return {
        "referenz": aktion.referenz,
        "quartier": aktion.quartier,
        "quartier_code": aktion.quartier_code,
        "jahr": aktion.jahr,
        "titel": aktion.titel,
        "traeger": aktion.traeger,
        "betrag_bewilligt_eur": f"{aktion.betrag:.2f}",
        "status": aktion.status,
        "handlungsfelder": [h.slug for h in aktion.handlungsfelder],
    }


OPEN_DATA_SPALTEN = (
    "referenz",
    "quartier",
    "quartier_code",
    "jahr",
    "titel",
    "traeger",
    "betrag_bewilligt_eur",
    "status",
    "handlungsfelder",
)
