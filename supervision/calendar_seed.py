"""Fills the working-day calendar from the chinesecalendar package, which
follows the State Council's yearly announcement of holidays and make-up days.

Kept apart from supervision.calendar so that the data migration can call it
with the historical models (apps.get_model) instead of the real ones."""

import chinese_calendar
from django.apps import apps as global_apps
from django.db import transaction

SOURCE = f"chinesecalendar {chinese_calendar.__version__}"


def package_years() -> list[int]:
    """The years the installed package has data for."""
    return sorted({day.year for day in chinese_calendar.holidays} | {day.year for day in chinese_calendar.workdays})


def seed_calendar_from_package(years=None, apps=global_apps) -> list[int]:
    """Enter the holidays and make-up days of `years` (default: every year the
    package knows); returns the years entered. Years the package does not
    know are skipped, never guessed. Safe to run again: rows are updated."""
    CalendarDay = apps.get_model("supervision", "CalendarDay")
    CalendarYear = apps.get_model("supervision", "CalendarYear")
    known = set(package_years())
    entered = sorted(known if years is None else known.intersection(years))
    with transaction.atomic():
        for year in entered:
            # Only the exceptions to the weekly rule are stored: the package
            # also lists holidays that fall on a weekend, which change nothing.
            for day, name in chinese_calendar.holidays.items():
                if day.year == year and day.weekday() < 5:
                    CalendarDay.objects.update_or_create(date=day, defaults={"kind": "holiday", "name": name})
            for day, name in chinese_calendar.workdays.items():
                if day.year == year and day.weekday() >= 5:
                    CalendarDay.objects.update_or_create(date=day, defaults={"kind": "makeup_workday", "name": name})
            CalendarYear.objects.update_or_create(year=year, defaults={"source": SOURCE})
    return entered
