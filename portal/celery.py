"""The Celery application, and every periodic schedule in one place."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("wenzheng")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

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
    # One e-mail a day for people who asked for a digest.
    "send-daily-digests": {
        "task": "notifications.tasks.send_daily_digests",
        "schedule": crontab(hour=8, minute=0),
    },
}
