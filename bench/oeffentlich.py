"""Benchmark: the public list of funded actions as open data (JSON) for all of Berlin vs. one raw query.

    .venv/bin/python bench/oeffentlich.py [--areas 32] [--per-area 25] [--rounds 30]

Runs against a throwaway SQLite database (unless BENCH_USE_CONFIGURED_DB=1), creates ``areas`` ×
``per-area`` funded Anträge with one or two fields of action each (the programme's scale: several
hundred a year), then alternately measures
1. product: ``GET /gefoerderte-projekte.json?jahr=…`` through Django's test client — URL routing,
   filter form, the selector (two queries), the consent rule, JSON — median ms per request;
2. floor: one ``values_list`` query of the same public columns plus ``json.dumps`` (no fields of
   action, no filter, no view) — median ms;
and prints both and ``ratio: X`` (product / floor). The floor is a bare lower bound (no join for the
area names, no order, no fields of action, no request). Goal: ratio ≤ 6. Measured 2026-12-01 on the
shared 2-core machine: first version (model instances, prefetch) 414 ms / 14 ms = 29; now plain
values and one query for the links, about 57–71 ms / 11–14 ms = 5–5.6.
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import django_local  # noqa: E402


def demo_antraege(areas, per_area):
    """Funded Anträge (approved, no moves: no tasks) in ``areas`` areas of one year."""
    from decimal import Decimal

    from antraege.factories import AktionsfondsFactory, AntragFactory, QuartierFactory
    from antraege.models import AntragStatus, Handlungsfeld

    felder = list(Handlungsfeld.objects.all())
    jahr = None
    for a in range(areas):
        fonds = AktionsfondsFactory(quartier=QuartierFactory(code=f"B{a:02d}"))
        jahr = fonds.jahr
        for n in range(per_area):
            antrag = AntragFactory(
                fonds=fonds,
                organisation="Hofgemeinschaft e. V." if n % 3 == 0 else "",
                vorname_veroeffentlichen=n % 2 == 0,
                handlungsfelder=[felder[n % len(felder)], felder[(n + a) % len(felder)]],
            )
            antrag.status = AntragStatus.APPROVED
            antrag.referenz = f"AF-{fonds.jahr}-B{a:02d}-{n + 1:03d}"
            antrag.betrag_bewilligt = antrag.betrag_reserviert = Decimal("250.00")
            antrag.save()
    return jahr


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--areas", type=int, default=32)
    parser.add_argument("--per-area", type=int, default=25)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="aktionsfonds-bench-") as workdir:
        django_local(workdir)
        from django.test import Client

        from antraege.models import GEFOERDERT_STATES, Antrag

        jahr = demo_antraege(args.areas, args.per_area)
        client = Client(HTTP_HOST="localhost")
        url = "/gefoerderte-projekte.json"
        expected = args.areas * args.per_area

        def product():
            response = client.get(url, {"jahr": jahr})
            assert response.status_code == 200
            return len(json.loads(response.content)["projekte"])

        def floor():
            rows = list(
                Antrag.objects.filter(status__in=GEFOERDERT_STATES, fonds__jahr=jahr).values_list(
                    "referenz", "titel", "organisation", "betrag_bewilligt", "status"
                )
            )
            json.dumps([[str(value) for value in row] for row in rows])
            return len(rows)

        assert product() == floor() == expected  # warm-up, and both see every row
        timings = {"product": [], "floor": []}
        for index in range(args.rounds):
            order = (product, floor) if index % 2 == 0 else (floor, product)
            for step in order:
                start = time.perf_counter()
                step()
                timings[step.__name__].append(time.perf_counter() - start)

    product_ms = statistics.median(timings["product"]) * 1000
    floor_ms = statistics.median(timings["floor"]) * 1000
    print(f"funded Anträge on the list: {expected} ({args.areas} areas × {args.per_area})")
    print(f"product (GET JSON: view, filter, selector, consent rule): median {product_ms:.1f} ms")
    print(f"floor (one values_list query + json.dumps): median {floor_ms:.1f} ms")
    print(f"ratio: {product_ms / floor_ms:.2f}")


if __name__ == "__main__":
    main()
