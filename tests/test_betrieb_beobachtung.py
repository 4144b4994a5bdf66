"""Watching the product (issue 21): /healthz, /readyz, /metrics behind a token, logs as JSON lines
with a request id. The same endpoints on the real production stack: tests/test_betrieb_stack.py."""

import json
import logging
import re
import sys
from datetime import timedelta

import pytest
from django.utils import timezone

from aktionsfonds import heartbeat, logs, metrics
from aktionsfonds.celery import app as celery_app
from antraege.models import Benachrichtigung
from tests.worker.processes import wait_until

pytestmark = pytest.mark.django_db

SEEN_IN_TASK = []


@celery_app.task(name="tests.task_betrieb_request_id")
def task_betrieb_request_id():
    """Registered before the session worker starts: records the request id its log lines carry."""
    record = logging.makeLogRecord({"msg": "x"})
    logs.RequestIdFilter().filter(record)
    SEEN_IN_TASK.append((record.request_id, record.task_name))


def alive(*keys):
    for key in keys:
        heartbeat.heartbeat_record(key)


def test_healthz_answers_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_without_worker_or_beat_is_503_and_names_them(client):
    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["worker"] == {"ok": False, "age_seconds": None}
    assert body["checks"]["beat"] == {"ok": False, "age_seconds": None}
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["broker"] == {"ok": True}


def test_readyz_with_worker_beat_and_empty_outbox_is_200(client):
    alive(heartbeat.WORKER, heartbeat.BEAT)

    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["outbox"] == {"ok": True, "unsent": 0, "oldest_age_seconds": 0.0}
    assert 0 <= body["checks"]["worker"]["age_seconds"] < 30


def test_readyz_fails_when_the_oldest_unsent_email_is_too_old(client, settings):
    alive(heartbeat.WORKER, heartbeat.BEAT)
    row = Benachrichtigung.objects.create(art="test", empfaenger="a@example.org")
    # erstellt_am is set on insert: an e-mail left unsent for 20 minutes is made by moving it back
    Benachrichtigung.objects.filter(pk=row.pk).update(
        erstellt_am=timezone.now() - timedelta(minutes=20)
    )

    response = client.get("/readyz")

    assert response.status_code == 503
    outbox = response.json()["checks"]["outbox"]
    assert outbox["ok"] is False
    assert outbox["unsent"] == 1
    assert 1190 < outbox["oldest_age_seconds"] < 1300


def test_readyz_holds_no_secrets(client, settings):
    alive(heartbeat.WORKER)
    Benachrichtigung.objects.create(art="test", empfaenger="geheim@example.org")

    text = client.get("/readyz").content.decode()

    for secret in (settings.SECRET_KEY, "geheim@example.org", "postgres", "redis", "sqlite"):
        assert secret not in text


def test_readyz_reports_a_database_failure_by_class_name_only(client, monkeypatch):
    from aktionsfonds import health

    def broken():
        raise RuntimeError("password=hunter2 host=db.internal")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    alive(heartbeat.WORKER, heartbeat.BEAT)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False, "error": "RuntimeError"}
    assert "hunter2" not in response.content.decode()


def test_metrics_is_404_without_a_token_configured(client, settings):
    settings.METRICS_TOKEN = ""

    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_metrics_refuses_a_wrong_token(client, settings):
    settings.METRICS_TOKEN = "richtig-" + "x" * 30

    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer falsch").status_code == 404


def sample(text, name):
    match = re.search(rf"^{re.escape(name)} ([0-9.e+-]+)$", text, re.M)
    return float(match.group(1)) if match else None


def test_metrics_with_token_show_requests_outbox_tasks_and_pdf_times(client, settings):
    from antraege.dokumente.pdf import html_to_pdf

    settings.METRICS_TOKEN = "richtig-" + "x" * 30
    auth = {"HTTP_AUTHORIZATION": f"Bearer {settings.METRICS_TOKEN}"}
    Benachrichtigung.objects.create(art="test", empfaenger="a@example.org")
    before = client.get("/metrics", **auth).content.decode()
    renders_before = sample(before, "aktionsfonds_pdf_render_seconds_count")

    html_to_pdf("<p>Hallo</p>")
    client.get("/healthz")
    response = client.get("/metrics", **auth)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    text = response.content.decode()
    assert sample(text, "aktionsfonds_outbox_unsent") == 1.0
    assert sample(text, "aktionsfonds_outbox_oldest_unsent_age_seconds") < 60
    assert sample(text, "aktionsfonds_pdf_render_seconds_count") == renders_before + 1
    assert 'django_http_responses_total_by_status_total{status="200"}' in text
    assert "# TYPE aktionsfonds_celery_task_failures_total counter" in text


def test_a_failing_task_is_counted():
    from aktionsfonds.celery import app

    @app.task(name="tests.task_betrieb_scheitert")
    def task_betrieb_scheitert():
        raise ValueError("kaputt")

    counter = metrics.TASK_FAILURES.labels(task="tests.task_betrieb_scheitert")
    before = counter._value.get()

    task_betrieb_scheitert.apply()

    assert counter._value.get() == before + 1


def test_request_id_is_made_returned_and_taken_from_the_proxy(client):
    made = client.get("/healthz")["X-Request-ID"]
    taken = client.get("/healthz", HTTP_X_REQUEST_ID="proxy-1234abcd")["X-Request-ID"]
    refused = client.get("/healthz", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]

    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert taken == "proxy-1234abcd"
    assert re.fullmatch(r"[0-9a-f]{32}", refused)


def test_request_log_is_a_json_line_with_request_id_and_no_link_token(client, settings, caplog):
    settings.LOG_REQUESTS = True
    token = "eyJhbGciOi.geheimer-link-token"

    with caplog.at_level(logging.INFO, logger="aktionsfonds.request"):
        response = client.get(f"/mein-antrag/zugang/{token}/")

    lines = []
    for record in caplog.records:
        logs.RequestIdFilter().filter(record)
        lines.append(logs.JsonFormatter().format(record))
    assert [json.loads(line)["logger"] for line in lines] == [
        "aktionsfonds.request",
        "django.request",
    ]
    assert all("\n" not in line and token not in line for line in lines)
    assert json.loads(lines[1])["message"] == "Gone: /mein-antrag/zugang/[redacted]/"
    entry = json.loads(lines[0])
    assert entry["path"] == "/mein-antrag/zugang/[redacted]/"
    assert entry["request_id"] == response["X-Request-ID"]
    assert entry["status"] == response.status_code
    assert entry["method"] == "GET"
    assert entry["message"] == "request"


def test_json_log_line_carries_the_task_and_the_exception():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.getLogger("x").makeRecord(
            "x", logging.ERROR, __file__, 1, "failed %s", ("once",), sys.exc_info()
        )
    task = logs.task_var.set(("abc-123", "antraege.task_send"))
    request = logs.request_id_var.set("req-42xyzabc")
    try:
        logs.RequestIdFilter().filter(record)
    finally:
        logs.task_var.reset(task)
        logs.request_id_var.reset(request)

    entry = json.loads(logs.JsonFormatter().format(record))

    assert entry["message"] == "failed once"
    assert entry["task_id"] == "abc-123"
    assert entry["task_name"] == "antraege.task_send"
    assert entry["request_id"] == "req-42xyzabc"
    assert "ValueError: boom" in entry["exception"]


@pytest.mark.worker
def test_a_task_queued_in_a_request_logs_that_request_id(celery_session_worker):
    SEEN_IN_TASK.clear()
    token = logs.request_id_var.set("req-from-the-web-1")
    try:
        task_betrieb_request_id.delay()
    finally:
        logs.request_id_var.reset(token)

    wait_until(lambda: SEEN_IN_TASK, timeout=30, message="the task to run")
    assert SEEN_IN_TASK == [("req-from-the-web-1", "tests.task_betrieb_request_id")]
