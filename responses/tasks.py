"""Celery tasks for routing: thin, by id, safe to run twice."""

from celery import shared_task
from django.conf import settings

from responses.selectors import unrouted_case_ids
from responses.services import case_route


@shared_task
def route_case(case_id: int) -> None:
    """Route one submitted case; a case already routed is left as it is."""
    case_route(case_id=case_id)


@shared_task
def sweep_unrouted_cases() -> int:
    """Re-enqueue routing for cases left waiting (a lost broker message, a
    worker killed mid-task). Routing is idempotent, so extra runs are safe."""
    ids = unrouted_case_ids(older_than_seconds=settings.ROUTING_SWEEP_AFTER_SECONDS)
    for case_id in ids:
        route_case.delay(case_id)
    return len(ids)
