"""Celery tasks for routing: thin, by id, safe to run twice."""

from celery import shared_task
from django.conf import settings

from responses.selectors import unrouted_case_ids
from responses.services import cases_route_waiting


@shared_task
def route_case(case_id: int) -> None:
    """Routes this case and, in the same transaction, others waiting (up to
    ROUTING_BATCH_SIZE): the messages of cases already routed so find
    nothing to do."""
    cases_route_waiting(case_id=case_id, limit=settings.ROUTING_BATCH_SIZE)


@shared_task
def sweep_unrouted_cases() -> int:
    """Re-enqueue routing for cases left waiting (a lost broker message, a
    worker killed mid-task). Routing is idempotent, so extra runs are safe."""
    ids = unrouted_case_ids(older_than_seconds=settings.ROUTING_SWEEP_AFTER_SECONDS)
    for case_id in ids:
        route_case.delay(case_id)
    return len(ids)
