"""The periodic deadline scan: reminders (催办) at warning time, breach
notices at due time, the second-level notice (通报) N working days later,
and closing cases whose feedback window ended.

Each step reads only the clocks whose moment has come (partial indexes on
SupervisionClock), so its cost follows the number of clocks due, not the
number of clocks. Each clock is claimed with a conditional UPDATE before
anyone is told, so running the scan twice, or in two workers at once,
sends every notice exactly once."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from notifications.models import Event
from notifications.services import notify, notify_department
from supervision import clocks
from supervision.calendar import calendar
from supervision.models import ClockEvent, ClockKind, ClockState, SupervisionClock

BATCH = 500


def _claim(clock_id: int, condition: Q, **changes) -> SupervisionClock | None:
    """Set `changes` on the clock only if `condition` still holds; None when
    another scan got there first."""
    with transaction.atomic():
        if not SupervisionClock.objects.filter(condition, pk=clock_id).update(**changes):
            return None
        return SupervisionClock.objects.select_related("case").get(pk=clock_id)


def _heads_and_supervisors(department_id) -> list:
    people = User.objects.filter(is_active=True).filter(
        Q(groups__name=Role.SUPERVISOR.value) | Q(memberships__department_id=department_id, memberships__is_head=True)
    )
    return list(people.distinct())


def send_reminders(now=None) -> int:
    now = now or timezone.now()
    due = Q(state=ClockState.RUNNING, reminded_at=None, warn_at__lte=now)
    sent = 0
    for clock_id in SupervisionClock.objects.filter(due).exclude(kind=ClockKind.FEEDBACK).values_list(
            "id", flat=True)[:BATCH]:
        with transaction.atomic():
            clock = _claim(clock_id, due, reminded_at=now)
            if clock is None:
                continue
            clocks.record(clock, ClockEvent.Action.REMINDED, at=now)
            if clock.department_id:
                notify_department(event=Event.REMINDER, case=clock.case, department_id=clock.department_id,
                                  occurrence=f"{clock.pk}")
            sent += 1
    return sent


def send_breach_notices(now=None) -> int:
    now = now or timezone.now()
    due = Q(state=ClockState.RUNNING, breached_at=None, due_at__lte=now)
    sent = 0
    working = calendar()
    for clock_id in SupervisionClock.objects.filter(due).exclude(kind=ClockKind.FEEDBACK).values_list(
            "id", flat=True)[:BATCH]:
        with transaction.atomic():
            clock = SupervisionClock.objects.filter(pk=clock_id).only("due_at", "escalate_after_working_days").first()
            escalate_at = working.add_working_days(clock.due_at, clock.escalate_after_working_days)
            clock = _claim(clock_id, due, state=ClockState.BREACHED, breached_at=now, escalate_at=escalate_at)
            if clock is None:
                continue
            clocks.record(clock, ClockEvent.Action.BREACHED, at=now)
            notify(event=Event.BREACHED, case=clock.case, users=_heads_and_supervisors(clock.department_id),
                   occurrence=f"{clock.pk}")
            sent += 1
    return sent


def send_escalations(now=None) -> int:
    now = now or timezone.now()
    due = Q(state=ClockState.BREACHED, stopped_at=None, escalated_at=None, escalate_at__lte=now)
    sent = 0
    for clock_id in SupervisionClock.objects.filter(due).values_list("id", flat=True)[:BATCH]:
        with transaction.atomic():
            clock = _claim(clock_id, due, escalated_at=now)
            if clock is None:
                continue
            clocks.record(clock, ClockEvent.Action.ESCALATED, at=now)
            notify(event=Event.ESCALATED, case=clock.case, users=_heads_and_supervisors(clock.department_id),
                   occurrence=f"{clock.pk}")
            sent += 1
    return sent


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
