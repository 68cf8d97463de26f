"""The portal's Celery app plus the benchmark's no-op task (bench/worker.py)."""

import time

from celery.signals import task_postrun, task_prerun

from portal.celery import app

NOOP_QUEUE = "bench-noop"
COUNTER_KEY = "bench:noop:done"


@app.task(name="bench.noop", ignore_result=True)
def noop() -> None:
    """Does nothing but count itself (one Redis round trip), so the benchmark
    knows when the last one ran."""
    client = _redis()
    now = repr(time.time())
    client.setnx(f"{COUNTER_KEY}:first", now)
    client.set(f"{COUNTER_KEY}:last", now)
    client.incr(COUNTER_KEY)


_CLIENT: dict = {}

ROUTE_KEY = "bench:route:done"


def _redis():
    import redis
    from django.conf import settings

    return _CLIENT.get("redis") or _CLIENT.setdefault("redis", redis.Redis.from_url(settings.CELERY_BROKER_URL))


@task_prerun.connect
def _routing_started(task=None, **_kwargs) -> None:
    """When the worker began its first routing message (bench/worker.py)."""
    if task is not None and task.name == "responses.tasks.route_case":
        _redis().setnx(f"{ROUTE_KEY}:first", repr(time.time()))


@task_postrun.connect
def _routing_done(task=None, **_kwargs) -> None:
    """When it finished its last, and how many it has finished."""
    if task is not None and task.name == "responses.tasks.route_case":
        client = _redis()
        client.set(f"{ROUTE_KEY}:last", repr(time.time()))
        client.incr(ROUTE_KEY)
