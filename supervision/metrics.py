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
from django.db.models import Aggregate, Count, FloatField, Q
from django.db.models.functions import TruncMonth

from petitions.models import Case
from supervision.models import ClockKind, ClockState, Extension, Feedback, SupervisionClock

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


def rates_by(scope: Scope, *, group: str = "department", now: datetime, by_month: bool = False) -> list[Rates]:
    """One Rates per department (category, region) or, with by_month, per
    month. A handful of grouped queries, whatever the number of cases."""
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
    return sorted(rows.values(), key=lambda rates: (rates.key is None, rates.key))


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
