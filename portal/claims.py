"""Once-only side effects for tasks whose state cannot tell that the work
was done (an e-mail with no row to mark): claim a key before acting; a
second delivery of the same work finds the key taken and does nothing."""

from django.db import IntegrityError, transaction

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
