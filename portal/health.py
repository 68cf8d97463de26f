"""Health checks for load balancers and orchestrators (docs/deploy.md):
/health/web (the database and the shared cache answer), /health/worker and
/health/beat (heartbeats recent). Each answers JSON, 200 when healthy and
503 when not; no login, and only ages in seconds are shown."""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

BEAT_KEY = "health:beat"


def worker_key(queue: str) -> str:
    return f"health:worker:{queue}"


def heartbeat_record(key: str, *, now: float | None = None) -> None:
    # Kept well past staleness so a stopped process reads as "stale", not "never seen".
    cache.set(key, time.time() if now is None else now, timeout=max(3600, settings.HEALTH_STALE_SECONDS * 10))


def _age(key: str, now: float) -> float | None:
    stamp = cache.get(key)
    return None if stamp is None else round(max(0.0, now - float(stamp)), 1)


def _answer(checks: dict) -> JsonResponse:
    healthy = all(check["ok"] for check in checks.values())
    body = {"status": "ok" if healthy else "unavailable", "checks": checks}
    return JsonResponse(body, status=200 if healthy else 503)


@never_cache
@require_GET
def web(request):
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = {"ok": True}
    except Exception:  # any failure to reach the database is "unavailable"  # noqa: BLE001
        checks["database"] = {"ok": False}
    try:
        cache.set("health:web", 1, timeout=60)
        checks["cache"] = {"ok": cache.get("health:web") == 1}
    except Exception:  # noqa: BLE001
        checks["cache"] = {"ok": False}
    return _answer(checks)


def _fresh(key: str, now: float) -> dict:
    age = _age(key, now)
    return {"ok": age is not None and age <= settings.HEALTH_STALE_SECONDS, "age_seconds": age}


@never_cache
@require_GET
def worker(request):
    now = time.time()
    return _answer({queue: _fresh(worker_key(queue), now) for queue in settings.CELERY_WORKER_QUEUES})


@never_cache
@require_GET
def beat(request):
    return _answer({"beat": _fresh(BEAT_KEY, time.time())})
