"""Starting, stopping, pausing and resuming the clocks a case runs, and
their hash-chained event log. Called by the lifecycle services inside their
transaction, so a clock changes exactly when the case does.

The warning time is when 75 % of the time has gone or one working day
before the due time, whichever comes first (DOMAIN.md)."""

import hashlib
import json
import logging
from datetime import UTC, datetime, timedelta

from django.db.models import Min, OuterRef, Subquery

from portal.bulk import update_rows
from portal.insert_statement import insert_rows
from portal.process_cache import ProcessCache
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
from supervision.tallies import clock_key, clock_moved, clocks_moved, tally_finished_hours

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


def _load_policies() -> dict[str, list[DeadlinePolicy]]:
    by_clock: dict[str, list[DeadlinePolicy]] = {}
    for row in DeadlinePolicy.objects.all():
        by_clock.setdefault(row.clock, []).append(row)
    return by_clock


# The policy table is a few dozen rows that administrators rarely change:
# read once per process; a change is seen at once by the process that made
# it and within POLICY_CACHE_SECONDS by the others (clocks started in
# between keep the old limit, as clocks started before the change do).
POLICY_CACHE_SECONDS = 60
_policies = ProcessCache(_load_policies, seconds=POLICY_CACHE_SECONDS)


def forget_policies(**_signal_kwargs) -> None:
    """Drop the cached policies; connected to DeadlinePolicy's save and delete."""
    _policies.forget()


def policy_for(kind: str, case) -> DeadlinePolicy | None:
    """The most specific policy row for this clock and case."""
    rows = [row for row in _policies.get().get(kind, ())
            if row.case_kind in ("", case.kind) and row.urgency in ("", case.urgency)]
    chosen = max(rows, key=lambda row: (bool(row.urgency), bool(row.case_kind)), default=None)
    if chosen is None and kind in FALLBACK_POLICIES:
        logger.warning("no deadline policy for the %s clock of case %s: using the default", kind, case.pk)
        amount, unit = FALLBACK_POLICIES[kind]
        chosen = DeadlinePolicy(clock=kind, amount=amount, unit=unit)
    return chosen


def due_and_warning(start: datetime, amount: int, unit: str, warn_fraction) -> tuple[datetime, datetime]:
    working = calendar()
    due = add_limit(start, amount, unit, working)
    if unit == LimitUnit.HOURS:
        span = due - start
        warn = min(start + span * float(warn_fraction), due - timedelta(days=1))
        return due, max(warn, start)
    total = working.working_hours_between(start, due)
    day = working.day_length.total_seconds() / 3600
    by_share = working.add_working_hours(start, total * float(warn_fraction))
    by_day = working.add_working_hours(start, max(total - day, 0))
    return due, min(by_share, by_day)


# --- the event log -------------------------------------------------------------------


def _snapshot(clock: SupervisionClock) -> dict:
    def moment(value):
        # UTC, so a value read back from the database compares equal.
        return value.astimezone(UTC).isoformat() if value else None

    return {
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


def event_for(clock: SupervisionClock, action: str, *, sequence: int, previous: str, at: datetime, actor_id,
              reason: str, snapshot: dict | None = None) -> ClockEvent:
    """The event, hashed over the clock as it is (or as `snapshot` recorded
    it before a later change written in the same step)."""
    snapshot = _snapshot(clock) if snapshot is None else snapshot
    return ClockEvent(
        clock=clock, sequence=sequence, action=action, at=at, actor_id=actor_id, reason=reason, snapshot=snapshot,
        previous_hash=previous,
        hash=event_hash(clock_id=clock.pk, sequence=sequence, action=action, at=at, actor_id=actor_id,
                        reason=reason, snapshot=snapshot, previous_hash=previous),
    )


def record(clock: SupervisionClock, action: str, *, at: datetime, actor=None, reason: str = "",
           first: bool = False) -> ClockEvent:
    """Append an event after the clock row was saved. Callers hold the case
    or clock row lock, so a clock's sequence cannot fork. `first`: the clock
    was just created, so there is no earlier event to look up."""
    return record_all([clock], action, at=at, actor=actor, reason=reason, first=first)[0]


def record_all(clock_list: list[SupervisionClock], action: str, *, at: datetime, actor=None, reason: str = "",
               first: bool = False) -> list[ClockEvent]:
    """`record` for several clocks at once: one query for their last events
    (none when `first`) and one insert."""
    if not clock_list:
        return []
    last = {} if first else _last_events([clock.pk for clock in clock_list])
    actor_id = actor.pk if actor is not None else None
    events = []
    for clock in clock_list:
        sequence, previous = last.get(clock.pk, (0, GENESIS))
        events.append(event_for(clock, action, sequence=sequence + 1, previous=previous, at=at, actor_id=actor_id,
                             reason=reason))
    return insert_rows(ClockEvent, seal(events))


def _last_events(clock_ids: list[int]) -> dict[int, tuple[int, str]]:
    """Each clock's last (sequence, hash), by the (clock, sequence) index."""
    if len(clock_ids) == 1:
        row = (ClockEvent.objects.filter(clock_id=clock_ids[0]).order_by("-sequence")
               .values_list("sequence", "hash").first())
        return {clock_ids[0]: row} if row else {}
    newest = ClockEvent.objects.filter(clock_id=OuterRef("clock_id")).order_by("-sequence").values("sequence")[:1]
    rows = (ClockEvent.objects.filter(clock_id__in=clock_ids, sequence=Subquery(newest))
            .values_list("clock_id", "sequence", "hash"))
    return {clock_id: (sequence, hashed) for clock_id, sequence, hashed in rows}


# --- starting and stopping ---------------------------------------------------------------


def clock_start(*, case, kind: str, start: datetime, department=None, actor=None, order=None,
                due_at: datetime | None = None) -> SupervisionClock:
    """Start a clock from the policy table, or with an explicit due time
    (supervision orders set their own)."""
    clock = new_clock(case=case, kind=kind, start=start, department=department, order=order, due_at=due_at)
    if clock is None:
        return None  # no policy for this clock: nothing to supervise
    return clocks_start_all([clock], at=start, actor=actor)[0]


def new_clock(*, case, kind: str, start: datetime, department=None, order=None,
              due_at: datetime | None = None) -> SupervisionClock | None:
    """An unsaved clock with its limit from the policy table (or the given
    due time); None when no policy supervises this clock."""
    policy = policy_for(kind, case) if due_at is None else None
    if due_at is not None:
        amount, unit, escalate_after = None, "", 5
        warn_at = start + (due_at - start) * 0.75
    elif policy is not None:
        amount, unit, escalate_after = policy.amount, policy.unit, policy.escalate_after_working_days
        due_at, warn_at = due_and_warning(start, policy.amount, policy.unit, policy.warn_fraction)
    else:
        return None
    return SupervisionClock(
        case=case, kind=kind, department=department, order=order, started_at=start, warn_at=warn_at,
        category_id=case.category_id, region_id=case.region_id,
        due_at=due_at, original_due_at=due_at, limit_amount=amount, limit_unit=unit,
        escalate_after_working_days=escalate_after,
    )


def clocks_start_all(clock_list: list[SupervisionClock], *, at: datetime, actor=None) -> list[SupervisionClock]:
    """Save clocks made by `new_clock` that all start at `at`, with their
    first events and tallies, in one insert each."""
    if not clock_list:
        return []
    insert_rows(SupervisionClock, clock_list)
    record_all(clock_list, ClockEvent.Action.STARTED, at=at, actor=actor, first=True)
    clocks_moved([(None, clock_key(clock)) for clock in clock_list])
    return clock_list


def dispatch_clocks_open(cases, *, dispatched=frozenset(), at: datetime | None = None) -> list[SupervisionClock]:
    """Open the dispatch clock of each of these cases (locked, waiting for
    routing) that has none, from its submission: the clock starts when the
    case was submitted (DOMAIN.md) and its first event says so, whenever
    the routing step (or the deadline scan, should routing wait) writes it.
    The submission itself writes only the case and its history, so a busy
    portal takes a case in one short transaction.

    `dispatched`: ids of cases dispatched in this same step, at `at` (routed
    by the rules), whose clocks are written stopped then, with both events.
    A few statements for any number of cases."""
    if not cases:
        return []
    opened = set(
        SupervisionClock.objects.filter(case_id__in=[case.pk for case in cases], kind=ClockKind.DISPATCH)
        .values_list("case_id", flat=True)
    )
    clock_list = [clock for case in cases if case.pk not in opened
                  if (clock := new_clock(case=case, kind=ClockKind.DISPATCH, start=case.submitted_at)) is not None]
    if not clock_list:
        return []
    # Written already stopped where the case is dispatched now (one insert,
    # no update); the started event hashes the clock as it was then.
    started = [_snapshot(clock) for clock in clock_list]
    moves = [(None, _mark_stopped(clock, at, reason="")[1] if clock.case_id in dispatched else clock_key(clock))
             for clock in clock_list]
    insert_rows(SupervisionClock, clock_list)
    events = []
    for clock, snapshot in zip(clock_list, started, strict=True):
        # By whoever submitted the case, as when the submission wrote it.
        first = event_for(clock, ClockEvent.Action.STARTED, sequence=1, previous=GENESIS, at=clock.started_at,
                          actor_id=clock.case.recorded_by_id or clock.case.citizen_id, reason="", snapshot=snapshot)
        events.append(first)
        if clock.stopped_at is not None:
            events.append(event_for(clock, ClockEvent.Action.STOPPED, sequence=2, previous=first.hash, at=at,
                                    actor_id=None, reason=""))
    insert_rows(ClockEvent, seal(events))
    clocks_moved(moves)
    for clock in clock_list:
        if clock.stopped_at is not None:
            tally_finished_hours(clock)
    return clock_list


def _open_clocks(case, kinds):
    return open_clocks_of([case.pk], kinds)


def open_clocks_of(case_ids, kinds) -> list[SupervisionClock]:
    """The open (or breached, not yet stopped) clocks of these kinds on these
    cases, locked, in a fixed order so concurrent callers lock alike."""
    return list(
        SupervisionClock.objects.select_for_update()
        .filter(case_id__in=case_ids, kind__in=kinds)
        .filter(state__in=[*OPEN_CLOCK_STATES, ClockState.BREACHED], stopped_at=None)
        .order_by("id")
    )


_STOP_FIELDS = ["stopped_at", "state", "due_at", "warn_at", "paused_at", "stop_reason", "working_hours"]


def clocks_stop(*, case, kinds, at: datetime, actor=None, reason: str = "") -> list[SupervisionClock]:
    """Stop the case's open clocks of these kinds: met if in time; a breached
    clock stays breached and records when it was finally met."""
    return clocks_stop_all(_open_clocks(case, kinds), at=at, actor=actor, reason=reason)


def clocks_stop_all(clock_list: list[SupervisionClock], *, at: datetime, actor=None,
                    reason: str = "") -> list[SupervisionClock]:
    """`clocks_stop` for clocks already locked (`open_clocks_of`), of any
    number of cases: one update, one insert of events, one tally write."""
    if not clock_list:
        return []
    moves = [_mark_stopped(clock, at, reason=reason) for clock in clock_list]
    update_rows(clock_list, _STOP_FIELDS)
    record_all(clock_list, ClockEvent.Action.STOPPED, at=at, actor=actor, reason=reason)
    clocks_moved(moves)
    for clock in clock_list:
        tally_finished_hours(clock)
    return clock_list


def _mark_stopped(clock: SupervisionClock, at: datetime, *, reason: str) -> tuple:
    """Stop the clock (not saved): met if in time. Returns its tally keys
    before and after."""
    before = clock_key(clock)
    if clock.state == ClockState.PAUSED:
        _shift_for_pause(clock, at)
    clock.stopped_at = at
    clock.stop_reason = reason
    clock.working_hours = calendar().working_hours_between(clock.started_at, at)
    if clock.state != ClockState.BREACHED:
        clock.state = ClockState.MET if at <= clock.due_at else ClockState.BREACHED
    return before, clock_key(clock)


def clocks_cancel(*, case, at: datetime, actor=None, reason: str = "") -> None:
    """The case ended without the work being due (withdrawn, merged, rejected)."""
    clocks_cancel_kinds(case=case, kinds=list(ClockKind.values), at=at, actor=actor, reason=reason)


def clocks_cancel_kinds(*, case, kinds, at: datetime, actor=None, reason: str = "") -> None:
    clocks_cancel_all(_open_clocks(case, kinds), at=at, actor=actor, reason=reason)


def clocks_cancel_all(clock_list: list[SupervisionClock], *, at: datetime, actor=None, reason: str = "") -> None:
    """Cancel clocks already locked (`open_clocks_of`), of any number of cases."""
    if not clock_list:
        return
    moves = []
    for clock in clock_list:
        before = clock_key(clock)
        clock.state = ClockState.CANCELLED
        clock.stopped_at = at
        moves.append((before, clock_key(clock)))
    update_rows(clock_list, ["state", "stopped_at"])
    record_all(clock_list, ClockEvent.Action.CANCELLED, at=at, actor=actor, reason=reason)
    clocks_moved(moves)


def clocks_pause(*, case, kinds, at: datetime, actor=None, reason: str = "") -> None:
    """The department waits for the citizen: the clock stops counting."""
    for clock in _open_clocks(case, kinds):
        if clock.state != ClockState.RUNNING:
            continue
        before = clock_key(clock)
        clock.state = ClockState.PAUSED
        clock.paused_at = at
        clock.save(update_fields=["state", "paused_at"])
        record(clock, ClockEvent.Action.PAUSED, at=at, actor=actor, reason=reason)
        clock_moved(clock, before)


def clocks_resume(*, case, kinds, at: datetime, actor=None) -> None:
    """The citizen answered: the clock counts again, its warning and due
    times moved on by the working time it waited."""
    for clock in _open_clocks(case, kinds):
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


def cases_due_at(case_ids) -> dict[int, datetime]:
    """`case_due_at` for several cases in one query; a case with no open
    department clock is left out."""
    rows = (SupervisionClock.objects.filter(case_id__in=case_ids, kind__in=DEPARTMENT_CLOCKS, stopped_at=None,
                                            state__in=[*OPEN_CLOCK_STATES, ClockState.BREACHED])
            .values("case_id").annotate(due=Min("due_at")).values_list("case_id", "due"))
    return dict(rows)
