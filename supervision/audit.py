"""Checking that supervision records were changed only by the application.

Each clock's events form a hash chain, and each event holds a snapshot of
the clock after it. A record altered outside the application (raw SQL, a
database console) shows as a broken chain, or as a clock whose row no
longer matches its last snapshot."""

from dataclasses import dataclass

from supervision.clocks import GENESIS, _snapshot, event_hash
from supervision.models import SupervisionClock


@dataclass(frozen=True)
class Finding:
    clock_id: int
    case_id: int
    problem: str


def verify_clocks(batch: int = 2000):
    """Yield a Finding for every clock whose record or history was altered."""
    last_id = 0
    while True:
        chunk = list(SupervisionClock.objects.filter(pk__gt=last_id).order_by("pk").prefetch_related("events")[:batch])
        if not chunk:
            return
        for clock in chunk:
            yield from _verify_clock(clock)
        last_id = chunk[-1].pk


def _verify_clock(clock: SupervisionClock):
    previous = GENESIS
    events = sorted(clock.events.all(), key=lambda event: event.sequence)
    if not events:
        yield Finding(clock.pk, clock.case_id, "has no history")
        return
    for expected, event in enumerate(events, start=1):
        if event.sequence != expected:
            yield Finding(clock.pk, clock.case_id, f"history entry {expected} is missing")
            return
        if event.previous_hash != previous:
            yield Finding(clock.pk, clock.case_id, f"history entry {event.sequence} does not follow the one before")
            return
        recomputed = event_hash(
            clock_id=clock.pk, sequence=event.sequence, action=event.action, at=event.at, actor_id=event.actor_id,
            reason=event.reason, snapshot=event.snapshot, previous_hash=event.previous_hash,
        )
        if recomputed != event.hash:
            yield Finding(clock.pk, clock.case_id, f"history entry {event.sequence} was altered")
            return
        previous = event.hash
    if _snapshot(clock) != events[-1].snapshot:
        changed = sorted(key for key, value in _snapshot(clock).items() if events[-1].snapshot.get(key) != value)
        yield Finding(clock.pk, clock.case_id, "record differs from its history: " + ", ".join(changed))
