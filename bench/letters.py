"""Benchmark: approval letters through the product's own path vs. WeasyPrint alone.

    .venv/bin/python bench/letters.py [--n 100]

Runs against a throwaway SQLite database and media folder (unless BENCH_USE_CONFIGURED_DB=1, then
the configured database), creates demo Anträge, then
1. product: ``letters.dokument_produce`` per Antrag — load the Antrag, render the template,
   WeasyPrint (PDF/UA), store the file and its row — median ms per letter;
2. floor: ``pdf.html_to_pdf`` alone on the same, already rendered HTML — median ms per letter;
and prints both and ``ratio: X`` (product / floor). Goal: ratio ≤ 1.3.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import django_local  # noqa: E402


def demo_antraege(n):
    """``n`` approved Anträge of one area, as the decision leaves them (no moves: no tasks)."""
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from antraege.factories import (
        AktionsfondsFactory,
        AntragFactory,
        KostenkategorieFactory,
        QuartierFactory,
    )
    from antraege.models import AntragStatus

    quartier = QuartierFactory(name="Bench-Kiez", code="BEN")
    KostenkategorieFactory(quartier=quartier, name="Sachkosten")
    KostenkategorieFactory(quartier=quartier, name="Honorare")
    fonds = AktionsfondsFactory(quartier=quartier, budget=Decimal("1000000.00"))
    antraege = []
    for number in range(1, n + 1):
        antrag = AntragFactory(fonds=fonds)
        antrag.status = AntragStatus.APPROVED
        antrag.referenz = f"AF-{fonds.jahr}-BEN-{number:03d}"
        antrag.betrag_bewilligt = antrag.betrag_reserviert = Decimal("250.00")
        antrag.auflagen = "Bitte Fotos nur mit Einwilligung der Abgebildeten."
        antrag.entschieden_am = antrag.eingereicht_am = timezone.now()
        antrag.abrechnungsfrist = antrag.ende + datetime.timedelta(weeks=4)
        antrag.save()
        antraege.append(antrag.pk)
    return antraege


def median_ms(samples):
    return statistics.median(samples) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="aktionsfonds-bench-") as workdir:
        django_local(workdir)
        from antraege.dokumente import services as letters
        from antraege.dokumente.pdf import html_to_pdf
        from antraege.models import Antrag, Dokument

        art = Dokument.Art.BEWILLIGUNG
        ids = demo_antraege(args.n + 3)
        warmup, ids = ids[:3], ids[3:]
        for pk in warmup:  # fonts, templates, WeasyPrint's caches: same for both measurements
            letters.dokument_produce(pk, art)

        # Interleaved, so both see the same machine load (other processes share the 2 cores):
        # per Antrag, the floor on its already rendered HTML and the product path, in
        # alternating order.
        product, floor = [], []

        def time_product(pk):
            start = time.perf_counter()
            letters.dokument_produce(pk, art)
            product.append(time.perf_counter() - start)

        def time_floor(page):
            start = time.perf_counter()
            html_to_pdf(page)
            floor.append(time.perf_counter() - start)

        for index, pk in enumerate(ids):
            page = letters.dokument_html(Antrag.objects.get(pk=pk), art)
            if index % 2:
                time_floor(page)
                time_product(pk)
            else:
                time_product(pk)
                time_floor(page)
        assert Dokument.objects.filter(art=art).count() == len(ids) + len(warmup)

    product_ms, floor_ms = median_ms(product), median_ms(floor)
    print(f"letters: {len(ids)}")
    print(f"product (load, render, WeasyPrint, store): median {product_ms:.1f} ms per letter")
    print(f"floor (WeasyPrint alone, same HTML): median {floor_ms:.1f} ms per letter")
    print(f"ratio: {product_ms / floor_ms:.2f}")


if __name__ == "__main__":
    main()
