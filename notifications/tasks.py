"""E-mail for notifications: thin tasks, safe to run twice."""

from celery import shared_task

from notifications.models import Notification
from notifications.selectors import digest_reader_ids, unsent_notification_ids
from notifications.services import digest_claim, notification_claim_for_email, notification_release
from portal.mail import send_templated_mail


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
