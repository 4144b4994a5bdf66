"""Signs of life of the background processes, kept in the shared cache (Redis in production):
the Celery worker writes its heartbeat every ``WORKER_HEARTBEAT_SECONDS``, beat records each time it
hands out a scheduled task. ``/readyz`` reads their age."""

import time

WORKER = "betrieb:worker-heartbeat"
BEAT = "betrieb:beat-last-run"
WORKER_HEARTBEAT_SECONDS = 10


def heartbeat_record(key):
    """Store now as the last sign of life under ``key`` (kept a day, then it is simply missing)."""
    from django.core.cache import cache

    cache.set(key, time.time(), timeout=24 * 3600)


def heartbeat_age(key):
    """Seconds since the last sign of life under ``key``; ``None`` when there was none."""
    from django.core.cache import cache

    last = cache.get(key)
    return None if last is None else max(0.0, time.time() - float(last))
