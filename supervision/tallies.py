"""Tallies: the running counts the supervisors' dashboard adds up.

Every department clock is counted in ClockTally under what it is now: the
day it started, its department, kind, state and whether a return stopped
it, and its case's category and region (which never change). Whoever
changes a clock's state moves it from its old row to its new one in the
same transaction (`clock_key` before, `clock_moved` after), so a day's
rows always add up to that day's clocks. Only one thing depends on the
time of asking: whether an open clock has come due (a running one past
its due time, a paused one that paused after it; until then it counts in
no rate, supervision/metrics.py). The scan marks a running one breached
within a minute of its due time, so the dashboard counts live only the few
open clocks past their due time (a partial index) and adds up rows for the
rest; its numbers are exact and never stale.

A clock's working hours are final once it stops, so HoursTally counts
each finished clock once (in its month's and its year's rows), in the
transaction that stops it, and FeedbackTally each rating in the one that
gives it.

`rebuild()` recounts everything from the records (after a bulk load, or
to repair); `differences()` names every tally that no longer matches a
recount (part of `manage.py verify_supervision`)."""

import logging
import math
from collections import Counter
from collections.abc import Iterable

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

logger = logging.getLogger("wenzheng.supervision")

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
    _add_rows(model, count_field, [key], amount)


def _add_rows(model, count_field: str, keys: list[dict], amount: int = 1) -> None:
    """The same for several rows with the same columns, in one statement.
    Rows are taken in the order given: callers sort them, so concurrent
    writers lock rows in the same order."""
    table = connection.ops.quote_name(model._meta.db_table)
    constraint = next(c for c in model._meta.constraints if getattr(c, "fields", None))
    columns = [*keys[0], count_field]
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    conflict = ", ".join(connection.ops.quote_name(model._meta.get_field(name).column) for name in constraint.fields)
    counter = connection.ops.quote_name(count_field)
    row = f"({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({quoted}) VALUES {', '.join([row] * len(keys))} "
            f"ON CONFLICT ({conflict}) DO UPDATE SET {counter} = {table}.{counter} + excluded.{counter}",
            [value for key in keys for value in (*key.values(), amount)],
        )


def _subtract(model, count_field: str, key: dict, amount: int) -> None:
    """Take from a tally row that exists (the clock was added to it when it
    got there), and drop the row when nothing is left in it, so rows of
    clocks long settled do not linger. A concurrent upsert of the same row
    waits for this transaction and then inserts afresh (ON CONFLICT)."""
    table = connection.ops.quote_name(model._meta.db_table)
    counter = connection.ops.quote_name(count_field)
    where = " AND ".join(f"{connection.ops.quote_name(model._meta.get_field(name).column)} = %s" for name in key)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {counter} = {counter} - %s WHERE {where} AND {counter} >= %s "
                       f"RETURNING {counter}", [amount, *key.values(), amount])
        left = cursor.fetchone()
        if left is None:
            # The tally was already wrong (changed outside the application):
            # the case's work goes on; verify_supervision names the row.
            logger.error("%s row %s holds fewer than %s: run manage.py rebuild_tallies",
                         model._meta.verbose_name, key, amount)
        elif left[0] == 0:
            cursor.execute(f"DELETE FROM {table} WHERE {where} AND {counter} = 0", [*key.values()])


def clock_key(clock: SupervisionClock) -> tuple | None:
    """Where a clock is counted in ClockTally as it is now; None for clocks
    that hold no department to a deadline."""
    if clock.kind not in DEPARTMENT_CLOCKS:
        return None
    return (timezone.localdate(clock.started_at), clock.department_id or 0, clock.kind, clock.state,
            clock.stop_reason == "returned", clock.category_id or 0, clock.region_id or 0)


def clock_moved(clock: SupervisionClock, before: tuple | None) -> None:
    """Move a clock that was just started (before=None) or changed from the
    tally row it was counted in (`clock_key` before the change) to the one
    it belongs in now. Called inside the transaction that changed it."""
    clocks_moved([(before, clock_key(clock))])


def clocks_moved(moves: Iterable[tuple[tuple | None, tuple | None]]) -> None:
    """Several clocks' moves at once (a scan batch), netted per tally row.
    Rows are written in one fixed order (sorted), so concurrent writers take
    their locks in the same order and cannot deadlock; rows next to each
    other gaining the same amount share one statement."""
    changes: Counter = Counter()
    for before, after in moves:
        if before == after:
            continue
        for key, amount in ((before, -1), (after, 1)):
            if key is None:
                continue
            day, department, kind, state, returned, category, region = key
            for facet, dim in ((Facet.ALL, 0), (Facet.CATEGORY, category), (Facet.REGION, region)):
                changes[(facet.value, dim, day, department, kind, state, returned)] += amount
    adding: list = []  # consecutive rows gaining the same amount: one statement

    def flush():
        if adding:
            _add_rows(ClockTally, "clocks", [row for row, _amount in adding], adding[0][1])
            adding.clear()

    for values, amount in sorted(changes.items()):
        row = dict(zip(CLOCK_KEY, values, strict=True))
        if adding and amount != adding[0][1]:
            flush()
        if amount > 0:
            adding.append((row, amount))
        elif amount < 0:
            _subtract(ClockTally, "clocks", row, -amount)
    flush()


def tally_finished_hours(clock: SupervisionClock) -> None:
    """Count the working hours of a department clock that has just stopped.
    Called once per clock, inside the transaction that stopped it."""
    if (clock.kind in TIMED_CLOCKS and clock.working_hours is not None and clock.stop_reason != "returned"
            and clock.state != ClockState.CANCELLED):
        day = timezone.localdate(clock.started_at)
        rows = sorted(
            (facet.value, whole_year, dim, day.replace(month=1, day=1) if whole_year else day.replace(day=1),
             clock.department_id or 0 if facet == Facet.ALL else 0, clock.kind, tenths(clock.working_hours))
            for facet, dim in _facets(clock) for whole_year in (False, True))
        _add_rows(HoursTally, "clocks", [dict(zip(HOURS_KEY, values, strict=True)) for values in rows])


def tally_feedback(feedback: Feedback, case) -> None:
    day = timezone.localdate(feedback.given_at)
    for facet, dim in _facets(case):
        _add(FeedbackTally, "ratings", {
            "facet": facet, "dim": dim, "day": day, "department_id": feedback.department_id or 0,
            "resolved": feedback.resolved, "satisfaction": feedback.satisfaction, "reopened": feedback.reopened})


# --- recounting from the records ---------------------------------------------------------


def _recount_clocks() -> Counter:
    counts: Counter = Counter()
    clocks = SupervisionClock.objects.filter(kind__in=DEPARTMENT_CLOCKS)
    for facet in Facet:
        dim_path = FACET_PATHS.get(facet)
        fields = ["day", "department_id", "kind", "state", "stop_reason", *([dim_path] if dim_path else [])]
        rows = clocks.annotate(day=TruncDate("started_at")).values(*fields).annotate(n=Count("id")).order_by()
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
            for whole_year, first in ((False, row["day"].replace(day=1)), (True, row["day"].replace(month=1, day=1))):
                counts[(facet.value, whole_year, dim, first, department, row["kind"], row["tenths"])] += row["n"]
    return counts


CLOCK_KEY = ("facet", "dim", "day", "department_id", "kind", "state", "returned")
FEEDBACK_KEY = ("facet", "dim", "day", "department_id", "resolved", "satisfaction", "reopened")
HOURS_KEY = ("facet", "whole_year", "dim", "month", "department_id", "kind", "tenths")
TALLIES = (
    (ClockTally, CLOCK_KEY, "clocks", _recount_clocks),
    (FeedbackTally, FEEDBACK_KEY, "ratings", _recount_feedback),
    (HoursTally, HOURS_KEY, "clocks", _recount_hours),
)


def rebuild(only=None) -> dict[str, int]:
    """Recount every tally (or `only` these models) from the records;
    returns the rows written."""
    written = {}
    with transaction.atomic():
        for model, key, count_field, recount in TALLIES:
            if only is not None and model not in only:
                continue
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


