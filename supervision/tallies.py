"""Tallies: the running counts the supervisors' dashboard adds up.

A clock's figures stop changing once it is stopped (met, breached and
then done, returned or cancelled): its kind, state, department, start and
working hours are final, and a case's category and region never change.
So each clock is tallied once, in the transaction that stops it, and each
rating in the one that gives it. The dashboard then adds up a day's rows
instead of a day's clocks, counts the few clocks still open live, and its
numbers are exact and never stale.

`rebuild()` recounts everything from the records (after a bulk load, or
to repair); `differences()` names every tally that no longer matches a
recount (part of `manage.py verify_supervision`)."""

import math
from collections import Counter

from django.db import connection, transaction
from django.db.models import Count, F, FloatField, IntegerField, Q
from django.db.models.functions import Cast, Floor, TruncDate
from django.utils import timezone

from supervision.models import (
    ClockKind,
    ClockState,
    ClockTally,
    Facet,
    Feedback,
    FeedbackTally,
    HoursTally,
    SupervisionClock,
)

DEPARTMENT_CLOCKS = (ClockKind.SIGN_FOR, ClockKind.REPLY, ClockKind.REHANDLING)
# The kinds whose time to finish is reported as a median and 90th percentile.
TIMED_CLOCKS = (ClockKind.SIGN_FOR, ClockKind.REPLY)
# Clocks carry their case's category and region; ratings reach them through the case.
FACET_PATHS = {Facet.CATEGORY: "category_id", Facet.REGION: "region_id"}
FEEDBACK_FACET_PATHS = {Facet.CATEGORY: "case__category_id", Facet.REGION: "case__region_id"}


def tenths(hours: float) -> int:
    """Working hours to the nearest tenth, as the database computes it."""
    return math.floor(hours * 10 + 0.5)


def tenths_expression(field: str = "working_hours"):
    return Cast(Floor(F(field) * 10 + 0.5, output_field=FloatField()), IntegerField())


def finished_in_time_filter() -> Q:
    """Clocks whose working hours enter the percentiles: finished, not by a
    return, not cancelled."""
    return (Q(kind__in=TIMED_CLOCKS, working_hours__isnull=False, stopped_at__isnull=False)
            & ~Q(stop_reason="returned") & ~Q(state=ClockState.CANCELLED))


def _facets(holder) -> list[tuple[str, int]]:
    """The tally rows a clock or case counts in: its own category and region."""
    return [(Facet.ALL, 0), (Facet.CATEGORY, holder.category_id or 0), (Facet.REGION, holder.region_id or 0)]


def _add(model, count_field: str, key: dict, amount: int = 1) -> None:
    """Add to one tally row, creating it if needed, in one statement that
    concurrent transactions cannot lose (both databases speak ON CONFLICT)."""
    table = connection.ops.quote_name(model._meta.db_table)
    constraint = next(c for c in model._meta.constraints if getattr(c, "fields", None))
    columns = [*key, count_field]
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    conflict = ", ".join(connection.ops.quote_name(model._meta.get_field(name).column) for name in constraint.fields)
    counter = connection.ops.quote_name(count_field)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({quoted}) VALUES ({', '.join(['%s'] * len(columns))}) "
            f"ON CONFLICT ({conflict}) DO UPDATE SET {counter} = {table}.{counter} + excluded.{counter}",
            [*key.values(), amount],
        )


def tally_settled_clock(clock: SupervisionClock) -> None:
    """Count a department clock that has just stopped. Called once per
    clock, inside the transaction that stopped it."""
    if clock.kind not in DEPARTMENT_CLOCKS:
        return
    day = timezone.localdate(clock.started_at)
    for facet, dim in _facets(clock):
        _add(ClockTally, "clocks", {
            "facet": facet, "dim": dim, "day": day, "department_id": clock.department_id or 0, "kind": clock.kind,
            "state": clock.state, "returned": clock.stop_reason == "returned"})
    if (clock.kind in TIMED_CLOCKS and clock.working_hours is not None and clock.stop_reason != "returned"
            and clock.state != ClockState.CANCELLED):
        for facet, dim in _facets(clock):
            _add(HoursTally, "clocks", {
                "facet": facet, "dim": dim, "month": day.replace(day=1),
                "department_id": clock.department_id or 0 if facet == Facet.ALL else 0,
                "kind": clock.kind, "tenths": tenths(clock.working_hours)})


def tally_feedback(feedback: Feedback, case) -> None:
    day = timezone.localdate(feedback.given_at)
    for facet, dim in _facets(case):
        _add(FeedbackTally, "ratings", {
            "facet": facet, "dim": dim, "day": day, "department_id": feedback.department_id or 0,
            "resolved": feedback.resolved, "satisfaction": feedback.satisfaction, "reopened": feedback.reopened})


# --- recounting from the records ---------------------------------------------------------


def _recount_clocks() -> Counter:
    counts: Counter = Counter()
    settled = SupervisionClock.objects.filter(kind__in=DEPARTMENT_CLOCKS, stopped_at__isnull=False)
    for facet in Facet:
        dim_path = FACET_PATHS.get(facet)
        fields = ["day", "department_id", "kind", "state", "stop_reason", *([dim_path] if dim_path else [])]
        rows = settled.annotate(day=TruncDate("started_at")).values(*fields).annotate(n=Count("id")).order_by()
        for row in rows:
            counts[(facet.value, row[dim_path] or 0 if dim_path else 0, row["day"], row["department_id"] or 0,
                    row["kind"], row["state"], row["stop_reason"] == "returned")] += row["n"]
    return counts


def _recount_feedback() -> Counter:
    counts: Counter = Counter()
    for facet in Facet:
        dim_path = FEEDBACK_FACET_PATHS.get(facet)
        fields = ["day", "department_id", "resolved", "satisfaction", "reopened", *([dim_path] if dim_path else [])]
        rows = Feedback.objects.annotate(day=TruncDate("given_at")).values(*fields).annotate(n=Count("id")).order_by()
        for row in rows:
            counts[(facet.value, row[dim_path] or 0 if dim_path else 0, row["day"], row["department_id"] or 0,
                    row["resolved"], row["satisfaction"], row["reopened"])] += row["n"]
    return counts


def _recount_hours() -> Counter:
    counts: Counter = Counter()
    finished = SupervisionClock.objects.filter(finished_in_time_filter()).annotate(
        day=TruncDate("started_at"), tenths=tenths_expression())
    for facet in Facet:
        by = FACET_PATHS.get(facet, "department_id")
        for row in finished.values("day", by, "kind", "tenths").annotate(n=Count("id")).order_by():
            dim, department = (0, row[by] or 0) if facet == Facet.ALL else (row[by] or 0, 0)
            counts[(facet.value, dim, row["day"].replace(day=1), department, row["kind"], row["tenths"])] += row["n"]
    return counts


CLOCK_KEY = ("facet", "dim", "day", "department_id", "kind", "state", "returned")
FEEDBACK_KEY = ("facet", "dim", "day", "department_id", "resolved", "satisfaction", "reopened")
HOURS_KEY = ("facet", "dim", "month", "department_id", "kind", "tenths")
TALLIES = (
    (ClockTally, CLOCK_KEY, "clocks", _recount_clocks),
    (FeedbackTally, FEEDBACK_KEY, "ratings", _recount_feedback),
    (HoursTally, HOURS_KEY, "clocks", _recount_hours),
)


def rebuild() -> dict[str, int]:
    """Recount every tally from the records; returns the rows written."""
    written = {}
    with transaction.atomic():
        for model, key, count_field, recount in TALLIES:
            model.objects.all().delete()
            rows = [model(**dict(zip(key, values, strict=True)), **{count_field: n})
                    for values, n in recount().items()]
            model.objects.bulk_create(rows, batch_size=5000)
            written[model._meta.model_name] = len(rows)
    return written


def differences() -> list[str]:
    """Every tally row that does not match a recount of the records."""
    found = []
    for model, key, count_field, recount in TALLIES:
        expected = recount()
        stored = Counter({tuple(row[:-1]): row[-1] for row in model.objects.values_list(*key, count_field)})
        for values in sorted(set(expected) | set(stored), key=str):
            if expected.get(values, 0) != stored.get(values, 0):
                found.append(f"{model._meta.verbose_name} {dict(zip(key, values, strict=True))}: "
                             f"{stored.get(values, 0)} tallied, {expected.get(values, 0)} in the records")
    return found


