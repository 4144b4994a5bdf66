"""Cost bounded by what a page shows or a job has due (issue 22): look-ups through their index."""

import pytest
from django.db import connection

from antraege.antrag.selectors import antraege_mit_email
from antraege.factories import AntragFactory

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
