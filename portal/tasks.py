"""The heartbeat behind /health/worker (portal/health.py): beat sends one
to every queue; whichever worker consumes that queue records it. And the
clean-ups: old task claims (portal/claims.py), the embedded broker's taken
messages (portal/embedded.py)."""

from celery import shared_task

from portal.health import heartbeat_record, worker_key


@shared_task(ignore_result=True)
def record_worker_heartbeat(queue: str) -> None:
    heartbeat_record(worker_key(queue))


@shared_task(ignore_result=True)
def prune_task_claims() -> int:
    from portal.claims import task_claims_prune

    return task_claims_prune()


@shared_task(ignore_result=True)
def prune_broker_messages() -> int:
    """The embedded broker's taken messages (portal/embedded.py); Redis
    deletes its own."""
    from django.conf import settings

    from portal.embedded import embedded_broker_prune

    if not settings.CELERY_BROKER_URL.startswith("sqla+"):
        return 0
    return embedded_broker_prune(settings.CELERY_BROKER_URL)
