"""E-mail for notifications: thin tasks, safe to run twice."""

import logging

from celery import shared_task

from accounts.phones import mask_phone
from notifications.models import Notification, SmsStatus
from notifications.selectors import digest_reader_ids, unsent_notification_ids, waiting_texts_due
from notifications.services import (
    digest_claim,
    notification_claim_for_email,
    notification_release,
    sms_claim,
    sms_finish,
    sms_reclaim_stalled,
)
from notifications.sms import SmsError, SmsRefused, send_sms
from notifications.sms.texts import build
from portal.mail import send_templated_mail

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_notifications(key: str) -> int:
    sent = 0
    for notification_id in Notification.objects.filter(key=key, emailed_at=None).values_list("id", flat=True):
        notification = notification_claim_for_email(notification_id=notification_id)
        if notification is None:
            continue
        try:
            send_templated_mail(
                to=notification.email, template="notification",
                context={"notification": notification, "case": notification.case,
                         "reply": notification.case.replies(manager="published").last()
                         if notification.case_id else None},
                language=notification.language,
            )
        except Exception:
            notification_release(notification_id=notification_id)
            raise
        sent += 1
    return sent


@shared_task
def email_notification_batch(keys: list[str]) -> int:
    """E-mail many events at once (the deadline scan raises hundreds)."""
    return sum(email_notifications(key) for key in keys)


@shared_task
def sweep_unsent_notifications() -> int:
    """Re-enqueue e-mail whose message was lost (broker down, worker killed)."""
    keys = unsent_notification_ids(older_than_seconds=120)
    for key in keys:
        email_notifications.delay(key)
    return len(keys)


# Claims are released when sending fails, so a retry sends what is left.
@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_daily_digests() -> int:
    sent = 0
    for user_id in digest_reader_ids():
        notifications = digest_claim(user_id=user_id)
        if not notifications:
            continue
        recipient = notifications[0].email
        try:
            send_templated_mail(
                to=recipient, template="notification_digest", context={"notifications": notifications},
                language=notifications[0].language,
            )
        except Exception:
            for notification in notifications:
                notification_release(notification_id=notification.id)
            raise
        sent += 1
    return sent


@shared_task(bind=True, autoretry_for=(SmsError,), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def send_text(self, message_id: int) -> bool:
    """Send one recorded text: claimed first, so a message delivered twice
    sends it once; a gateway that cannot be reached is tried again with
    backoff, and after the last try the text is marked failed, with the
    error, in the administrators' list."""
    message = sms_claim(message_id=message_id)
    if message is None:
        return False
    text = build(to=message.phone, kind=message.kind, params=message.params, language=message.language)
    try:
        gateway_id = send_sms(text)
    except SmsRefused as refused:
        sms_finish(message=message, status=SmsStatus.FAILED, error=str(refused))
        logger.warning("text %s to %s refused: %s", message.pk, mask_phone(message.phone), refused)
        return False
    except Exception as error:
        final = self.request.retries >= self.max_retries or not isinstance(error, SmsError)
        sms_finish(message=message, status=SmsStatus.FAILED if final else SmsStatus.WAITING,
                   error=f"{type(error).__name__}: {error}")
        raise
    sms_finish(message=message, status=SmsStatus.SENT, gateway_id=gateway_id)
    return True


@shared_task
def sweep_waiting_texts() -> int:
    """Send the texts whose quiet hours ended, any whose message was lost,
    and any claimed by a worker that died before it sent them."""
    from django.conf import settings

    reclaimed = sms_reclaim_stalled(older_than_seconds=settings.SMS_CLAIM_TIMEOUT_SECONDS)
    due = list(dict.fromkeys(reclaimed + waiting_texts_due()))
    for message_id in due:
        send_text.delay(message_id)
    return len(due)
