"""Keeping ClockStat exact: every department clock that stops adds one to
its bucket in the same transaction, and `rebuild` recomputes the table from
the clocks (after a bulk load, or to check it)."""

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from supervision.models import ClockKind, ClockStat, ClockState, SupervisionClock

DEPARTMENT_CLOCKS = (ClockKind.SIGN_FOR, ClockKind.REPLY, ClockKind.REHANDLING)


def tenths(hours) -> int:
    return -1 if hours is None else int(round(hours * 10))


def stat_add(clock: SupervisionClock) -> None:
    """Count a clock that has just stopped (not one cancelled)."""
    if clock.kind not in DEPARTMENT_CLOCKS or clock.department_id is None or clock.state == ClockState.CANCELLED:
        return
    case = clock.case
    key = {
        "day": timezone.localdate(clock.started_at), "department_id": clock.department_id,
        "category_id": case.category_id, "region_id": case.region_id, "kind": clock.kind,
        "breached": clock.state == ClockState.BREACHED, "returned": clock.stop_reason == "returned",
        "tenths": tenths(clock.working_hours),
    }
    with transaction.atomic():
        # Increment in the database, so concurrent stops on one bucket add up.
        if not ClockStat.objects.filter(**key).update(count=F("count") + 1):
            stat, created = ClockStat.objects.get_or_create(**key, defaults={"count": 1})
            if not created:
                ClockStat.objects.filter(pk=stat.pk).update(count=F("count") + 1)


def rebuild() -> int:
    """Recompute ClockStat from the stopped clocks; returns the row count."""
    clocks = (
        SupervisionClock.objects.filter(kind__in=DEPARTMENT_CLOCKS, stopped_at__isnull=False, department__isnull=False)
        .exclude(state=ClockState.CANCELLED)
    )
    with transaction.atomic():
        ClockStat.objects.all().delete()
        if connection.vendor == "postgresql":
            _rebuild_in_sql(clocks)
        else:
            for clock in clocks.select_related("case").iterator(chunk_size=2000):
                stat_add(clock)
    return ClockStat.objects.count()


def _rebuild_in_sql(clocks) -> None:
    from django.conf import settings

    sql, params = clocks.values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO supervision_clockstat
                (day, department_id, category_id, region_id, kind, breached, returned, tenths, count)
            SELECT (k.started_at AT TIME ZONE %s)::date, k.department_id, c.category_id, c.region_id, k.kind,
                   k.state = 'breached', k.stop_reason = 'returned',
                   COALESCE(ROUND(k.working_hours * 10)::int, -1), COUNT(*)
            FROM supervision_supervisionclock k JOIN petitions_case c ON c.id = k.case_id
            WHERE k.id IN ({sql})
            GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
            """,
            [settings.TIME_ZONE, *params],
        )
