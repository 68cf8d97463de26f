"""Deadline arithmetic over the working-day calendar: working days, working
hours, and the database-backed calendar that the supervision clocks use.

A working day is Monday to Friday unless it is a public holiday, plus any
make-up working day (调休); working time is WORKDAY_START to WORKDAY_END of
a working day. All arithmetic is done in local time (settings.TIME_ZONE)."""

import bisect
import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from supervision.models import CalendarDay, CalendarYear

ONE_DAY = datetime.timedelta(days=1)
UNITS = ("hours", "working_hours", "working_days")


def _workday_hours() -> tuple[datetime.time, datetime.time]:
    return (
        getattr(settings, "WORKDAY_START", datetime.time(9, 0)),
        getattr(settings, "WORKDAY_END", datetime.time(17, 0)),
    )


def _weekdays_before(day: datetime.date) -> int:
    """Mondays to Fridays from 0001-01-01 (a Monday) up to, not including, day."""
    weeks, rest = divmod(day.toordinal() - 1, 7)
    return weeks * 5 + min(rest, 5)


class WorkingCalendar:
    """Working days and hours for a given set of exceptions to the weekly
    rule. Pure: it needs no database, so tests can build one directly."""

    def __init__(
        self,
        holidays: Iterable[datetime.date] = (),
        makeup_workdays: Iterable[datetime.date] = (),
        workday_start: datetime.time | None = None,
        workday_end: datetime.time | None = None,
    ):
        self.holidays = frozenset(holidays)
        self.makeup_workdays = frozenset(makeup_workdays)
        default_start, default_end = _workday_hours()
        self.workday_start = default_start if workday_start is None else workday_start
        self.workday_end = default_end if workday_end is None else workday_end
        if self.workday_start >= self.workday_end:
            raise ValueError("WORKDAY_START must come before WORKDAY_END")
        some_day = datetime.date(2000, 1, 1)
        self.day_length = datetime.datetime.combine(some_day, self.workday_end) - datetime.datetime.combine(
            some_day, self.workday_start
        )
        self.tz = timezone.get_default_timezone()
        # Only the exceptions that change the weekly rule matter for counting:
        # a holiday on a Sunday removes nothing. A date in both sets is a
        # make-up working day, as in is_working_day.
        self._added = sorted(d for d in self.makeup_workdays if d.weekday() >= 5)
        self._removed = sorted(d for d in self.holidays - self.makeup_workdays if d.weekday() < 5)

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.makeup_workdays:
            return True
        return day not in self.holidays and day.weekday() < 5

    def next_working_moment(self, moment: datetime.datetime) -> datetime.datetime:
        """moment itself if it is inside working time, else the start of the
        next working period. Working time is [start, end): at 17:00 sharp
        the next period is tomorrow's."""
        local = self._local(moment)
        day = local.date()
        if self.is_working_day(day) and local.time() < self.workday_end:
            return max(local, self._at(day, self.workday_start))
        return self._at(self._nth_working_day_after(day, 1), self.workday_start)

    def add_working_days(self, start: datetime.datetime, days: int) -> datetime.datetime:
        """The same clock time on the days-th following working day, counted
        from the next working moment when start is outside working time."""
        if days < 0:
            raise ValueError("days must not be negative")
        moment = self.next_working_moment(start)
        day = self._nth_working_day_after(moment.date(), days)
        return self._at(day, moment.time())

    def add_working_hours(self, start: datetime.datetime, hours: float) -> datetime.datetime:
        """The moment when `hours` of working time have passed since start.
        A limit that uses up a working day exactly ends at that day's end
        (17:00), not at the next day's start."""
        if hours < 0:
            raise ValueError("hours must not be negative")
        moment = self.next_working_moment(start)
        remaining = datetime.timedelta(hours=hours)
        left_today = self._at(moment.date(), self.workday_end) - moment
        if remaining <= left_today:
            return moment + remaining
        full_days, part = divmod(remaining - left_today, self.day_length)
        if not part:
            full_days, part = full_days - 1, self.day_length
        day = self._nth_working_day_after(moment.date(), full_days + 1)
        return self._at(day, self.workday_start) + part

    def working_hours_between(self, start: datetime.datetime, end: datetime.datetime) -> float:
        """Working time from start to end in hours, 0 if end is not later."""
        if end <= start:
            return 0.0
        start, end = self._local(start), self._local(end)
        whole_days = self._working_days_before(end.date()) - self._working_days_before(start.date())
        worked = whole_days * self.day_length + self._worked_on_day(end) - self._worked_on_day(start)
        return worked / datetime.timedelta(hours=1)

    # Counting works on a prefix count (working days since year 1) so that
    # spans of months or years cost a few bisections, not a walk over days.

    def _working_days_before(self, day: datetime.date) -> int:
        return (
            _weekdays_before(day) + bisect.bisect_left(self._added, day) - bisect.bisect_left(self._removed, day)
        )

    def _nth_working_day_after(self, day: datetime.date, n: int) -> datetime.date:
        """The n-th working day after day (day itself when n is 0)."""
        target = self._working_days_before(day + ONE_DAY) + n

        def through(offset: int) -> int:  # working days up to and including day + offset
            return self._working_days_before(day + datetime.timedelta(days=offset + 1))

        # Holidays can stretch a span without limit, so grow the search
        # window until it holds n working days, then bisect inside it.
        span = n * 2 + 14
        while through(span) < target:
            span *= 2
        offset = bisect.bisect_left(range(span + 1), target, key=through)
        return day + datetime.timedelta(days=offset)

    def _worked_on_day(self, moment: datetime.datetime) -> datetime.timedelta:
        """Working time on moment's day before moment."""
        day = moment.date()
        if not self.is_working_day(day):
            return datetime.timedelta(0)
        clamped = min(max(moment.time(), self.workday_start), self.workday_end)
        return datetime.datetime.combine(day, clamped) - datetime.datetime.combine(day, self.workday_start)

    def _local(self, moment: datetime.datetime) -> datetime.datetime:
        # The portal's zone, not the request's activated one: a deadline
        # must not depend on who happens to look at it.
        return timezone.localtime(moment, self.tz)

    def _at(self, day: datetime.date, clock: datetime.time) -> datetime.datetime:
        return datetime.datetime.combine(day, clock, tzinfo=self.tz)


def add_limit(
    start: datetime.datetime, amount: float, unit: str, working_calendar: WorkingCalendar | None = None
) -> datetime.datetime:
    """The due time of a limit: clock hours (emergencies run day and night),
    working hours or working days."""
    if unit == "hours":
        return timezone.localtime(start + datetime.timedelta(hours=amount), timezone.get_default_timezone())
    cal = working_calendar or calendar()
    if unit == "working_hours":
        return cal.add_working_hours(start, amount)
    if unit == "working_days":
        if amount != int(amount):
            raise ValueError("working days must be a whole number")
        return cal.add_working_days(start, int(amount))
    raise ValueError(f"unknown unit {unit!r}, expected one of {UNITS}")


CALENDAR_CACHE_KEY = "working-calendar:v2"
CACHE_SECONDS = 300  # bounds what a change no signal sees (SQL by hand) can leave stale


def _calendar_key() -> str:
    start, end = _workday_hours()
    return f"{CALENDAR_CACHE_KEY}:{start}-{end}"


def calendar() -> WorkingCalendar:
    """The calendar kept in the database, read through the shared cache: a
    list page works out a deadline per row, and the days change a few
    times a year (every save or delete drops the entry: forget_calendar)."""
    # The calendar itself is kept, not its rows: building it costs more than
    # reading it back.
    key = _calendar_key()
    working = cache.get(key)
    if working is None:
        rows = list(CalendarDay.objects.values_list("date", "kind"))
        working = WorkingCalendar(
            holidays=(day for day, kind in rows if kind == CalendarDay.Kind.HOLIDAY),
            makeup_workdays=(day for day, kind in rows if kind == CalendarDay.Kind.MAKEUP_WORKDAY),
        )
        cache.set(key, working, CACHE_SECONDS)
    return working


def missing_years(today: datetime.date, ahead: int = 1) -> list[int]:
    """Years from today's to `ahead` years later whose calendar is not entered."""
    wanted = range(today.year, today.year + ahead + 1)
    entered = set(CalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True))
    return [year for year in wanted if year not in entered]


def forget_calendar(**_signal_kwargs) -> None:
    """Drop the cached days now and again at commit, so no reader caches
    the old ones between the change and its commit."""
    key = _calendar_key()
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
