"""Checking that supervision records were changed only by the application.

Each clock's events form a hash chain, and each event holds a snapshot of
the clock after it. A record altered outside the application (raw SQL, a
database console) shows as a broken chain, or as a clock whose row no
longer matches its last snapshot. All events together form the ledger
(supervision/ledger.py): a deleted clock leaves a gap in it, and a history
rewritten with every hash recomputed no longer passes through the heads
saved before, or the signed checkpoints."""

import datetime
import json
import re
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Max

from supervision.clocks import GENESIS, _snapshot, event_hash
from supervision.ledger import checkpoint_text, current_head, entry_hash, load_public_key, signature_valid
from supervision.models import ClockEvent, LedgerCheckpoint, SupervisionClock


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


# --- the ledger -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SavedHead:
    """A head someone kept: (sequence, hash) and where it came from; a
    checkpoint's day, signature and signer's key when it is one."""

    sequence: int
    hash: str
    label: str
    day: datetime.date | None = None
    signature: str = ""
    public_key: str = ""


HEAD_PATTERN = re.compile(r"^(\d+):([0-9a-f]{64})$")


def read_saved_heads(value: str) -> list[SavedHead]:
    """The heads in `--head VALUE`: `SEQUENCE:HASH` itself, or a file of such
    lines (as `manage.py ledger_head` prints them), or the open data's
    checkpoints in JSON. ValueError says what is wrong."""
    match = HEAD_PATTERN.match(value.strip())
    if match:
        return [SavedHead(int(match[1]), match[2], f"the saved head {value.strip()}")]
    path = Path(value)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise ValueError(f"{value} is neither SEQUENCE:HASH nor a readable file ({error.strerror})") from error
    if text.lstrip().startswith("["):
        try:
            return [SavedHead(int(item["sequence"]), str(item["hash"]), f"the checkpoint of {item['day']} in {path}",
                              day=datetime.date.fromisoformat(item["day"]), signature=item.get("signature") or "",
                              public_key=item.get("public_key") or "")
                    for item in json.loads(text)]
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{path} is not the ledger checkpoints' JSON: {error}") from error
    heads = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = HEAD_PATTERN.match(line)
        if not match:
            raise ValueError(f"{path}, line {number}: expected SEQUENCE:HASH, found {line!r}")
        heads.append(SavedHead(int(match[1]), match[2], f"the saved head {line} ({path}, line {number})"))
    return heads


def checkpoint_heads() -> list[SavedHead]:
    """The checkpoints kept in the database, as saved heads."""
    return [SavedHead(row.sequence, row.hash, f"the checkpoint of {row.day}", day=row.day, signature=row.signature,
                      public_key=row.public_key)
            for row in LedgerCheckpoint.objects.order_by("day")]


def _entry(row) -> str:
    sequence, _previous, _hashed, clock_id, clock_sequence, action, _at, _actor, _reason, snapshot, _ph = row
    case = snapshot.get("case") if isinstance(snapshot, dict) else None
    return f"entry {sequence} (clock {clock_id} of case {case}, its event {clock_sequence}: {action})"


def _missing(first: int, last: int) -> str:
    return f"ledger entry {first} is" if first == last else f"ledger entries {first} to {last} are"


def verify_ledger(*, saved_heads=(), public_keys=(), batch: int = 5000):
    """Yield a sentence for each sign that the ledger was changed outside the
    application: an entry missing (deleted), altered, or out of the order it
    was written in; a head row that does not match the last entry; a saved
    head or checkpoint the ledger no longer passes through (rewritten and
    its hashes recomputed, or cut short); a checkpoint whose signature does
    not verify. `public_keys`: the keys the auditor trusts, or none to check
    each signature against the key recorded beside it."""
    yield from _verify_signatures(saved_heads, public_keys)
    # The last entry, then the head row: committed together, so the head read
    # second is at or past it; entries appended after are for the next run.
    last_written = ClockEvent.objects.aggregate(last=Max("ledger_sequence"))["last"] or 0
    head_sequence, head_hash = current_head()
    end = max(head_sequence, last_written)
    wanted = {saved.sequence for saved in saved_heads}
    found: dict[int, str] = {}
    rows = (ClockEvent.objects.order_by("ledger_sequence")
            .values_list("ledger_sequence", "ledger_previous", "ledger_hash", "clock_id", "sequence", "action", "at",
                         "actor_id", "reason", "snapshot", "previous_hash"))
    before, expected = None, 1  # the entry before (its row) and the number the next should have
    while True:
        chunk = list(rows.filter(ledger_sequence__gte=expected, ledger_sequence__lte=end)[:batch])
        if not chunk:
            break
        for row in chunk:
            sequence, previous, hashed, clock_id, clock_sequence, action, at, actor_id, reason, snapshot, ph = row
            content = event_hash(clock_id=clock_id, sequence=clock_sequence, action=action, at=at, actor_id=actor_id,
                                 reason=reason, snapshot=snapshot, previous_hash=ph)
            gap = sequence > expected
            if gap:
                after = f"after {_entry(before)}" if before else "at the start"
                yield f"{_missing(expected, sequence - 1)} missing (deleted): {after}, before {_entry(row)}"
            if entry_hash(previous, content) != hashed:
                yield f"ledger {_entry(row)} was altered: its content no longer gives its hash"
            elif not gap and previous != (before[2] if before else GENESIS):
                yield (f"ledger {_entry(row)} was not written after "
                       f"{_entry(before) if before else 'the start'}: the ledger was reordered, "
                       "or entries were removed and the rest renumbered")
            if sequence in wanted:
                found[sequence] = hashed
            before, expected = row, sequence + 1
    last = expected - 1
    if last < head_sequence:
        yield (f"{_missing(last + 1, head_sequence)} missing (deleted) at the end: the head row says the ledger "
               f"ends at entry {head_sequence}")
    elif last > head_sequence:
        yield (f"the ledger goes on to entry {last}, past its head row ({head_sequence}:{head_hash}): entries "
               "were written around the application, or the head row was moved back")
    elif before is not None and before[2] != head_hash:
        yield f"the ledger's head row ({head_sequence}:{head_hash}) does not match its last entry"
    yield from _compare_heads(saved_heads, found, last)


def _compare_heads(saved_heads, found: dict[int, str], end: int):
    """A saved head the ledger does not pass through. If a later one still
    matches, the ledger up to it is intact and that saved head is the wrong
    one; otherwise the ledger up to the head was rewritten (or cut short)."""
    ordered = sorted(saved_heads, key=lambda saved: saved.sequence)
    matches = [saved.sequence for saved in ordered if found.get(saved.sequence) == saved.hash]
    rewritten = 0
    for saved in ordered:
        if saved.sequence == 0 or found.get(saved.sequence) == saved.hash:
            continue
        if saved.sequence <= end and saved.sequence not in found:
            continue  # its entry was deleted: named above as missing
        if saved.sequence > end:
            yield (f"the ledger ends at entry {end}, but {saved.label} is at entry {saved.sequence}: "
                   f"{_missing(end + 1, saved.sequence)} missing (deleted)")
        elif any(sequence > saved.sequence for sequence in matches):
            yield (f"{saved.label} does not match the ledger, though later saved heads do: "
                   "that saved head or checkpoint was altered")
        elif rewritten == 0:
            rewritten = 1
            since = max((sequence for sequence in matches if sequence < saved.sequence), default=0)
            yield (f"the ledger was rewritten: its entry {saved.sequence} has the hash {found[saved.sequence]}, "
                   f"but {saved.label} says {saved.hash}: something in entries {since + 1} to {saved.sequence} "
                   "was changed after that head was saved")
        else:
            rewritten += 1
    if rewritten > 1:
        yield f"{rewritten - 1} later saved head(s) or checkpoint(s) differ from the ledger as well"


def _verify_signatures(saved_heads, public_keys):
    """Each signed checkpoint must verify: with one of the trusted keys when
    some are given (and then none may be unsigned after the first signed
    one), else with the key recorded beside it."""
    signed_before = False
    for saved in sorted((saved for saved in saved_heads if saved.day is not None), key=lambda saved: saved.day):
        text = checkpoint_text(saved.day, saved.sequence, saved.hash)
        if not saved.signature:
            if public_keys and signed_before:
                yield f"{saved.label} is not signed, though earlier checkpoints are: it was replaced"
            continue
        signed_before = True
        if public_keys:
            keys = public_keys
        else:
            try:
                keys = [load_public_key(saved.public_key)]
            except ValueError:
                keys = []
        if not any(signature_valid(key, saved.signature, text) for key in keys):
            trusted = "the given public key" if public_keys else "the key recorded with it"
            yield f"{saved.label} ({saved.sequence}:{saved.hash}) does not verify with {trusted}: it was altered"
