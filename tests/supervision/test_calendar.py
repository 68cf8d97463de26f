"""Deadline arithmetic over the working-day calendar: known dates, properties
checked against the chinesecalendar package, and the database-backed calendar."""

import datetime as dt
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from supervision.calendar import WorkingCalendar, add_limit, calendar, missing_years
from supervision.calendar_seed import package_years, seed_calendar_from_package
from supervision.models import CalendarDay, CalendarYear
from supervision.tasks import remind_to_enter_next_year
from tests.factories import UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
NINE, FIVE = dt.time(9), dt.time(17)

# The package's own data for 2024-2026, with no database involved.
PACKAGE_DAYS = [dt.date(2024, 1, 1) + dt.timedelta(days=n) for n in range(366 + 365 + 365)]
CAL = WorkingCalendar(
    holidays=(d for d in PACKAGE_DAYS if chinese_calendar.is_holiday(d) and d.weekday() < 5),
    makeup_workdays=(d for d in PACKAGE_DAYS if chinese_calendar.is_workday(d) and d.weekday() >= 5),
    workday_start=NINE,
    workday_end=FIVE,
)
WORKING_DAYS = [d for d in PACKAGE_DAYS if chinese_calendar.is_workday(d)]
# Days where the weekly rule breaks or the year turns, where mistakes hide.
TRICKY_DAYS = sorted(
    {d for d in PACKAGE_DAYS if chinese_calendar.is_holiday(d) != (d.weekday() >= 5)}
    | {dt.date(y, 12, 31) for y in (2024, 2025)}
)


def at(year, month, day, hour=0, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def in_working_time(moment, *, end_included):
    clock = moment.astimezone(SHANGHAI).time()
    return CAL.is_working_day(moment.astimezone(SHANGHAI).date()) and (
        NINE <= clock <= FIVE if end_included else NINE <= clock < FIVE
    )


# -- known dates ---------------------------------------------------------------


def test_weekday_rule_and_package_agree_on_every_day_of_2024_to_2026():
    assert [d for d in PACKAGE_DAYS if CAL.is_working_day(d)] == WORKING_DAYS


def test_national_day_2026_holidays_are_skipped():
    assert all(chinese_calendar.is_holiday(dt.date(2026, 10, d)) for d in range(1, 8))
    assert CAL.add_working_days(at(2026, 9, 30, 10), 1) == at(2026, 10, 8, 10)
    assert CAL.add_working_hours(at(2026, 9, 30, 16), 2) == at(2026, 10, 8, 10)
    assert CAL.working_hours_between(at(2026, 9, 30, 16), at(2026, 10, 8, 10)) == 2


def test_make_up_saturday_after_national_day_is_a_working_day():
    assert dt.date(2026, 10, 10).weekday() == 5 and chinese_calendar.is_workday(dt.date(2026, 10, 10))
    assert CAL.add_working_days(at(2026, 10, 9, 15), 1) == at(2026, 10, 10, 15)
    assert CAL.add_working_days(at(2026, 10, 10, 15), 1) == at(2026, 10, 12, 15)


def test_year_end_2025_runs_into_new_year_holiday_and_make_up_sunday():
    # 1-3 January 2026 are off; Sunday 4 January is worked instead.
    assert CAL.add_working_days(at(2025, 12, 31, 16), 1) == at(2026, 1, 4, 16)
    assert CAL.add_working_days(at(2025, 12, 31, 16), 2) == at(2026, 1, 5, 16)


def test_start_outside_working_hours_counts_from_next_working_morning():
    friday_evening = at(2026, 3, 6, 18)
    assert CAL.next_working_moment(friday_evening) == at(2026, 3, 9, 9)
    assert CAL.add_working_days(friday_evening, 1) == at(2026, 3, 10, 9)
    assert CAL.next_working_moment(at(2026, 3, 9, 7, 30)) == at(2026, 3, 9, 9)
    assert CAL.next_working_moment(at(2026, 3, 9, 17)) == at(2026, 3, 10, 9)


def test_a_full_working_day_of_hours_ends_at_five_not_next_morning():
    assert CAL.add_working_hours(at(2026, 3, 9, 9), 8) == at(2026, 3, 9, 17)
    assert CAL.add_working_hours(at(2026, 3, 9, 9), 8.5) == at(2026, 3, 10, 9, 30)


def test_arithmetic_uses_local_time_whatever_zone_the_input_has():
    utc_start = dt.datetime(2026, 3, 9, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai
    assert CAL.add_working_days(utc_start, 1) == at(2026, 3, 10, 9)


def test_plain_hours_run_through_the_night_and_holidays():
    assert add_limit(at(2026, 9, 30, 23), 2, "hours") == at(2026, 10, 1, 1)
    assert add_limit(at(2026, 9, 30, 16), 2, "working_hours", CAL) == at(2026, 10, 8, 10)
    assert add_limit(at(2026, 9, 30, 10), 1, "working_days", CAL) == at(2026, 10, 8, 10)


def test_bad_limits_are_refused():
    with pytest.raises(ValueError):
        CAL.add_working_days(at(2026, 3, 9, 10), -1)
    with pytest.raises(ValueError):
        CAL.add_working_hours(at(2026, 3, 9, 10), -0.5)
    with pytest.raises(ValueError):
        add_limit(at(2026, 3, 9, 10), 1, "fortnights", CAL)
    with pytest.raises(ValueError):
        add_limit(at(2026, 3, 9, 10), 1.5, "working_days", CAL)


# -- properties ----------------------------------------------------------------

PROPERTY = hypothesis_settings(
    max_examples=200,
    deadline=None,
    database=None,  # no .hypothesis folder in the working tree
    # The suite's autouse fixture resets settings per test, not per example;
    # these tests read nothing it sets.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

any_day = st.one_of(
    st.sampled_from(PACKAGE_DAYS),
    st.builds(lambda d, shift: d + dt.timedelta(days=shift), st.sampled_from(TRICKY_DAYS), st.integers(-3, 3)),
)
any_moment = st.builds(
    lambda d, seconds: dt.datetime.combine(d, dt.time(), tzinfo=SHANGHAI) + dt.timedelta(seconds=seconds),
    any_day,
    st.integers(0, 24 * 3600 - 1),
)
working_moment = st.builds(
    lambda d, seconds: dt.datetime.combine(d, NINE, tzinfo=SHANGHAI) + dt.timedelta(seconds=seconds),
    st.one_of(st.sampled_from(WORKING_DAYS), any_day.filter(CAL.is_working_day)),
    st.integers(0, 8 * 3600 - 1),
)
days = st.integers(0, 40)
hours = st.one_of(st.integers(0, 200), st.floats(0, 200, allow_nan=False))


def package_add_working_days(start, n):
    """The slow, obvious version: walk the package's calendar day by day."""
    moment = start.astimezone(SHANGHAI)
    if not chinese_calendar.is_workday(moment.date()) or moment.time() >= FIVE:
        day = moment.date() + dt.timedelta(days=1)
        while not chinese_calendar.is_workday(day):
            day += dt.timedelta(days=1)
        moment = dt.datetime.combine(day, NINE, tzinfo=SHANGHAI)
    moment = max(moment, dt.datetime.combine(moment.date(), NINE, tzinfo=SHANGHAI))
    day = moment.date()
    while n:
        day += dt.timedelta(days=1)
        n -= chinese_calendar.is_workday(day)
    return dt.datetime.combine(day, moment.time(), tzinfo=SHANGHAI)


@PROPERTY
@given(any_moment, days)
def test_working_days_agree_with_a_day_by_day_walk_over_the_package(start, n):
    if start.year == 2026 and start.month >= 11:
        start = start.replace(year=2025)  # the walk cannot go past the package's last year
    assert CAL.add_working_days(start, n) == package_add_working_days(start, n)


@PROPERTY
@given(any_moment, days, days)
def test_more_working_days_never_give_an_earlier_due_time(start, a, b):
    a, b = sorted((a, b))
    assert CAL.add_working_days(start, a) <= CAL.add_working_days(start, b)
    if a < b:
        assert CAL.add_working_days(start, a) < CAL.add_working_days(start, b)


@PROPERTY
@given(any_moment, hours, hours)
def test_more_working_hours_never_give_an_earlier_due_time(start, a, b):
    a, b = sorted((a, b))
    assert CAL.add_working_hours(start, a) <= CAL.add_working_hours(start, b)


@PROPERTY
@given(working_moment, days, days)
def test_adding_working_days_in_two_steps_is_adding_them_at_once(start, a, b):
    assert CAL.add_working_days(start, a + b) == CAL.add_working_days(CAL.add_working_days(start, a), b)


@PROPERTY
@given(any_moment, days, hours)
def test_due_times_land_inside_working_time_of_a_working_day(start, n, h):
    assert in_working_time(CAL.add_working_days(start, n), end_included=False)
    assert in_working_time(CAL.add_working_hours(start, h), end_included=True)
    assert in_working_time(add_limit(start, n, "working_days", CAL), end_included=False)
    assert in_working_time(add_limit(start, h, "working_hours", CAL), end_included=True)


@PROPERTY
@given(any_moment, hours)
def test_working_hours_between_undoes_add_working_hours(start, h):
    assert CAL.working_hours_between(start, CAL.add_working_hours(start, h)) == pytest.approx(h, abs=1 / 3600)


@PROPERTY
@given(any_moment, any_moment, any_moment)
def test_working_hours_add_up_over_consecutive_spans(a, b, c):
    a, b, c = sorted((a, b, c))
    whole = CAL.working_hours_between(a, c)
    assert whole == pytest.approx(CAL.working_hours_between(a, b) + CAL.working_hours_between(b, c), abs=1e-6)
    assert CAL.working_hours_between(c, a) == 0
    assert 0 <= whole <= (c - a) / dt.timedelta(hours=1)


# -- the calendar in the database ----------------------------------------------


@pytest.mark.django_db
def test_fresh_install_has_every_year_the_package_knows():
    assert sorted(CalendarYear.objects.values_list("year", flat=True)) == package_years()
    assert missing_years(dt.date(2025, 6, 1), ahead=1) == []
    assert missing_years(dt.date(package_years()[-1], 6, 1), ahead=1) == [package_years()[-1] + 1]


@pytest.mark.django_db
def test_database_calendar_is_the_package_calendar():
    seed_calendar_from_package([2024, 2025, 2026])
    db_calendar = calendar()
    assert [d for d in PACKAGE_DAYS if db_calendar.is_working_day(d)] == WORKING_DAYS
    assert add_limit(at(2026, 9, 30, 10), 1, "working_days") == at(2026, 10, 8, 10)


@pytest.mark.django_db
def test_an_administrators_edit_to_the_calendar_counts_at_once():
    monday = dt.date(2026, 3, 9)
    assert calendar().is_working_day(monday)
    day = CalendarDay.objects.create(date=monday, kind=CalendarDay.Kind.HOLIDAY, name="城市纪念日")
    assert not calendar().is_working_day(monday)
    day.delete()
    assert calendar().is_working_day(monday)


@pytest.mark.django_db
def test_seed_command_twice_changes_nothing_the_second_time(capsys):
    call_command("seed_calendar")
    rows = CalendarDay.objects.count(), CalendarYear.objects.count()
    call_command("seed_calendar")
    assert (CalendarDay.objects.count(), CalendarYear.objects.count()) == rows
    assert "2026: " in capsys.readouterr().out


@pytest.mark.django_db
def test_seed_command_reports_years_the_package_does_not_know(capsys):
    call_command("seed_calendar", "--years", "2026", "2099")
    output = capsys.readouterr()
    assert "2026: " in output.out
    assert "2099" in output.err
    assert not CalendarYear.objects.filter(year=2099).exists()
    assert not CalendarDay.objects.filter(date__year=2099).exists()


@pytest.mark.django_db
def test_superusers_are_reminded_on_the_first_of_october_only(monkeypatch, mailoutbox):
    admin = UserFactory(email="root@example.org", is_superuser=True, is_staff=True)
    UserFactory(email="gone@example.org", is_superuser=True, is_active=False)
    UserFactory(email="clerk@example.org")
    next_year = package_years()[-1] + 1

    monkeypatch.setattr("django.utils.timezone.localdate", lambda: dt.date(next_year - 1, 10, 2))
    assert remind_to_enter_next_year() == [next_year]
    assert mailoutbox == []

    monkeypatch.setattr("django.utils.timezone.localdate", lambda: dt.date(next_year - 1, 10, 1))
    assert remind_to_enter_next_year.delay().get() == [next_year]
    assert [(m.to, str(next_year) in m.subject) for m in mailoutbox] == [([admin.email], True)]
