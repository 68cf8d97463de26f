"""Records the task machinery keeps for administrators: tasks that failed
for good, and the claims that keep a task's side effect to once."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FailedTask(models.Model):
    """A Celery task that failed after its bounded retries (portal/failures.py).

    One row per task name and arguments: a task the sweepers enqueue again
    and again (a case whose routing keeps failing) shows up once, with how
    many deliveries failed, instead of one row a minute."""

    fingerprint = models.CharField(_("fingerprint"), max_length=64, unique=True, editable=False)
    task_name = models.CharField(_("task"), max_length=200, db_index=True)
    arguments = models.TextField(_("arguments"), blank=True)
    task_id = models.CharField(_("last task id"), max_length=255, blank=True)
    exception = models.TextField(_("exception"))
    traceback = models.TextField(_("traceback"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts of the last delivery"), default=1)
    failures = models.PositiveIntegerField(_("failed deliveries"), default=1)
    first_failed_at = models.DateTimeField(_("first failed at"))
    last_failed_at = models.DateTimeField(_("last failed at"), db_index=True)

    class Meta:
        verbose_name = _("failed task")
        verbose_name_plural = _("failed tasks")
        ordering = ["-last_failed_at"]

    def __str__(self):
        return f"{self.task_name}{self.arguments}"


class TaskClaim(models.Model):
    """A side effect that must happen once however often its task is
    delivered (portal/claims.py): the unique key is the claim."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    claimed_at = models.DateTimeField(_("claimed at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("task claim")
        verbose_name_plural = _("task claims")

    def __str__(self):
        return self.key
