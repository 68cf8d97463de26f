"""Enqueue Celery tasks only after the surrounding transaction commits.

A task enqueued before commit could run before its row exists, or for a row
that was rolled back. If the broker is unreachable the request still
succeeds: the database is the source of truth and the periodic sweepers
re-enqueue whatever was left waiting."""

import logging

from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger("wenzheng.queue")


def enqueue_on_commit(task, *args) -> None:
    transaction.on_commit(lambda: enqueue_now(task, *args))


def enqueue_now(task, *args) -> bool:
    """Send the task now and say whether it went; a broker that cannot be
    reached is logged, not raised (see above)."""
    try:
        task.delay(*args)
    except (OperationalError, ConnectionError, OSError):
        logger.exception("could not enqueue %s%r; a sweeper will pick it up", task.name, args)
        return False
    return True
