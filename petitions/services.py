"""Writes on cases that citizens (and operators on their behalf) make."""

import os

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language

from petitions.attachments import attachment_content_type
from petitions.models import Attachment, Case, Channel, Urgency
from petitions.tracking import new_tracking_number
from portal.queue import enqueue_on_commit


def case_submit(
    *,
    actor,
    kind: str,
    category,
    region,
    title: str,
    body: str,
    contact_email: str,
    wants_public: bool = False,
    urgency: str = Urgency.NORMAL,
    address: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    channel: str = Channel.WEB,
    attachment=None,
    submission_key=None,
    language: str | None = None,
) -> tuple[Case, bool]:
    """Record a new case and start its routing once it has committed.

    Returns (case, created). The same submission_key posted again (a double
    click, a browser retry) returns the first case instead of a second one.
    """
    if submission_key is not None:
        existing = Case.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing, False
    content_type = attachment_content_type(attachment) if attachment is not None else None

    try:
        with transaction.atomic():
            case = Case(
                tracking_number=new_tracking_number(),
                kind=kind,
                channel=channel,
                category=category,
                region=region,
                urgency=urgency,
                title=title.strip(),
                body=body.strip(),
                address=address.strip(),
                wants_public=wants_public,
                citizen=actor if getattr(actor, "is_authenticated", False) else None,
                contact_name=contact_name.strip(),
                contact_email=contact_email.strip().lower(),
                contact_phone=contact_phone.strip(),
                language=language or get_language() or "zh-hans",
                submitted_at=timezone.now(),
                submission_key=submission_key,
            )
            case._history_user = case.citizen
            case._change_reason = "submitted"
            case.save()
            if attachment is not None:
                Attachment.objects.create(
                    case=case,
                    file=attachment,
                    original_name=os.path.basename(attachment.name or "attachment")[:200],
                    content_type=content_type,
                    size=attachment.size,
                )
            _schedule_after_submit(case)
    except IntegrityError:
        # Two identical posts raced past the check above: the other one won.
        if submission_key is None:
            raise
        return Case.objects.get(submission_key=submission_key), False
    return case, True


def _schedule_after_submit(case: Case) -> None:
    from petitions.tasks import send_case_receipt
    from responses.tasks import route_case

    enqueue_on_commit(route_case, case.id)
    enqueue_on_commit(send_case_receipt, case.id)


def case_receipt_claim(*, case_id: int) -> Case | None:
    """Claim the right to send a case's receipt; None if it was already sent.
    A conditional update, so two deliveries of the task send one e-mail."""
    claimed = Case.objects.filter(id=case_id, receipt_sent_at=None).update(receipt_sent_at=timezone.now())
    return Case.objects.filter(id=case_id).first() if claimed else None


def case_receipt_release(*, case_id: int) -> None:
    """Give the claim back when sending failed, so a retry can send it."""
    Case.objects.filter(id=case_id).update(receipt_sent_at=None)
