"""What supervisors measure (DOMAIN.md), per department, category or region
and period, computed in the database from the supervision records.

- response rate: sign-for clocks met by signing for ÷ sign-for clocks started
- on-time reply rate: reply and re-handling clocks met in time ÷ those that
  came due (stopped, or past their due time)
- resolution rate: feedback marked resolved ÷ feedback given
- satisfaction rate: satisfied + basically satisfied ÷ feedback given
- return rate: sign-for clocks stopped by a return ÷ sign-for clocks started
- reopen rate: feedback asking for re-handling ÷ feedback given
- overdue: department clocks breached; extensions: extensions approved
- time to sign for and to reply: median and 90th percentile, working hours

The period is the time the clock started (the case reached the department)
or the feedback was given; every figure can be drilled into through
`cases_behind`, which applies the same conditions."""

from dataclasses import dataclass, field
from datetime import datetime
from statistics import quantiles

from django.db import connection
from django.db.models import Aggregate, Count, FloatField, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from petitions.models import Case
from supervision.models import ClockKind, ClockStat, ClockState, Extension, Feedback, SupervisionClock

PATHS = {"department": "department_id", "category": "case__category_id", "region": "case__region_id"}
REPLY_CLOCKS = (ClockKind.REPLY, ClockKind.REHANDLING)
DEPARTMENT_CLOCKS = (ClockKind.SIGN_FOR, ClockKind.REPLY, ClockKind.REHANDLING)


class MedianAndP90(Aggregate):
    """PostgreSQL's ordered-set percentiles, both from one sort (the
    embedded SQLite default computes percentiles in Python instead)."""

    function = "percentile_cont"
    template = "%(function)s(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, **extra):
        from django.contrib.postgres.fields import ArrayField

        super().__init__(expression, output_field=ArrayField(FloatField()), **extra)


@dataclass(frozen=True)
class Scope:
    start: datetime
    end: datetime
    department_id: int | None = None
    category_id: int | None = None
    region_id: int | None = None

    def clocks(self, *kinds):
        clocks = SupervisionClock.objects.filter(kind__in=kinds, started_at__gte=self.start, started_at__lt=self.end)
        return self._narrow(clocks)

    def feedback(self):
        return self._narrow(Feedback.objects.filter(given_at__gte=self.start, given_at__lt=self.end))

    def extensions(self):
        approved = Extension.objects.filter(state=Extension.State.APPROVED, decided_at__gte=self.start,
                                            decided_at__lt=self.end)
        return self._narrow(approved, prefix="clock__")

    def _narrow(self, queryset, prefix: str = ""):
        if self.department_id:
            queryset = queryset.filter(**{f"{prefix}department_id": self.department_id})
        if self.category_id:
            queryset = queryset.filter(**{f"{prefix}case__category_id": self.category_id})
        if self.region_id:
            queryset = queryset.filter(**{f"{prefix}case__region_id": self.region_id})
        return queryset


@dataclass
class Rates:
    key: object
    dispatched: int = 0
    signed_in_time: int = 0
    returned: int = 0
    replies_due: int = 0
    replied_in_time: int = 0
    evaluated: int = 0
    resolved: int = 0
    satisfied: int = 0
    reopened: int = 0
    overdue: int = 0
    extensions: int = 0
    sign_for_hours: dict = field(default_factory=dict)
    reply_hours: dict = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        counts = (self.dispatched, self.replies_due, self.evaluated, self.overdue, self.extensions)
        return not any(counts) and not self.sign_for_hours and not self.reply_hours

    @staticmethod
    def _share(part, whole):
        return round(100 * part / whole, 1) if whole else None

    @property
    def response_rate(self):
        return self._share(self.signed_in_time, self.dispatched)

    @property
    def on_time_rate(self):
        return self._share(self.replied_in_time, self.replies_due)

    @property
    def resolution_rate(self):
        return self._share(self.resolved, self.evaluated)

    @property
    def satisfaction_rate(self):
        return self._share(self.satisfied, self.evaluated)

    @property
    def return_rate(self):
        return self._share(self.returned, self.dispatched)

    @property
    def reopen_rate(self):
        return self._share(self.reopened, self.evaluated)


def _clock_conditions(now):
    signed = Q(kind=ClockKind.SIGN_FOR, state=ClockState.MET) & ~Q(stop_reason="returned")
    came_due = Q(kind__in=REPLY_CLOCKS) & (Q(stopped_at__isnull=False) | Q(due_at__lte=now)) & ~Q(
        state=ClockState.CANCELLED)
    return {
        "dispatched": Q(kind=ClockKind.SIGN_FOR) & ~Q(state=ClockState.CANCELLED),
        "signed_in_time": signed,
        "returned": Q(kind=ClockKind.SIGN_FOR, stop_reason="returned"),
        "replies_due": came_due,
        "replied_in_time": Q(kind__in=REPLY_CLOCKS, state=ClockState.MET),
        "overdue": Q(state=ClockState.BREACHED),
    }


FEEDBACK_CONDITIONS = {
    "evaluated": Q(),
    "resolved": Q(resolved=True),
    "satisfied": Q(satisfaction__in=[Feedback.Satisfaction.SATISFIED, Feedback.Satisfaction.BASICALLY_SATISFIED]),
    "reopened": Q(reopened=True),
}


def rates_from_clocks(scope: Scope, *, group: str = "department", now: datetime,
                      by_month: bool = False) -> list[Rates]:
    """The reference computation straight from the clocks: slow over
    millions of clocks, and used to check the fast one (rates_by) and
    ClockStat."""
    path = PATHS[group]
    keys = ["month"] if by_month else [path]
    rows: dict = {}

    def row(key):
        return rows.setdefault(key, Rates(key=key))

    clocks = scope.clocks(*DEPARTMENT_CLOCKS)
    if by_month:
        clocks = clocks.annotate(month=TruncMonth("started_at"))
    counted = clocks.values(*keys).annotate(
        **{name: Count("id", filter=condition) for name, condition in _clock_conditions(now).items()}
    )
    for values in counted:
        target = row(values[keys[0]])
        for name in _clock_conditions(now):
            setattr(target, name, values[name])

    feedback = scope.feedback()
    feedback_path = PATHS[group]
    if by_month:
        feedback = feedback.annotate(month=TruncMonth("given_at"))
    feedback_keys = ["month"] if by_month else [feedback_path]
    for values in feedback.values(*feedback_keys).annotate(
        **{name: Count("id", filter=condition) for name, condition in FEEDBACK_CONDITIONS.items()}
    ):
        target = row(values[feedback_keys[0]])
        for name in FEEDBACK_CONDITIONS:
            setattr(target, name, values[name])

    if not by_month:
        extension_path = f"clock__{PATHS[group]}"
        for values in scope.extensions().values(extension_path).annotate(total=Count("id")):
            row(values[extension_path]).extensions = values["total"]

    if not by_month:
        _add_percentiles(scope, path, row)
    return sorted((rates for rates in rows.values() if not rates.is_empty),
                  key=lambda rates: (rates.key is None, rates.key))


def _add_percentiles(scope: Scope, path: str, row) -> None:
    for kind, attribute in ((ClockKind.SIGN_FOR, "sign_for_hours"), (ClockKind.REPLY, "reply_hours")):
        finished = (
            scope.clocks(kind).filter(working_hours__isnull=False, stopped_at__isnull=False)
            .exclude(stop_reason="returned").exclude(state=ClockState.CANCELLED)
        )
        if connection.vendor == "postgresql":
            for values in finished.values(path).annotate(cuts=MedianAndP90("working_hours")):
                median, p90 = values["cuts"]
                setattr(row(values[path]), attribute, {"median": median, "p90": p90})
            continue
        hours: dict = {}
        for key, value in finished.values_list(path, "working_hours"):
            hours.setdefault(key, []).append(value)
        for key, values in hours.items():
            setattr(row(key), attribute, _percentiles(values))


def _percentiles(values: list[float]) -> dict:
    if len(values) == 1:
        return {"median": values[0], "p90": values[0]}
    cuts = quantiles(sorted(values), n=10, method="inclusive")
    return {"median": cuts[4], "p90": cuts[8]}


# --- drill-down: the cases behind a number ------------------------------------------------

METRIC_CASES = {
    "dispatched": ("clock", "dispatched"),
    "signed_in_time": ("clock", "signed_in_time"),
    "returned": ("clock", "returned"),
    "replies_due": ("clock", "replies_due"),
    "replied_in_time": ("clock", "replied_in_time"),
    "overdue": ("clock", "overdue"),
    "evaluated": ("feedback", "evaluated"),
    "resolved": ("feedback", "resolved"),
    "satisfied": ("feedback", "satisfied"),
    "reopened": ("feedback", "reopened"),
}


def cases_behind(scope: Scope, metric: str, *, now: datetime):
    """The cases counted in `metric` for this scope, newest first."""
    source, name = METRIC_CASES[metric]
    if source == "clock":
        ids = scope.clocks(*DEPARTMENT_CLOCKS).filter(_clock_conditions(now)[name]).values("case_id")
    else:
        ids = scope.feedback().filter(FEEDBACK_CONDITIONS[name]).values("case_id")
    return (
        Case.objects.filter(id__in=ids)
        .select_related("category", "region", "lead_department")
        .order_by("-submitted_at", "-id")
    )


def near_breach(*, now: datetime, limit: int = 50, department_id: int | None = None):
    """Running department clocks closest to their due time."""
    clocks = SupervisionClock.objects.filter(state=ClockState.RUNNING, kind__in=DEPARTMENT_CLOCKS, due_at__gt=now)
    if department_id:
        clocks = clocks.filter(department_id=department_id)
    return clocks.select_related("case", "department").order_by("due_at")[:limit]


def breached_open(*, limit: int = 50, department_id: int | None = None):
    """Breached clocks whose work is still not done, longest overdue first."""
    clocks = SupervisionClock.objects.filter(state=ClockState.BREACHED, stopped_at=None)
    if department_id:
        clocks = clocks.filter(department_id=department_id)
    return clocks.select_related("case", "department").order_by("due_at")[:limit]


# --- the fast path: ClockStat for stopped clocks, live counts for open ones -----------

STAT_SUMS = {
    "dispatched": Q(kind=ClockKind.SIGN_FOR),
    "signed_in_time": Q(kind=ClockKind.SIGN_FOR, breached=False, returned=False),
    "returned": Q(kind=ClockKind.SIGN_FOR, returned=True),
    "replies_due": Q(kind__in=REPLY_CLOCKS),
    "replied_in_time": Q(kind__in=REPLY_CLOCKS, breached=False),
    "overdue": Q(breached=True),
}


def _open_conditions(now):
    return {
        "dispatched": Q(kind=ClockKind.SIGN_FOR),
        "replies_due": Q(kind__in=REPLY_CLOCKS, due_at__lte=now),
        "overdue": Q(state=ClockState.BREACHED),
    }


def _month(value):
    if value is None:
        return None
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return value.replace(day=1) if not isinstance(value, datetime) else value.date().replace(day=1)


def rates_by(scope: Scope, *, group: str = "department", now: datetime, by_month: bool = False) -> list[Rates]:
    """One Rates per department (category, region) or, with by_month, per
    month: the same figures as rates_from_clocks, from ClockStat (stopped
    clocks, kept exact as they stop) plus a live count of the open clocks.
    The period's bounds are taken as local days."""
    rows: dict = {}

    def row(key):
        return rows.setdefault(key, Rates(key=key))

    stat_path = {"department": "department_id", "category": "category_id", "region": "region_id"}[group]
    stats = ClockStat.objects.filter(day__gte=timezone.localdate(scope.start), day__lt=timezone.localdate(scope.end))
    for name, value in (("department_id", scope.department_id), ("category_id", scope.category_id),
                        ("region_id", scope.region_id)):
        if value:
            stats = stats.filter(**{name: value})
    stat_key = "month" if by_month else stat_path
    if by_month:
        stats = stats.annotate(month=TruncMonth("day"))
    for values in stats.values(stat_key).annotate(
        **{name: Sum("count", filter=condition) for name, condition in STAT_SUMS.items()}
    ):
        target = row(_month(values[stat_key]) if by_month else values[stat_key])
        for name in STAT_SUMS:
            setattr(target, name, getattr(target, name) + (values[name] or 0))

    open_clocks = scope.clocks(*DEPARTMENT_CLOCKS).filter(stopped_at=None).exclude(state=ClockState.CANCELLED)
    open_key = "month" if by_month else PATHS[group]
    if by_month:
        open_clocks = open_clocks.annotate(month=TruncMonth("started_at"))
    conditions = _open_conditions(now)
    for values in open_clocks.values(open_key).annotate(
        **{name: Count("id", filter=condition) for name, condition in conditions.items()}
    ):
        target = row(_month(values[open_key]) if by_month else values[open_key])
        for name in conditions:
            setattr(target, name, getattr(target, name) + values[name])

    feedback = scope.feedback()
    if by_month:
        feedback = feedback.annotate(month=TruncMonth("given_at"))
    feedback_key = "month" if by_month else PATHS[group]
    for values in feedback.values(feedback_key).annotate(
        **{name: Count("id", filter=condition) for name, condition in FEEDBACK_CONDITIONS.items()}
    ):
        target = row(_month(values[feedback_key]) if by_month else values[feedback_key])
        for name in FEEDBACK_CONDITIONS:
            setattr(target, name, values[name])

    if not by_month:
        extension_path = f"clock__{PATHS[group]}"
        for values in scope.extensions().values(extension_path).annotate(total=Count("id")):
            row(values[extension_path]).extensions = values["total"]
        _add_stat_percentiles(stats, stat_path, row)
    return sorted((rates for rates in rows.values() if not rates.is_empty),
                  key=lambda rates: (rates.key is None, rates.key))


def _add_stat_percentiles(stats, path: str, row) -> None:
    """Median and 90th percentile from the buckets, interpolated as
    PostgreSQL's percentile_cont does over the individual values."""
    for condition, attribute in ((Q(kind=ClockKind.SIGN_FOR, returned=False), "sign_for_hours"),
                                 (Q(kind=ClockKind.REPLY), "reply_hours")):
        buckets: dict = {}
        for key, tenth, count in (
            stats.filter(condition, tenths__gte=0).values_list(path, "tenths").annotate(total=Sum("count"))
            .order_by(path, "tenths")
        ):
            buckets.setdefault(key, []).append((tenth / 10, count))
        for key, values in buckets.items():
            setattr(row(key), attribute, {"median": _weighted_percentile(values, 0.5),
                                          "p90": _weighted_percentile(values, 0.9)})


def _weighted_percentile(values: list[tuple[float, int]], fraction: float) -> float:
    """percentile_cont over a sorted list of (value, how many times)."""
    total = sum(count for _value, count in values)
    position = fraction * (total - 1)
    lower_index, weight = int(position), position - int(position)

    def nth(index):
        seen = 0
        for value, count in values:
            seen += count
            if index < seen:
                return value
        return values[-1][0]

    lower = nth(lower_index)
    return lower if weight == 0 else lower + (nth(lower_index + 1) - lower) * weight
