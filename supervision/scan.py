"""The periodic deadline scan: reminders (催办) at warning time, breach
notices at due time, the second-level notice (通报) N working days later,
and closing cases whose feedback window ended. Each step reads only the
clocks due (partial indexes) and claims them in batches, marked in the
transaction that records the notices, so each notice goes out once."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from notifications.models import Event
from notifications.services import email_on_commit, heads_and_supervisors, notify, notify_department
from supervision import clocks, ledger, subjects, tallies
from supervision.calendar import calendar
from supervision.models import ClockEvent, ClockKind, ClockState, SupervisionClock

BATCH = 500


def _claim_batch(due: Q, moment: str, **changes) -> list[SupervisionClock]:
    """Lock up to BATCH clocks whose moment has come, earliest first,
    skipping any another scanner holds, and mark them claimed, in the
    caller's transaction: two scanners at once take disjoint batches.

    Ordering by `moment` keeps PostgreSQL on the partial index; without it
    the planner may read the whole table in order, hoping to meet a batch
    early."""
    # The ledger's lock first: it is never waited for while holding clocks
    # that a holder of the ledger may want (supervision/ledger.py).
    ledger.lock()
    ids = list(
        SupervisionClock.objects.select_for_update(skip_locked=True).filter(due)
        .order_by(moment).values_list("id", flat=True)[:BATCH]
    )
    if not ids:
        return []
    if changes:
        SupervisionClock.objects.filter(due, id__in=ids).update(**changes)
    return list(SupervisionClock.objects.filter(id__in=ids).select_related("case"))


def send_reminders(now=None) -> int:
    now = now or timezone.now()
    due = Q(state=ClockState.RUNNING, reminded_at=None, warn_at__lte=now) & ~Q(kind=ClockKind.FEEDBACK)
    with transaction.atomic():
        claimed = _claim_batch(due, "warn_at", reminded_at=now)
        keys = []
        for clock in claimed:
            clock.reminded_at = now
            clocks.record(clock, ClockEvent.Action.REMINDED, at=now)
            if clock.case_id is None:
                keys += subjects.notify_subject(clock=clock, event=Event.REMINDER)
            elif clock.department_id:
                keys.append(notify_department(event=Event.REMINDER, case=clock.case,
                                              department_id=clock.department_id, occurrence=f"{clock.pk}",
                                              email_now=False))
        email_on_commit(keys)
    return len(claimed)


def send_breach_notices(now=None) -> int:
    now = now or timezone.now()
    due = Q(state=ClockState.RUNNING, breached_at=None, due_at__lte=now) & ~Q(kind=ClockKind.FEEDBACK)
    working = calendar()
    with transaction.atomic():
        claimed = _claim_batch(due, "due_at")
        keys, moves = [], []
        for clock in claimed:
            before = tallies.clock_key(clock)
            clock.state, clock.breached_at = ClockState.BREACHED, now
            clock.escalate_at = working.add_working_days(clock.due_at, clock.escalate_after_working_days)
            moves.append((before, tallies.clock_key(clock)))
        SupervisionClock.objects.bulk_update(claimed, ["state", "breached_at", "escalate_at"])
        tallies.clocks_moved(moves)
        heads = {}
        for clock in claimed:
            clocks.record(clock, ClockEvent.Action.BREACHED, at=now)
            if clock.case_id is None:
                keys += subjects.notify_subject(clock=clock, event=Event.BREACHED)
                continue
            if clock.department_id not in heads:
                heads[clock.department_id] = heads_and_supervisors(clock.department_id)
            keys.append(notify(event=Event.BREACHED, case=clock.case, users=heads[clock.department_id],
                               occurrence=f"{clock.pk}", email_now=False))
        email_on_commit(keys)
    return len(claimed)


def send_escalations(now=None) -> int:
    now = now or timezone.now()
    due = Q(state=ClockState.BREACHED, stopped_at=None, escalated_at=None, escalate_at__lte=now)
    with transaction.atomic():
        claimed = _claim_batch(due, "escalate_at", escalated_at=now)
        keys, heads = [], {}
        for clock in claimed:
            clock.escalated_at = now
            clocks.record(clock, ClockEvent.Action.ESCALATED, at=now)
            if clock.case_id is None:
                keys += subjects.notify_subject(clock=clock, event=Event.ESCALATED)
                continue
            if clock.department_id not in heads:
                heads[clock.department_id] = heads_and_supervisors(clock.department_id)
            keys.append(notify(event=Event.ESCALATED, case=clock.case, users=heads[clock.department_id],
                               occurrence=f"{clock.pk}", email_now=False))
        email_on_commit(keys)
    return len(claimed)


def close_expired_feedback_windows(now=None) -> int:
    from supervision.services import case_close_unevaluated

    now = now or timezone.now()
    expired = SupervisionClock.objects.filter(kind=ClockKind.FEEDBACK, state=ClockState.RUNNING, due_at__lte=now)
    closed = 0
    for case_id in expired.values_list("case_id", flat=True)[:BATCH]:
        if case_close_unevaluated(case_id=case_id) is not None:
            closed += 1
    return closed


def scan(now=None) -> dict[str, int]:
    return {
        "reminders": send_reminders(now),
        "breaches": send_breach_notices(now),
        "escalations": send_escalations(now),
        "closed": close_expired_feedback_windows(now),
    }
