"""The heartbeat behind /health/worker (portal/health.py): beat sends one
to every queue; whichever worker consumes that queue records it. And the
daily clean-up of old task claims (portal/claims.py)."""

from celery import shared_task

from portal.health import heartbeat_record, worker_key


@shared_task(ignore_result=True)
def record_worker_heartbeat(queue: str) -> None:
    heartbeat_record(worker_key(queue))


@shared_task(ignore_result=True)
def prune_task_claims() -> int:
    from portal.claims import task_claims_prune

    return task_claims_prune()
