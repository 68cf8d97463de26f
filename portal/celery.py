"""The Celery application, and every periodic schedule in one place."""

import os

from celery import Celery, signals
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("wenzheng")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


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
    # The deadline scan: reminders, breach notices, second-level notices,
    # closing cases whose feedback window ended. Exactly-once per notice
    # however often it runs, so the interval only sets how late one may be.
    "scan-deadlines": {
        "task": "supervision.tasks.scan_deadlines",
        "schedule": 60.0,
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
}
