"""Prometheus metrics recorded by the processes themselves (prometheus_client): failed Celery tasks
and PDF render times. Requests are counted by django-prometheus' middleware; the outbox is read at
scrape time (``aktionsfonds.health.OutboxCollector``).

With several processes (gunicorn workers, the Celery pool) set ``PROMETHEUS_MULTIPROC_DIR`` to one
folder for all of them (deploy/): ``/metrics`` then adds up every process's values.
"""

from prometheus_client import Counter, Histogram

TASK_FAILURES = Counter(
    "aktionsfonds_celery_task_failures",
    "Celery tasks that ended with an exception, by task name.",
    ["task"],
)
PDF_RENDER_SECONDS = Histogram(
    "aktionsfonds_pdf_render_seconds",
    "Time to render one PDF (letters, payout orders, minutes).",
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
