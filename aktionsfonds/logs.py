"""Logs as JSON lines with a request id: one id per web request (taken from the proxy's
``X-Request-ID`` when it looks like one, else new), carried into the Celery tasks the request queued.

``LOG_FORMAT=json`` (the default with ``PRODUCTION=1``) writes one JSON object per line; ``text`` keeps
the plain lines of a developer's terminal. Every record gets ``request_id`` (empty outside a request
or task) through ``RequestIdFilter``.
"""

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

request_id_var = contextvars.ContextVar("request_id", default="")
task_var = contextvars.ContextVar("task", default=None)

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# The applicant's signed link: a bearer token, never written to a log.
_LINK_TOKEN = re.compile(r"(/mein-antrag/zugang/)[^/\s'\"?#]+")


def request_id_new(proposed=""):
    """The id of a request: the proxy's ``proposed`` one when it is plain, else a fresh one."""
    if proposed and _VALID_REQUEST_ID.match(proposed):
        return proposed
    return uuid.uuid4().hex


def path_redacted(path):
    """``path`` with the token of an applicant's link replaced (logs must not hold bearer tokens)."""
    return _LINK_TOKEN.sub(r"\1[redacted]", path)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (and ``task_id``/``task_name`` inside a Celery task) to every record and
    takes link tokens out of its message (Django logs the path of a 404 or 410, for one)."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        message = record.getMessage()
        if "/mein-antrag/zugang/" in message:
            record.msg, record.args = path_redacted(message), ()
        task = task_var.get()
        record.task_id, record.task_name = task if task else ("", "")
        return True


# Attributes every LogRecord has; anything else passed with ``extra=`` goes into the JSON object.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}
_PLAIN = (str, int, float, bool)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request id, extra fields."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            # plain values only: Django's ``request`` object would print the whole path
            if key not in _STANDARD and isinstance(value, _PLAIN) and value not in ("", None):
                entry[key] = path_redacted(value) if isinstance(value, str) else value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class RequestIdMiddleware:
    """First in the chain: gives the request its id (``request.request_id``, the ``X-Request-ID``
    response header, every log line while it runs) and, with ``LOG_REQUESTS``, logs one line per
    request (method, path without link tokens, status, duration) — the access log of the app."""

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.log_requests = getattr(settings, "LOG_REQUESTS", False)
        self.logger = logging.getLogger("aktionsfonds.request")

    def __call__(self, request):
        request.request_id = request_id_new(request.headers.get(REQUEST_ID_HEADER, ""))
        token = request_id_var.set(request.request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request.request_id
            if self.log_requests:
                self.logger.info(
                    "request",
                    extra={
                        "method": request.method,
                        "path": path_redacted(request.path),
                        "status": response.status_code,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    },
                )
            return response
        finally:
            request_id_var.reset(token)
