"""The Celery app. Settings come from ``celeryconfig.py``; keep viewflow imports out of here.

Besides the tasks it wires what operations need (aktionsfonds/health.py, docs/betrieb.md): the
worker's heartbeat and beat's last run in the shared cache, failed tasks counted for Prometheus, and
the request id of the web request that queued a task in the task's log lines.
"""

import os

from celery import Celery, bootsteps, signals

from . import heartbeat, logs, metrics

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aktionsfonds.settings")

app = Celery("aktionsfonds")
app.config_from_object("celeryconfig")
app.autodiscover_tasks(["antraege", "antraege.datenschutz", "jury", "workflow"])


class WorkerHeartbeat(bootsteps.StartStopStep):
    """Every few seconds while the worker is connected to the broker: "a worker is alive"."""

    requires = {"celery.worker.consumer.tasks:Tasks"}

    def __init__(self, parent, **kwargs):
        super().__init__(parent, **kwargs)
        self.timer = None

    def start(self, consumer):
        from django.conf import settings

        if not settings.WORKER_HEARTBEAT:
            return
        self._beat()
        self.timer = consumer.timer.call_repeatedly(
            heartbeat.WORKER_HEARTBEAT_SECONDS, self._beat, priority=10
        )

    def stop(self, consumer):
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    @staticmethod
    def _beat():
        try:
            heartbeat.heartbeat_record(heartbeat.WORKER)
        except Exception:  # noqa: BLE001 - a cache outage shows on /readyz, the worker goes on
            import logging

            logging.getLogger(__name__).warning("worker heartbeat not recorded", exc_info=True)


app.steps["consumer"].add(WorkerHeartbeat)


@signals.beat_init.connect
def _beat_records_its_runs(sender=None, **kwargs):
    """In the beat process only: its start and each scheduled task it hands out count as a run."""
    _beat_ran()
    signals.before_task_publish.connect(_beat_ran, weak=False)


def _beat_ran(**kwargs):
    try:
        heartbeat.heartbeat_record(heartbeat.BEAT)
    except Exception:  # noqa: BLE001 - shows on /readyz
        pass


@signals.before_task_publish.connect
def _request_id_into_task(headers=None, **kwargs):
    request_id = logs.request_id_var.get()
    if request_id and headers is not None:
        headers["request_id"] = request_id


@signals.task_prerun.connect
def _task_context(task_id=None, task=None, **kwargs):
    logs.request_id_var.set(getattr(task.request, "request_id", None) or "")
    logs.task_var.set((task_id or "", task.name if task else ""))


@signals.task_postrun.connect
def _task_context_end(**kwargs):
    logs.request_id_var.set("")
    logs.task_var.set(None)


@signals.task_failure.connect
def _task_failed(sender=None, **kwargs):
    metrics.TASK_FAILURES.labels(task=getattr(sender, "name", "unknown")).inc()


@signals.worker_process_shutdown.connect
def _pool_child_gone(pid=None, **kwargs):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR") and pid:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)
