"""The public list of funded actions per area and year (as areas publish it), for the page and
the open data files (CSV, JSON).

Only what may be public leaves the database: title, the organisation (or the applicant's first
name, if they agreed), the approved amount, a public status and the fields of action. Never an
address, e-mail, phone or the full name.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import Count, Exists, OuterRef, Sum
from django.utils.translation import pgettext_lazy

from ...antrag.selectors import antraege_among, seite_ueber_ids
from ...models import (
    GEFOERDERT_STATES,
    Aktionsfonds,
    Antrag,
    AntragStatus,
    Quartier,
    Veroeffentlichungsfilter,
)
from ...vorlagen import Vorlage
from .fondsbild import handlungsfelder_alle

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

# The only columns of an Antrag ever read for the public list (in this order): its own, then its
# fund's (the same for all of a fund's rows: the page takes them from the fund's row).
ANTRAG_FELDER = (
    "pk",
    "referenz",
    "titel",
    "organisation",
    "oeffentlicher_name",  # only with consent (``traeger_for``)
    "vorname_veroeffentlichen",
    "betrag_bewilligt",
    "status",
)
FONDS_FELDER = ("jahr", "quartier__name", "quartier__code")
OEFFENTLICHE_FELDER = ANTRAG_FELDER + tuple(f"fonds__{feld}" for feld in FONDS_FELDER)


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


def traeger_for(organisation, oeffentlicher_name, zustimmung):
    """Who carries the action, as the public may see it: organisation, else the name the applicant
    typed for the list (with their consent), else nothing. Never a part of the applicant's name."""
    if organisation.strip():
        return organisation.strip()
    if zustimmung:
        return oeffentlicher_name.strip()
    return ""


def gefoerderte_auswahl(*, quartier=None, jahr=None, handlungsfeld=None):
    """The funded Anträge of the public list, filtered (a queryset of Anträge, in no order);
    ``handlungsfeld`` a field of action or its id."""
    qs = Antrag.objects.filter(status__in=GEFOERDERT_STATES)
    if quartier is not None:
        qs = qs.filter(fonds__quartier=quartier)
    if jahr is not None:
        qs = qs.filter(fonds__jahr=jahr)
    if handlungsfeld is not None:
        # a filter through the link table, so no row can come twice
        qs = qs.filter(pk__in=Antrag.objects.filter(handlungsfelder=handlungsfeld).values("pk"))
    return qs


def oeffentliche_spalten(antraege):
    """The public fields (``OEFFENTLICHE_FELDER``) of ``antraege`` as tuples in the list's order
    (area, year, reference), nothing else."""
    # pk last: a stable order, so that no row shows on two pages
    return antraege.order_by("fonds__quartier__name", "fonds__jahr", "referenz", "pk").values_list(
        *OEFFENTLICHE_FELDER
    )


def gefoerderte_zeilen(*, quartier=None, jahr=None, handlungsfeld=None):
    """The public fields (``OEFFENTLICHE_FELDER``) of the funded Anträge, filtered, as an ordered
    queryset of tuples: the open data files read it whole; the page reads it fund by fund
    (``FondsweiseZeilen``)."""
    return oeffentliche_spalten(
        gefoerderte_auswahl(quartier=quartier, jahr=jahr, handlungsfeld=handlungsfeld)
    )


class FondsweiseZeilen:
    """The rows of ``gefoerderte_zeilen`` sliced fund by fund: ``je_fonds`` are the funds' ``(id,
    number of rows, …, their ``FONDS_FELDER``)`` in the list's order (area, year; the stored
    figures, ``gefoerderte_je_fonds_gespeichert``) for the same filter, ``handlungsfeld`` the
    filter's field of action. A slice reads in each fund it touches the ids of its rows (and of
    the ones before it in its first fund) from the index on fund and reference of the funded
    Anträge, then those rows, in one statement (``seite_ueber_ids``), without a join: each row
    gets its fund's year and area from ``je_fonds``. Not the whole year's Anträge of every area
    sorted, nor a fund's, nor every fund of every year. The page of 50 slices it
    (``seite_for``)."""

    def __init__(self, je_fonds, *, handlungsfeld=None):
        self.je_fonds = je_fonds
        self.handlungsfeld = handlungsfeld

    def count(self):
        return sum(eintrag[1] for eintrag in self.je_fonds)

    def __getitem__(self, teil):
        start, stop = teil.start or 0, teil.stop if teil.stop is not None else self.count()
        # the funds are of the filter's area and year: only the field of action is left
        feld_id = self.handlungsfeld.pk if self.handlungsfeld is not None else None
        teile, ganze, werte, vorher = [], [], {}, 0
        for fonds_id, anzahl, *_summe, fonds_werte in self.je_fonds:
            if stop <= vorher:
                break
            if start < vorher + anzahl:
                von, bis = max(start - vorher, 0), min(stop - vorher, anzahl)
                if von == 0 and bis == anzahl:
                    ganze.append(fonds_id)  # all of its rows: no walk needed
                else:
                    teile.append((fonds_id, von, bis))
                werte[fonds_id] = tuple(fonds_werte)
            vorher += anzahl
        if not werte:
            return []
        # one statement for the page, however many funds it spans (its shape: ``_seite_abfrage``);
        # in the database's order of reference, then fund by fund in the list's order
        form = (feld_id is not None, tuple((von, bis) for _f, von, bis in teile), len(ganze))
        feld = [feld_id] if feld_id is not None else []
        je_fonds = {fonds_id: [] for fonds_id in werte}
        gefiltert = [wert for fonds_id, _von, _bis in teile for wert in (*feld, fonds_id)]
        gefiltert += [*feld, *ganze] if ganze else []
        for *zeile, fonds_id in _SEITE(form, gefiltert):
            je_fonds[fonds_id].append((*zeile, *werte[fonds_id]))
        return [zeile for zeilen in je_fonds.values() for zeile in zeilen]


def _seite_abfrage(form, werte):
    """The statement of a page of ``FondsweiseZeilen``: ``form`` is ``(with a field of action,
    ((from, to) of each fund walked in part, …), number of funds wholly on the page)``, ``werte``
    per fund walked in part the field's id (with one) and the fund's id, then the field's id (with
    one) and the ids of the funds wholly on the page. The field's id once per part: each part
    filters by it in its own subquery (``antraege.vorlagen`` finds each value once)."""
    mit_feld, stuecke, ganze = form
    werte = iter(werte)

    def auswahl():
        handlungsfeld = next(werte) if mit_feld else None  # its id
        return gefoerderte_auswahl(handlungsfeld=handlungsfeld).order_by("referenz", "pk")

    teile = [(auswahl().filter(fonds_id=next(werte)), slice(von, bis)) for von, bis in stuecke]
    if ganze:
        # the funds wholly on the page (small ones between its first and last): one part
        basis = auswahl()
        fonds_ids = [next(werte) for _ in range(ganze)]
        teile.append((basis.filter(fonds_id__in=fonds_ids).order_by(), slice(None)))
    return seite_ueber_ids(
        teile,
        lambda antraege: antraege.order_by("referenz", "pk").values_list(
            *ANTRAG_FELDER, "fonds_id"
        ),
    )


# compiled once per process and shape (``antraege.vorlagen``): a page's parts are few (a fund, or
# its last rows and the next fund's first), and building and compiling the statement took ~0.6 ms
# of each view of the public list, the database answers in ~0.15
_SEITE = Vorlage(_seite_abfrage)


def gefoerderte_summe(zeilen):
    """``(number, approved sum)`` of the rows of ``gefoerderte_zeilen``: one aggregate in SQL."""
    summe = zeilen.order_by().aggregate(anzahl=Count("pk"), summe=Sum("betrag_bewilligt"))
    return summe["anzahl"], summe["summe"] or Decimal("0.00")


def _links_der_seite(_form, antrag_ids):
    """The links of the Anträge ``antrag_ids`` (a page's) to their fields of action, as ``(antrag
    id, field id)``."""
    auswahl = antraege_among(Antrag.objects.filter(pk__in=antrag_ids))
    return Antrag.handlungsfelder.through.objects.filter(auswahl).values_list(
        "antrag_id", "handlungsfeld_id"
    )


# compiled once per process and number of ids (``antraege.vorlagen``): building and compiling it
# took ~0.3 ms of each view of the public list, the database answers in ~0.1
_LINKS_DER_SEITE = Vorlage(_links_der_seite)


def _handlungsfelder_je_antrag(antrag_ids, felder=None):
    """``{antrag id: (Handlungsfeld, …)}`` in the fields' order: two queries for any number (one
    when ``felder``, all fields of action in their order, were read already).

    ``antrag_ids``: the ids of one page (its links read through the index on ``antrag_id``,
    ``antraege_among``: a list of ids is planned as a scan of every area's links), or a subquery
    (the open data files: never a list of thousands of ids sent to the database)."""
    if felder is None:
        felder = handlungsfelder_alle()  # a handful, in their order
    felder = {h.pk: h for h in felder}
    rang = {pk: i for i, pk in enumerate(felder)}
    if isinstance(antrag_ids, list):
        # a page's ids (distinct): none, no query
        paare = _LINKS_DER_SEITE(None, list(dict.fromkeys(antrag_ids))) if antrag_ids else []
    else:
        paare = Antrag.handlungsfelder.through.objects.filter(antrag_id__in=antrag_ids).values_list(
            "antrag_id", "handlungsfeld_id"
        )
    links = {}
    for antrag_id, feld_id in paare:
        links.setdefault(antrag_id, []).append(feld_id)
    return {
        antrag_id: tuple(felder[f] for f in sorted(ids, key=rang.get))
        for antrag_id, ids in links.items()
    }


def gefoerderte_aktionen_aus(rows, *, antrag_ids=None, felder=None):
    """The rows of ``gefoerderte_zeilen`` (a page of them, or all) as ``GefoerderteAktion``.

    Two more queries whatever the number of rows (the links to their fields of action, the fields;
    one when ``felder``, all fields of action, were read already), and no model instance per row:
    the list is read by the public. ``antrag_ids``: a subquery of the rows' ids (else the ids of
    ``rows``).
    """
    rows = list(rows)
    felder_je_antrag = _handlungsfelder_je_antrag(
        [row[0] for row in rows] if antrag_ids is None else antrag_ids, felder
    )
    status = {key: (value, str(label)) for key, (value, label) in OEFFENTLICHER_STATUS.items()}
    return [
        GefoerderteAktion(
            referenz=referenz or "",
            titel=titel,
            traeger=traeger_for(organisation, oeffentlicher_name, zustimmung),
            betrag=betrag or Decimal("0.00"),
            status=status[antrag_status][0],
            status_label=status[antrag_status][1],
            handlungsfelder=felder_je_antrag.get(pk, ()),
            quartier=quartier_name,
            quartier_code=quartier_code,
            jahr=fonds_jahr,
        )
        for (
            pk,
            referenz,
            titel,
            organisation,
            oeffentlicher_name,
            zustimmung,
            betrag,
            antrag_status,
            fonds_jahr,
            quartier_name,
            quartier_code,
        ) in rows
    ]


def gefoerderte_aktionen(*, quartier=None, jahr=None, handlungsfeld=None):
    """All funded actions, filtered by area, year and field of action, in area and reference order
    (the open data files): three queries whatever the number of rows."""
    zeilen = gefoerderte_zeilen(quartier=quartier, jahr=jahr, handlungsfeld=handlungsfeld)
    return gefoerderte_aktionen_aus(zeilen, antrag_ids=zeilen.order_by().values("pk"))


# The distinct years of the funds, newest first, one step of the index on the year per year (a
# "loose index scan", which PostgreSQL does not do by itself for DISTINCT): reading every fund of
# every year grew with the years of history.
JAHRE_SQL = """
WITH RECURSIVE jahre (jahr) AS (
    SELECT MAX(jahr) FROM {tabelle}
    UNION ALL
    SELECT (SELECT MAX(jahr) FROM {tabelle} WHERE jahr < jahre.jahr)
    FROM jahre WHERE jahre.jahr IS NOT NULL
)
SELECT jahr FROM jahre WHERE jahr IS NOT NULL
"""


def oeffentliche_auswahl_berechnen():
    """``(years, areas)`` of the filter as the funds have them now: the years for which a fund
    exists, newest first (a step of the index on the year per year, ``JAHRE_SQL``), and the areas
    that have a fund as ``[id, name, code]``, by name. What ``Veroeffentlichungsfilter`` stores
    (recomputed when a fund or an area changes, and nightly): the page reads that row instead."""
    tabelle = connection.ops.quote_name(Aktionsfonds._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(JAHRE_SQL.format(tabelle=tabelle))
        jahre = [jahr for (jahr,) in cursor.fetchall()]
    quartiere = (
        Quartier.objects.filter(Exists(Aktionsfonds.objects.filter(quartier=OuterRef("pk"))))
        .order_by("name")  # the database's order of names, as the filter always had it
        .values_list("pk", "name", "code")
    )
    return jahre, [list(quartier) for quartier in quartiere]


def oeffentliche_jahre_und_quartiere():
    """``(years, areas)`` of the filter: the years for which a fund exists, newest first, and the
    areas that have a fund (``Quartier`` with name and code only, by name), from the one stored
    row (``Veroeffentlichungsfilter``, kept in the transaction of each change of the funds): one
    query reading one row, on every view of the list and its files. Without the row (a database
    emptied by hand or by a test's flush) they are computed as the funds have them."""
    # the table's one row (its only id): read without a condition, an order or a limit
    gespeichert = list(Veroeffentlichungsfilter.objects.values_list("jahre", "quartiere"))
    jahre, quartiere = gespeichert[0] if gespeichert else oeffentliche_auswahl_berechnen()
    # instances as ``.only("pk", "name", "code")`` gives them: the filter shows the name, sends
    # the code, and filters the rows by the chosen one
    felder = ["id", "name", "code"]
    return jahre, [Quartier.from_db(DEFAULT_DB_ALIAS, felder, zeile) for zeile in quartiere]


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
