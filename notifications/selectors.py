"""Reads of a person's notifications."""

from django.utils import timezone

from notifications.models import Notification


def notifications_for(user):
    # A follower's notification shows the case's public title (publication app).
    return (Notification.objects.filter(recipient=user).select_related("case", "case__publication")
            .defer("case__publication__search_document").order_by("-created_at", "-id"))


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at=None).count()


def unsent_notification_ids(*, older_than_seconds: int, limit: int = 1000) -> list[str]:
    """Keys of immediate e-mails whose task may have been lost."""
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    return list(
        Notification.objects.filter(emailed_at=None, created_at__lt=cutoff)
        .exclude(recipient__notify_daily_digest=True)
        .values_list("key", flat=True)
        .distinct()[:limit]
    )


def digest_reader_ids() -> list[int]:
    return list(
        Notification.objects.filter(emailed_at=None, recipient__notify_daily_digest=True)
        .values_list("recipient_id", flat=True)
        .distinct()
    )




def waiting_texts_due(*, grace_seconds: int = 60, limit: int = 1000) -> list[int]:
    """Ids of texts whose time came at least `grace_seconds` ago
    and still wait: their quiet hours ended, or their task was lost."""
    from notifications.models import SmsMessage, SmsStatus

    cutoff = timezone.now() - timezone.timedelta(seconds=grace_seconds)
    return list(SmsMessage.objects.filter(status=SmsStatus.WAITING, not_before__lte=cutoff)
                .order_by("not_before", "pk").values_list("pk", flat=True)[:limit])


def receipt_texted(case) -> bool:
    """Whether the case's receipt went, or is going, out by text."""
    from notifications.models import Event, SmsMessage

    return SmsMessage.objects.filter(case=case, event=Event.RECEIVED).exists()
