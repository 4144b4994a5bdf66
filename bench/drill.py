"""Fault drill of the outbox: every e-mail out, none twice, drained within two minutes of each fault.

    .venv/bin/python bench/drill.py [--short] [--db NAME] [--port-base N]

Starts a database of its own on the machine's PostgreSQL (``--db``, dropped at the end), a private
redis-server, an SMTP server (aiosmtpd), two ``celery worker`` processes (two pool processes each)
and ``celery beat``, all with the product's settings. While Anträge are submitted steadily (each
submit writes its receipt to the outbox, dispatched to a worker on commit), it causes, one after
the other, and waits after each until everything before its end is sent:

1. ``kill -9`` of a worker caught inside the SMTP conversation (a new worker is started, as
   systemd would); its claimed rows wait for their lease (60 s) and the sweep (15 s);
2. Redis stopped for 15 s and started empty (submissions meanwhile cannot dispatch);
3. every broker connection dropped by Redis while workers are inside the SMTP conversation
   (the un-acked messages are handed out again to the other worker);
4. the SMTP server answering 451 to every message for 30 s.

Prints one line per fault with the time to drain, then lost / duplicated e-mails (by Message-ID
at the SMTP server). A duplicate is *documented* only if its first copy was accepted in the second
before a worker was killed (SMTP accepted, the worker died before recording it). Exit code 1 on a
lost e-mail, an undocumented duplicate or a drain over 120 s. ``--short`` (CI, about three
minutes): 20 s lease, Redis down 10 s, SMTP 451 for 15 s.
"""

import argparse
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import Stack, now  # noqa: E402

DRAIN_LIMIT = 120


class Submitter(threading.Thread):
    """Submits prepared drafts at a steady rate, in its own thread (own DB connection)."""

    def __init__(self, ids, rate):
        super().__init__(daemon=True)
        self.ids, self.interval = list(ids), 1 / rate
        self.done = 0
        self.committed = []  # pks in the order their submission committed
        self.stop_event = threading.Event()

    def run(self):
        from django.db import connection

        from antraege.models import Antrag
        from antraege.roles import Akteur
        from workflow.moves import antrag_move

        try:
            for pk in self.ids:
                if self.stop_event.is_set():
                    break
                antrag_move(Antrag(pk=pk), "submit", akteur=Akteur(None, antrag_ids=[pk]))
                self.committed.append(pk)
                self.done += 1
                time.sleep(self.interval)
        finally:
            connection.close()


def drafts(count):
    from bench.harness import drafts_bulk

    return drafts_bulk(count, code="DRL", name="Drill-Kiez")[1]


def unsent_before(moment_wall):
    from antraege.models import Benachrichtigung

    return Benachrichtigung.objects.filter(
        gesendet_am__isnull=True, erstellt_am__lte=moment_wall
    ).count()


def wait_drained(label, fault_end_wall, fault_end, results):
    """Wait until every row created before the fault ended is sent; record the time it took."""
    while unsent_before(fault_end_wall):
        if now() - fault_end > DRAIN_LIMIT + 30:
            break
        time.sleep(0.5)
    took = now() - fault_end
    results.append((label, took))
    status = "ok" if took <= DRAIN_LIMIT else "OVER THE LIMIT"
    print(f"  {label:<52} drained in {took:6.1f} s  ({status})", flush=True)


def hold_inside_smtp(stack, *, at_least, timeout=10):
    stack.smtp.clear_held()
    stack.smtp.hold()
    deadline = now() + timeout
    while stack.smtp.held < at_least and now() < deadline:
        time.sleep(0.05)
    return stack.smtp.held


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--short", action="store_true", help="about three minutes (CI)")
    parser.add_argument("--db", default="aktionsfonds_drill")
    parser.add_argument("--port-base", type=int, default=None)
    args = parser.parse_args()
    lease, redis_down, smtp_down, rate = (20, 10, 15, 4) if args.short else (60, 15, 30, 3)

    from django.utils import timezone

    workdir = tempfile.mkdtemp(prefix="aktionsfonds-drill-")
    stack = Stack(
        database=args.db,
        workdir=workdir,
        port_base=args.port_base,
        extra_env={"BENACHRICHTIGUNG_LEASE_SECONDS": str(lease)},
    )
    kills, results = [], []
    try:
        stack.django()
        ids = drafts(1200)
        workers = [stack.worker("worker-a", concurrency=2), stack.worker("worker-b", concurrency=2)]
        stack.beat()
        print(
            f"drill: lease {lease} s, sweep every 15 s, Redis down {redis_down} s, "
            f"SMTP 451 for {smtp_down} s, {rate} submissions/s",
            flush=True,
        )
        submitter = Submitter(ids, rate)
        submitter.start()
        time.sleep(5)

        # 1. kill -9 of a worker inside the SMTP conversation
        hold_inside_smtp(stack, at_least=2)
        victim = workers.pop(0)
        kills.append(time.time())
        victim.kill()
        end, end_wall = now(), timezone.now()
        stack.smtp.release()
        workers.append(stack.worker("worker-c", concurrency=2))
        wait_drained("worker killed with kill -9 inside SMTP", end_wall, end, results)

        # 2. Redis stopped, started again empty
        stack.redis.stop()
        time.sleep(redis_down)
        stack.redis.start()
        end, end_wall = now(), timezone.now()
        wait_drained(f"Redis stopped for {redis_down} s and restarted", end_wall, end, results)

        # 3. broker connections dropped while workers are inside the SMTP conversation
        import redis

        hold_inside_smtp(stack, at_least=1)
        redis.Redis(port=stack.redis.port).client_kill_filter(_type="normal")
        time.sleep(2)
        stack.smtp.release()
        end, end_wall = now(), timezone.now()
        wait_drained("broker connections dropped mid-send", end_wall, end, results)

        # 4. SMTP answers 451
        stack.smtp.failing = True
        time.sleep(smtp_down)
        stack.smtp.failing = False
        end, end_wall = now(), timezone.now()
        wait_drained(f"SMTP answered 451 for {smtp_down} s", end_wall, end, results)

        submitter.stop_event.set()
        submitter.join(timeout=30)
        end, end_wall = now(), timezone.now()
        wait_drained("after the last submission", end_wall, end, results)
        time.sleep(3)  # a late duplicate would arrive now
        return report(stack, kills, results, submitter.done)
    finally:
        stack.close()


def report(stack, kills, results, submitted):
    from antraege.mail import messages as mail_messages
    from antraege.models import Benachrichtigung

    rows = list(Benachrichtigung.objects.all())
    expected = {mail_messages.message_id(row) for row in rows}
    received = Counter(message["Message-ID"] for message in stack.smtp.messages())
    accepted_at = stack.smtp.accepted_at()
    lost = expected - set(received)
    duplicates = {mid: count - 1 for mid, count in received.items() if count > 1}
    documented = {
        mid for mid in duplicates if any(0 <= kill - accepted_at[mid][0] <= 1.0 for kill in kills)
    }
    undocumented = set(duplicates) - documented
    unknown = set(received) - expected
    worst = max((took for _label, took in results), default=0)
    print(
        f"drill: {submitted} submissions, {len(rows)} e-mails in the outbox, "
        f"{sum(received.values())} accepted by SMTP ({stack.smtp.refused} refused with 451)"
    )
    print(
        f"lost: {len(lost)}  duplicated: {sum(duplicates.values())} "
        f"(documented case: {len(documented)}, other: {len(undocumented)})  "
        f"time to drain: max {worst:.1f} s (limit {DRAIN_LIMIT} s)"
    )
    failed = bool(lost or undocumented or unknown or worst > DRAIN_LIMIT)
    print("drill: FAILED" if failed else "drill: passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
