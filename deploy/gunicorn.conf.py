"""gunicorn settings of the web service (deploy/aktionsfonds-web.service; CI starts the same).

Only nginx on this machine talks to gunicorn. No access log here: the app writes one JSON line per
request with its request id and without link tokens (LOG_REQUESTS, aktionsfonds/logs.py).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
# Uploads of up to REQUEST_MAX_BYTES over a slow line, PDFs are rendered by the worker not here.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
accesslog = None
errorlog = "-"
loglevel = "warning"
forwarded_allow_ips = "127.0.0.1,::1"
proxy_allow_ips = "127.0.0.1,::1"


def child_exit(server, worker):
    """A gunicorn worker that ended leaves its metric files behind: mark them (Prometheus
    multiprocess mode), so gauges of dead processes are dropped and counters still add up."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
