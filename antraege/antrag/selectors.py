"""Reads: the fund's balance and the lists the pages show."""

from django.db.models import BooleanField, Count, F, Func, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Lower

from ..geld.buchungen.selectors import SUMMEN, saldo_from_row
from ..models import Aktionsfonds, Antrag, AntragStatus, Kostenposition, Quartier, Statuswechsel
from ..money import ZERO


class _UnterAntraegen(Func):
    """``column = ANY(ARRAY(subquery))`` on PostgreSQL, ``column IN (subquery)`` elsewhere."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        spalte, spalte_params = compiler.compile(self.source_expressions[0])
        ids, ids_params = compiler.compile(self.source_expressions[1])
        return f"{spalte} IN {ids}", (*spalte_params, *ids_params)

    def as_postgresql(self, compiler, connection, **extra_context):
        spalte, spalte_params = compiler.compile(self.source_expressions[0])
        ids, ids_params = compiler.compile(self.source_expressions[1])
        return f"{spalte} = ANY(ARRAY{ids})", (*spalte_params, *ids_params)


def ids_among(zeilen, column):
    """A filter for a table that points to the rows of ``zeilen`` (a queryset): its ``column`` is
    the id of one of them. On PostgreSQL the ids are read once (``= ANY(ARRAY(subquery))``) and
    the table through its index on ``column``: a join or an ``IN (subquery)`` is planned as a hash
    join that reads the table's rows of every area. No list of ids goes from Python to the
    database."""
    return _UnterAntraegen(F(column), Subquery(zeilen.order_by().values("pk")))


def seite_ueber_ids(teile, spalten):
    """The rows of a page with the list's columns (``spalten``: a function adding them, and the
    list's order, to a queryset of Anträge), as one statement of two steps. ``teile``: the page's
    parts, ``[(auswahl, slice)]``: Anträge of the list, filtered and ordered (one fund's, say),
    and which of them. First each part's ids in its order (``ORDER BY … LIMIT``: the ids alone,
    so an index holding the filter and the order answers it, e.g. ``antrag_foerderung_referenz``,
    and stops after the part), then those rows by primary key (``ids_among``), with joins for the
    page's rows only, sorted in the list's order.

    Asked for whole rows at once, PostgreSQL sorted all of a fund's few hundred rows rather than
    walk the index for 50 (it weighed the table reads of the walk against one sort); the filter
    is not repeated around the ids, where it made the planner expect one row and join every row
    of the page to a scan of the funds. A page across several small funds is still one
    statement."""
    if not teile:
        return spalten(Antrag.objects.none())
    auswahl = Q()
    for zeilen, teil in teile:
        auswahl |= Q(_UnterAntraegen(F("pk"), Subquery(zeilen.values("pk")[teil])))
    return spalten(Antrag.objects.filter(auswahl))


class SeitenUeberIds:
    """A list of Anträge (``auswahl``, filtered and ordered; ``spalten`` as for
    ``seite_ueber_ids``) whose slices, the pages of ``seite_for``, are read by
    ``seite_ueber_ids``; ``count`` that of ``auswahl``."""

    def __init__(self, auswahl, spalten):
        self.auswahl = auswahl
        self.spalten = spalten

    def count(self):
        return self.auswahl.count()

    def __getitem__(self, teil):
        if not isinstance(teil, slice):
            return self[teil : teil + 1][0]
        return list(seite_ueber_ids([(self.auswahl, teil)], self.spalten))


def antraege_among(antraege, column="antrag_id"):
    """``ids_among`` for a table that points to Anträge (a fund's funded Anträge, say)."""
    return ids_among(antraege, column)


def aktionsfonds_saldo(fonds):
    """The balance of a fund as stored now, read from its running totals on the fund row
    (``antraege.geld.buchungen``): one primary-key read, whatever the number of Anträge."""
    return saldo_from_row(
        Aktionsfonds.objects.only("budget", "abgeschlossen_am", *SUMMEN).get(pk=fonds.pk)
    )


def aktionsfonds_saldi(fonds_list):
    """``{fonds.pk: Saldo}`` of the loaded funds in ``fonds_list`` (no query)."""
    return {fonds.pk: saldo_from_row(fonds) for fonds in fonds_list}


def antraege_summen(fonds_ids):
    """Per fund and status the number of Anträge and the money they bind (reserved, paid):
    ``[{"fonds_id", "status", "anzahl", "reserviert", "ausgezahlt"}]``, drafts included.

    One query, answered from an index (PostgreSQL) whatever the number of Anträge: the counts by
    status and the balances of the dashboard come from it.
    """
    return list(
        Antrag.objects.filter(fonds_id__in=fonds_ids)
        .order_by()
        .values("fonds_id", "status")
        .annotate(
            anzahl=Count("*"),
            reserviert=Coalesce(Sum("betrag_reserviert"), ZERO),
            ausgezahlt=Coalesce(Sum("betrag_ausgezahlt"), ZERO),
        )
    )


def antraege_count_by_status_in(summen, fonds_ids):
    """``{status: count}`` of the submitted Anträge of ``fonds_ids`` from ``antraege_summen``."""
    fonds_ids = set(fonds_ids)
    counts = {}
    for zeile in summen:
        if zeile["fonds_id"] in fonds_ids and zeile["status"] != AntragStatus.DRAFT:
            counts[zeile["status"]] = counts.get(zeile["status"], 0) + zeile["anzahl"]
    return counts


def antraege_mit_email(email):
    """The Anträge of an applicant address whatever its case, read through the index
    ``antrag_email_lower`` (``email__iexact`` compares ``UPPER(…)`` on PostgreSQL and ``LIKE`` on
    SQLite: neither uses an index). Both sides are lowered by the database, so they agree."""
    return Antrag.objects.alias(email_klein=Lower("antragsteller_email")).filter(
        email_klein=Lower(Value(email.strip()))
    )


def quartiere_for_staff(akteur):
    """The areas an akteur may work on as staff (admins: all)."""
    if akteur.is_admin:
        return Quartier.objects.all()
    return Quartier.objects.filter(pk__in=akteur.qm_quartier_ids)


def quartiere_list_for_staff(akteur):
    """``quartiere_for_staff`` as a list; QM staff's areas are known already (no query)."""
    if akteur.is_admin:
        return list(Quartier.objects.all())
    return list(akteur.qm_quartiere)


def aktionsfonds_for_staff(akteur):
    """The funds of the areas an akteur may work on as staff (admins: all)."""
    if akteur.is_admin:
        return Aktionsfonds.objects.all()
    return Aktionsfonds.objects.filter(quartier_id__in=akteur.qm_quartier_ids)


def antraege_for_staff(akteur, *, jahr=None, status=None, suche=""):
    """Anträge visible to QM staff / admin, with what a list needs in one query."""
    fonds = aktionsfonds_for_staff(akteur)
    if jahr:
        fonds = fonds.filter(jahr=jahr)
    return antraege_in_fonds(fonds.values("pk"), status=status, suche=suche)


def antraege_in_fonds(fonds_ids, *, status=None, suche=""):
    """The submitted Anträge of the funds ``fonds_ids`` (chosen by who may see them: a list of
    ids, or a queryset of them), newest first, with what a list needs in one query.

    With a list of ids the database reads a page of the newest straight from the index and counts
    by status from the index alone, however many Anträge an area has.
    """
    qs = (
        Antrag.objects.filter(fonds_id__in=fonds_ids)
        .exclude(status=AntragStatus.DRAFT)
        .select_related("fonds__quartier")
    )
    if status:
        qs = qs.filter(status=status)
    if suche:
        qs = qs.filter(
            Q(referenz__icontains=suche)
            | Q(titel__icontains=suche)
            | Q(antragsteller_name__icontains=suche)
            | Q(organisation__icontains=suche)
        )
    return qs.order_by("-eingereicht_am", "-pk")


def current_fonds(quartier, today):
    """The fund of ``quartier`` for the year of ``today`` (Europe/Berlin), or None."""
    return Aktionsfonds.objects.filter(quartier=quartier, jahr=today.year).first()


def antrag_for_detail(pk):
    """The Antrag with what QM's detail page shows: cost lines with their category, attachments,
    the timeline with its actors (one query each)."""
    return (
        Antrag.objects.select_related("fonds__quartier")
        .prefetch_related(
            Prefetch(
                "kostenpositionen", queryset=Kostenposition.objects.select_related("kategorie")
            ),
            "anhaenge",
            Prefetch("statuswechsel", queryset=Statuswechsel.objects.select_related("akteur")),
        )
        .get(pk=pk)
    )


def kosten_summen(antrag, positionen):
    """``(total, eligible)`` of the cost lines: eligible are those in a fundable category of the
    Antrag's own area."""
    gesamt = sum((p.betrag for p in positionen), ZERO)
    foerderfaehig = sum(
        (
            p.betrag
            for p in positionen
            if p.kategorie.foerderfaehig and p.kategorie.quartier_id == antrag.fonds.quartier_id
        ),
        ZERO,
    )
    return gesamt, foerderfaehig
