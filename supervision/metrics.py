"""What supervisors measure (DOMAIN.md), per department, category or region
and period, computed in the database from the supervision records.

- response rate: sign-for clocks met by signing for ÷ sign-for clocks that
  came due
- on-time reply rate: reply and re-handling clocks met in time ÷ those that
  came due
- resolution rate: feedback marked resolved ÷ feedback given
- satisfaction rate: satisfied + basically satisfied ÷ feedback given
- return rate: sign-for clocks stopped by a return ÷ sign-for clocks that
  came due
- reopen rate: feedback asking for re-handling ÷ feedback given
- overdue: department clocks that came due and were not met: breached, or
  open past their due time; extensions: extensions approved
- time to sign for and to reply: median and 90th percentile, working hours

A clock came due when it stopped (by the work done or a return, not by
cancelling), was breached, or is running past its due time. A clock still
running short of its due time is neither on time nor late: it counts in no
rate, on either side, until it stops or comes due. A paused clock waits with
its time (its due time moves on when it resumes), so it came due only if it
was already past its due time when it paused. `dispatched` counts every
sign-for clock not cancelled, due or not: it is a count, no rate's
denominator.

The period is the time the clock started (the case reached the department)
or the feedback was given; every figure can be drilled into through
`cases_behind`, which applies the same conditions."""

from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection, models, transaction
from django.db.models import Count, DateField, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from petitions.models import Case
from supervision.models import (
    OPEN_CLOCK_STATES,
    ClockKind,
    ClockState,
    ClockTally,
    Extension,
    Facet,
    Feedback,
    FeedbackTally,
    HoursTally,
    SupervisionClock,
)
from supervision.tallies import (
    FACET_PATHS,
    FEEDBACK_FACET_PATHS,
    finished_in_time_filter,
    tenths_expression,
)

# Clocks carry their case's category and region; ratings reach them through the case.
PATHS = {"department": "department_id", **{facet.value: path for facet, path in FACET_PATHS.items()}}
FEEDBACK_PATHS = {"department": "department_id",
                  **{facet.value: path for facet, path in FEEDBACK_FACET_PATHS.items()}}
REPLY_CLOCKS = (ClockKind.REPLY, ClockKind.REHANDLING)
DEPARTMENT_CLOCKS = (ClockKind.SIGN_FOR, ClockKind.REPLY, ClockKind.REHANDLING)


@dataclass(frozen=True)
class Scope:
    start: datetime
    end: datetime
    department_id: int | None = None
    category_id: int | None = None
    region_id: int | None = None

    def clocks(self, *kinds):
        clocks = SupervisionClock.objects.filter(kind__in=kinds, started_at__gte=self.start, started_at__lt=self.end)
        return self._narrow(clocks, through_case=False)

    def feedback(self):
        return self._narrow(Feedback.objects.filter(given_at__gte=self.start, given_at__lt=self.end))

    def extensions(self):
        approved = Extension.objects.filter(state=Extension.State.APPROVED, decided_at__gte=self.start,
                                            decided_at__lt=self.end)
        return self._narrow(approved, prefix="clock__", through_case=False)

    def _narrow(self, queryset, prefix: str = "", through_case: bool = True):
        via = f"{prefix}case__" if through_case else prefix
        if self.department_id:
            queryset = queryset.filter(**{f"{prefix}department_id": self.department_id})
        if self.category_id:
            queryset = queryset.filter(**{f"{via}category_id": self.category_id})
        if self.region_id:
            queryset = queryset.filter(**{f"{via}region_id": self.region_id})
        return queryset


@dataclass
class Rates:
    key: object
    dispatched: int = 0
    sign_for_due: int = 0
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
        return self._share(self.signed_in_time, self.sign_for_due)

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
        return self._share(self.returned, self.sign_for_due)

    @property
    def reopen_rate(self):
        return self._share(self.reopened, self.evaluated)


def open_past_due(now) -> Q:
    """Open clocks that came due and are not yet marked breached: running
    past their due time (the scan breaches them within a minute), or paused
    after it. The `state IN` clause keeps PostgreSQL on the partial index of
    open clocks' due times."""
    return Q(state__in=OPEN_CLOCK_STATES, due_at__lte=now) & (
        Q(state=ClockState.RUNNING) | Q(paused_at__gte=F("due_at")))


def came_due(now) -> Q:
    """Stopped (not cancelled), breached, or open past its due time."""
    return (Q(stopped_at__isnull=False) | Q(state=ClockState.BREACHED) | open_past_due(now)) & ~Q(
        state=ClockState.CANCELLED)


def _clock_conditions(now):
    signed = Q(kind=ClockKind.SIGN_FOR, state=ClockState.MET) & ~Q(stop_reason="returned")
    return {
        "dispatched": Q(kind=ClockKind.SIGN_FOR) & ~Q(state=ClockState.CANCELLED),
        "sign_for_due": Q(kind=ClockKind.SIGN_FOR) & came_due(now),
        "signed_in_time": signed,
        "returned": Q(kind=ClockKind.SIGN_FOR, stop_reason="returned"),
        "replies_due": Q(kind__in=REPLY_CLOCKS) & came_due(now),
        "replied_in_time": Q(kind__in=REPLY_CLOCKS, state=ClockState.MET),
        "overdue": Q(state=ClockState.BREACHED) | open_past_due(now),
    }


FEEDBACK_CONDITIONS = {
    "evaluated": Q(),
    "resolved": Q(resolved=True),
    "satisfied": Q(satisfaction__in=[Feedback.Satisfaction.SATISFIED, Feedback.Satisfaction.BASICALLY_SATISFIED]),
    "reopened": Q(reopened=True),
}


def rates_by(scope: Scope, *, group: str = "department", now: datetime, by_month: bool = False) -> list[Rates]:
    """One Rates per department (category, region) or, with by_month, per
    month. Periods of whole days add up the tallies of clocks and ratings
    and count live only the open clocks that came due but are not yet marked
    breached; any other period counts the records themselves. Both give the
    same numbers."""
    plan = _tally_plan(scope, group)
    if plan is None:
        return rates_from_records(scope, group=group, now=now, by_month=by_month)
    with _one_snapshot():
        return _rates_from_tallies(scope, plan, group=group, now=now, by_month=by_month)


@contextmanager
def _one_snapshot():
    """Read the tallies and the clocks counted live as of one moment: in
    separate statements, a clock the scan breaches between them would be
    counted twice or not at all. One REPEATABLE READ transaction on
    PostgreSQL; SQLite's read transactions see one snapshot already."""
    if connection.in_atomic_block:  # the caller's transaction decides
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _rates_from_tallies(scope: Scope, plan, *, group: str, now: datetime, by_month: bool) -> list[Rates]:
    rows: dict = {}

    def row(key):
        return rows.setdefault(key, Rates(key=key))

    facet, key_field = plan
    first_day, end_day = timezone.localdate(scope.start), timezone.localdate(scope.end)
    as_key = _month_key if by_month else _dim_key
    key = "month" if by_month else key_field

    clocks = _narrow_tally(ClockTally.objects.filter(facet=facet, day__gte=first_day, day__lt=end_day), scope, facet)
    if by_month:
        clocks = clocks.annotate(month=TruncMonth("day", output_field=DateField()))
    for values in clocks.values(key).annotate(
        **{name: Sum("clocks", filter=condition) for name, condition in TALLY_CONDITIONS.items()}
    ).order_by():
        target = row(as_key(values[key]))
        for name in TALLY_CONDITIONS:
            setattr(target, name, values[name] or 0)
    _count_open_past_due(scope, group, by_month, now, row)

    feedback = _narrow_tally(FeedbackTally.objects.filter(facet=facet, day__gte=first_day, day__lt=end_day), scope,
                             facet)
    if by_month:
        feedback = feedback.annotate(month=TruncMonth("day", output_field=DateField()))
    for values in feedback.values(key).annotate(
        **{name: Sum("ratings", filter=condition) for name, condition in FEEDBACK_CONDITIONS.items()}
    ).order_by():
        target = row(as_key(values[key]))
        for name in FEEDBACK_CONDITIONS:
            setattr(target, name, values[name] or 0)

    if not by_month:
        _add_extensions(scope, group, row)
        if facet == Facet.ALL or (group != "department" and not scope.department_id):
            hours = _tallied_hours(scope, group, facet, first_day, end_day)
        else:
            hours = _recorded_hours(scope, group)
        _set_percentiles(hours, row)
    return sorted(rows.values(), key=lambda rates: (rates.key is None, rates.key))


def _tally_plan(scope: Scope, group: str):
    """(facet, key field) when the tallies can answer for this scope, else
    None: the period must be whole local days, and the tallies break down
    by department and one of category or region, not both."""
    if not (_is_midnight(scope.start) and _is_midnight(scope.end)):
        return None
    facets = {group} - {"department"}
    if scope.category_id:
        facets.add("category")
    if scope.region_id:
        facets.add("region")
    if len(facets) > 1:
        return None
    facet = Facet(facets.pop()) if facets else Facet.ALL
    return facet, "department_id" if group == "department" else "dim"


def _is_midnight(moment: datetime) -> bool:
    local = timezone.localtime(moment)
    return (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0)


def _narrow_tally(queryset, scope: Scope, facet: str):
    if scope.department_id:
        queryset = queryset.filter(department_id=scope.department_id)
    if facet == Facet.CATEGORY and scope.category_id:
        queryset = queryset.filter(dim=scope.category_id)
    if facet == Facet.REGION and scope.region_id:
        queryset = queryset.filter(dim=scope.region_id)
    return queryset


def _dim_key(value):
    return value or None


def _month_key(value: date):
    return timezone.make_aware(datetime.combine(value, time.min))


# Clocks by the tally's columns (their state now): the same conditions as
# _clock_conditions gives the records. A met or breached clock has come
# due; whether an open one has depends on the time of asking, so those are
# counted live (_count_open_past_due).
TALLY_CONDITIONS = {
    "dispatched": Q(kind=ClockKind.SIGN_FOR) & ~Q(state=ClockState.CANCELLED),
    "sign_for_due": Q(kind=ClockKind.SIGN_FOR, state__in=[ClockState.MET, ClockState.BREACHED]),
    "signed_in_time": Q(kind=ClockKind.SIGN_FOR, state=ClockState.MET, returned=False),
    "returned": Q(kind=ClockKind.SIGN_FOR, returned=True),
    "replies_due": Q(kind__in=REPLY_CLOCKS, state__in=[ClockState.MET, ClockState.BREACHED]),
    "replied_in_time": Q(kind__in=REPLY_CLOCKS, state=ClockState.MET),
    "overdue": Q(state=ClockState.BREACHED),
}


def _count_open_past_due(scope: Scope, group: str, by_month: bool, now: datetime, row) -> None:
    """Add the open clocks that came due (open_past_due) to sign_for_due or
    replies_due, and to overdue: the figures the tallies cannot hold, as
    they change with the time. Few: the scan marks a running clock breached
    (tallied) within a minute of its due time, so this reads the clocks the
    scan has not reached yet and those paused past their due time, through
    a partial index on the due time of running and paused clocks."""
    clocks = scope.clocks(*DEPARTMENT_CLOCKS).filter(open_past_due(now))
    path = PATHS[group]
    if by_month:
        clocks = clocks.annotate(month=TruncMonth("started_at"))
    key = "month" if by_month else path
    for values in clocks.values(key, "kind").annotate(n=Count("*")).order_by():
        target = row(values[key])
        if values["kind"] == ClockKind.SIGN_FOR:
            target.sign_for_due += values["n"]
        else:
            target.replies_due += values["n"]
        target.overdue += values["n"]


def _count_clocks(clocks, group: str, by_month: bool, now: datetime, row) -> None:
    """Add the clocks' counts (grouped like the dashboard) to the rows."""
    path = PATHS[group]
    if by_month:
        clocks = clocks.annotate(month=TruncMonth("started_at"))
    key = "month" if by_month else path
    conditions = _clock_conditions(now)
    for values in clocks.values(key).annotate(
        **{name: Count("started_at", filter=condition) for name, condition in conditions.items()}
    ).order_by():
        target = row(values[key])
        for name in conditions:
            setattr(target, name, getattr(target, name) + values[name])


def _add_extensions(scope: Scope, group: str, row) -> None:
    extension_path = f"clock__{PATHS[group]}"
    for values in scope.extensions().values(extension_path).annotate(total=Count("id")).order_by():
        row(values[extension_path]).extensions = values["total"]


def rates_from_records(scope: Scope, *, group: str = "department", now: datetime,
                       by_month: bool = False) -> list[Rates]:
    """rates_by counted from the clocks and ratings themselves (any period,
    any combination of filters): a handful of grouped queries."""
    rows: dict = {}

    def row(key):
        return rows.setdefault(key, Rates(key=key))

    _count_clocks(scope.clocks(*DEPARTMENT_CLOCKS), group, by_month, now, row)
    feedback = scope.feedback()
    path = FEEDBACK_PATHS[group]
    if by_month:
        feedback = feedback.annotate(month=TruncMonth("given_at"))
    key = "month" if by_month else path
    for values in feedback.values(key).annotate(
        **{name: Count("id", filter=condition) for name, condition in FEEDBACK_CONDITIONS.items()}
    ).order_by():
        target = row(values[key])
        for name in FEEDBACK_CONDITIONS:
            setattr(target, name, values[name])
    if not by_month:
        _add_extensions(scope, group, row)
        _set_percentiles(_recorded_hours(scope, group), row)
    return sorted(rows.values(), key=lambda rates: (rates.key is None, rates.key))


# --- time to sign for and to reply ------------------------------------------------------
#
# Median and 90th percentile (interpolated, as PostgreSQL's percentile_cont)
# of the working hours, each rounded to a tenth of an hour: counted per
# tenth, so the tallies can hold them by month and by year.

HOURS_ATTRIBUTES = {ClockKind.SIGN_FOR: "sign_for_hours", ClockKind.REPLY: "reply_hours"}


def _recorded_hours(scope: Scope, group: str) -> dict:
    """{key: {kind: Counter(tenths: clocks)}} from the clocks themselves."""
    hours = _bins()
    _count_bins(hours, _recorded_rows(scope, group, scope.start, scope.end))
    return hours


def _recorded_rows(scope: Scope, group: str, start: datetime, end: datetime):
    """(key, kind, tenths, clocks) of the finished clocks started from start to end."""
    clocks = SupervisionClock.objects.filter(finished_in_time_filter(), started_at__gte=start, started_at__lt=end)
    return (scope._narrow(clocks, through_case=False).annotate(tenths=tenths_expression())
            .values_list(PATHS[group], "kind", "tenths").annotate(n=Count("*")).order_by())


def _bins() -> dict:
    return defaultdict(lambda: defaultdict(Counter))


def _count_bins(hours: dict, rows, sign: int = 1) -> None:
    for key, kind, value, count in rows:
        hours[key or None][kind][value] += sign * count  # the tallies hold 0 for "none"


def _tallied_hours(scope: Scope, group: str, facet: str, first_day: date, end_day: date) -> dict:
    """The same, from the tallies of whole months and years, and from the
    clocks for the days of a part-month at either end of the period: either
    the days inside it are read and added, or the month's tally is taken
    and the days outside it are read and taken away, whichever reads fewer
    days. Days after today hold no clocks yet, so a period ending today
    takes the current month's tally whole and reads no clocks for it; a
    period of whole months reads none at all."""
    tomorrow = timezone.localdate() + timedelta(days=1)

    def cost(start: date, end: date) -> int:
        return max((min(end, tomorrow) - start).days, 0)

    months, add, take = [], [], []  # tallied months; days to add, days to take away
    month = first_day.replace(day=1)
    while month < end_day:
        following = _next_month(month)
        inside = (max(first_day, month), min(end_day, following))
        outside = [(start, end) for start, end in ((month, inside[0]), (inside[1], following)) if start < end]
        if not outside or sum(cost(*days) for days in outside) < cost(*inside):
            months.append(month)
            take.extend(outside)
        else:
            add.append(inside)
        month = following
    if not months:
        return _recorded_hours(scope, group)
    # The tallied months, a year at a time: the year's rows less the rows of
    # its months outside the period, or the months' own rows, whichever
    # reads fewer months (months still to come hold no clocks: free to read).
    this_month = timezone.localdate().replace(day=1)
    rows, taken, subtracted = Q(pk__in=[]), Q(pk__in=[]), bool(take)
    for year in sorted({month.year for month in months}):
        inside = [month for month in months if month.year == year]
        outside = [date(year, number, 1) for number in range(1, 13) if date(year, number, 1) not in inside]
        if sum(month <= this_month for month in outside) < len(inside):
            rows |= Q(whole_year=True, month=date(year, 1, 1))
            taken |= Q(whole_year=False, month__in=outside)
            subtracted = True
        else:
            rows |= Q(whole_year=False, month__in=inside)
    tallied = _narrow_tally(HoursTally.objects.filter(Q(facet=facet) & (rows | taken)), scope, facet)
    signed = models.Case(models.When(taken, then=-F("clocks")), default=F("clocks"),
                         output_field=models.IntegerField())
    hours = _bins()
    _count_bins(hours, tallied.values_list("department_id" if facet == Facet.ALL else "dim", "kind", "tenths")
                .annotate(n=Sum(signed)).order_by())
    for ranges, sign in ((add, 1), (take, -1)):
        for start, end in ranges:
            _count_bins(hours, _recorded_rows(scope, group, _midnight(start), _midnight(end)), sign)
    if subtracted:
        # What was taken away leaves empty bins (read in one snapshot, never
        # fewer than none): drop them, and the groups left with no clocks.
        for key, kinds in list(hours.items()):
            for kind, counter in list(kinds.items()):
                kinds[kind] = +counter
                if not kinds[kind]:
                    del kinds[kind]
            if not kinds:
                del hours[key]
    return hours


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _set_percentiles(hours: dict, row) -> None:
    for key, kinds in hours.items():
        for kind, counter in kinds.items():
            if counter:
                setattr(row(key), HOURS_ATTRIBUTES[kind], percentiles_of(counter))


def percentiles_of(counter: Counter) -> dict:
    """Median and 90th percentile of values counted per tenth of an hour,
    interpolated between neighbours as percentile_cont does."""
    bins = sorted(counter.items())
    total = sum(count for _value, count in bins)

    def nth(index: int) -> int:
        seen = 0
        for value, count in bins:
            seen += count
            if index < seen:
                return value
        return bins[-1][0]

    def cut(share: float) -> float:
        position = share * (total - 1)
        low = int(position)
        fraction = position - low
        below = nth(low)
        above = nth(low + 1) if fraction else below
        return (below + (above - below) * fraction) / 10

    return {"median": cut(0.5), "p90": cut(0.9)}


# --- drill-down: the cases behind a number ------------------------------------------------

METRIC_CASES = {
    "dispatched": ("clock", "dispatched"),
    "sign_for_due": ("clock", "sign_for_due"),
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
    return clocks.select_related("case", "department").prefetch_related("subject").order_by("due_at")[:limit]
