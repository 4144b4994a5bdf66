"""What bench/load.py and bench/drill.py start: a database of their own on the machine's PostgreSQL,
a private redis-server, an SMTP server (aiosmtpd), Celery workers, beat and gunicorn.

Every process is started here and stopped here by its own PID (never by name): the machine's shared
Redis and other people's workers are never touched. Ports come from ``--port-base`` (or are free
ones picked by the OS).
"""

import logging
import os
import secrets
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.worker.processes import (  # noqa: E402
    RedisServer,
    WorkerProcess,
    free_port,
    wait_until,
)
from tests.worker.smtp import SmtpSink  # noqa: E402

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/test"


class Ports:
    """``next()`` → the next port from ``base`` (or a free one when there is no base)."""

    def __init__(self, base=None):
        self.base = base
        self.used = 0

    def next(self):
        if not self.base:
            return free_port()
        port = self.base + self.used
        self.used += 1
        return port


class Database:
    """A PostgreSQL database of our own (dropped and created anew), next to the configured one."""

    def __init__(self, name):
        server = os.environ.get("DATABASE_URL") or DEFAULT_SERVER
        if not server.startswith("postgres"):
            raise SystemExit("the benchmark needs PostgreSQL: set DATABASE_URL=postgres://…")
        parts = urlsplit(server)
        self.name = name
        self.admin_url = urlunsplit(parts._replace(path="/postgres"))
        self.url = urlunsplit(parts._replace(path=f"/{name}"))

    def _admin(self, sql):
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(sql)

    def create(self):
        self.drop()
        self._admin(f'CREATE DATABASE "{self.name}"')
        return self

    def drop(self):
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


class Process:
    """A child process in its own process group, logging to a file; stopped by its PID."""

    def __init__(self, name, command, *, env, log_dir):
        self.name = name
        self.command = command
        self.env = env
        self.log_path = Path(log_dir) / f"{name}.log"
        self.process = None

    def start(self, *, ready=None, timeout=30):
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if ready:
            wait_until(
                lambda: self._alive() and ready(self.log()),
                timeout=timeout,
                interval=0.1,
                message=f"{self.name} to be ready",
            )
        return self

    def _alive(self):
        if self.process.poll() is not None:
            raise RuntimeError(f"{self.name} exited:\n{self.log()[-3000:]}")
        return True

    def log(self):
        return self.log_path.read_text(errors="replace")

    def kill(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.process:
            self._log.close()


class Stack:
    """Database, Redis, SMTP and the processes of one run; ``close()`` stops all of them."""

    def __init__(self, *, database, workdir, port_base=None, extra_env=None, adopt_env=True):
        self.workdir = Path(workdir)
        self.ports = Ports(port_base)
        self.database = Database(database).create()
        self.redis = RedisServer(self.workdir)
        self.redis.port = self.ports.next()
        self.redis.url = f"redis://127.0.0.1:{self.redis.port}/0"
        self.redis.start()
        self.smtp = SmtpSink(port=self.ports.next()).start()
        self.queue = f"bench-{uuid.uuid4().hex[:8]}"
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"REDIS_URL", "SQLITE_PATH", "EMAIL_BACKEND", "EMAIL_FILE_PATH"}
        }
        self.env.update(
            DATABASE_URL=self.database.url,
            CELERY_BROKER_URL=self.redis.url,
            CELERY_QUEUE=self.queue,
            DJANGO_SETTINGS_MODULE="aktionsfonds.settings",
            MEDIA_ROOT=str(self.workdir / "media"),
            AKTIONSFONDS_VAR_DIR=str(self.workdir / "var"),
            SITE_URL="http://127.0.0.1",
            SECRET_KEY="bench-" + uuid.uuid4().hex,
            DEBUG="0",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            **self.smtp.settings(),
            **(extra_env or {}),
        )
        self.processes = []
        if adopt_env:  # this process (Django below) uses the same database and broker
            os.environ.update(self.env)

    def manage(self, *args, timeout=300):
        """``manage.py <args>`` in a child process with the stack's environment; its output."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode:
            raise RuntimeError(
                f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}"
            )
        return result.stdout

    def django(self):
        django_setup()

    def worker(self, name, *, concurrency=1):
        import dj_database_url

        worker = WorkerProcess(
            broker_url=self.redis.url,
            queue=self.queue,
            database=dj_database_url.parse(self.database.url),
            mail_dir=self.workdir / "unused-mail",
            log_path=self.workdir / f"{name}.log",
            env={k: v for k, v in self.env.items() if k not in {"DATABASE_URL"}},
            concurrency=concurrency,
        )
        worker.name = name
        worker.start(timeout=60)
        self.processes.append(worker)
        return worker

    def beat(self):
        beat = Process(
            "beat",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "aktionsfonds",
                "beat",
                "--loglevel=INFO",
                f"--schedule={self.workdir / 'celerybeat-schedule'}",
            ],
            env=self.env,
            log_dir=self.workdir,
        ).start(ready=lambda log: "beat: Starting" in log)
        self.processes.append(beat)
        return beat

    def gunicorn(self, *, workers=4, settings="bench.settings", config=None):
        """gunicorn on a port of its own; with ``config`` (deploy/gunicorn.conf.py) as deployed."""
        port = self.ports.next()
        options = (
            ["-c", str(config)] if config else ["--access-logfile", "-", "--log-level", "warning"]
        )
        web = Process(
            "gunicorn",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "aktionsfonds.wsgi",
                *options,
                "-w",
                str(workers),
                "-b",
                f"127.0.0.1:{port}",
            ],
            env={**self.env, "DJANGO_SETTINGS_MODULE": settings},
            log_dir=self.workdir,
        ).start(ready=lambda log: _answers(port), timeout=60)
        web.url = f"http://127.0.0.1:{port}"
        self.processes.append(web)
        return web

    def close(self):
        for process in reversed(self.processes):
            try:
                process.stop()
            except Exception as error:  # noqa: BLE001 - stop the others anyway
                print(f"stopping {getattr(process, 'name', process)} failed: {error}")
        self.smtp.stop()
        self.redis.stop()
        from django.db import connections

        connections.close_all()
        self.database.drop()


def django_setup():
    """Django in this process on the configured database, migrated; quiet libraries."""
    import django

    os.environ["CELERY_SKIP_CHECKS"] = "1"
    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    # the drill causes broker outages on purpose: their warnings are expected here
    logging.getLogger("workflow").setLevel(logging.WARNING)
    logging.getLogger("antraege.mail").setLevel(logging.ERROR)
    logging.getLogger("antraege.enqueue").setLevel(logging.ERROR)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def django_local(workdir, *, leise=(), **env):
    """Django in this process for a bench that needs no servers: SQLite under ``workdir`` (the
    configured database with ``BENCH_USE_CONFIGURED_DB=1``), media under it, Celery's messages in
    memory, a throwaway key; ``env`` sets more variables, ``leise`` names more loggers to quiet.
    Migrates. (bench/letters.py, oeffentlich.py and meeting.py start this way.)"""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aktionsfonds.settings")
    if os.environ.get("BENCH_USE_CONFIGURED_DB") != "1":
        os.environ.pop("DATABASE_URL", None)
        os.environ["SQLITE_PATH"] = str(Path(workdir) / "bench.sqlite3")
    os.environ["MEDIA_ROOT"] = str(Path(workdir) / "media")
    os.environ.setdefault("CELERY_BROKER_URL", "memory://")
    os.environ.update(env)
    # settings fail closed without a key: a throwaway one for this run
    os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_hex(32))
    import django

    django.setup()
    for name in ("weasyprint", "fontTools", *leise):
        logging.getLogger(name).setLevel(logging.WARNING)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def django_alone(database, workdir):
    """Django on ``database`` (a ``Database``) in this process, without broker or worker: Celery
    keeps its messages in memory (a job measured here sends nothing). Migrates."""
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("SQLITE_PATH", None)
    os.environ.update(
        DATABASE_URL=database.url,
        CELERY_BROKER_URL="memory://",
        DJANGO_SETTINGS_MODULE="aktionsfonds.settings",
        MEDIA_ROOT=str(Path(workdir) / "media"),
        AKTIONSFONDS_VAR_DIR=str(Path(workdir) / "var"),
        SITE_URL="http://127.0.0.1",
        SECRET_KEY="bench-" + uuid.uuid4().hex,
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
    )
    django_setup()
    from django.conf import settings

    # the users seeded here never sign in with a password: no slow hashing for them
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def drafts_bulk(count, *, code="BEN", name="Bench-Kiez", fonds=None):
    """``count`` complete drafts of one area (ready to submit), bulk-copied from one factory draft."""
    import copy

    from antraege.factories import AktionsfondsFactory, AntragFactory, QuartierFactory
    from antraege.models import Antrag, Kostenposition

    if fonds is None:
        fonds = AktionsfondsFactory(quartier=QuartierFactory(name=name, code=code))
    vorlage = AntragFactory(fonds=fonds)
    felder = list(vorlage.handlungsfelder.all())
    positionen = list(vorlage.kostenpositionen.all())
    copies = []
    for number in range(count):
        row = copy.copy(vorlage)
        row.pk = row.id = None
        row.submission_token = uuid.uuid4()
        row.sprache = ("de", "en", "tr", "ar")[number % 4]
        row.antragsteller_email = f"bench{number}-{uuid.uuid4().hex[:6]}@example.org"
        row.titel = f"Bench-Projekt {number}"
        copies.append(row)
    Antrag.objects.bulk_create(copies, batch_size=1000)
    Kostenposition.objects.bulk_create(
        [
            Kostenposition(
                antrag_id=row.pk,
                kategorie_id=p.kategorie_id,
                beschreibung=p.beschreibung,
                menge=p.menge,
                einzelpreis=p.einzelpreis,
            )
            for row in copies
            for p in positionen
        ],
        batch_size=1000,
    )
    through = Antrag.handlungsfelder.through
    through.objects.bulk_create(
        [through(antrag_id=row.pk, handlungsfeld_id=f.pk) for row in copies for f in felder],
        batch_size=1000,
    )
    vorlage.delete()
    return fonds, [row.pk for row in copies]


def _answers(port):
    import socket

    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def median_ms(values):
    import statistics

    return statistics.median(values) * 1000


def p95_ms(values):
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)] * 1000


def now():
    return time.monotonic()
