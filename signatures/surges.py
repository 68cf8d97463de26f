"""Surge alerts: a sudden rise of cases in one category or one region. The
last `window_hours` (ending on the hour) is compared with the same window
on each of the previous `baseline_days`; every number is a SurgeSettings
value (`surge_threshold`). One alert per window per subject, and none for a
subject flagged in an overlapping window."""

import math
from collections import defaultdict
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Case as When_
from django.db.models import Count, IntegerField, Value, When
from django.utils import timezone

from accounts.roles import Role
from notifications.models import Event
from notifications.services import notify, people_with_role
from petitions.models import Case
from signatures.models import SurgeAlert, SurgeAlertCase, SurgeSettings

DIMENSIONS = ((SurgeAlert.Dimension.CATEGORY, "category_id"), (SurgeAlert.Dimension.REGION, "region_id"))


def window_for(now, hours: int):
    end = now.replace(minute=0, second=0, microsecond=0)
    return end - timedelta(hours=hours), end


def baseline(counts: list[int]) -> tuple[float, float]:
    """Mean and population standard deviation."""
    mean = sum(counts) / len(counts)
    return mean, math.sqrt(sum((count - mean) ** 2 for count in counts) / len(counts))


def surge_threshold(config: SurgeSettings, mean: float, stdev: float) -> float:
    """A window is a surge from this count: by default max(5, 3 x mean + 3 sigma)
    over the baseline windows (a day without cases counts 0)."""
    return max(float(config.min_cases), config.factor * mean + config.sigmas * stdev)


def surge_scan(now=None) -> list[SurgeAlert]:
    """Find this window's surges and raise an alert for each new one."""
    config = SurgeSettings.load()
    start, end = window_for(now or timezone.now(), config.window_hours)
    alerts = []
    for dimension, field in DIMENSIONS:
        current = dict(
            Case.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
            .values_list(field).annotate(n=Count("id")).order_by()
        )
        candidates = {key: count for key, count in current.items() if count >= config.min_cases}
        if not candidates:
            continue
        history = _baseline_counts(field, list(candidates), start, end, config.baseline_days)
        already = set(
            SurgeAlert.objects.filter(dimension=dimension, window_end__gt=start)
            .values_list(field, flat=True)
        )
        for key, count in candidates.items():
            mean, stdev = baseline(history[key])
            threshold = surge_threshold(config, mean, stdev)
            if count < threshold or key in already:
                continue
            alert = _raise_alert(dimension, field, key, start, end, count, mean, stdev, threshold)
            if alert is not None:
                alerts.append(alert)
    return alerts


def _baseline_counts(field: str, keys: list, start, end, days: int) -> dict[int, list[int]]:
    """Cases per key in the same window on each of the previous `days` days,
    in one grouped query."""
    day = timedelta(days=1)
    which_day = When_(
        *[When(submitted_at__gte=start - n * day, submitted_at__lt=end - n * day, then=Value(n))
          for n in range(1, days + 1)],
        default=None, output_field=IntegerField(),
    )
    rows = (
        Case.objects.filter(**{f"{field}__in": keys}, submitted_at__gte=start - days * day,
                            submitted_at__lt=end - day)
        .annotate(baseline_day=which_day).exclude(baseline_day=None)
        .values_list(field, "baseline_day").annotate(n=Count("id")).order_by()
    )
    counts = defaultdict(lambda: [0] * days)
    for key, n_day, n in rows:
        counts[key][n_day - 1] = n
    return counts


def _raise_alert(dimension, field, key, start, end, count, mean, stdev, threshold) -> SurgeAlert | None:
    subject = {"category_id": None, "region_id": None, field: key}
    try:
        with transaction.atomic():
            alert = SurgeAlert.objects.create(
                dimension=dimension, window_start=start, window_end=end, case_count=count,
                baseline_mean=mean, baseline_stdev=stdev, threshold=threshold, **subject,
            )
            case_ids = list(
                Case.objects.filter(**{field: key}, submitted_at__gte=start, submitted_at__lt=end)
                .order_by("-submitted_at", "-id").values_list("id", flat=True)
            )
            SurgeAlertCase.objects.bulk_create([SurgeAlertCase(alert=alert, case_id=case_id) for case_id in case_ids])
            # A notification is about one case: the latest of the burst; the
            # alert page lists them all.
            notify(event=Event.SURGE_ALERT, case=Case.objects.get(pk=case_ids[0]),
                   users=people_with_role(Role.SUPERVISOR), occurrence=f"surge-{alert.pk}")
            return alert
    except IntegrityError:
        return None  # another scanner raised this window's alert first


def surge_alert_close(*, actor, alert_id: int) -> SurgeAlert:
    from django.utils.translation import gettext as _

    from accounts.roles import has_role
    from portal.errors import ActionForbidden, DomainError

    if not has_role(actor, Role.SUPERVISOR):
        raise ActionForbidden(_("Only supervisors can close surge alerts."))
    with transaction.atomic():
        alert = SurgeAlert.objects.select_for_update().get(pk=alert_id)
        if alert.state == SurgeAlert.State.CLOSED:
            raise DomainError(_("This alert is already closed."))
        alert.state, alert.closed_by, alert.closed_at = SurgeAlert.State.CLOSED, actor, timezone.now()
        alert.save(update_fields=["state", "closed_by", "closed_at"])
        return alert
