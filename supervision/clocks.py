"""Starting, stopping, pausing and resuming the clocks a case runs, and
their hash-chained event log. Called by the lifecycle services inside their
transaction, so a clock changes exactly when the case does.

The warning time is when 75 % of the time has gone or one working day
before the due time, whichever comes first, but never before half of the
clock's time has gone (DOMAIN.md)."""

import hashlib
import json
import logging
from datetime import UTC, datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q

from supervision.calendar import add_limit, calendar
from supervision.ledger import seal
from supervision.models import (
    OPEN_CLOCK_STATES,
    ClockEvent,
    ClockKind,
    ClockState,
    DeadlinePolicy,
    LimitUnit,
    SupervisionClock,
)
from supervision.tallies import clock_key, clock_moved, tally_finished_hours

logger = logging.getLogger("wenzheng.supervision")

# Clocks that hold a department to a deadline, and so set the case's due time.
DEPARTMENT_CLOCKS = (ClockKind.SIGN_FOR, ClockKind.REPLY, ClockKind.REHANDLING)


# --- limits ----------------------------------------------------------------------


# DOMAIN.md's defaults, which the 0004 migration writes as policy rows. Used
# only when no row matches (say an administrator deleted them all), so a case
# is never left unsupervised; a warning says so.
FALLBACK_POLICIES = {
    ClockKind.DISPATCH: (24, LimitUnit.HOURS),
    ClockKind.SIGN_FOR: (1, LimitUnit.WORKING_DAYS),
    ClockKind.REPLY: (7, LimitUnit.WORKING_DAYS),
    ClockKind.REHANDLING: (7, LimitUnit.WORKING_DAYS),
    ClockKind.FEEDBACK: (168, LimitUnit.HOURS),
}


POLICIES_CACHE_KEY = "deadline-policies:v1"
POLICIES_CACHE_SECONDS = 300  # bounds what a change no signal sees can leave stale


def _policies() -> list[DeadlinePolicy]:
    """Every policy row, through the shared cache: list pages work out a
    deadline per row, and the rows change rarely (forget_policies)."""
    rows = cache.get(POLICIES_CACHE_KEY)
    if rows is None:
        rows = list(DeadlinePolicy.objects.all())
        cache.set(POLICIES_CACHE_KEY, rows, POLICIES_CACHE_SECONDS)
    return rows


def forget_policies(**_signal_kwargs) -> None:
    cache.delete(POLICIES_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(POLICIES_CACHE_KEY))


def policy_for(kind: str, case=None) -> DeadlinePolicy | None:
    """The most specific policy row for this clock and case (for a clock on
    another subject, the rows that name no case kind or urgency)."""
    case_kind, urgency = (case.kind, case.urgency) if case is not None else ("", "")
    rows = [row for row in _policies()
            if row.clock == kind and row.case_kind in ("", case_kind) and row.urgency in ("", urgency)]
    chosen = max(rows, key=lambda row: (bool(row.urgency), bool(row.case_kind)), default=None)
    if chosen is None and kind in FALLBACK_POLICIES:
        logger.warning("no deadline policy for the %s clock of %s: using the default", kind,
                       case.pk if case is not None else "its subject")
        amount, unit = FALLBACK_POLICIES[kind]
        chosen = DeadlinePolicy(clock=kind, amount=amount, unit=unit)
    return chosen


def due_and_warning(start: datetime, amount: int, unit: str, warn_fraction,
                    working=None) -> tuple[datetime, datetime]:
    """The due time and the warning time of a limit from `start`. Half-time
    is measured in the clock's own unit: elapsed time for an hour clock,
    working time for a working-day or working-hour one. The "one working
    day before" alone would warn a clock of a day or less at its start."""
    working = working or calendar()
    due = add_limit(start, amount, unit, working)
    share = float(warn_fraction)
    if unit == LimitUnit.HOURS:
        span = due - start
        warn = min(start + span * share, due - timedelta(days=1))
        return due, min(max(warn, start + span / 2), due)
    total = working.working_hours_between(start, due)
    day = working.day_length.total_seconds() / 3600
    hours = min(total * share, total - day)
    return due, working.add_working_hours(start, min(max(hours, total / 2), total))


# --- the event log -------------------------------------------------------------------


def _snapshot(clock: SupervisionClock) -> dict:
    def moment(value):
        # UTC, so a value read back from the database compares equal.
        return value.astimezone(UTC).isoformat() if value else None

    # Only clocks on another subject carry it: every case clock's snapshot,
    # and so its hash, stays as it was (migrations pass historical models).
    on = getattr(clock, "subject_id", None)
    subject = {"subject": f"{clock.subject_type_id}:{on}"} if on is not None else {}
    return {
        **subject,
        "case": clock.case_id, "kind": clock.kind, "department": clock.department_id, "state": clock.state,
        "started_at": moment(clock.started_at), "warn_at": moment(clock.warn_at), "due_at": moment(clock.due_at),
        "original_due_at": moment(clock.original_due_at), "stopped_at": moment(clock.stopped_at),
        "paused_at": moment(clock.paused_at), "reminded_at": moment(clock.reminded_at),
        "breached_at": moment(clock.breached_at), "escalate_at": moment(clock.escalate_at),
        "escalated_at": moment(clock.escalated_at), "stop_reason": clock.stop_reason,
    }


def event_hash(*, clock_id, sequence, action, at, actor_id, reason, snapshot, previous_hash) -> str:
    payload = json.dumps(
        [clock_id, sequence, action, at.isoformat(), actor_id, reason, snapshot, previous_hash],
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


GENESIS = "0" * 64


def record(clock: SupervisionClock, action: str, *, at: datetime, actor=None, reason: str = "",
           first: bool = False) -> ClockEvent:
    """Append an event after the clock row was saved. Callers hold the case
    or clock row lock, so a clock's sequence cannot fork. `first`: the clock
    was just created, so there is no earlier event to look up."""
    last = None if first else (ClockEvent.objects.filter(clock_id=clock.pk).order_by("-sequence")
                               .values_list("sequence", "hash").first())
    sequence, previous = (last[0] + 1, last[1]) if last else (1, GENESIS)
    snapshot = _snapshot(clock)
    actor_id = actor.pk if actor is not None else None
    event = ClockEvent(
        clock=clock, sequence=sequence, action=action, at=at, actor_id=actor_id, reason=reason, snapshot=snapshot,
        previous_hash=previous,
        hash=event_hash(clock_id=clock.pk, sequence=sequence, action=action, at=at, actor_id=actor_id,
                        reason=reason, snapshot=snapshot, previous_hash=previous),
    )
    _append(event)
    return event


def _append(event: ClockEvent) -> None:
    """Every clock event is written here, and only ever added, as the
    supervision ledger's next entry (supervision/ledger.py)."""
    seal([event])
    event.save(force_insert=True)


# --- starting and stopping ---------------------------------------------------------------


def clock_start(*, case=None, subject=None, kind: str, start: datetime, department=None, actor=None, order=None,
                due_at: datetime | None = None) -> SupervisionClock | None:
    """Start a clock on a case, or on another subject (any model instance),
    from the policy table or with an explicit due time (supervision orders
    set their own)."""
    policy = policy_for(kind, case) if due_at is None else None
    if due_at is not None:
        amount, unit, escalate_after = None, "", 5
        warn_at = start + (due_at - start) * 0.75
    elif policy is not None:
        amount, unit, escalate_after = policy.amount, policy.unit, policy.escalate_after_working_days
        due_at, warn_at = due_and_warning(start, policy.amount, policy.unit, policy.warn_fraction)
    else:
        return None  # no policy for this clock: nothing to supervise
    clock = SupervisionClock.objects.create(
        case=case, subject=subject, kind=kind, department=department, order=order, started_at=start,
        warn_at=warn_at, category_id=getattr(case, "category_id", None), region_id=getattr(case, "region_id", None),
        due_at=due_at, original_due_at=due_at, limit_amount=amount, limit_unit=unit,
        escalate_after_working_days=escalate_after,
    )
    record(clock, ClockEvent.Action.STARTED, at=start, actor=actor, first=True)
    clock_moved(clock, None)
    return clock


def _runs_on(case, subject) -> Q:
    if subject is None:
        return Q(case=case)
    return Q(subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk)


def _open_clocks(case, kinds, subject=None) -> list[SupervisionClock]:
    """The case's (or subject's) open, or breached not yet stopped, clocks of
    these kinds, locked in id order, so concurrent callers lock alike."""
    return list(
        SupervisionClock.objects.select_for_update()
        .filter(_runs_on(case, subject), kind__in=kinds)
        .filter(state__in=[*OPEN_CLOCK_STATES, ClockState.BREACHED], stopped_at=None)
        .order_by("id")
    )


def clocks_stop(*, case=None, subject=None, kinds, at: datetime, actor=None,
                reason: str = "") -> list[SupervisionClock]:
    """Stop the case's open clocks of these kinds: met if in time; a breached
    clock stays breached and records when it was finally met."""
    stopped = _open_clocks(case, kinds, subject)
    for clock in stopped:
        before = clock_key(clock)
        if clock.state == ClockState.PAUSED:
            _shift_for_pause(clock, at)
        clock.stopped_at = at
        clock.stop_reason = reason
        clock.working_hours = calendar().working_hours_between(clock.started_at, at)
        if clock.state != ClockState.BREACHED:
            clock.state = ClockState.MET if at <= clock.due_at else ClockState.BREACHED
        clock.save(update_fields=["stopped_at", "state", "due_at", "warn_at", "paused_at", "stop_reason",
                                  "working_hours"])
        record(clock, ClockEvent.Action.STOPPED, at=at, actor=actor, reason=reason)
        clock_moved(clock, before)
        tally_finished_hours(clock)
    return stopped


def clocks_cancel(*, case, at: datetime, actor=None, reason: str = "") -> None:
    """The case ended without the work being due (withdrawn, merged, rejected)."""
    clocks_cancel_kinds(case=case, kinds=list(ClockKind.values), at=at, actor=actor, reason=reason)


def clocks_cancel_kinds(*, case=None, subject=None, kinds, at: datetime, actor=None, reason: str = "") -> None:
    for clock in _open_clocks(case, kinds, subject):
        before = clock_key(clock)
        clock.state = ClockState.CANCELLED
        clock.stopped_at = at
        clock.save(update_fields=["state", "stopped_at"])
        record(clock, ClockEvent.Action.CANCELLED, at=at, actor=actor, reason=reason)
        clock_moved(clock, before)


def clocks_pause(*, case=None, subject=None, kinds, at: datetime, actor=None, reason: str = "") -> None:
    """The department waits for the citizen: the clock stops counting."""
    for clock in _open_clocks(case, kinds, subject):
        if clock.state != ClockState.RUNNING:
            continue
        before = clock_key(clock)
        clock.state = ClockState.PAUSED
        clock.paused_at = at
        clock.save(update_fields=["state", "paused_at"])
        record(clock, ClockEvent.Action.PAUSED, at=at, actor=actor, reason=reason)
        clock_moved(clock, before)


def clocks_resume(*, case=None, subject=None, kinds, at: datetime, actor=None) -> None:
    """The citizen answered: the clock counts again, its warning and due
    times moved on by the working time it waited."""
    for clock in _open_clocks(case, kinds, subject):
        if clock.state != ClockState.PAUSED:
            continue
        before = clock_key(clock)
        _shift_for_pause(clock, at)
        clock.state = ClockState.RUNNING
        clock.save(update_fields=["state", "paused_at", "due_at", "warn_at"])
        record(clock, ClockEvent.Action.RESUMED, at=at, actor=actor)
        clock_moved(clock, before)


def _shift_for_pause(clock: SupervisionClock, at: datetime) -> None:
    paused_at, clock.paused_at = clock.paused_at, None
    if paused_at is None or at <= paused_at:
        return
    if clock.limit_unit == LimitUnit.HOURS or not clock.limit_unit:
        waited = at - paused_at
        clock.due_at += waited
        clock.warn_at += waited
        return
    working = calendar()
    # Keep the working time that was left when the clock paused.
    clock.due_at = working.add_working_hours(at, working.working_hours_between(paused_at, clock.due_at))
    clock.warn_at = working.add_working_hours(at, working.working_hours_between(paused_at, clock.warn_at))


def case_due_at(case) -> datetime | None:
    """The case's current deadline: the earliest open department clock's."""
    return (
        SupervisionClock.objects.filter(case=case, kind__in=DEPARTMENT_CLOCKS, stopped_at=None,
                                        state__in=[*OPEN_CLOCK_STATES, ClockState.BREACHED])
        .order_by("due_at").values_list("due_at", flat=True).first()
    )
