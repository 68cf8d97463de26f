"""The Celery application, and every periodic schedule in one place."""

import os

from celery import Celery

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
}
