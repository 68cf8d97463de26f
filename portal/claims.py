"""Once-only side effects for tasks whose state cannot tell that the work
was done (an e-mail with no row to mark): claim a key before acting; a
second delivery of the same work finds the key taken and does nothing."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.models import TaskClaim


def task_claim(key: str) -> bool:
    """True for the first caller with this key, False for every later one."""
    try:
        with transaction.atomic():
            TaskClaim.objects.create(key=key[:200])
    except IntegrityError:
        return False
    return True


def task_claim_release(key: str) -> None:
    """Give the claim back when the side effect failed, so a retry may act."""
    TaskClaim.objects.filter(key=key[:200]).delete()


# Longer than any redelivery or retry of the same message can take.
CLAIM_KEPT_FOR = timedelta(days=30)


def task_claims_prune(*, now=None) -> int:
    """Forget claims old enough that their message can no longer come again
    (a flood of signatures would otherwise grow the table for ever)."""
    cutoff = (now or timezone.now()) - CLAIM_KEPT_FOR
    deleted, _by_model = TaskClaim.objects.filter(claimed_at__lt=cutoff).delete()
    return deleted
