"""Each rate computed on a hand-made data set whose answer is known."""

import datetime

import pytest
from django.utils import timezone

from responses.models import Reply
from supervision.metrics import Scope, breached_open, cases_behind, near_breach, rates_by, rates_from_records
from supervision.models import ClockKind, ClockState, Extension, Feedback, SupervisionClock
from supervision.tallies import differences, rebuild
from tests.factories import CaseFactory, DepartmentFactory, UserFactory

START = timezone.make_aware(datetime.datetime(2026, 3, 1))
END = timezone.make_aware(datetime.datetime(2026, 4, 1))
NOW = timezone.make_aware(datetime.datetime(2026, 4, 15))
IN_PERIOD = START + datetime.timedelta(days=3)


def clock(department, kind, state, *, stop_reason="", hours=None, started=IN_PERIOD, stopped=True, due_in_days=2):
    case = CaseFactory(lead_department=department)
    due = started + datetime.timedelta(days=due_in_days)
    return SupervisionClock.objects.create(
        case=case, kind=kind, department=department, state=state, started_at=started, warn_at=started,
        category=case.category, region=case.region, due_at=due, original_due_at=due, stop_reason=stop_reason,
        working_hours=hours,
        stopped_at=(started + datetime.timedelta(hours=hours or 1)) if stopped else None,
    )


def feedback(department, satisfaction, *, resolved, reopened=False):
    case = CaseFactory(lead_department=department)
    reply = Reply.objects.create(case=case, department=department, author=UserFactory(), body="答复")
    return Feedback.objects.create(case=case, reply=reply, department=department, resolved=resolved,
                                   satisfaction=satisfaction, reopened=reopened, given_at=IN_PERIOD)


@pytest.fixture
def data():
    a, b = DepartmentFactory(name_en="Alpha Bureau"), DepartmentFactory(name_en="Beta Bureau")
    for hours in (1, 2, 3):
        clock(a, ClockKind.SIGN_FOR, ClockState.MET, hours=hours)
    clock(a, ClockKind.SIGN_FOR, ClockState.MET, stop_reason="returned", hours=0.5)
    clock(a, ClockKind.SIGN_FOR, ClockState.BREACHED, hours=20)
    clock(a, ClockKind.SIGN_FOR, ClockState.MET, hours=1, started=START - datetime.timedelta(days=1))  # outside
    clock(a, ClockKind.REPLY, ClockState.MET, hours=10)
    clock(a, ClockKind.REPLY, ClockState.MET, hours=30)
    late = clock(a, ClockKind.REPLY, ClockState.BREACHED, hours=100)
    clock(a, ClockKind.REPLY, ClockState.RUNNING, stopped=False, due_in_days=60)  # not yet due at NOW
    clock(a, ClockKind.SIGN_FOR, ClockState.RUNNING, stopped=False, due_in_days=3650)  # not due for years
    feedback(a, "satisfied", resolved=True)
    feedback(a, "basically_satisfied", resolved=True)
    feedback(a, "unsatisfied", resolved=True)
    feedback(a, "unsatisfied", resolved=False, reopened=True)
    Extension.objects.create(clock=late, requested_by=UserFactory(), requested_at=IN_PERIOD, reason="x",
                             requested_due_at=IN_PERIOD, state="approved", decided_at=IN_PERIOD)
    for _ in range(2):
        clock(b, ClockKind.SIGN_FOR, ClockState.MET, hours=4)
    # A department whose cases all wait, none of them due yet.
    c = DepartmentFactory(name_en="Gamma Bureau")
    clock(c, ClockKind.SIGN_FOR, ClockState.RUNNING, stopped=False, due_in_days=3650)
    clock(c, ClockKind.REPLY, ClockState.RUNNING, stopped=False, due_in_days=3650)
    rebuild()  # made without the services: count them as they would have
    return a, b, c


@pytest.mark.django_db
def test_every_rate_of_every_department(data):
    a, b, c = data
    rows = {row.key: row for row in rates_by(Scope(START, END), now=NOW)}
    first = rows[a.pk]
    # 6 dispatched; the sign-for still running and not due counts in no rate.
    assert (first.dispatched, first.sign_for_due, first.signed_in_time, first.returned) == (6, 5, 3, 1)
    assert first.response_rate == 60.0 and first.return_rate == 20.0
    assert (first.replies_due, first.replied_in_time, first.on_time_rate) == (3, 2, 66.7)
    assert (first.evaluated, first.resolution_rate, first.satisfaction_rate, first.reopen_rate) == (4, 75.0, 50.0, 25.0)
    assert first.overdue == 2 and first.extensions == 1
    # Signed for after 1, 2, 3 and 20 working hours (the return does not count).
    assert first.sign_for_hours == {"median": pytest.approx(2.5), "p90": pytest.approx(14.9)}
    assert first.reply_hours == {"median": pytest.approx(30.0), "p90": pytest.approx(86.0)}
    second = rows[b.pk]
    assert second.response_rate == 100.0 and second.satisfaction_rate is None
    # Only running clocks, none due: no rate at all, not 0 %.
    third = rows[c.pk]
    assert (third.dispatched, third.sign_for_due, third.replies_due, third.overdue) == (1, 0, 0, 0)
    assert (third.response_rate, third.return_rate, third.on_time_rate) == (None, None, None)


@pytest.mark.django_db
def test_scope_narrows_to_one_department_and_groups_by_category(data):
    a, _b, _c = data
    assert [row.key for row in rates_by(Scope(START, END, department_id=a.pk), now=NOW)] == [a.pk]
    by_category = rates_by(Scope(START, END), group="category", now=NOW)
    assert sum(row.dispatched for row in by_category) == 9
    assert sum(row.sign_for_due for row in by_category) == 7


@pytest.mark.django_db
def test_monthly_trend(data):
    months = rates_by(Scope(START - datetime.timedelta(days=40), END), now=NOW, by_month=True)
    assert [row.dispatched for row in months] == [1, 9]
    assert [row.sign_for_due for row in months] == [1, 7]


@pytest.mark.django_db
def test_drill_down_returns_exactly_the_cases_counted(data):
    a, _b, _c = data
    scope = Scope(START, END, department_id=a.pk)
    assert cases_behind(scope, "signed_in_time", now=NOW).count() == 3
    assert cases_behind(scope, "sign_for_due", now=NOW).count() == 5
    assert cases_behind(scope, "dispatched", now=NOW).count() == 6
    assert cases_behind(scope, "overdue", now=NOW).count() == 2
    assert cases_behind(scope, "reopened", now=NOW).count() == 1


@pytest.mark.django_db
def test_near_breach_and_breached_lists(department):
    now = timezone.now()
    soon = clock(department, ClockKind.REPLY, ClockState.RUNNING, stopped=False, started=now, due_in_days=1)
    later = clock(department, ClockKind.REPLY, ClockState.RUNNING, stopped=False, started=now, due_in_days=5)
    overdue = clock(department, ClockKind.SIGN_FOR, ClockState.BREACHED, stopped=False, started=now,
                    due_in_days=-1)
    assert list(near_breach(now=now)) == [soon, later]
    assert list(breached_open()) == [overdue]


@pytest.mark.django_db
def test_an_open_clock_counts_once_it_comes_due_and_a_paused_one_only_if_it_paused_late():
    """A sign-for running past its due time that the scan has not marked
    yet is late; a reply paused before its due time waits with its time
    (its due time moves on when it resumes), one paused after it is late."""
    department = DepartmentFactory()
    started = NOW - datetime.timedelta(days=5)
    clock(department, ClockKind.SIGN_FOR, ClockState.RUNNING, stopped=False, started=started, due_in_days=4)
    on_hold = clock(department, ClockKind.REPLY, ClockState.PAUSED, stopped=False, started=started, due_in_days=2)
    late = clock(department, ClockKind.REPLY, ClockState.PAUSED, stopped=False, started=started, due_in_days=2)
    SupervisionClock.objects.filter(pk=on_hold.pk).update(paused_at=started + datetime.timedelta(days=1))
    SupervisionClock.objects.filter(pk=late.pk).update(paused_at=started + datetime.timedelta(days=3))
    rebuild()
    scope = Scope(START, END + datetime.timedelta(days=30), department_id=department.pk)
    [before] = rates_by(scope, now=started + datetime.timedelta(days=1))
    assert (before.dispatched, before.sign_for_due, before.replies_due, before.overdue) == (1, 0, 0, 0)
    assert (before.response_rate, before.on_time_rate) == (None, None)
    [row] = rates_by(scope, now=NOW)
    assert (row.sign_for_due, row.signed_in_time, row.response_rate) == (1, 0, 0.0)
    assert (row.replies_due, row.replied_in_time, row.on_time_rate, row.overdue) == (1, 0, 0.0, 2)
    assert vars(row) == vars(rates_from_records(scope, now=NOW)[0])
    assert set(cases_behind(scope, "replies_due", now=NOW)) == {late.case}
    assert differences() == []
