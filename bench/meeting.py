"""Benchmark: closing a jury meeting of 15 agenda items, through one real Celery worker.

    .venv/bin/python bench/meeting.py [--items 15] [--rounds 3] [--antraege 100]

Runs against a throwaway SQLite database and media folder (unless BENCH_USE_CONFIGURED_DB=1, then
the configured database), the in-memory broker and ONE in-process Celery worker (solo pool, the
project's own app and tasks). Each round, alternately:
1. floor: ``pdf.html_to_pdf`` alone on the rendered HTML of ``--items`` approval letters —
   ``items`` × the single-letter floor of ``bench/letters.py`` (median per letter × items);
2. product: ``sitzung_close`` on a held meeting whose ``--items`` items were all approved —
   from the call until the last decision e-mail, with its letter attached, is handed to the mail
   backend (every Antrag moved under the fund's lock, letters rendered and stored by the worker,
   outbox rows sent, the minutes PDF rendered on the same worker).
Prints both medians over the rounds, the ratio of each round (product / floor of the same round)
and ``ratio: X`` (median product / median floor). The floor is timed only while the worker is idle
(after the minutes of the round's meeting are stored). A second floor, reported beside it: the
same letters through ``html_to_pdf`` with the product's own render settings (the letters'
stylesheet parsed once, the cyclic garbage collector paused per letter: ``dokument_pdf``), so
the ratio can be read without what the product gains from those two. Goal (issue 22): ratio
≤ 1.3 with ``--antraege`` 100 and 10,000 Anträge of the area behind the meeting (a third each
submitted, approved with their money bound, paid), so the close is measured as the area's
history grows.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import django_local  # noqa: E402


def setup_django(workdir):
    """Django with the e-mails in ``mail.outbox`` and a queue of this run's own."""
    django_local(
        workdir,
        leise=("celery", "kombu", "jury", "antraege", "workflow"),
        CELERY_BROKER_URL="memory://",
        CELERY_QUEUE=f"bench-meeting-{uuid.uuid4().hex[:8]}",
        CELERY_SKIP_CHECKS="1",
    )
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core import mail

    mail.outbox = []


class Welt:
    """One area with a big fund, QM staff and a jury of seven."""

    def __init__(self):
        from decimal import Decimal

        from antraege.factories import (
            AktionsfondsFactory,
            KostenkategorieFactory,
            QuartierFactory,
            UserFactory,
        )
        from jury.factories import jury_fuer

        self.quartier = QuartierFactory(name="Bench-Kiez", code="BEN")
        KostenkategorieFactory(quartier=self.quartier, name="Sachkosten")
        self.fonds = AktionsfondsFactory(quartier=self.quartier, budget=Decimal("1000000.00"))
        self.qm = UserFactory(username="qm-bench")
        self.quartier.qm_staff.add(self.qm)
        self.jury = jury_fuer(self.quartier, 7)

    def geschichte(self, anzahl):
        """``anzahl`` Anträge of the area besides the meeting's: submitted, approved, paid."""
        from decimal import Decimal

        from django.utils import timezone

        from antraege.models import Antrag, AntragStatus
        from bench.harness import drafts_bulk

        _fonds, ids = drafts_bulk(anzahl, fonds=self.fonds)
        jetzt = timezone.now()
        for index, status in enumerate(
            (AntragStatus.SUBMITTED, AntragStatus.APPROVED, AntragStatus.PAID)
        ):
            Antrag.objects.filter(pk__in=ids[index::3]).update(
                status=status,
                eingereicht_am=jetzt,
                betrag_bewilligt=None if index == 0 else Decimal("100.00"),
            )

    def gehaltene_sitzung(self, items):
        """A held meeting with ``items`` Anträge, each approved by the jury (not yet applied)."""
        import datetime
        from decimal import Decimal

        from django.utils import timezone

        from antraege.factories import AntragFactory
        from antraege.roles import Akteur
        from jury.factories import antrag_zur_jury
        from jury.sitzungen import services

        for _ in range(items):
            antrag_zur_jury(
                AntragFactory(fonds=self.fonds, betrag_beantragt=Decimal("250.00")), self.qm
            )
        akteur = Akteur(self.qm)
        # today: attendance is taken on the meeting's day, not before (SitzungFlow's condition)
        datum = timezone.localdate()
        sitzung = services.sitzung_create(
            self.quartier,
            akteur=akteur,
            datum=datum,
            beginn=datetime.time(18, 30),
            ort="Bench",
            einreichungsfrist=datum,
        )
        sitzung = services.anwesenheit_record(
            sitzung, akteur=akteur, anwesende=[m.pk for m in self.jury], vertretungen={}
        )
        for punkt in sitzung.punkte.select_related("antrag").order_by("position"):
            services.top_decide(
                punkt,
                akteur=akteur,
                praesentiert=True,
                betrag=punkt.antrag.betrag_beantragt,
                auflagen="Bitte Fotos nur mit Einwilligung der Abgebildeten.",
                ja=6,
                nein=1,
                enthaltung=0,
            )
        assert sitzung.punkte.count() == items
        return sitzung


def warten_bis(predicate, *, timeout=120.0):
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("the worker did not finish in time")
        time.sleep(0.01)  # rarely: the worker thread needs the GIL for WeasyPrint
    return time.perf_counter()


def outbox_ruhig():
    """Every queued notification sent (the receipts of the set-up were mailed too)."""
    from antraege.models import Benachrichtigung

    return not Benachrichtigung.objects.filter(gesendet_am__isnull=True).exists()


def entscheidungen_gesendet(n):
    from django.core import mail

    def check():
        return (
            sum(
                1
                for m in mail.outbox
                if any(a[0].endswith("-bewilligung.pdf") for a in m.attachments)
            )
            >= n
        )

    return check


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--antraege", type=int, default=100)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="aktionsfonds-bench-") as workdir:
        setup_django(workdir)
        from celery.contrib.testing.worker import start_worker
        from django.core import mail
        from django.template.loader import render_to_string
        from django.utils import timezone, translation

        from aktionsfonds.celery import app
        from antraege.dokumente import services as letters
        from antraege.dokumente.pdf import html_to_pdf, sammler_pausiert, stylesheet
        from antraege.models import Antrag, Dokument
        from antraege.roles import Akteur
        from jury.sitzungen.models import Sitzung
        from jury.sitzungen.services import sitzung_close

        # The in-memory broker polls an empty queue once a second; Redis (production) hands a
        # message over at once. Poll every 20 ms so the bench measures the product, not the poll.
        app.conf.broker_transport_options = {"polling_interval": 0.02}
        welt = Welt()
        welt.geschichte(args.antraege)
        art = Dokument.Art.BEWILLIGUNG
        product, floor, floor_wie_produkt, phasen = [], [], [], []
        with start_worker(
            app,
            pool="solo",
            concurrency=1,
            perform_ping_check=False,
            loglevel="WARNING",
            queues=[os.environ["CELERY_QUEUE"]],
            shutdown_timeout=30,
        ):
            # warm-up: fonts, templates, WeasyPrint's caches for both measurements
            warm = welt.gehaltene_sitzung(2)
            sitzung_close(warm, akteur=Akteur(welt.qm))
            warten_bis(entscheidungen_gesendet(2))
            for round_ in range(args.rounds):
                sitzung = welt.gehaltene_sitzung(args.items)
                warten_bis(outbox_ruhig)
                mail.outbox.clear()

                def time_floor():
                    antraege = list(
                        Antrag.objects.filter(dokumente__art=art)
                        .select_related("fonds__quartier")
                        .order_by("-pk")[: args.items]
                    )
                    pages = [letters.dokument_html(a, art) for a in antraege]
                    samples = []
                    for page in pages:
                        start = time.perf_counter()
                        html_to_pdf(page)
                        samples.append(time.perf_counter() - start)
                    floor.append(statistics.median(samples) * args.items)
                    time_floor_wie_produkt(antraege)

                def time_floor_wie_produkt(antraege):
                    with translation.override("de"):
                        pages = [
                            render_to_string(
                                letters.TEMPLATES[art],
                                {**letters.dokument_context(a, art), "stil_geteilt": True},
                            )
                            for a in antraege
                        ]
                        stil = stylesheet(render_to_string(letters.BRIEF_STIL))
                    samples = []
                    for page in pages:
                        start = time.perf_counter()
                        with sammler_pausiert():
                            html_to_pdf(page, stylesheets=[stil])
                        samples.append(time.perf_counter() - start)
                    floor_wie_produkt.append(statistics.median(samples) * args.items)

                def time_product(sitzung=sitzung):
                    start = time.perf_counter()
                    wall = timezone.now()
                    sitzung_close(sitzung, akteur=Akteur(welt.qm))
                    closed = time.perf_counter()
                    end = warten_bis(entscheidungen_gesendet(args.items))
                    product.append(end - start)
                    phasen.append(
                        {
                            "close": closed - start,
                            "minutes_done": bool(Sitzung.objects.get(pk=sitzung.pk).protokoll),
                            "letters": (
                                Dokument.objects.filter(art=art).latest("erstellt_am").erstellt_am
                                - wall
                            ).total_seconds(),
                            "minutes": (
                                (
                                    Sitzung.objects.get(pk=sitzung.pk).protokoll_erstellt_am - wall
                                ).total_seconds()
                                if Sitzung.objects.get(pk=sitzung.pk).protokoll_erstellt_am
                                else None
                            ),
                        }
                    )

                def minutes_done(sitzung=sitzung):
                    # the worker's work after the last e-mail (the minutes PDF) is done before
                    # the floor runs: the floor is never timed beside the worker's render
                    warten_bis(lambda s=sitzung: bool(Sitzung.objects.get(pk=s.pk).protokoll))

                if round_ % 2:
                    time_floor()
                    time_product()
                    minutes_done()
                else:
                    time_product()
                    minutes_done()
                    time_floor()
            gesendet = sum(1 for m in mail.outbox if m.attachments)

    product_s, floor_s = statistics.median(product), statistics.median(floor)
    print(
        f"meeting items: {args.items}, rounds: {args.rounds}, worker: 1 (solo pool), "
        f"{args.antraege:,} Anträge in the area besides"
    )
    print(f"decision e-mails with letter in the last round: {gesendet}")
    print(
        f"product (close meeting → last decision e-mail with letter handed to the mail backend): "
        f"median {product_s * 1000:.0f} ms  (rounds: {', '.join(f'{p * 1000:.0f}' for p in product)})"
    )
    print(
        f"floor ({args.items} × WeasyPrint alone per letter): median {floor_s * 1000:.0f} ms  "
        f"(rounds: {', '.join(f'{f * 1000:.0f}' for f in floor)})"
    )
    print(
        "of which closing in the web request (15 moves, one transaction): "
        + ", ".join(f"{p['close'] * 1000:.0f} ms" for p in phasen)
        + "; minutes PDF already rendered when the last e-mail left: "
        + ", ".join("yes" if p["minutes_done"] else "no" for p in phasen)
    )
    print(
        "last letter stored after: "
        + ", ".join(f"{p['letters'] * 1000:.0f} ms" for p in phasen)
        + "; minutes stored after: "
        + ", ".join(
            f"{p['minutes'] * 1000:.0f} ms" if p["minutes"] else "the last e-mail" for p in phasen
        )
    )
    ratios = [p / f for p, f in zip(product, floor, strict=True)]
    print(
        f"ratio per round: {', '.join(f'{r:.2f}' for r in ratios)} "
        f"(median {statistics.median(ratios):.2f})"
    )
    wie_produkt_s = statistics.median(floor_wie_produkt)
    print(
        f"second floor (the same letters with the product's render settings: stylesheet parsed "
        f"once, collector paused): median {wie_produkt_s * 1000:.0f} ms; ratio against it: "
        f"{product_s / wie_produkt_s:.2f}"
    )
    print(f"ratio: {product_s / floor_s:.2f}")


if __name__ == "__main__":
    main()
