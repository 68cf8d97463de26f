"""The supervision ledger: every event of every clock in one gapless,
hash-chained sequence, so that whoever can write the database cannot
delete a clock with its history, or rewrite history and recompute its
hashes, without it showing.

- `seal(events)` gives new events, just before they are inserted, the next
  sequence numbers, and each the hash of the entry before it joined with
  its own hash. An event's own hash (`supervision.clocks.event_hash`) is
  SHA-256 over its content: its clock, its place in the clock's history,
  action, time, actor, reason, the snapshot of the clock (case, kind,
  department, every time and state) and the per-clock hash before it.
- Once a day `ledger_checkpoint_record` keeps the head (sequence, hash) as
  a checkpoint, signed with an Ed25519 key read from outside the database
  (SUPERVISION_SIGNING_KEY_FILE or SUPERVISION_SIGNING_KEY), and the public
  site publishes the checkpoints as open data. Whoever holds an earlier
  head can check that the ledger still extends it (`manage.py
  verify_supervision --head`, supervision/audit.py): rewriting any entry
  before it changes every hash from there on.

Locks: a transaction's first sealed event locks the one `LedgerHead` row,
held to its commit. What a transaction locks after that are rows of the
cases it locked first (their clocks), rows it inserts, and the tallies,
which are written after the events. The deadline scan, which locks clocks
without their cases, takes the head's lock before it claims them (`lock`);
a supervisor's extension or correction locks the case before its clock.
So no transaction waits for the head while holding a row that the head's
holder waits for, and the sequence cannot fork or skip a number: a
transaction that rolls back takes its numbers back with it.
"""

import base64
import datetime
import hashlib
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_der_public_key,
    load_pem_private_key,
    load_pem_public_key,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from supervision.models import LedgerCheckpoint, LedgerHead

GENESIS = "0" * 64  # the hash "before" the first entry, as in each clock's own chain
HEAD_ID = 1


def entry_hash(previous: str, event_hash: str) -> str:
    """An entry's ledger hash: SHA-256 of the previous entry's ledger hash
    followed by the event's own hash (two 64-digit hex strings, no separator)."""
    return hashlib.sha256((previous + event_hash).encode()).hexdigest()


def _head_for_update() -> LedgerHead:
    # The migration writes the row; a database emptied since (a test's flush) gets it back here.
    head, _created = LedgerHead.objects.select_for_update().get_or_create(pk=HEAD_ID)
    return head


def lock() -> None:
    """Take the head's lock now, for a transaction that will lock clocks
    before it records their events (the deadline scan): see the module's
    note on locks."""
    _head_for_update()


def seal(events: list) -> list:
    """Give these new events (made by `supervision.clocks.event_for`, not yet
    saved) their ledger entries, in order, and move the head past them.
    Called just before they are inserted, inside the transaction that
    inserts them."""
    if not events:
        return events
    if not transaction.get_connection().in_atomic_block:
        # Sealed and inserted apart, a failure between them would leave a gap.
        raise TransactionManagementError("supervision events are written inside a transaction (ledger.seal)")
    row = _head_for_update()
    sequence, previous = row.sequence, row.hash
    for event in events:
        sequence += 1
        event.ledger_sequence, event.ledger_previous = sequence, previous
        event.ledger_hash = previous = entry_hash(previous, event.hash)
    row.sequence, row.hash = sequence, previous
    row.save(update_fields=["sequence", "hash"])
    return events


def current_head() -> tuple[int, str]:
    """The ledger's last entry (sequence, hash) as last committed."""
    return LedgerHead.objects.filter(pk=HEAD_ID).values_list("sequence", "hash").first() or (0, GENESIS)


# --- signed checkpoints ---------------------------------------------------------------


def checkpoint_text(day: datetime.date, sequence: int, hashed: str) -> str:
    """What a checkpoint's signature signs: plain ASCII, so anyone can
    rebuild it and check it with openssl (docs/deploy.md)."""
    return f"wenzheng supervision ledger {day.isoformat()} {sequence} {hashed}"


def signing_key():
    """The Ed25519 private key checkpoints are signed with (PEM, from the
    file SUPERVISION_SIGNING_KEY_FILE names or the SUPERVISION_SIGNING_KEY
    variable itself), or None when neither is set. A key that is set but
    unreadable stops the caller: a checkpoint silently left unsigned would
    look like one an intruder replaced."""
    path, text = settings.SUPERVISION_SIGNING_KEY_FILE, settings.SUPERVISION_SIGNING_KEY
    if not path and not text:
        return None
    where = path or "SUPERVISION_SIGNING_KEY"
    try:
        key = load_pem_private_key(Path(path).read_bytes() if path else text.encode(), password=None)
    except (OSError, ValueError, TypeError) as error:
        raise ImproperlyConfigured(f"the supervision signing key ({where}) cannot be read: {error}") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"the supervision signing key ({where}) must be an Ed25519 key")
    return key


def public_key_text(public_key) -> str:
    """A public key as one line of base64 (DER SubjectPublicKeyInfo: a PEM
    file's body, without its BEGIN and END lines)."""
    return base64.b64encode(public_key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)).decode()


def public_key_pem(text: str) -> str:
    """`public_key_text` as a PEM file, for openssl."""
    return f"-----BEGIN PUBLIC KEY-----\n{text}\n-----END PUBLIC KEY-----\n"


def load_public_key(text: str):
    """An Ed25519 public key from a PEM file's text or its one-line body;
    ValueError for anything else."""
    text = text.strip()
    try:
        key = (load_pem_public_key(text.encode()) if text.startswith("-----")
               else load_der_public_key(base64.b64decode(text, validate=True)))
    except (ValueError, TypeError) as error:
        raise ValueError(f"not a public key: {error}") from error
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def signature_valid(public_key, signature: str, text: str) -> bool:
    try:
        public_key.verify(base64.b64decode(signature, validate=True), text.encode())
    except (InvalidSignature, ValueError):
        return False
    return True


def ledger_checkpoint_record(*, now: datetime.datetime | None = None) -> LedgerCheckpoint | None:
    """Keep today's checkpoint of the head, signed when a key is set. Once a
    day: run again that day (a second beat, a redelivered message) it does
    nothing and returns None."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    if LedgerCheckpoint.objects.filter(day=day).exists():
        return None
    key = signing_key()
    sequence, hashed = current_head()
    checkpoint = LedgerCheckpoint(day=day, taken_at=now, sequence=sequence, hash=hashed)
    if key is not None:
        checkpoint.signature = base64.b64encode(key.sign(checkpoint_text(day, sequence, hashed).encode())).decode()
        checkpoint.public_key = public_key_text(key.public_key())
    try:
        with transaction.atomic():
            checkpoint.save()
    except IntegrityError:
        return None  # another run kept today's between our check and our insert
    return checkpoint
