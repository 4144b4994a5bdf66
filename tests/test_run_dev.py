"""`make run` stops cleanly on a single TERM to its process group, as a process supervisor or a
closing terminal sends it: web, worker and beat are gone, nothing is left running.

GNU make forwards a TERM to its children, so bin/run-dev receives it twice; the second one used to
cut its cleanup short and leave worker, beat and web running. The test starts the real three
processes through `make serve` (bin/run-dev without install, migrate and demo data) on a throw-away
folder (SQLite, file broker), waits until all three are up, sends one TERM to make's process group
and looks for survivors.
"""

import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.worker.processes import PROJECT_DIR, free_port, wait_until

pytestmark = pytest.mark.skipif(not shutil.which("make"), reason="make not installed")

STARTUP_TIMEOUT = 60
STOP_TIMEOUT = 45
ENV_DROPPED = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_QUEUE", "EMAIL_HOST")


def descendants(pid):
    """Every process started below ``pid`` (children of children too), from /proc."""
    children = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def web_answers(url):
    def answered():
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return None

    return answered


def test_one_term_to_make_runs_process_group_stops_web_worker_and_beat(tmp_path):
    var = tmp_path / "var"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ENV_DROPPED}
    env.update(AKTIONSFONDS_VAR_DIR=str(var), CELERY_SKIP_CHECKS="1", PYTHONUNBUFFERED="1")
    terminal = tmp_path / "terminal.txt"
    make = subprocess.Popen(
        ["make", "--no-print-directory", "serve", f"PORT={port}"],
        cwd=PROJECT_DIR,
        env=env,
        stdout=terminal.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, as a terminal or supervisor gives it
    )
    started = []
    try:
        wait_until(
            web_answers(f"http://127.0.0.1:{port}/static/favicon.svg"),
            timeout=STARTUP_TIMEOUT,
            interval=0.2,
            message="the web server",
        )
        logs = var / "log"
        wait_until(
            lambda: "ready" in _read(logs / "worker.log"),
            timeout=STARTUP_TIMEOUT,
            interval=0.2,
            message="the worker",
        )
        wait_until(
            lambda: "beat: Starting" in _read(logs / "beat.log"),
            timeout=STARTUP_TIMEOUT,
            interval=0.2,
            message="beat",
        )
        pids = {
            name: int((var / "run" / f"{name}.pid").read_text())
            for name in ("web", "worker", "beat")
        }
        started = [make.pid, *descendants(make.pid)]
        assert set(pids.values()) <= set(started)

        os.killpg(make.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        while time.monotonic() < deadline and any(alive(pid) for pid in started):
            make.poll()
            time.sleep(0.2)
        make.poll()

        assert [pid for pid in started if alive(pid)] == []
        assert sorted(p.name for p in (var / "run").glob("*.pid")) == []
        # what the terminal showed: each line once, no warnings about the broker, a quiet stop
        output = _read(terminal)
        assert output.count("Watching for file changes") == 1, output
        assert "No hostname was supplied" not in output
        assert "make: ***" not in output, output
        assert "Stopping web, worker and beat" in output
    finally:
        for pid in [make.pid, *started]:
            if alive(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        make.wait(timeout=30)


def _read(path):
    try:
        return path.read_text(errors="replace")
    except FileNotFoundError:
        return ""
