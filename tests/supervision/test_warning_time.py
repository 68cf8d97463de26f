"""The reminder (催办) comes when 75 % of a clock's time has gone or one
working day before its due time, whichever is first, but never before half
of its time has gone (DOMAIN.md): half-time <= warning <= due, measured in
the clock's own unit, for every policy, unit and start moment."""

import datetime as dt
import importlib
from decimal import Decimal
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from petitions.lifecycle import Status
from supervision import scan
from supervision.audit import verify_clocks
from supervision.calendar import WorkingCalendar, calendar
from supervision.clocks import clock_start, due_and_warning
from supervision.models import ClockEvent, ClockKind, ClockState, DeadlinePolicy, LimitUnit, SupervisionClock
from tests.factories import CaseFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
NINE, FIVE = dt.time(9), dt.time(17)

# Two years of the real mainland calendar: Spring Festival, National Day and
# their make-up Saturdays and Sundays.
DAYS = [dt.date(2025, 1, 1) + dt.timedelta(days=n) for n in range(365 + 365)]
CAL = WorkingCalendar(
    holidays=(d for d in DAYS if chinese_calendar.is_holiday(d) and d.weekday() < 5),
    makeup_workdays=(d for d in DAYS if chinese_calendar.is_workday(d) and d.weekday() >= 5),
    workday_start=NINE, workday_end=FIVE,
)
# Days that break the weekly rule, and the days either side of them.
TRICKY_DAYS = sorted({
    d + dt.timedelta(days=offset)
    for d in DAYS if chinese_calendar.is_holiday(d) != (d.weekday() >= 5)
    for offset in (-1, 0, 1)
})
MAKEUP_DAYS = [d for d in DAYS if chinese_calendar.is_workday(d) and d.weekday() >= 5]
EDGE_TIMES = [dt.time(0), dt.time(8, 59), NINE, dt.time(12, 30), dt.time(16, 59), FIVE, dt.time(17, 1),
              dt.time(23, 59)]

PROPERTY = hypothesis_settings(
    max_examples=300, deadline=None, database=None,
    # Examples read nothing the suite's per-test fixtures set.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

days = st.one_of(st.sampled_from(TRICKY_DAYS), st.sampled_from(MAKEUP_DAYS),
                 st.dates(min_value=DAYS[0], max_value=DAYS[-1]))
times = st.one_of(st.sampled_from(EDGE_TIMES), st.times())
starts = st.builds(lambda day, time: dt.datetime.combine(day, time, tzinfo=SHANGHAI), days, times)
fractions = st.decimals(min_value=Decimal("0.00"), max_value=Decimal("1.50"), places=2)


def assert_warns_between_half_time_and_due(start, amount, unit, fraction):
    due, warn = due_and_warning(start, amount, unit, fraction, working=CAL)
    if unit == LimitUnit.HOURS:
        assert start + (due - start) / 2 <= warn <= due
        return due, warn
    total = CAL.working_hours_between(start, due)
    assert CAL.add_working_hours(start, total / 2) <= warn <= due
    assert CAL.working_hours_between(start, warn) >= total / 2 - 1e-9
    return due, warn


@pytest.mark.django_db
def test_every_default_policy_warns_between_half_time_and_the_due_time():
    policies = list(DeadlinePolicy.objects.all())
    # Every row the migrations write: dispatch (1, 2 and 24 hours), sign-for,
    # reply by kind and for emergencies, re-handling, feedback, petitions,
    # the verification of a report of misconduct, consultations' feedback
    # reports.
    assert len(policies) == 15
    assert {policy.unit for policy in policies} == {LimitUnit.HOURS, LimitUnit.WORKING_DAYS}

    @PROPERTY
    @given(start=starts)
    def check(start):
        for policy in policies:
            assert_warns_between_half_time_and_due(start, policy.amount, policy.unit, policy.warn_fraction)

    check()


@PROPERTY
@given(start=starts, amount=st.integers(min_value=0, max_value=40), unit=st.sampled_from(LimitUnit.values),
       fraction=fractions)
def test_any_limit_in_any_unit_with_any_share_warns_between_half_time_and_the_due_time(start, amount, unit,
                                                                                        fraction):
    assert_warns_between_half_time_and_due(start, amount, unit, fraction)


@PROPERTY
@given(start=starts, amount=st.integers(min_value=2, max_value=30))
def test_a_clock_of_two_working_days_or_more_keeps_the_earlier_of_75_percent_and_one_day_before(start, amount):
    due, warn = due_and_warning(start, amount, LimitUnit.WORKING_DAYS, Decimal("0.75"), working=CAL)
    total = CAL.working_hours_between(start, due)
    assert CAL.working_hours_between(start, warn) == pytest.approx(min(0.75 * total, total - 8))


def at(day, hour=0, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


@pytest.mark.parametrize("start, amount, unit, warn", [
    # The 24-hour dispatch clock: at 12 h, not at its start.
    (at(dt.date(2026, 3, 10), 14), 24, LimitUnit.HOURS, at(dt.date(2026, 3, 11), 2)),
    # Urgent and emergency dispatch, the emergency reply: half their hours.
    (at(dt.date(2026, 3, 10), 14), 2, LimitUnit.HOURS, at(dt.date(2026, 3, 10), 15)),
    (at(dt.date(2026, 3, 10), 14), 1, LimitUnit.HOURS, at(dt.date(2026, 3, 10), 14, 30)),
    # Sign-for, dispatched at 01:00 on a Tuesday: due Wednesday 09:00, half
    # of its 8 working hours gone at 13:00 Tuesday (not 09:00).
    (at(dt.date(2026, 3, 10), 1), 1, LimitUnit.WORKING_DAYS, at(dt.date(2026, 3, 10), 13)),
    # Sign-for, dispatched on the Friday before Spring Festival 2026 (16-20
    # February off, Saturday 14 and 28 February worked): warns on the make-up
    # Saturday at 13:00.
    (at(dt.date(2026, 2, 13), 18), 1, LimitUnit.WORKING_DAYS, at(dt.date(2026, 2, 14), 13)),
    # A 3-working-day reply: one working day before (16 of 24 h), earlier than 75 %.
    (at(dt.date(2026, 3, 10), 10), 3, LimitUnit.WORKING_DAYS, at(dt.date(2026, 3, 12), 10)),
    # A 13-working-day reply: at 75 % (78 of 104 h), earlier than one day before.
    (at(dt.date(2026, 3, 2), 9), 13, LimitUnit.WORKING_DAYS, at(dt.date(2026, 3, 13), 15)),
])
def test_known_warning_times(start, amount, unit, warn):
    assert due_and_warning(start, amount, unit, Decimal("0.75"), working=CAL)[1] == warn


@pytest.mark.django_db
def test_an_order_clock_with_its_own_due_time_warns_after_half_its_time():
    case = CaseFactory()
    start = timezone.now()
    clock = clock_start(case=case, kind=ClockKind.ORDER, start=start, due_at=start + dt.timedelta(hours=10))
    assert start + dt.timedelta(hours=5) <= clock.warn_at <= clock.due_at


@pytest.fixture
def routed(citizen, category, region, department):
    from petitions.services import case_submit
    from responses import services
    from tests.factories import RoutingRuleFactory

    RoutingRuleFactory(category=category, lead_department=department)

    def submit(routed=True):
        case, _ = case_submit(actor=citizen, kind="complaint", category=category, region=region,
                              title="井盖缺失", body="路口井盖缺失。", contact_email=citizen.email)
        if routed:
            services.case_route(case_id=case.id)
        return case

    return submit


@pytest.mark.django_db
def test_no_reminder_goes_out_the_minute_a_case_is_submitted_or_dispatched(routed, settings):
    dispatched = routed()
    waiting = routed(routed=False)
    settings.ROUTING_SWEEP_AFTER_SECONDS = 0  # the scan opens the waiting case's dispatch clock
    now = timezone.now() + dt.timedelta(seconds=1)
    assert scan.scan(now)["reminders"] == 0
    sign_for = SupervisionClock.objects.get(case=dispatched, kind=ClockKind.SIGN_FOR)
    dispatch = SupervisionClock.objects.get(case=waiting, kind=ClockKind.DISPATCH)
    assert sign_for.reminded_at is None and dispatch.reminded_at is None
    assert dispatch.warn_at - dispatch.started_at == dt.timedelta(hours=12)
    working = calendar()
    total = working.working_hours_between(sign_for.started_at, sign_for.due_at)
    assert sign_for.warn_at == working.add_working_hours(sign_for.started_at, total / 2)
    # Half-time passed: reminded then, once.
    assert scan.scan(dispatch.warn_at)["reminders"] == 1 + (sign_for.warn_at <= dispatch.warn_at)


# --- the clocks already running when the rule changed --------------------------------------------

migration = importlib.import_module("supervision.migrations.0013_warning_never_before_half_time")


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_early_warnings_of_open_clocks_to_half_time_and_records_it(routed, department):
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    from supervision.audit import verify_ledger
    from tests.supervision.test_ledger_migration import migration_named

    early, reminded, paused = routed(), routed(), routed()
    clocks = {case.pk: SupervisionClock.objects.get(case=case, kind=ClockKind.SIGN_FOR)
              for case in (early, reminded, paused)}
    # As the old rule left them: the warning at the clock's first working moment.
    old_warn = calendar().next_working_moment(clocks[early.pk].started_at)
    SupervisionClock.objects.filter(pk__in=[c.pk for c in clocks.values()]).update(warn_at=old_warn)
    SupervisionClock.objects.filter(pk=clocks[reminded.pk].pk).update(reminded_at=timezone.now())
    SupervisionClock.objects.filter(pk=clocks[paused.pk].pk).update(state=ClockState.PAUSED,
                                                                     paused_at=timezone.now())
    # Re-record the rows as the application would have (the test changed them by hand).
    from django.db import transaction

    from supervision.clocks import record
    with transaction.atomic():
        for clock in SupervisionClock.objects.filter(pk__in=[c.pk for c in clocks.values()]):
            record(clock, ClockEvent.Action.CORRECTED, at=timezone.now(), reason="test set-up")
    assert list(verify_clocks()) == []

    # The migration runs on the schema of its release, before the ledger;
    # the ledger's own migrations then seal what it wrote.
    loader = MigrationLoader(connection)
    latest = loader.graph.leaf_nodes("supervision")[0][1]
    before_ledger = migration_named("_reopened_cases_due")
    call_command("migrate", "supervision", before_ledger, verbosity=0)
    old_apps = MigrationLoader(connection).project_state(("supervision", before_ledger)).apps
    migration.move_early_warnings(old_apps, None)
    # Run again: nothing left to move, no event added.
    events = old_apps.get_model("supervision", "ClockEvent").objects.count()
    migration.move_early_warnings(old_apps, None)
    assert old_apps.get_model("supervision", "ClockEvent").objects.count() == events
    call_command("migrate", "supervision", latest, verbosity=0)

    working = calendar()
    for case in (early, paused):
        clock = SupervisionClock.objects.get(pk=clocks[case.pk].pk)
        total = working.working_hours_between(clock.started_at, clock.due_at)
        assert clock.warn_at == working.add_working_hours(clock.started_at, total / 2) > old_warn
        last = clock.events.order_by("-sequence").first()
        assert last.action == ClockEvent.Action.CORRECTED and last.actor_id is None and last.reason
    # A reminder already sent is not sent again: that clock is left as it was.
    assert SupervisionClock.objects.get(pk=clocks[reminded.pk].pk).warn_at == old_warn
    assert list(verify_clocks()) == [] and list(verify_ledger()) == []
    assert Status.DISPATCHED == early.__class__.objects.get(pk=early.pk).status
