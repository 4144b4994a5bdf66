"""Cost bounded by what a page shows or a job has due (issue 22): look-ups through their index."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from antraege.antrag.selectors import antraege_mit_email
from antraege.dokumente.selectors import dokumente_missing
from antraege.factories import AntragFactory, HandlungsfeldFactory
from antraege.fonds.selectors.fondsbild import bewilligungen_je_monat, handlungsfelder_bericht
from antraege.geld.selectors.abrechnung import aktionsfonds_bericht
from antraege.models import Antrag, Dokument
from workflow.wege import antrag_walk_to

from .abrechnung_helpers import approved

pytestmark = pytest.mark.django_db


def _plan(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # a handful of rows: without this the planner rightly prefers to read the table
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return " ".join(str(row) for row in cursor.fetchall())


def test_applicant_address_is_found_whatever_its_case_through_its_index(fonds):
    gross = AntragFactory(fonds=fonds, antragsteller_email="Aylin.Demir@Example.org")
    AntragFactory(fonds=fonds, antragsteller_email="jonas@example.org")

    found = antraege_mit_email("  aylin.DEMIR@example.ORG ")

    assert list(found) == [gross]
    assert "antrag_email_lower" in _plan(found)


def test_lost_letters_are_looked_for_among_the_last_months_decisions_only(fonds, qm_user):
    neu = antrag_walk_to(AntragFactory(fonds=fonds), "rejected", qm_user=qm_user)
    alt = antrag_walk_to(AntragFactory(fonds=fonds), "rejected", qm_user=qm_user)
    Dokument.objects.filter(antrag__in=[neu, alt]).delete()  # both letters lost
    # a decision of two months ago, written by hand: a walk decides today
    Antrag.objects.filter(pk=alt.pk).update(
        entschieden_am=timezone.now() - datetime.timedelta(days=60)
    )

    missing = dokumente_missing(older_than=datetime.timedelta(0))

    assert (neu.pk, Dokument.Art.ABLEHNUNG) in missing
    assert alt.pk not in {pk for pk, _art in missing}
    recent = Antrag.objects.filter(entschieden_am__gte=timezone.now()).order_by()
    assert "antrag_entschieden" in _plan(recent)


def test_the_letters_sweep_reads_each_kind_of_event_of_the_month_through_its_index():
    """Agreements, payout orders, releases, claims and reminders are found by their time, each
    through an index of its own, and rejections by status and day: not every event of all years
    (the tables had no index on their time)."""
    with CaptureQueriesContext(connection) as captured:
        dokumente_missing()
    statements = [(q["sql"], _plan_sql(q["sql"])) for q in captured.captured_queries]
    plans = [plan for _sql, plan in statements]

    for index in (
        "anordnung_art_erstellt",
        "auszahlung_freigegeben",
        "vereinbarung_erfasst",
        "rueckforderung_erstellt",
        "rueckforderung_gemahnt",
    ):
        assert any(index in plan for plan in plans), index
    # rejections and ineligibility by their day, through the index on status and day or the one
    # on the day (the planner's toss-up on a near empty table), never every decision of all years
    for status in ("rejected", "ineligible"):
        (plan,) = [plan for sql, plan in statements if f"'{status}'" in sql]
        assert "antrag_status_entschieden" in plan or "antrag_entschieden" in plan, plan
        assert re.search(r"entschieden_am ?>", plan), plan  # the month bounds the index walk


def test_the_minutes_sweep_reads_closed_votes_and_meetings_without_minutes_by_index():
    from jury.abstimmungen.models import Abstimmung, AbstimmungStatus
    from jury.sitzungen.models import Sitzung, SitzungStatus

    abstimmungen = Abstimmung.objects.filter(status=AbstimmungStatus.GESCHLOSSEN, protokoll="")
    sitzungen = Sitzung.objects.filter(status=SitzungStatus.GESCHLOSSEN, protokoll="")

    assert "abstimmung_ohne_protokoll" in _plan(abstimmungen.order_by())
    assert "sitzung_ohne_protokoll" in _plan(sitzungen.order_by())


def test_the_fund_report_sums_in_sql_and_sends_no_list_of_ids(fonds, qm_user):
    """The report's figures per field of action, month and cost category are SQL aggregates over
    the fund's rows (found by a sub-select, not by a list of ids from Python): the same statements
    for one funded Antrag as for three."""
    feld = HandlungsfeldFactory()

    def statements():
        with CaptureQueriesContext(connection) as captured:
            handlungsfelder_bericht(fonds)
            bewilligungen_je_monat(fonds)
            bericht = aktionsfonds_bericht(fonds)
        return [q["sql"] for q in captured.captured_queries], bericht

    approved(AntragFactory(fonds=fonds, handlungsfelder=[feld]), qm_user)
    eins, _bericht = statements()
    for _i in range(2):
        approved(AntragFactory(fonds=fonds, handlungsfelder=[feld]), qm_user)
    drei, bericht = statements()

    assert drei == eins and len(drei) == 7  # fields 2, months 1, report 4
    assert bericht.anzahl == 3
    assert bericht.kategorien  # the cost lines of the three, per category


def _plan_sql(sql, *, geordnet=False):
    """The plan of ``sql``; ``geordnet``: a statement whose index is to give its order (with a
    sort of a few rows as cheap as walking it, the planner chose either after other tests'
    ANALYZE: sorting is ruled out, so the index is taken where it fits the statement)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # statistics of what this test wrote, not of what autovacuum last saw of earlier
            # tests' rows (with those, the planner's choice between two fitting indexes varied)
            cursor.execute("ANALYZE")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"SET LOCAL enable_sort = {'off' if geordnet else 'on'}")
            cursor.execute(f"EXPLAIN {sql}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return " ".join(str(row) for row in cursor.fetchall())


def test_retention_reads_what_is_due_through_its_indexes(fonds, qm_user):
    """The daily job finds the Anträge to anonymise by the stored start of their period and the
    abandoned drafts by their last change, each through a partial index: not every ended Antrag
    of ten years (nor every draft) is read to find the few that are due."""
    from antraege.datenschutz.aufbewahrung import aufbewahrung_faellig

    antrag_walk_to(AntragFactory(fonds=fonds), "rejected", qm_user=qm_user)
    AntragFactory(fonds=fonds)  # a draft

    with CaptureQueriesContext(connection) as captured:
        aufbewahrung_faellig()
    statements = {
        name: next(q["sql"] for q in captured.captured_queries if marker in q["sql"])
        for name, marker in (("anonymisieren", "aufbewahrung_regel"), ("entwuerfe", "'draft'"))
    }

    # drafts, Anträge to anonymise, the audit log, the SEPA files' XML past their period, e-mails
    assert len(captured.captured_queries) == 5
    assert "antrag_aufbewahrung" in _plan_sql(statements["anonymisieren"])
    if connection.vendor == "postgresql":  # SQLite picks the index on status for a few rows
        assert "antrag_entwurf_geaendert" in _plan_sql(statements["entwuerfe"], geordnet=True)


def test_retention_reads_the_sent_mails_still_to_empty_not_those_kept_for_their_key(settings):
    """An e-mail with a dedupe key stays after its period, emptied, for ever: the job counts
    and empties the sent rows not yet emptied through the partial index on them, not every
    emptied row of all years."""
    from antraege.datenschutz.aufbewahrung import aufbewahrung_enforce, aufbewahrung_faellig
    from antraege.models import Benachrichtigung

    alt = timezone.now() - datetime.timedelta(days=settings.AUFBEWAHRUNG_TAGE_BENACHRICHTIGUNG + 1)
    geleert = Benachrichtigung.objects.create(art="x", dedupe_key="einmal:1")
    brief = Benachrichtigung.objects.create(art="x", kanal="post", dedupe_key="einmal:2")
    mail = Benachrichtigung.objects.create(art="x", empfaenger="a@example.org", dedupe_key="e:3")
    Benachrichtigung.objects.filter(pk=brief.pk).update(gesendet_am=alt, betreff="Ihr Brief")
    Benachrichtigung.objects.filter(pk__in=[geleert.pk, mail.pk]).update(gesendet_am=alt)

    with CaptureQueriesContext(connection) as captured:
        faellig = aufbewahrung_faellig()
    (count,) = [q["sql"] for q in captured.captured_queries if "benachrichtigung" in q["sql"]]

    assert faellig.benachrichtigungen == 2  # the letter by post and the e-mail, not the emptied
    assert "benachrichtigung_ungeleert" in _plan_sql(count)
    aufbewahrung_enforce()
    assert not Benachrichtigung.objects.filter(Benachrichtigung.NICHT_GELEERT).exists()
    assert Benachrichtigung.objects.count() == 3  # each kept for its key
    assert aufbewahrung_faellig().benachrichtigungen == 0


def test_retention_reads_the_sepa_files_still_holding_their_xml_by_their_index():
    """An emptied SEPA file stays for ever (the orders point to it): the job reads the files that
    still hold their XML by booking day through a partial index, not every emptied one."""
    from antraege.datenschutz.aufbewahrung import aufbewahrung_faellig

    with CaptureQueriesContext(connection) as captured:
        aufbewahrung_faellig()
    (sepa,) = [q["sql"] for q in captured.captured_queries if "sepadatei" in q["sql"]]

    assert "sepadatei_mit_inhalt" in _plan_sql(sepa)


def test_the_drafts_of_an_address_are_counted_whatever_its_case_through_its_index(fonds, settings):
    from antraege.antrag.services.antrag import AntragRefused, entwuerfe_check

    settings.ENTWURF_MAX_PRO_ADRESSE = 1
    AntragFactory(fonds=fonds, antragsteller_email="Aylin.Demir@Example.org")  # a draft

    with CaptureQueriesContext(connection) as captured, pytest.raises(AntragRefused) as refused:
        entwuerfe_check(" aylin.DEMIR@example.ORG")

    assert refused.value.code == "too_many_drafts"
    (count,) = [q["sql"] for q in captured.captured_queries]
    # the expression of the index antrag_email_lower (``iexact`` is UPPER(…) or LIKE: no index)
    assert 'LOWER("antraege_antrag"."antragsteller_email")' in count
    if connection.vendor == "sqlite":  # PostgreSQL may read the few drafts by their own index
        assert "antrag_email_lower" in _plan_sql(count)


def test_a_members_votes_are_found_by_their_seats_not_among_every_members(quartier, qm_user):
    """A member's jury home reads their own seats (and those they hold as a deputy) through the
    indexes on member and deputy: an OR over two joins to the members read every seat of every
    member of every area."""
    from jury.abstimmungen.selectors import abstimmungen_for_mitglied
    from jury.factories import jury_fuer

    mitglied, *_andere = jury_fuer(quartier, 3)

    _offen, geschlossen = abstimmungen_for_mitglied(mitglied.user)

    assert '"jury_jurymitglied"' not in str(geschlossen.query)  # no join to the members
    if connection.vendor == "sqlite":  # PostgreSQL plans empty tables from the votes' side
        plan = _plan(geschlossen.order_by())
        assert "stimmberechtigung_mitglied_id" in plan


def test_the_fund_report_page_reads_its_stored_figures_not_the_funds_antraege(
    client, staff_login, fonds, qm_user
):
    """The page's counts, months, fields and cost categories come from the fund's stored figures
    (one row, recomputed by the worker), its money from the fund row: the same statements for one
    funded Antrag as for three, no aggregate, and the fund's Anträge read only a page at a time."""
    feld = HandlungsfeldFactory()
    approved(AntragFactory(fonds=fonds, handlungsfelder=[feld]), qm_user)
    staff_login(client, qm_user)
    url = reverse("qm:fonds_bericht", args=[fonds.pk])
    client.get(url)  # the first view computes and stores the figures

    def statements():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return [q["sql"] for q in captured.captured_queries]

    eins = statements()
    for _i in range(2):
        approved(AntragFactory(fonds=fonds, handlungsfelder=[feld]), qm_user)
    drei = statements()

    assert len(drei) == len(eins)
    assert [sql for sql in drei if re.search(r"\b(SUM|COUNT|MAX|AVG)\(", sql, re.I)] == []
    antraege = [sql for sql in drei if re.search(r'FROM "antraege_antrag"', sql)]
    assert antraege and all(re.search(r"\bLIMIT \d+", sql) for sql in antraege)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL plan")
def test_a_page_of_the_fund_report_or_public_list_walks_the_index_in_its_order(fonds, qm_user):
    """The ids of a page (``seite_ueber_ids``) come from the index on fund and reference of the
    Anträge these lists may show, in the list's order: the walk stops after the page, never a
    sort of the fund's rows (the filter must stay one the index's condition covers)."""
    from antraege.fonds.selectors.veroeffentlichung import gefoerderte_auswahl
    from antraege.geld.selectors.abrechnung import bericht_auswahl

    approved(AntragFactory(fonds=fonds), qm_user)
    ids = {
        "fund report": bericht_auswahl(fonds).values("pk")[50:100],
        "public list": gefoerderte_auswahl()
        .filter(fonds_id=fonds.pk)
        .order_by("referenz", "pk")
        .values("pk")[50:100],
    }
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")  # a sort shows even so when it is needed
    for name, queryset in ids.items():
        plan = _plan(queryset)
        assert "antrag_foerderung_referenz" in plan and "Sort" not in plan, (name, plan)


def test_qm_reads_the_open_votes_of_their_areas_by_their_index_not_the_areas_antraege(
    fonds, qm_user, qm_other_user, anderes_quartier
):
    """A vote keeps its area (copied from its Antrag's fund when it opens): QM's progress reads the
    open votes of their areas from the index on area, not every Antrag of their areas over the
    years joined to the open votes of every area."""
    from decimal import Decimal

    from antraege.factories import AktionsfondsFactory
    from antraege.roles import Akteur
    from jury.abstimmungen import selectors, services
    from jury.factories import antrag_zur_jury, jury_fuer

    jury_fuer(fonds.quartier, 3)
    jury_fuer(anderes_quartier, 3)
    anderer_fonds = AktionsfondsFactory(quartier=anderes_quartier)
    eigene = services.abstimmung_open(
        antrag_zur_jury(AntragFactory(fonds=fonds, titel="Eigene"), qm_user),
        akteur=Akteur(qm_user),
        betrag=Decimal("10"),
    )
    andere = services.abstimmung_open(
        antrag_zur_jury(AntragFactory(fonds=anderer_fonds, titel="Andere"), qm_other_user),
        akteur=Akteur(qm_other_user),
        betrag=Decimal("10"),
    )
    assert (eigene.quartier_id, andere.quartier_id) == (fonds.quartier_id, anderes_quartier.pk)

    with CaptureQueriesContext(connection) as captured:
        fortschritte = selectors.abstimmungen_progress_for_staff(Akteur(qm_user))

    assert [f.titel for f in fortschritte] == ["Eigene"]
    [zeilen] = [
        q["sql"] for q in captured.captured_queries if '"jury_stimmberechtigung"' in q["sql"]
    ]
    # the area is the vote's (the partial index ``abstimmung_offen_quartier``), no join to the funds
    assert '"jury_abstimmung"."quartier_id" IN' in zeilen
    assert '"antraege_aktionsfonds"' not in zeilen
    if connection.vendor == "sqlite":  # PostgreSQL may read a table of three votes whole
        assert "abstimmung_offen_quartier" in _plan_sql(zeilen)


def test_the_public_list_reads_its_filters_years_and_areas_as_one_stored_row(client, fonds):
    """The filter's years and areas come from their stored row (``Veroeffentlichungsfilter``): one
    statement reading that one row whatever the areas and years (PostgreSQL: one row read), none
    over the funds for them; the page shows every area and year."""
    import json

    from antraege.factories import AktionsfondsFactory, QuartierFactory

    for nummer in range(6):
        quartier = QuartierFactory(code=f"V{nummer}", name=f"Viertel {nummer}")
        for jahr in (fonds.jahr, fonds.jahr - 1, fonds.jahr - 2):
            AktionsfondsFactory(quartier=quartier, jahr=jahr)
    url = reverse("gefoerderte")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"jahr": fonds.jahr, "quartier": "V3"})
    statements = [q["sql"] for q in captured.captured_queries]

    filter_rows = [sql for sql in statements if "antraege_veroeffentlichungsfilter" in sql]
    assert len(filter_rows) == 1 and "WHERE" not in filter_rows[0]
    assert not [sql for sql in statements if "RECURSIVE" in sql.upper()]
    assert response.content.decode().count('<option value="V') == 6
    assert response.context["kriterien"]["quartier"].code == "V3"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + filter_rows[0])
            (plan,) = cursor.fetchone()
        plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
        assert (plan["Node Type"], plan["Actual Rows"], plan.get("Plans")) == ("Seq Scan", 1, None)
