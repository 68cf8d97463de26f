"""/health/web, /health/worker and /health/beat: JSON, 200 when healthy and
503 when not; worker and beat are judged by heartbeats in the shared cache."""

import io
import time

import pytest
from celery import signals
from django.db import connection
from django.urls import reverse

from portal.celery import HEARTBEAT_TASK
from portal.celery import app as celery_app
from portal.health import BEAT_KEY, heartbeat_record, worker_key
from portal.queues import WORKER_QUEUES
from portal.tasks import record_worker_heartbeat


def test_web_is_healthy_when_the_database_answers(client, db):
    response = client.get(reverse("health_web"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": {"ok": True}, "cache": {"ok": True}}}
    assert "no-cache" in response["Cache-Control"]


def test_web_is_unavailable_when_the_database_is_not(client, db, monkeypatch):
    def broken(*args, **kwargs):
        raise connection.Database.OperationalError("database is down")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get(reverse("health_web"))
    monkeypatch.undo()
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False}


def test_worker_is_unavailable_before_any_heartbeat(client, db):
    response = client.get(reverse("health_worker"))
    assert response.status_code == 503
    assert set(response.json()["checks"]) == set(WORKER_QUEUES)
    assert response.json()["checks"]["routing"] == {"ok": False, "age_seconds": None}


def test_worker_is_healthy_once_every_queue_ran_its_heartbeat(client, db):
    for queue in WORKER_QUEUES:
        record_worker_heartbeat.delay(queue)  # run by the (eager) worker
    response = client.get(reverse("health_worker"))
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "ok"


def test_one_silent_queue_makes_the_worker_check_fail(client, db, settings):
    now = time.time()
    for queue in WORKER_QUEUES:
        heartbeat_record(worker_key(queue), now=now)
    heartbeat_record(worker_key("scans"), now=now - settings.HEALTH_STALE_SECONDS - 5)
    response = client.get(reverse("health_worker"))
    assert response.status_code == 503
    assert response.json()["checks"]["scans"]["ok"] is False
    assert response.json()["checks"]["routing"]["ok"] is True


def test_beat_is_healthy_when_it_published_a_heartbeat_recently(client, db, settings):
    assert client.get(reverse("health_beat")).status_code == 503
    signals.before_task_publish.send(sender=HEARTBEAT_TASK, body=(), exchange="", routing_key="default")
    response = client.get(reverse("health_beat"))
    assert response.status_code == 200
    heartbeat_record(BEAT_KEY, now=time.time() - settings.HEALTH_STALE_SECONDS - 1)
    assert client.get(reverse("health_beat")).status_code == 503


def test_other_tasks_published_are_not_a_beat_heartbeat(client, db):
    signals.before_task_publish.send(sender="responses.tasks.route_case", body=(), exchange="", routing_key="routing")
    assert client.get(reverse("health_beat")).status_code == 503


def test_beat_sends_a_heartbeat_to_every_queue():
    entries = [entry for entry in celery_app.conf.beat_schedule.values() if entry["task"] == HEARTBEAT_TASK]
    assert sorted(entry["options"]["queue"] for entry in entries) == sorted(WORKER_QUEUES)
    assert all(entry["args"] == (entry["options"]["queue"],) for entry in entries)


@pytest.mark.parametrize(
    "task, queue",
    [
        ("responses.tasks.route_case", "routing"),
        ("notifications.tasks.email_notifications", "notifications"),
        ("supervision.tasks.scan_deadlines", "scans"),
        ("supervision.tasks.run_export", "default"),
        ("signatures.tasks.detect_surges", "default"),
    ],
)
def test_tasks_are_routed_to_their_queue(task, queue):
    route = celery_app.amqp.router.route({}, task)
    assert route["queue"].name == queue


def test_the_embedded_worker_consumes_every_queue(monkeypatch, settings):
    from django.core.management import call_command

    from portal import supervisor
    from portal.management.commands import runportal

    started = {}

    class Exited:
        returncode = 0
        pid = 4242

        def __init__(self, command, **kwargs):
            started[command[5] if "celery" in command else "web"] = command

        def poll(self):
            return 0

        def wait(self, timeout=None):
            return 0

    handlers = {}
    monkeypatch.setattr(supervisor.subprocess, "Popen", Exited)
    monkeypatch.setattr(runportal.signal, "signal", handlers.__setitem__)
    # The first pause of its loop is a Ctrl+C (runportal restarts exited children until stopped).
    monkeypatch.setattr(runportal.time, "sleep", lambda _seconds: handlers[runportal.signal.SIGINT]())
    call_command("runportal", stdout=io.StringIO(), stderr=io.StringIO())
    worker = started["worker"]
    assert worker[worker.index("-Q") + 1].split(",") == list(WORKER_QUEUES)
