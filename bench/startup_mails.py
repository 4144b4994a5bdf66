"""How long a person's first real e-mail waits right after `make run` (demo data just loaded).

Each run starts from an empty folder (SQLite + the file broker, as `make run` without Redis):
migrate, then either load the demo data ("demo") or not ("floor"), start a Celery worker exactly
as bin/run-dev does, and as soon as it is ready submit one Antrag. Measured: the time from the
submission's commit to the moment its receipt e-mail is sent (outbox ``erstellt_am`` →
``gesendet_am``). Product and floor alternate in one run, so the machine's noise hits both.

    .venv/bin/python bench/startup_mails.py [--runs 3] [--project DIR]

``--project`` measures another checkout (e.g. an export of an older main) with this venv.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
DROP = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_QUEUE", "EMAIL_HOST")

SUBMIT = """
from antraege.factories import AktionsfondsFactory, AntragFactory, QuartierFactory
from antraege.models import Benachrichtigung
from antraege.roles import Akteur
from workflow.moves import antrag_move
q = QuartierFactory(code="BEN", name="Bench-Kiez")
f = AktionsfondsFactory(quartier=q)
a = AntragFactory(fonds=f, antragsteller_email="erste-person@example.org")
antrag_move(a, "submit", akteur=Akteur(None, antrag_ids=[a.pk]))
print(Benachrichtigung.objects.get(antrag=a, art="antrag_eingegangen").pk)
"""

SENT = """
from antraege.models import Benachrichtigung
r = Benachrichtigung.objects.get(pk={pk})
print("" if r.gesendet_am is None else (r.gesendet_am - r.erstellt_am).total_seconds())
"""

UNSENT = """
from antraege.models import Benachrichtigung
print(Benachrichtigung.objects.filter(gesendet_am__isnull=True).count())
"""

BACKLOG = """
from antraege.models import Benachrichtigung
print(Benachrichtigung.objects.count())
"""


def manage(project, env, *args, capture=True):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=project,
        env=env,
        check=True,
        capture_output=capture,
        text=True,
    )
    return result.stdout.strip()


def one_run(project, mode):
    with tempfile.TemporaryDirectory(prefix="bench-mails-") as var:
        env = {k: v for k, v in os.environ.items() if k not in DROP}
        env.update(AKTIONSFONDS_VAR_DIR=var, DEBUG="1", CELERY_SKIP_CHECKS="1")
        manage(project, env, "migrate", "--noinput", "-v", "0")
        if mode == "demo":
            manage(project, env, "demo_data")
        backlog = int(manage(project, env, "shell", "-v", "0", "-c", BACKLOG).splitlines()[-1])
        log = Path(var) / "worker.log"
        worker = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "celery"),
                "-A",
                "aktionsfonds",
                "worker",
                "--loglevel=INFO",
                "--concurrency=2",
            ],
            cwd=project,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 60
            while "ready" not in log.read_text(errors="replace"):
                if time.monotonic() > deadline:
                    raise RuntimeError("worker did not start")
                time.sleep(0.1)
            ready = time.monotonic()
            pk = int(manage(project, env, "shell", "-v", "0", "-c", SUBMIT).splitlines()[-1])
            deadline = time.monotonic() + 120
            while True:
                waited = manage(
                    project, env, "shell", "-v", "0", "-c", SENT.format(pk=pk)
                ).splitlines()[-1:]
                waited = waited[0] if waited else ""
                if waited:
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError("e-mail not sent within 120 s")
                time.sleep(0.2)
            # ... and the demo data's e-mails still go out (all of them), only later.
            while int(manage(project, env, "shell", "-v", "0", "-c", UNSENT).splitlines()[-1]):
                if time.monotonic() > deadline:
                    raise RuntimeError("the backlog was not sent within 120 s")
                time.sleep(0.5)
            return float(waited), backlog, time.monotonic() - ready
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--project", type=Path, default=HERE)
    args = parser.parse_args()
    results = {"demo": [], "floor": []}
    for i in range(args.runs):
        for mode in ("demo", "floor") if i % 2 == 0 else ("floor", "demo"):
            waited, backlog, all_sent = one_run(args.project, mode)
            results[mode].append(waited)
            print(
                f"run {i + 1} {mode:5}: first real e-mail sent after {waited:6.2f} s "
                f"(outbox rows before: {backlog}; all sent {all_sent:5.1f} s after the worker "
                "was ready)",
                flush=True,
            )
    demo, floor = statistics.median(results["demo"]), statistics.median(results["floor"])
    print(f"median demo {demo:.2f} s, floor {floor:.2f} s, ratio {demo / floor:.1f}")


if __name__ == "__main__":
    main()
