"""Celery tasks for routing and replies: thin, by id, safe to run twice."""

from celery import shared_task
from django.conf import settings

from portal.mail import send_templated_mail
from responses.services import (
    case_route,
    reply_notification_claim,
    reply_notification_release,
    unrouted_case_ids,
)


@shared_task
def route_case(case_id: int) -> None:
    case_route(case_id=case_id)


@shared_task
def sweep_unrouted_cases() -> int:
    """Re-enqueue routing for cases left waiting (a lost broker message, a
    worker killed mid-task). Routing is idempotent, so extra runs are safe."""
    ids = unrouted_case_ids(older_than_seconds=settings.ROUTING_SWEEP_AFTER_SECONDS)
    for case_id in ids:
        route_case.delay(case_id)
    return len(ids)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_citizen_of_reply(reply_id: int) -> None:
    reply = reply_notification_claim(reply_id=reply_id)
    if reply is None:
        return
    case = reply.case
    try:
        send_templated_mail(
            to=case.contact_email, template="case_replied", context={"case": case, "reply": reply},
            language=case.language,
        )
    except Exception:
        reply_notification_release(reply_id=reply_id)
        raise
