"""A warning is never given before half of a clock's time has gone
(DOMAIN.md). Clocks started under the earlier rule and not yet reminded may
still hold a warning time before their half-time (a sign-for clock started
out of hours warned at the next working moment, an hour clock of a day or
less at its start): move each to its half-time, with an event in the
clock's log, so the scan reminds it then and verify_supervision finds every
clock equal to its last snapshot. Clocks already reminded are left alone:
their reminder went out and is not sent again."""

from django.db import migrations
from django.utils import timezone

REASON = "The warning is given no earlier than half of the clock's time."
BATCH = 2000


def _half_time(clock, working):
    """Half of the clock's time from its start to its due time, in its
    unit: elapsed for hour clocks and clocks with a due time of their own,
    working time otherwise."""
    if clock.limit_unit in ("", "hours"):
        return clock.started_at + (clock.due_at - clock.started_at) / 2
    total = working.working_hours_between(clock.started_at, clock.due_at)
    return working.add_working_hours(clock.started_at, total / 2)


def move_early_warnings(apps, schema_editor):
    # The hash of each event is computed as the application computes it, or
    # verify_supervision would name every clock changed here.
    from supervision.calendar import WorkingCalendar
    from supervision.clocks import GENESIS, _snapshot, event_hash

    Clock = apps.get_model("supervision", "SupervisionClock")
    Event = apps.get_model("supervision", "ClockEvent")
    CalendarDay = apps.get_model("supervision", "CalendarDay")
    days = list(CalendarDay.objects.values_list("date", "kind"))
    working = WorkingCalendar(holidays=[day for day, kind in days if kind == "holiday"],
                              makeup_workdays=[day for day, kind in days if kind == "makeup_workday"])
    now = timezone.now()
    last_id = 0
    while True:
        # Running or paused, not reminded: the scan's partial index for the
        # running ones; paused clocks are few.
        chunk = list(Clock.objects.filter(pk__gt=last_id, state__in=["running", "paused"], reminded_at=None,
                                          stopped_at=None).order_by("pk")[:BATCH])
        if not chunk:
            return
        last_id = chunk[-1].pk
        moved = []
        for clock in chunk:
            half = _half_time(clock, working)
            if clock.warn_at < half:
                clock.warn_at = half
                moved.append(clock)
        if not moved:
            continue
        Clock.objects.bulk_update(moved, ["warn_at"])
        last = {}
        for clock_id, sequence, hashed in (Event.objects.filter(clock_id__in=[clock.pk for clock in moved])
                                           .order_by("clock_id", "sequence").values_list("clock_id", "sequence",
                                                                                         "hash")):
            last[clock_id] = (sequence, hashed)
        events = []
        for clock in moved:
            sequence, previous = last.get(clock.pk, (0, GENESIS))
            snapshot = _snapshot(clock)
            events.append(Event(
                clock_id=clock.pk, sequence=sequence + 1, action="corrected", at=now, actor_id=None, reason=REASON,
                snapshot=snapshot, previous_hash=previous,
                hash=event_hash(clock_id=clock.pk, sequence=sequence + 1, action="corrected", at=now, actor_id=None,
                                reason=REASON, snapshot=snapshot, previous_hash=previous)))
        Event.objects.bulk_create(events)


class Migration(migrations.Migration):

    dependencies = [
        ("supervision", "0012_alter_clockevent_clock_alter_supervisionclock_case_and_more"),
    ]

    operations = [migrations.RunPython(move_early_warnings, migrations.RunPython.noop, elidable=True)]
