"""Real processes for the worker tests: a private redis-server and a ``celery worker`` process.

The private Redis lets a test stop and restart *its* broker without touching the machine's shared
Redis (other people's workers and test runs use that one). The worker process is the same command
``make run`` starts, pointed at the test database and at a folder for e-mails.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import redis

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
PROJECT_DIR = Path(__file__).resolve().parents[2]


# How long a test waits for something a busy machine can delay (a process to start or stop, a
# message to travel, an e-mail to be sent): generous, since a wait that passes returns at once.
PATIENCE = 60


def wait_until(predicate, *, timeout, interval=0.02, message="condition"):
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {message}")
        time.sleep(interval)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A throw-away redis-server on its own port, without persistence (a restart empties it)."""

    def __init__(self, workdir):
        self.port = free_port()
        self.workdir = Path(workdir)
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=PATIENCE)
        try:
            wait_until(self._answers(client), timeout=PATIENCE, message="redis-server to answer")
        finally:
            client.close()

    @staticmethod
    def _answers(client):
        def ping():
            try:
                return client.ping()
            except redis.ConnectionError:
                return False

        return ping

    def stop(self):
        """Kill it hard, as a crash or an outage would: no goodbye to connected clients."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=PATIENCE)
        self.process = None


def database_env(database):
    """Environment variables that point ``aktionsfonds.settings`` at ``database`` (the test DB)."""
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return {"SQLITE_PATH": str(database["NAME"])}
    user = database.get("USER") or ""
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = database.get("HOST") or "127.0.0.1"
    port = f":{database['PORT']}" if database.get("PORT") else ""
    return {"DATABASE_URL": f"postgres://{auth}{host}{port}/{database['NAME']}"}


class WorkerProcess:
    """``python -m celery -A aktionsfonds worker`` as a child process, logging to a file."""

    def __init__(self, *, broker_url, queue, database, mail_dir, log_path, env=None, concurrency=1):
        self.concurrency = concurrency
        self.log_path = Path(log_path)
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"REDIS_URL", "EMAIL_HOST", "DATABASE_URL", "SQLITE_PATH"}
        }
        self.env.update(database_env(database))
        self.env.update(
            CELERY_BROKER_URL=broker_url,
            CELERY_QUEUE=queue,
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(mail_dir),
            SITE_URL="http://testserver",
        )
        self.env.update(env or {})
        self.process = None

    def start(self, *, timeout=PATIENCE):
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "aktionsfonds",
                "worker",
                "--loglevel=INFO",
                f"--concurrency={self.concurrency}",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=PROJECT_DIR,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so kill() reaches the pool too
        )
        wait_until(self._ready, timeout=timeout, interval=0.05, message="the worker to be ready")

    def _ready(self):
        if self.process.poll() is not None:
            raise AssertionError(f"worker exited with {self.process.returncode}:\n{self.log()}")
        return " ready." in self.log()

    def log(self):
        return self.log_path.read_text(errors="replace")

    def kill(self):
        """``kill -9``: no shutdown, no goodbye to Redis, PostgreSQL or the mail server."""
        os.killpg(self.process.pid, signal.SIGKILL)  # the main process and its pool children
        self.process.wait(timeout=PATIENCE)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # a warm shutdown: tasks end, QUIT is said
            try:
                self.process.wait(timeout=PATIENCE)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=PATIENCE)
        self._log.close()
