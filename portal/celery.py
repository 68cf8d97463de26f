"""The Celery application, and every periodic schedule in one place."""

import os

from celery import Celery, signals
from celery.schedules import crontab

from portal.env import env_int
from portal.queues import WORKER_QUEUES

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("wenzheng")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


HEARTBEAT_TASK = "portal.tasks.record_worker_heartbeat"
HEARTBEAT_SECONDS = env_int("HEALTH_HEARTBEAT_SECONDS", 30)


@signals.before_task_publish.connect
def _record_beat_heartbeat(sender=None, **_kwargs):
    """Only beat publishes the heartbeat task, so publishing it is beat's
    own heartbeat (/health/beat); running it is the worker's."""
    if sender == HEARTBEAT_TASK:
        from portal.health import BEAT_KEY, heartbeat_record

        heartbeat_record(BEAT_KEY)


@signals.task_prerun.connect
@signals.task_postrun.connect
def _close_broken_database_connections(task=None, **_kwargs):
    """Connections are reused across tasks (CELERY_DB_REUSE_MAX), which
    skips Django's per-request check; this drops one that broke (a database
    restart) or outlived DB_CONN_MAX_AGE, so the next task reconnects."""
    if task is not None and getattr(task.request, "is_eager", False):
        return  # run inside the caller's request or transaction: not ours to close
    from django.db import close_old_connections

    close_old_connections()


app.conf.beat_schedule = {
    # The database is the outbox: a case whose routing message was lost
    # (broker down at submit time, worker killed) is picked up here.
    "sweep-unrouted-cases": {
        "task": "responses.tasks.sweep_unrouted_cases",
        "schedule": 60.0,
    },
    # Likewise for e-mail whose message was lost.
    "sweep-unsent-notifications": {
        "task": "notifications.tasks.sweep_unsent_notifications",
        "schedule": 300.0,
    },
    # Texts whose quiet hours ended, and any whose message was lost.
    "sweep-waiting-texts": {
        "task": "notifications.tasks.sweep_waiting_texts",
        "schedule": 60.0,
    },
    # Consultation comments whose grouping message was lost.
    "sweep-ungrouped-comments": {
        "task": "consultations.tasks.sweep_ungrouped_comments",
        "schedule": 300.0,
    },
    # The deadline scan: reminders, breach notices, second-level notices,
    # closing cases whose feedback window ended. Exactly-once per notice
    # however often it runs, so the interval only sets how late one may be.
    "scan-deadlines": {
        "task": "supervision.tasks.scan_deadlines",
        "schedule": 60.0,
    },
    # Consultations whose comment window ended: closed once each, starting
    # the clock on their feedback report.
    "close-due-consultations": {
        "task": "consultations.tasks.close_due_consultations",
        "schedule": 300.0,
    },
    # The supervision ledger's checkpoint: kept by the first run of each day,
    # so an hour's schedule survives a worker that was down at midnight.
    "record-ledger-checkpoint": {
        "task": "supervision.tasks.record_ledger_checkpoint",
        "schedule": crontab(minute=5),
    },
    # Administrators are reminded to enter next year's holidays (Oct-Dec).
    "remind-to-enter-next-year": {
        "task": "supervision.tasks.remind_to_enter_next_year",
        "schedule": crontab(hour=9, minute=0),
    },
    # One e-mail a day for people who asked for a digest.
    "send-daily-digests": {
        "task": "notifications.tasks.send_daily_digests",
        "schedule": crontab(hour=8, minute=0),
    },
    # Surge alerts: windows end on the hour, one alert per window per
    # category or region however often this runs (signatures/surges.py).
    "detect-surges": {
        "task": "signatures.tasks.detect_surges",
        "schedule": crontab(minute="*/15"),
    },
    # The public map's whole-city view, recounted before its cache entry
    # (places.selectors.CELLS_CACHE_SECONDS) runs out.
    "warm-public-map": {
        "task": "places.tasks.warm_public_map",
        "schedule": 240.0,
        "options": {"expires": 240.0},
    },
    # Heartbeats for the health checks (portal/health.py): one per queue,
    # dropped rather than piled up while that queue has no worker.
    **{
        f"heartbeat-{queue}": {
            "task": HEARTBEAT_TASK,
            "schedule": float(HEARTBEAT_SECONDS),
            "args": (queue,),
            "options": {"queue": queue, "routing_key": queue, "expires": 2.0 * HEARTBEAT_SECONDS},
        }
        for queue in WORKER_QUEUES
    },
    # Once-only claims older than any redelivery can be are forgotten.
    "prune-phone-codes": {
        "task": "accounts.tasks.prune_phone_codes",
        "schedule": crontab(hour=3, minute=40),
    },
    "prune-task-claims": {
        "task": "portal.tasks.prune_task_claims",
        "schedule": crontab(hour=3, minute=30),
    },
    # The embedded broker's file keeps taken messages until they are pruned.
    "prune-broker-messages": {
        "task": "portal.tasks.prune_broker_messages",
        "schedule": crontab(minute=45),
    },
    # Petitions' outbox: responses whose task was lost, signers still owed one.
    "sweep-petitions": {
        "task": "signatures.tasks.sweep_petitions",
        "schedule": 300.0,
    },
}
