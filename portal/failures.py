"""Tasks that failed for good (their bounded retries used up, or none) are
recorded for administrators ("Failed tasks" in the admin), once per task
id, instead of only in a log nobody reads."""

import hashlib
import json
import logging

from celery import signals
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from portal.models import FailedTask

logger = logging.getLogger("wenzheng.tasks")


def failed_task_record(*, task_name: str, task_id: str, args, kwargs, exception: BaseException,
                       traceback: str = "", attempts: int = 1) -> FailedTask:
    arguments = json.dumps({"args": list(args or ()), "kwargs": dict(kwargs or {})}, default=str,
                           sort_keys=True, ensure_ascii=False)
    fingerprint = hashlib.sha256(f"{task_name}\n{arguments}".encode()).hexdigest()
    now = timezone.now()
    text = f"{type(exception).__name__}: {exception}"[:10_000]
    with transaction.atomic():
        failed, created = FailedTask.objects.select_for_update().get_or_create(
            fingerprint=fingerprint,
            defaults=dict(task_name=task_name, arguments=arguments, task_id=task_id or "", exception=text,
                          traceback=traceback, attempts=attempts, failures=1, first_failed_at=now,
                          last_failed_at=now),
        )
        if created:
            return failed
        changes = dict(exception=text, traceback=traceback, last_failed_at=now)
        if failed.task_id == (task_id or "") and task_id:
            changes["attempts"] = max(failed.attempts, attempts)
        else:
            changes.update(task_id=task_id or "", attempts=attempts, failures=F("failures") + 1)
        FailedTask.objects.filter(pk=failed.pk).update(**changes)
    failed.refresh_from_db()
    return failed


@signals.task_failure.connect
def _record_task_failure(sender=None, task_id=None, exception=None, args=None, kwargs=None, einfo=None, **_kw):
    request = getattr(sender, "request", None)
    attempts = (getattr(request, "retries", 0) or 0) + 1
    try:
        failed_task_record(
            task_name=getattr(sender, "name", str(sender)), task_id=task_id or "", args=args, kwargs=kwargs,
            exception=exception, traceback=str(einfo or "")[-20_000:], attempts=attempts,
        )
    except Exception:  # the database may be what failed; the log still has it
        logger.exception("could not record the failure of task %s %s", getattr(sender, "name", sender), task_id)
