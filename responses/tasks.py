"""Celery tasks for routing: thin, by id, safe to run twice."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from responses.routing_wakeup import (
    STRANDED_AFTER_SECONDS,
    routing_backlog_continue,
    routing_message_started,
    wake_routing_later,
)
from responses.selectors import cases_left_waiting, unrouted_case_ids
from responses.services import cases_route_waiting


@shared_task
def route_case(case_id: int | None = None) -> None:
    """Routes this case and, in the same transaction, others waiting (up to
    ROUTING_BATCH_SIZE): the messages of cases already routed so find
    nothing to do. Submissions made while this message was queued sent none
    of their own (responses.routing_wakeup): a full batch sends more
    messages for whatever it left."""
    started = timezone.now()
    routing_message_started()
    decisions = cases_route_waiting(case_id=case_id, limit=settings.ROUTING_BATCH_SIZE)
    if settings.ROUTING_WAKE_SECONDS <= 0:
        return
    if len(decisions) >= settings.ROUTING_BATCH_SIZE:
        routing_backlog_continue()
    elif cases_left_waiting(submitted_before=started - timedelta(seconds=STRANDED_AFTER_SECONDS)):
        # Skipped because someone held them, or failing: try again shortly.
        wake_routing_later()


@shared_task
def sweep_unrouted_cases() -> int:
    """Re-enqueue routing for cases left waiting (a lost broker message, a
    worker killed mid-task). Routing is idempotent, so extra runs are safe."""
    ids = unrouted_case_ids(older_than_seconds=settings.ROUTING_SWEEP_AFTER_SECONDS)
    for case_id in ids:
        route_case.delay(case_id)
    return len(ids)
