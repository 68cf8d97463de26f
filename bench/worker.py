"""Celery benchmark: one worker's routing throughput against the same
worker's no-op ceiling, measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wenzheng_bench \
    REDIS_URL=redis://127.0.0.1:6379/7 .venv/bin/python bench/worker.py --tasks 3000 --cases 600

Ceiling: N no-op tasks queued, then one worker process (prefork, one
child) started on that queue; the time from its first task to its last.
Routing: M cases submitted through the real service (their routing
messages, one per case, queue up while no worker runs), then one worker on
the routing queue. Two rates: cases routed (from the first message taken to
the last case routed), and every message consumed (to the last message
done). Run by hand."""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from bench.celery_app import COUNTER_KEY, NOOP_QUEUE, ROUTE_KEY, app, noop  # noqa: E402


def redis_client():
    import redis

    return redis.Redis.from_url(settings.CELERY_BROKER_URL)


def start_worker(queue: str, log: str, *, concurrency: int = 1, nice: int = 0) -> subprocess.Popen:
    """One worker (prefork) on queue, a comma-separated list for several; at
    the given niceness if not 0."""
    return subprocess.Popen(
        (["nice", "-n", str(nice)] if nice else [])
        + [str(ROOT / ".venv/bin/celery"), "-A", "bench.celery_app", "worker", "--concurrency", str(concurrency),
         "-Q", queue, "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel", "WARNING"],
        cwd=ROOT, env={**os.environ, "LOG_LEVEL": "WARNING"}, stdout=open(log, "w"), stderr=subprocess.STDOUT)


def ceiling(tasks: int) -> float:
    client = redis_client()
    client.delete(COUNTER_KEY, f"{COUNTER_KEY}:first", f"{COUNTER_KEY}:last")
    for _ in range(tasks):
        noop.apply_async(queue=NOOP_QUEUE)
    worker = start_worker(NOOP_QUEUE, os.path.join(tempfile.gettempdir(), "bench-noop-worker.log"))
    try:
        while int(client.get(COUNTER_KEY) or 0) < tasks:
            time.sleep(0.05)
    finally:
        worker.terminate()
        worker.wait()
    first, last = float(client.get(f"{COUNTER_KEY}:first")), float(client.get(f"{COUNTER_KEY}:last"))
    return (tasks - 1) / (last - first)


def routing(cases: int) -> dict:
    from accounts.models import User
    from petitions.models import Case, Category, Region
    from petitions.services import case_submit
    from responses.models import RoutingRule

    citizen = User.objects.get(email="citizen@wenzheng.example")
    routed_categories = RoutingRule.objects.values_list("category_id", flat=True)
    category = Category.objects.filter(is_active=True, pk__in=routed_categories).first()
    region = Region.objects.filter(is_active=True).first()
    client = redis_client()
    client.delete(ROUTE_KEY, f"{ROUTE_KEY}:first", f"{ROUTE_KEY}:last")
    submit_started = time.perf_counter()
    ids = []
    for number in range(cases):
        case, _created = case_submit(actor=citizen, kind="complaint", category=category, region=region,
                                     title=f"基准路由 {number}", body="基准测试：路由吞吐量。",
                                     contact_email=citizen.email)
        ids.append(case.pk)
    submit_rate = cases / (time.perf_counter() - submit_started)
    worker = start_worker("routing", os.path.join(tempfile.gettempdir(), "bench-routing-worker.log"))
    try:
        # Every case routed, then every routing message consumed.
        while Case.objects.filter(pk__in=ids, dispatched_at=None).exists():
            time.sleep(0.1)
        consumed = -1
        while consumed != int(client.get(ROUTE_KEY) or 0) or client.llen("routing"):
            consumed = int(client.get(ROUTE_KEY) or 0)
            time.sleep(1)
    finally:
        worker.terminate()
        worker.wait()
    assert not Case.objects.filter(pk__in=ids, dispatched_at=None).exists(), "a case was left unrouted"
    first = float(client.get(f"{ROUTE_KEY}:first"))
    drained = float(client.get(f"{ROUTE_KEY}:last"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT MAX(dispatched_at) FROM petitions_case WHERE id = ANY(%s)", [ids])
        last_routed = cursor.fetchone()[0].timestamp()
    return {"routed": cases / (last_routed - first), "drained": cases / (drained - first), "submit": submit_rate,
            "messages": consumed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=3000)
    parser.add_argument("--cases", type=int, default=600)
    arguments = parser.parse_args()
    if not os.environ.get("REDIS_URL") or connection.vendor != "postgresql":
        sys.exit("The worker benchmark runs on PostgreSQL and Redis: set DATABASE_URL and REDIS_URL.")
    redis_client().delete(*[key for key in ("routing", NOOP_QUEUE)])  # nothing left over from an earlier run
    noop_rate = ceiling(arguments.tasks)
    rates = routing(arguments.cases)
    print(f"one worker (prefork, concurrency 1), Redis broker, app: {app.main}")
    print(f"ceiling: no-op task                {noop_rate:8.1f} tasks/s  ({arguments.tasks} tasks)")
    print(f"routing: cases routed              {rates['routed']:8.1f} cases/s  ({arguments.cases} cases, from the "
          f"first message taken to the last case routed): {100 * rates['routed'] / noop_rate:.0f} % of the ceiling")
    print(f"routing: every message consumed    {rates['drained']:8.1f} cases/s  (to the last of the "
          f"{rates['messages']} routing messages done): {100 * rates['drained'] / noop_rate:.0f} %")
    print(f"(submitting them in-process        {rates['submit']:8.1f} cases/s, one connection, for reference)")


if __name__ == "__main__":
    main()
