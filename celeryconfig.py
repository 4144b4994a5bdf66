"""Celery configuration, read from the environment.

With ``REDIS_URL`` set, Redis is the broker. Without it, kombu's ``filesystem://`` transport under
``var/celery`` lets a separate web and worker process talk without any server, so a newcomer needs
nothing but Python. Tests set ``CELERY_BROKER_URL=memory://`` for the in-process worker.
"""

import os
from pathlib import Path

from celery.schedules import crontab

from antraege import task_names

BASE_DIR = Path(__file__).resolve().parent
_redis_url = os.environ.get("REDIS_URL", "")
_explicit = os.environ.get("CELERY_BROKER_URL", "")

# "localhost": the folder transport needs no host, but kombu warns "No hostname was supplied"
# each time it describes a connection without one
broker_url = _explicit or _redis_url or "filesystem://localhost/"

if broker_url.startswith("filesystem"):
    # web, worker and beat exchange messages as files in one folder (make run without Redis)
    _var = Path(os.environ.get("AKTIONSFONDS_VAR_DIR", BASE_DIR / "var"))
    _folder = Path(os.environ.get("CELERY_FILESYSTEM_DIR", _var / "celery"))
    for _sub in ("out", "processed", "control"):
        (_folder / _sub).mkdir(parents=True, exist_ok=True)
    broker_transport_options = {
        "data_folder_in": str(_folder / "out"),
        "data_folder_out": str(_folder / "out"),
        "processed_folder": str(_folder / "processed"),
        "control_folder": str(_folder / "control"),  # else kombu writes ./control/
        "store_processed": False,
    }
elif broker_url.startswith("redis"):
    # Longer than any task runs; deadlines are database rows swept by beat, never long ETAs.
    # (The outbox does not rely on it: a redelivered send finds its e-mails leased or sent.)
    broker_transport_options = {
        "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
    }

task_default_queue = os.environ.get("CELERY_QUEUE", "aktionsfonds")
# No result backend: tasks record their effect in the database.
task_ignore_result = True
result_backend = None

task_serializer = "json"
result_serializer = "json"
accept_content = ["json"]
timezone = "Europe/Berlin"
enable_utc = True

# Crash safety: a message is acknowledged only after the task ran; a lost worker re-queues it.
task_acks_late = True
task_reject_on_worker_lost = True
worker_prefetch_multiplier = 1
task_time_limit = 300
task_soft_time_limit = 240

# Publishing must not hang a web request when the broker is down: the outbox sweep re-sends.
task_publish_retry = True
task_publish_retry_policy = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
broker_connection_retry_on_startup = True
broker_connection_timeout = 2
worker_hijack_root_logger = False

beat_schedule = {
    "dispatch-pending-notifications": {
        "task": task_names.DISPATCH_PENDING_BENACHRICHTIGUNGEN,
        # with the 60 s lease: a dead worker's e-mails are out within ~80 s
        "schedule": float(os.environ.get("BENACHRICHTIGUNG_SWEEP_SECONDS", "15")),
    },
    "close-due-votes": {
        "task": task_names.CLOSE_DUE_ABSTIMMUNGEN,
        "schedule": 30.0,
    },
    # papers of planned meetings whose lead time has come (JuryRegeln.unterlagen_tage_vorher)
    "send-due-meeting-papers": {
        "task": task_names.SEND_DUE_UNTERLAGEN,
        "schedule": 600.0,
    },
    "send-vote-reminders": {
        "task": task_names.SEND_VOTE_REMINDERS,
        "schedule": 300.0,
    },
    "settlement-deadlines": {
        "task": task_names.CHECK_SETTLEMENT_DEADLINES,
        "schedule": 900.0,
    },
    # Fund reports whose task was lost: stored figures out of date, PDFs asked for without a file.
    "fund-reports": {
        "task": task_names.SWEEP_FONDSBERICHTE,
        "schedule": 300.0,
    },
    # The public list's stored filter choices, mended should a write without a signal have left
    # them behind the funds (antraege/fonds/services/veroeffentlichung.py), once a night.
    "public-list-filter": {
        "task": task_names.CHECK_VEROEFFENTLICHUNGSFILTER,
        "schedule": crontab(hour=3, minute=47),
    },
    # One reminder for each repayment claim past its deadline (the claims a day overdue), daily.
    "repayment-reminders": {
        "task": task_names.REMIND_OVERDUE_RUECKFORDERUNGEN,
        "schedule": crontab(hour=7, minute=5),
    },
    # Retention periods of personal data (antraege/datenschutz/aufbewahrung.py), once a night.
    "retention": {
        "task": task_names.AUFBEWAHRUNG_DURCHSETZEN,
        "schedule": crontab(hour=3, minute=17),
    },
}
