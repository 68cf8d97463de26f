"""What the front page shows: the latest answered public cases, this month's
figures (from the dashboard's tallies), hot topics, the departments and the
deadlines a case runs against. The counts are shared by every visitor, so
they are kept in the cache for a few minutes."""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone

from accounts.models import Department
from petitions.models import Case, Category, Kind
from publication.models import PublicStatus
from publication.selectors import public_cases
from supervision.metrics import Scope, rates_by
from supervision.models import ClockKind, DeadlinePolicy

FIGURES_SECONDS = 300
HOT_TOPICS = 6
HOT_TOPIC_DAYS = 30


@dataclass(frozen=True)
class MonthFigures:
    received: int
    response_rate: float | None
    on_time_rate: float | None
    satisfaction_rate: float | None


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def month_figures(*, now: datetime.datetime) -> MonthFigures:
    """This calendar month so far: cases received, and the city's rates as
    the supervisors' dashboard counts them (whole days, from the tallies)."""
    today = timezone.localdate(now)
    key = f"front:figures:{today:%Y-%m-%d}"
    figures = cache.get(key)
    if figures is None:
        start = _local_midnight(today.replace(day=1))
        end = _local_midnight(today + datetime.timedelta(days=1))
        rows = rates_by(Scope(start=start, end=end), now=now)
        total = {name: sum(getattr(row, name) for row in rows) for name in (
            "sign_for_due", "signed_in_time", "replies_due", "replied_in_time", "evaluated", "satisfied")}
        figures = MonthFigures(
            received=Case.objects.filter(submitted_at__gte=start, submitted_at__lt=end).count(),
            response_rate=_share(total["signed_in_time"], total["sign_for_due"]),
            on_time_rate=_share(total["replied_in_time"], total["replies_due"]),
            satisfaction_rate=_share(total["satisfied"], total["evaluated"]),
        )
        cache.set(key, figures, FIGURES_SECONDS)
    return figures


def hot_topics(*, now: datetime.datetime) -> list[tuple[Category, int]]:
    """The categories most cases were filed under in the last 30 days."""
    since = _local_midnight(timezone.localdate(now) - datetime.timedelta(days=HOT_TOPIC_DAYS))
    key = f"front:topics:{since:%Y-%m-%d}"
    counts = cache.get(key)
    if counts is None:
        counts = list(Case.objects.filter(submitted_at__gte=since).values_list("category_id")
                      .annotate(n=Count("id")).order_by("-n", "category_id")[:HOT_TOPICS])
        cache.set(key, counts, FIGURES_SECONDS)
    categories = Category.objects.in_bulk([category_id for category_id, _n in counts])
    return [(categories[category_id], n) for category_id, n in counts if category_id in categories]


def latest_answers(*, limit: int = 6):
    return list(public_cases().filter(public_status=PublicStatus.ANSWERED).order_by("-answered_at", "-id")[:limit])


def front_departments():
    """The top of the department tree: city bureaus and district governments."""
    return list(Department.objects.filter(is_active=True, parent=None).order_by("code"))


@dataclass(frozen=True)
class Limit:
    amount: int
    unit: str


def deadline_limits() -> dict:
    """The normal-urgency limits of the steps a citizen waits for: dispatch,
    sign-for, and the reply per kind of case (the most general policy rows)."""
    policies = DeadlinePolicy.objects.filter(
        clock__in=[ClockKind.DISPATCH, ClockKind.SIGN_FOR, ClockKind.REPLY, ClockKind.REHANDLING],
        urgency__in=["", "normal"])
    chosen = {}
    for policy in policies:
        key = (policy.clock, policy.case_kind)
        # A row naming the normal urgency beats one for any urgency.
        if key not in chosen or policy.urgency:
            chosen[key] = policy

    def limit(clock, kind=""):
        policy = chosen.get((clock, kind)) or chosen.get((clock, ""))
        return Limit(policy.amount, policy.get_unit_display()) if policy else None

    return {
        "dispatch": limit(ClockKind.DISPATCH),
        "sign_for": limit(ClockKind.SIGN_FOR),
        "rehandling": limit(ClockKind.REHANDLING),
        "replies": [(label, limit(ClockKind.REPLY, value)) for value, label in Kind.choices
                    if value != Kind.PETITION and limit(ClockKind.REPLY, value)],
    }
