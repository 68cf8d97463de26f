"""The portal's Celery app plus the benchmark's no-op task (bench/worker.py)."""

import time

from portal.celery import app

NOOP_QUEUE = "bench-noop"
COUNTER_KEY = "bench:noop:done"


@app.task(name="bench.noop", ignore_result=True)
def noop() -> None:
    """Does nothing but count itself (one Redis round trip), so the benchmark
    knows when the last one ran."""
    import redis
    from django.conf import settings

    client = _CLIENT.get("redis") or _CLIENT.setdefault("redis", redis.Redis.from_url(settings.CELERY_BROKER_URL))
    now = repr(time.time())
    client.setnx(f"{COUNTER_KEY}:first", now)
    client.set(f"{COUNTER_KEY}:last", now)
    client.incr(COUNTER_KEY)


_CLIENT: dict = {}
