"""Submit-to-routed latency (issue 7: p95 under 2 s at 100 submissions/s
for 5 minutes): cases submitted through the API at a fixed rate, routed by
a Celery worker; from each case's submitted_at to its routing decision.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wenzheng_bench \
    REDIS_URL=redis://127.0.0.1:6379/7 .venv/bin/python bench/latency.py --rate 100 --seconds 300

gunicorn runs 2 sync workers as in bench/web.py (`--web-workers 5` for the
five of docs/deploy.md); one Celery worker (prefork)
consumes every queue, as the routing notifies departments and citizens.
A second process sends POST /api/v1/cases/ as the demo citizen on a fixed
schedule (open loop: request i is due at start + i / rate whatever became of
the earlier ones; a request sent after its time is counted as late, and
late ones are not made up by sending faster). After the load it waits
(bounded) until every created case is routed, then reads the times from the
database: the latency from submitted_at (set in the view, so it leaves out
any wait for a gunicorn worker) and from the request's scheduled send time
(which does not); the target is judged on both. The run's cases carry a
marker in their title; they stay in the database. Run by hand; never by the
tests."""

import argparse
import itertools
import json
import math
import multiprocessing
import os
import sys
import tempfile
import threading
import time
import uuid
from http.client import HTTPConnection, HTTPException
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.db import connection  # noqa: E402
from django.db.models import Min  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.web import PORT, credentials, start_server  # noqa: E402 (sets Django up)
from bench.worker import redis_client, start_worker  # noqa: E402
from petitions.models import Case, Category  # noqa: E402
from portal.queues import WORKER_QUEUES  # noqa: E402
from responses.models import RoutingRule  # noqa: E402

LATE_SECONDS = 0.1  # a request sent this much after its time counts as late
TARGET_RATE, TARGET_SECONDS, TARGET_P95 = 100, 300, 2.0


def send_at_rate(port: int, key: str, case: dict, *, rate: float, seconds: float, threads: int, marker: str,
                 results) -> None:
    """The load process: sends rate * seconds submissions, request i due at
    start + i / rate, from threads with one HTTP connection each (reopened
    when the server closes it, as gunicorn's sync workers do after every
    response). Puts on results one (status, due, lateness, response time)
    per request, status 0 for a connection error or timeout, due in epoch
    seconds, the others in seconds."""
    total = round(rate * seconds)
    records: list = [None] * total
    numbers = itertools.count()  # next() on it is atomic under the GIL
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {key}"}
    start = time.monotonic() + 0.2
    start_epoch = time.time() + 0.2  # the same instant on the database's clock (same machine)

    def sender() -> None:
        http = HTTPConnection("127.0.0.1", port, timeout=60)
        while (number := next(numbers)) < total:
            due = start + number / rate
            if (wait := due - time.monotonic()) > 0:
                time.sleep(wait)
            sent = time.monotonic()
            body = json.dumps({**case, "title": f"{marker} {number}"}, ensure_ascii=False).encode()
            try:
                http.request("POST", "/api/v1/cases/", body, headers)
                response = http.getresponse()
                response.read()
                status = response.status
            except (OSError, HTTPException):
                status = 0
                http.close()
            records[number] = (status, start_epoch + number / rate, sent - due, time.monotonic() - sent)

    pool = [threading.Thread(target=sender) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    results.put(records)


def submit(port: int, key: str, case: dict, **kwargs) -> list:
    """send_at_rate in a process of its own, so the load does not share a
    Python interpreter (and its lock) with anything else."""
    fork = multiprocessing.get_context("fork")
    results = fork.Queue()
    connection.close()  # not to be shared with the child
    load = fork.Process(target=send_at_rate, args=(port, key, case), kwargs={**kwargs, "results": results})
    load.start()
    records = results.get()
    load.join()
    return records


def percentile(values: list, share: float) -> float:
    """Nearest rank: the smallest value with at least share of them at or below it."""
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def spread(values: list, unit: str = "s", scale: float = 1.0, digits: int = 2) -> str:
    if not values:
        return "none"
    return ", ".join(f"p{share * 100:.0f} {percentile(values, share) * scale:.{digits}f} {unit}"
                     for share in (.5, .95, .99)) + f", max {max(values) * scale:.{digits}f} {unit}"


def run_cases(since, marker: str):
    return Case.objects.filter(submitted_at__gte=since, title__startswith=f"{marker} ")


def routed_count(since, marker: str) -> int:
    return run_cases(since, marker).filter(routing_decisions__isnull=False).distinct().count()


def unmailed_count(since, marker: str) -> int:
    from notifications.models import Notification

    return Notification.objects.filter(case__in=run_cases(since, marker), emailed_at=None).count()


def wait_mailed(since, marker: str, limit: float) -> float:
    """Seconds until every notification of the run's cases was e-mailed, or until limit."""
    started = time.monotonic()
    while unmailed_count(since, marker) and time.monotonic() - started < limit:
        time.sleep(1)
    return time.monotonic() - started


def wait_routed(since, marker: str, expected: int, limit: float) -> float:
    """Seconds until `expected` cases of the run are routed, or until limit."""
    started = time.monotonic()
    while routed_count(since, marker) < expected and time.monotonic() - started < limit:
        time.sleep(1)
    return time.monotonic() - started


def drain_backlog(limit: float) -> tuple[int, float]:
    """Route the cases already waiting (their messages were dropped with the
    queues): one routing message each, as the sweeper sends. Returns how
    many waited and how long it took."""
    from petitions.lifecycle import Status
    from responses.tasks import route_case

    waiting = Case.objects.filter(status=Status.SUBMITTED)
    count, started = waiting.count(), time.monotonic()
    if count:
        for case_id in waiting.order_by("submitted_at").values_list("pk", flat=True):
            route_case.delay(case_id)
        while waiting.exists() and time.monotonic() - started < limit:
            time.sleep(1)
    return count, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=TARGET_RATE, help="submissions per second")
    parser.add_argument("--seconds", type=float, default=TARGET_SECONDS)
    parser.add_argument("--concurrency", type=int, default=4,
                        help="the Celery worker's processes (docs/deploy.md: routing --concurrency 4)")
    parser.add_argument("--email-nice", type=int, default=None,
                        help="give the notifications queue its own worker (concurrency 2) at this niceness, as "
                             "separate workers per queue on one machine (docs/deploy.md); by default one worker "
                             "takes every queue")
    parser.add_argument("--web-workers", type=int, default=2,
                        help="gunicorn sync workers (docs/deploy.md runs 5 on two cores)")
    parser.add_argument("--threads", type=int, default=64,
                        help="the load process's connections: most requests in flight at once")
    parser.add_argument("--drain-seconds", type=float, default=180,
                        help="how long to wait after the load for the cases to be routed")
    arguments = parser.parse_args()
    if not os.environ.get("REDIS_URL") or connection.vendor != "postgresql":
        sys.exit("The latency benchmark runs on PostgreSQL and Redis: set DATABASE_URL and REDIS_URL.")
    secrets = credentials()
    # A category with a routing rule, so cases take the full path to a department
    # (without one they stop at the routing centre, which is less work).
    secrets["category"] = Category.objects.filter(
        is_active=True, pk__in=RoutingRule.objects.values("category_id")).values_list("pk", flat=True).first()
    case = {"kind": "complaint", "category": secrets["category"], "region": secrets["region"],
            "body": "凌晨两点仍在施工，噪音很大，影响休息。"}
    cases_before = Case.objects.count()
    redis_client().delete(*WORKER_QUEUES)  # nothing left over from an earlier run
    since = timezone.now()
    run = uuid.uuid4().hex[:8]
    marker, warm_marker = f"延迟基准 {run}", f"延迟基准预热 {run}"
    log = os.path.join(tempfile.gettempdir(), f"bench-latency-worker-{run}.log")
    server_log = os.path.join(tempfile.gettempdir(), f"bench-latency-gunicorn-{run}.log")
    server = start_server(log=server_log, workers=arguments.web_workers)
    queues = [queue for queue in WORKER_QUEUES if arguments.email_nice is None or queue != "notifications"]
    worker = start_worker(",".join(queues), log, concurrency=arguments.concurrency)
    mailer = None
    if arguments.email_nice is not None:
        mailer = start_worker("notifications", log.replace("worker", "mailer"), concurrency=2,
                              nice=arguments.email_nice)
    try:
        # Cases other runs left waiting (bench/web.py starts no worker) are
        # routed first, oldest first, as a backlog is: the run's own cases
        # would wait behind them.
        left_waiting, drained = drain_backlog(arguments.drain_seconds)
        # Warm-up: both gunicorn workers answer and the Celery worker routes.
        warm = submit(PORT, secrets["citizen"], case, rate=4, seconds=1, threads=4, marker=warm_marker)
        if any(status != 201 for status, *_times in warm):
            sys.exit(f"warm-up submissions failed: {[status for status, *_times in warm]}")
        if wait_routed(since, warm_marker, len(warm), 60) >= 60:
            sys.exit(f"the Celery worker routed nothing within 60 s: see {log}")
        records = submit(PORT, secrets["citizen"], case, rate=arguments.rate, seconds=arguments.seconds,
                         threads=arguments.threads, marker=marker)
        created = sum(1 for status, *_times in records if status == 201)
        waited = wait_routed(since, marker, created, arguments.drain_seconds)
        mailed = wait_mailed(since, marker, arguments.drain_seconds)
    finally:
        for process in (worker, mailer):
            if process is not None:
                process.terminate()
                process.wait()
        server.terminate()
        server.wait()

    rows = run_cases(since, marker).annotate(routed_at=Min("routing_decisions__decided_at")).values_list(
        "title", "submitted_at", "routed_at")
    # From submitted_at (set in the view, after any wait for a gunicorn worker)
    # and from the request's scheduled send time, which includes that wait.
    in_portal, end_to_end = [], []
    for title, submitted, routed in rows:
        if routed is not None:
            in_portal.append((routed - submitted).total_seconds())
            end_to_end.append(routed.timestamp() - records[int(title.rsplit(" ", 1)[1])][1])
    statuses: dict = {}
    for status, *_times in records:
        statuses[status] = statuses.get(status, 0) + 1
    non_2xx = sum(count for status, count in statuses.items() if not 200 <= status < 300)
    late = [lateness for _status, _due, lateness, _took in records if lateness > LATE_SECONDS]
    sent = len(records)
    first, last = (due + lateness for _status, due, lateness, _took in (records[0], records[-1]))
    achieved = (sent - 1) / (last - first) if last > first else math.inf

    print(f"{cases_before:,} cases before the run; gunicorn {arguments.web_workers} sync workers; one Celery worker "
          f"(prefork, concurrency {arguments.concurrency}) on {','.join(queues)}"
          + (f", one (concurrency 2, nice {arguments.email_nice}) on notifications" if mailer else "") + "; "
          f"load: open loop, at most {arguments.threads} requests in flight")
    if left_waiting:
        print(f"before the run            {left_waiting:,} cases left waiting by other benchmarks, routed in "
              f"{drained:.1f} s")
    print(f"submissions sent          {sent:,}, at {achieved:.1f}/s (asked {arguments.rate:g}/s for "
          f"{arguments.seconds:g} s)")
    print(f"  sent late (> {LATE_SECONDS * 1000:.0f} ms)     {len(late):,}"
          + (f", the latest {max(late):.2f} s after its time" if late else ""))
    print("  responses               " + ", ".join(
        f"{'error/timeout' if status == 0 else status}: {count:,}" for status, count in sorted(statuses.items()))
          + f"; non-2xx: {non_2xx:,}")
    print("  response time           " + spread([took for *_rest, took in records], "ms", 1000, 0))
    print(f"routed                    {len(in_portal):,} of {len(rows):,} cases created "
          f"({waited:.1f} s after the load{'; gave up waiting' if len(in_portal) < len(rows) else ''})")
    print("submitted_at to routed    " + spread(in_portal))
    unmailed = unmailed_count(since, marker)
    print(f"e-mail                    {unmailed:,} notifications of the run's cases still unsent "
          f"{mailed:.1f} s after the last was routed (gave up waiting)" if unmailed else
          f"e-mail                    every notification of the run's cases sent within {mailed:.1f} s "
          f"after the last was routed")
    print("scheduled send to routed  " + spread(end_to_end))
    everything = non_2xx == 0 and len(in_portal) == len(rows) == sent and achieved >= 0.99 * arguments.rate
    verdicts = [f"{'met' if everything and values and percentile(values, .95) < TARGET_P95 else 'not met'} {name}"
                for name, values in (("from submitted_at", in_portal), ("from the scheduled send", end_to_end))]
    full_load = arguments.rate >= TARGET_RATE and arguments.seconds >= TARGET_SECONDS
    print(f"target (issue 7): p95 under {TARGET_P95:g} s at {TARGET_RATE}/s for {TARGET_SECONDS // 60} minutes, "
          f"every submission accepted and routed: {'; '.join(verdicts)}"
          + ("" if full_load else f" (at this run's lighter load, {arguments.rate:g}/s for {arguments.seconds:g} s)"))
    print(f"logs: {server_log}, {log}")


if __name__ == "__main__":
    main()
