"""The production settings stack as deployed (deploy/): gunicorn with deploy/gunicorn.conf.py, a
Celery worker and beat, PRODUCTION=1, on a PostgreSQL database of its own and a private
redis-server (bench/harness.py starts and stops them by PID), exercised over HTTP.

Needs PostgreSQL (DATABASE_URL=postgres://…) and redis-server: CI's PostgreSQL pass runs it.
"""

import json
import os
import shutil
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

from tests.worker.processes import wait_until

PG = os.environ.get("DATABASE_URL", "").startswith("postgres")
pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not PG, reason="the production stack needs PostgreSQL (DATABASE_URL)"),
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server (Debian)"),
]

TOKEN = "metrics-" + uuid.uuid4().hex
HTTPS = {"X-Forwarded-Proto": "https"}


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    from bench.harness import ROOT, Stack

    workdir = tmp_path_factory.mktemp("stack")
    (workdir / "metrics").mkdir()
    stack = Stack(
        database=f"aktionsfonds_stack_{os.getpid()}",
        workdir=workdir,
        adopt_env=False,
        extra_env={
            "PRODUCTION": "1",
            "METRICS_TOKEN": TOKEN,
            "PROMETHEUS_MULTIPROC_DIR": str(workdir / "metrics"),
        },
    )
    # the shared cache (rate limits, heartbeats) on the private Redis too, as in production
    stack.env["REDIS_URL"] = stack.redis.url
    try:
        stack.manage("migrate", "--noinput")
        stack.beat()
        stack.web = stack.gunicorn(
            workers=2, settings="aktionsfonds.settings", config=ROOT / "deploy/gunicorn.conf.py"
        )
        yield stack
    finally:
        stack.close()


class Answer:
    def __init__(self, status, headers, body):
        self.status_code, self.headers, self.text = status, headers, body.decode()

    def json(self):
        return json.loads(self.text)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get(stack, path, *, headers=None, data=None):
    """GET (or POST ``data``) without following redirects (urllib: no extra package)."""
    request = urllib.request.Request(
        stack.web.url + path,
        data=urllib.parse.urlencode(data).encode() if data is not None else None,
        headers={**HTTPS, **(headers or {})},
    )
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=30) as response:
            return Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers, error.read())


def test_readyz_is_503_without_a_worker_and_200_with_one(stack):
    before = get(stack, "/readyz")

    assert before.status_code == 503
    checks = before.json()["checks"]
    assert checks["worker"] == {"ok": False, "age_seconds": None}
    assert checks["database"]["ok"] and checks["broker"]["ok"] and checks["beat"]["ok"]

    worker(stack)
    after = wait_until(
        lambda: (response := get(stack, "/readyz")).status_code == 200 and response,
        timeout=60,
        interval=0.5,
        message="/readyz to answer 200 with a worker",
    )
    assert after.json()["status"] == "ok"
    assert after.json()["checks"]["worker"]["ok"] is True


def test_pages_answer_over_https_only_with_production_headers(stack):
    start = get(stack, "/")
    plain = get(stack, "/", headers={"X-Forwarded-Proto": "http"})
    probe = get(stack, "/healthz", headers={"X-Forwarded-Proto": "http"})

    assert start.status_code == 200
    assert "Aktionsfonds" in start.text
    assert start.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "default-src 'self'" in start.headers["Content-Security-Policy"]
    assert plain.status_code == 301
    assert plain.headers["Location"].startswith("https://")
    assert probe.status_code == 200  # probes on the machine ask gunicorn directly


def test_sign_in_form_round_trip_on_postgresql_and_redis(stack):
    import re

    page = get(stack, "/anmelden/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    # secure __Host- cookies: a client over plain HTTP (behind the proxy) sends them by hand
    cookies = "; ".join(c.split(";", 1)[0] for c in page.headers.get_all("Set-Cookie"))
    response = get(
        stack,
        "/anmelden/",
        data={"csrfmiddlewaretoken": token, "username": "niemand", "password": "falsch"},
        headers={
            "Cookie": cookies,
            "Referer": f"https://127.0.0.1:{stack.web.url.rsplit(':', 1)[1]}/anmelden/",
        },
    )

    assert page.status_code == 200
    assert "__Host-csrftoken" in page.headers["Set-Cookie"]
    assert response.status_code == 200
    assert 'name="username"' in response.text  # the form again, with its error


def test_logs_are_json_lines_with_request_ids_and_no_link_token(stack):
    link = "/mein-antrag/zugang/" + "geheim" + uuid.uuid4().hex + "/"
    response = get(stack, link, headers={"X-Request-ID": "ci-request-0001"})

    assert response.headers["X-Request-ID"] == "ci-request-0001"

    def logged():
        lines = [line for line in stack.web.log().splitlines() if line.startswith("{")]
        entries = [json.loads(line) for line in lines]
        return [e for e in entries if e.get("request_id") == "ci-request-0001"] and entries

    entries = wait_until(logged, timeout=30, interval=0.2, message="the request's log line")
    [line] = [
        e
        for e in entries
        if e.get("request_id") == "ci-request-0001" and e["logger"] == "aktionsfonds.request"
    ]
    assert line["status"] == response.status_code
    assert line["path"] == "/mein-antrag/zugang/[redacted]/"
    assert link.split("/")[3] not in stack.web.log()


def worker(stack):
    """The stack's worker (started once; a test run alone starts it itself)."""
    if not getattr(stack, "the_worker", None):
        stack.the_worker = stack.worker("worker")
    return stack.the_worker


FAILED = 'aktionsfonds_celery_task_failures_total{task="jury.task_close_due_abstimmungen"}'


def test_metrics_need_the_token_and_add_up_all_processes(stack):
    from celery import Celery

    worker(stack)
    for _ in range(4):
        get(stack, "/healthz")
    # a task that fails in the worker's pool process (it takes no arguments)
    # (a broker URL given here: CELERY_BROKER_URL of the suite would win over Celery(broker=…))
    sender = Celery("stack-test", set_as_current=False)
    with sender.connection_for_write(stack.redis.url) as connection:
        sender.send_task(
            "jury.task_close_due_abstimmungen",
            kwargs={"unerwartet": 1},
            queue=stack.queue,
            connection=connection,
        )

    def scraped():
        answer = get(stack, "/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        return FAILED in answer.text and answer

    metrics = wait_until(scraped, timeout=60, interval=0.5, message="the failure in /metrics")
    refused = get(stack, "/metrics")

    assert refused.status_code == 404
    assert metrics.status_code == 200
    assert f"{FAILED} 1.0" in metrics.text.splitlines()
    assert "aktionsfonds_outbox_unsent " in metrics.text
    assert "aktionsfonds_outbox_oldest_unsent_age_seconds " in metrics.text
    requests = [
        line
        for line in metrics.text.splitlines()
        if line.startswith('django_http_requests_total_by_method_total{method="GET"}')
    ]
    # the web's two processes add up: every request of this module so far (at least these four)
    assert requests and float(requests[0].split()[-1]) >= 4
    assert "# TYPE aktionsfonds_pdf_render_seconds histogram" in metrics.text
