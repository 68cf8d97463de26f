"""Quiet hours: texts about cases raised at night wait until morning
(SMS_QUIET_HOURS, e.g. "22-8", in the portal's time zone)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone


def quiet_hours() -> tuple[int, int] | None:
    raw = (settings.SMS_QUIET_HOURS or "").strip()
    if not raw:
        return None
    start, _dash, end = raw.partition("-")
    try:
        hours = int(start), int(end)
    except ValueError:
        raise ImproperlyConfigured(f"SMS_QUIET_HOURS must be two hours such as 22-8, got {raw!r}") from None
    if not all(0 <= hour <= 23 for hour in hours):
        raise ImproperlyConfigured(f"SMS_QUIET_HOURS must be two hours such as 22-8, got {raw!r}")
    return None if hours[0] == hours[1] else hours


def send_not_before(now: datetime | None = None) -> datetime:
    """`now`, or the end of the quiet hours `now` falls in."""
    now = now or timezone.now()
    hours = quiet_hours()
    if hours is None:
        return now
    start, end = hours
    local = timezone.localtime(now)
    hour = local.hour
    quiet = (start <= hour or hour < end) if start > end else (start <= hour < end)
    if not quiet:
        return now
    morning = local.replace(hour=end, minute=0, second=0, microsecond=0)
    if morning <= local:  # late evening: tomorrow morning (wall-clock arithmetic)
        morning = (local + timedelta(days=1)).replace(hour=end, minute=0, second=0, microsecond=0)
    return morning
