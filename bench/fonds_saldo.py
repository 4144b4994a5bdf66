"""Benchmark: reading a fund's balance, and the fund report page, as the fund fills up.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/fonds_saldo.py \
        [--klein 20] [--gross 2000] [--runden 3] [--bericht 100,10000]

PostgreSQL only (rows read come from ``EXPLAIN (ANALYZE, FORMAT JSON)``): creates a throwaway
database ``bench_fonds_saldo`` next to the one in DATABASE_URL and drops it at the end. Two funds
of one area are seeded, one with ``--klein`` and one with ``--gross`` approved Anträge, each
reservation booked through the ledger's writer (``buchung_book``). Alternating between the two
funds, each round measures:

- ``aktionsfonds_saldo`` (the ledger: the fund row's running totals) — queries and rows read;
- for comparison, the SUM over the fund's Anträge it replaces (``antraege_summen``);
- with ``--bericht``: the fund report page (50 projects shown) at those sizes, queries and rows.

Rows read = the sum over every SELECT's plan nodes that read a relation (scans) of actual rows ×
loops. Goal: the balance read is constant in queries and rows whatever the size of the fund.
"""

import argparse
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCANS = ("Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan")


def setup_django():
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench/fonds_saldo.py needs DATABASE_URL=postgres://… (rows read from EXPLAIN)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aktionsfonds.settings")
    os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_hex(32))
    os.environ["CELERY_BROKER_URL"] = "memory://"
    os.environ["CELERY_SKIP_CHECKS"] = "1"
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.DATABASES["default"]["TEST"]["NAME"] = "bench_fonds_saldo"
    settings.ALLOWED_HOSTS = ["*"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)


def rows_read(sql, params):
    """Rows the plan of one SELECT read from relations (actual rows × loops of its scans)."""
    import json

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan

    def walk(node):
        own = node["Actual Rows"] * node["Actual Loops"] if node["Node Type"] in SCANS else 0
        return own + sum(walk(child) for child in node.get("Plans", ()))

    return walk(plan[0]["Plan"])


def messen(fn):
    """``(queries, rows read, seconds)`` of one call of ``fn``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        fn()
        dauer = time.perf_counter() - start
    selects = [
        q["sql"] for q in captured.captured_queries if q["sql"].lstrip().startswith("SELECT")
    ]
    return len(captured.captured_queries), sum(rows_read(sql, None) for sql in selects), dauer


def fonds_fuellen(quartier, jahr, anzahl):
    """A fund with ``anzahl`` approved Anträge of 100 €, each reservation booked."""
    from decimal import Decimal

    from django.db import transaction

    from antraege.factories import AktionsfondsFactory, AntragFactory
    from antraege.geld.buchungen.services import buchung_book
    from antraege.models import Antrag, AntragStatus, Buchung

    fonds = AktionsfondsFactory(quartier=quartier, jahr=jahr, budget=Decimal("10000000.00"))
    # bulk rows written by hand (no walk makes thousands in a benchmark's time), booked as the
    # approval books them
    antraege = Antrag.objects.bulk_create(
        [
            AntragFactory.build(
                fonds=fonds,
                status=AntragStatus.APPROVED,
                referenz=f"AF-{jahr}-BEN-{n:05d}",
                titel=f"Projekt {n}",
                betrag_bewilligt=Decimal("100.00"),
                betrag_reserviert=Decimal("100.00"),
            )
            for n in range(anzahl)
        ],
        batch_size=1000,
    )
    with transaction.atomic():
        for antrag in antraege:
            buchung_book(fonds.pk, Buchung.Art.RESERVIERUNG, Decimal("100.00"), antrag=antrag)
    return fonds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--klein", type=int, default=20)
    parser.add_argument("--gross", type=int, default=2000)
    parser.add_argument("--runden", type=int, default=3)
    parser.add_argument("--bericht", default="", help="sizes for the report page, e.g. 100,10000")
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    try:
        ergebnis(args)
    finally:
        connection.creation.destroy_test_db("bench_fonds_saldo", verbosity=0)


def ergebnis(args):
    from django.db import connection

    from antraege.antrag.selectors import aktionsfonds_saldo, antraege_summen
    from antraege.factories import QuartierFactory
    from antraege.models import Aktionsfonds

    quartier = QuartierFactory(name="Bench-Kiez", code="BEN")
    funds = {
        args.klein: fonds_fuellen(quartier, 2030, args.klein),
        args.gross: fonds_fuellen(quartier, 2031, args.gross),
    }
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    werte = {(n, pfad): [] for n in funds for pfad in ("saldo", "summe")}
    for _runde in range(args.runden):
        for n, fonds in funds.items():  # alternating: small, big, small, big …
            fonds = Aktionsfonds.objects.get(pk=fonds.pk)
            werte[n, "saldo"].append(messen(lambda f=fonds: aktionsfonds_saldo(f)))
            werte[n, "summe"].append(messen(lambda f=fonds: antraege_summen([f.pk])))
    for pfad, name in (("saldo", "fund balance (ledger)"), ("summe", "SUM over the Anträge")):
        for n in funds:
            q, r, t = zip(*werte[n, pfad], strict=True)
            print(
                f"{name:24} N={n:>6}: queries {max(q)}, rows read {max(r)}, "
                f"median {statistics.median(t) * 1000:.2f} ms"
            )
    if args.bericht:
        bericht(quartier, [int(n) for n in args.bericht.split(",")], args.runden)


def bericht(quartier, groessen, runden):
    """The fund report page (page 1 of the projects) at each size: queries and rows read."""
    from django.test import Client
    from django.urls import reverse
    from django_otp import DEVICE_ID_SESSION_KEY

    from antraege.factories import UserFactory

    qm = UserFactory(username="qm-bench-bericht")
    quartier.qm_staff.add(qm)
    client = Client()
    client.force_login(qm)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = _otp_device(qm)
    session.save()
    for i, n in enumerate(groessen):
        fonds = fonds_fuellen(quartier, 2040 + i, n)
        url = reverse("qm:fonds_bericht", args=[fonds.pk])
        assert client.get(url).status_code == 200
        messungen = [messen(lambda u=url: client.get(u)) for _ in range(runden)]
        q, r, t = zip(*messungen, strict=True)
        print(
            f"{'fund report page':24} N={n:>6}: queries {max(q)}, rows read {max(r)}, "
            f"median {statistics.median(t) * 1000:.0f} ms"
        )


def _otp_device(user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    return device.persistent_id


if __name__ == "__main__":
    main()
