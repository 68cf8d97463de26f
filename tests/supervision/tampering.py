"""What someone who can write the database does to the supervision records,
by raw SQL, for the ledger's tests: the helpers read with the ORM (as
anyone with the source code could) and write only with cursor.execute."""

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from django.db import connection, transaction
from django.utils import timezone

from responses import services
from supervision.clocks import clock_start, event_hash
from supervision.ledger import GENESIS, entry_hash
from supervision.models import ClockEvent, ClockKind
from tests.factories import DispatchedCaseFactory


def make_history(official, department, cases: int = 3) -> list:
    """Cases signed for by the department: three ledger entries each (the
    sign-for clock started and stopped, the reply clock started), so case n
    holds entries 3n-2 to 3n."""
    made = []
    for _ in range(cases):
        case = DispatchedCaseFactory(lead_department=department)
        with transaction.atomic():
            clock_start(case=case, kind=ClockKind.SIGN_FOR, start=timezone.now(), department=department)
        services.case_sign_for(actor=official, case_id=case.id)
        made.append(case)
    return made


def use_new_signing_key(settings, tmp_path) -> Ed25519PrivateKey:
    """A fresh Ed25519 key in a PEM file outside the database, configured as
    the checkpoints' signing key; also writes public.pem beside it."""
    key = Ed25519PrivateKey.generate()
    path = tmp_path / "ledger-signing.pem"
    path.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    public = key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    (tmp_path / "public.pem").write_bytes(public)
    settings.SUPERVISION_SIGNING_KEY_FILE = str(path)
    settings.SUPERVISION_SIGNING_KEY = ""
    return key


def entry(sequence: int) -> ClockEvent:
    return ClockEvent.objects.select_related("clock").get(ledger_sequence=sequence)


def describe(sequence: int) -> str:
    """How verify_supervision names a ledger entry."""
    event = entry(sequence)
    return (f"entry {sequence} (clock {event.clock_id} of case {event.clock.case_id}, its event {event.sequence}: "
            f"{event.action})")


def delete_entry(sequence: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM supervision_clockevent WHERE ledger_sequence = %s", [sequence])


def delete_clock(clock_id: int) -> None:
    """A clock and its whole history gone, as if it never ran."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM supervision_clockevent WHERE clock_id = %s", [clock_id])
        cursor.execute("DELETE FROM supervision_supervisionclock WHERE id = %s", [clock_id])


def swap_entries(first: int, second: int) -> None:
    """Two events exchange their places in the ledger (through a free number:
    the sequence is unique)."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE supervision_clockevent SET ledger_sequence = 999999 WHERE ledger_sequence = %s",
                       [first])
        cursor.execute("UPDATE supervision_clockevent SET ledger_sequence = %s WHERE ledger_sequence = %s",
                       [first, second])
        cursor.execute("UPDATE supervision_clockevent SET ledger_sequence = %s WHERE ledger_sequence = 999999",
                       [second])


def rewrite_and_rechain(sequence: int, *, reason: str) -> None:
    """Change an event's reason, then recompute every hash that depends on
    it (its clock's chain from there, the ledger from there, the head row),
    so that each chain is consistent again on its own."""
    target = entry(sequence)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE supervision_clockevent SET reason = %s WHERE id = %s", [reason, target.pk])
        previous = GENESIS
        for event in ClockEvent.objects.filter(clock_id=target.clock_id).order_by("sequence"):
            hashed = event_hash(clock_id=event.clock_id, sequence=event.sequence, action=event.action, at=event.at,
                                actor_id=event.actor_id, reason=event.reason, snapshot=event.snapshot,
                                previous_hash=previous)
            cursor.execute("UPDATE supervision_clockevent SET previous_hash = %s, hash = %s WHERE id = %s",
                           [previous, hashed, event.pk])
            previous = hashed
        previous = GENESIS
        for event in ClockEvent.objects.order_by("ledger_sequence"):
            hashed = entry_hash(previous, event.hash)
            cursor.execute("UPDATE supervision_clockevent SET ledger_previous = %s, ledger_hash = %s WHERE id = %s",
                           [previous, hashed, event.pk])
            last, previous = event.ledger_sequence, hashed
        cursor.execute("UPDATE supervision_ledgerhead SET sequence = %s, hash = %s", [last, previous])
