"""What a monitoring system asks: ``/healthz`` (the process answers), ``/readyz`` (everything the
product needs works) and ``/metrics`` (Prometheus, behind ``METRICS_TOKEN``).

Answers hold no secrets: no addresses, host names or error messages, only names of checks, true or
false, ages in seconds and error class names.
"""

import hmac
import os
import time

from celery import current_app
from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from antraege.models import Benachrichtigung

from . import heartbeat


@never_cache
@require_GET
def healthz(request):
    """The process is up and answers (nothing else is asked: a liveness probe)."""
    return JsonResponse({"status": "ok"})


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def _check_broker():
    with current_app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, timeout=settings.READYZ_BROKER_TIMEOUT)
    return {}


def _check_age(key, limit):
    age = heartbeat.heartbeat_age(key)
    if age is None:
        return {"ok": False, "age_seconds": None}
    return {"ok": age <= limit, "age_seconds": round(age, 1)}


def _check_worker():
    return _check_age(heartbeat.WORKER, settings.READYZ_WORKER_MAX_AGE)


def _check_beat():
    return _check_age(heartbeat.BEAT, settings.READYZ_BEAT_MAX_AGE)


def outbox_unsent():
    """(number of unsent e-mails, age in seconds of the oldest one or 0)."""
    unsent = Benachrichtigung.objects.filter(gesendet_am__isnull=True)
    oldest = unsent.order_by("erstellt_am").values_list("erstellt_am", flat=True).first()
    age = 0.0 if oldest is None else max(0.0, time.time() - oldest.timestamp())
    return unsent.count(), age


def _check_outbox():
    count, age = outbox_unsent()
    return {
        "ok": age <= settings.READYZ_OUTBOX_MAX_AGE,
        "unsent": count,
        "oldest_age_seconds": round(age, 1),
    }


CHECKS = {
    "database": _check_database,
    "broker": _check_broker,
    "worker": _check_worker,
    "beat": _check_beat,
    "outbox": _check_outbox,
}


def readiness():
    """Every check's result (``ok`` plus figures) and whether all passed."""
    results = {}
    for name, check in CHECKS.items():
        try:
            result = {"ok": True, **check()}
        except Exception as error:  # noqa: BLE001 - a failed check is an answer, not a crash
            result = {"ok": False, "error": type(error).__name__}
        results[name] = result
    return all(result["ok"] for result in results.values()), results


@never_cache
@require_GET
def readyz(request):
    """200 when database, broker, a worker, beat and the outbox are fine, else 503; JSON either way."""
    ready, checks = readiness()
    return JsonResponse(
        {"status": "ok" if ready else "fail", "checks": checks}, status=200 if ready else 503
    )


class OutboxCollector:
    """The outbox at scrape time: how many e-mails wait, and for how long the oldest."""

    def collect(self):
        count, age = outbox_unsent()
        yield GaugeMetricFamily(
            "aktionsfonds_outbox_unsent", "E-mails recorded but not yet sent.", value=count
        )
        yield GaugeMetricFamily(
            "aktionsfonds_outbox_oldest_unsent_age_seconds",
            "Age of the oldest unsent e-mail (0 when none waits).",
            value=age,
        )


def _token_ok(request):
    expected = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    return bool(expected) and hmac.compare_digest(given.encode(), f"Bearer {expected}".encode())


@never_cache
@require_GET
def metrics(request):
    """Prometheus exposition (prometheus_client); 404 without the right ``Bearer`` token (and
    always when ``METRICS_TOKEN`` is not set)."""
    if not _token_ok(request):
        raise Http404
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        registry.register(OutboxCollector())
        output = generate_latest(registry)
    else:
        output = generate_latest(REGISTRY) + generate_latest(_outbox_registry())
    return HttpResponse(output, content_type=CONTENT_TYPE_LATEST)


def _outbox_registry():
    registry = CollectorRegistry()
    registry.register(OutboxCollector())
    return registry
