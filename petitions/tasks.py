"""Celery tasks for citizens' cases: thin, by id, safe to run twice."""

from celery import shared_task

from petitions.services import case_receipt_claim, case_receipt_release
from portal.mail import send_templated_mail


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_case_receipt(case_id: int) -> None:
    case = case_receipt_claim(case_id=case_id)
    if case is None:
        return
    try:
        send_templated_mail(
            to=case.contact_email, template="case_receipt", context={"case": case}, language=case.language
        )
    except Exception:
        case_receipt_release(case_id=case_id)
        raise
