"""Reads of a person's notifications."""

from django.db.models import Count
from django.utils import timezone

from notifications.models import Notification
from portal.compiled_query import CompiledColumn


def notifications_for(user):
    # A follower's notification shows the case's public title (publication app).
    return (Notification.objects.filter(recipient=user).select_related("case", "case__publication")
            .defer("case__publication__search_document").order_by("-created_at", "-id"))


def _unread_counts(user_id):
    return (Notification.objects.filter(recipient_id=user_id, read_at=None).order_by()
            .values("recipient_id").annotate(count=Count("id")).values_list("count", flat=True))


# Counted for the header of every page a logged-in person opens: compiled once per process.
_UNREAD_COUNT = CompiledColumn(_unread_counts, -1)


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return sum(_UNREAD_COUNT.values(user.pk))


def unread_count_in_header(request) -> int:
    """The count the page header shows: counted once per request (a view
    that needs it first, such as the cached inbox, shares it)."""
    count = getattr(request, "_wz_unread_notifications", None)
    if count is None:
        count = request._wz_unread_notifications = unread_count(request.user)
    return count


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


