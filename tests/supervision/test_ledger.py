"""The supervision ledger: every clock event in one gapless chain, whose
head is saved and checkpointed outside the reach of the database's owner.
Each attack is made by raw SQL, as that owner would."""

import base64
import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from portal.celery import app as celery_app
from responses import services
from supervision import scan
from supervision.audit import SavedHead, checkpoint_heads, read_saved_heads, verify_clocks, verify_ledger
from supervision.ledger import (
    GENESIS,
    checkpoint_text,
    current_head,
    entry_hash,
    ledger_checkpoint_record,
    public_key_text,
    signature_valid,
)
from supervision.models import ClockEvent, ClockKind, LedgerCheckpoint, SupervisionClock
from supervision.tasks import record_ledger_checkpoint
from tests.supervision.tampering import (
    delete_clock,
    delete_entry,
    describe,
    entry,
    make_history,
    rewrite_and_rechain,
    swap_entries,
    use_new_signing_key,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(official, department):
    return make_history(official, department)


@pytest.fixture
def signing(settings, tmp_path):
    return use_new_signing_key(settings, tmp_path)


def problems(**kwargs) -> list[str]:
    return list(verify_ledger(**kwargs))


def verify_command(*options) -> tuple[int, str]:
    """verify_supervision's exit status and what it printed."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("verify_supervision", *options, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def saved_head_file(tmp_path) -> str:
    """`manage.py ledger_head > head.txt`, as an auditor keeps it."""
    from io import StringIO

    out = StringIO()
    call_command("ledger_head", stdout=out)
    path = tmp_path / "head.txt"
    path.write_text(out.getvalue())
    return str(path)


# --- appending ----------------------------------------------------------------------------------


def test_each_event_is_the_next_entry_of_one_chain_across_all_clocks(history):
    events = list(ClockEvent.objects.order_by("ledger_sequence"))
    assert [event.ledger_sequence for event in events] == list(range(1, 10))
    assert [event.pk for event in events] == sorted(event.pk for event in events)  # in the order written
    assert len({event.clock_id for event in events}) == 6
    previous = GENESIS
    for event in events:
        assert event.ledger_previous == previous
        assert event.ledger_hash == entry_hash(previous, event.hash)
        previous = event.ledger_hash
    assert current_head() == (9, previous)
    assert problems() == []


def test_the_whole_lifecycle_and_the_scan_keep_one_verifiable_chain(history, official, citizen, supervisor):
    from supervision.services import extension_approve, extension_request

    case = history[0]
    services.material_request(actor=official, case_id=case.id, message="请补充现场照片")
    reply_clock = SupervisionClock.objects.get(case=history[1], kind=ClockKind.REPLY)
    extension = extension_request(actor=official, clock_id=reply_clock.pk, reason="需要现场勘查",
                                  new_due_at=reply_clock.due_at + datetime.timedelta(days=5))
    extension_approve(actor=supervisor, extension_id=extension.pk)
    services.case_reply(actor=official, case_id=history[2].id, body="已处理。")
    found = scan.scan(now=timezone.now() + datetime.timedelta(days=60))
    assert found["reminders"] and found["breaches"]
    sequences = list(ClockEvent.objects.order_by("ledger_sequence").values_list("ledger_sequence", flat=True))
    assert sequences == list(range(1, len(sequences) + 1)) and len(sequences) > 12
    assert problems() == [] and list(verify_clocks()) == []
    assert current_head()[0] == len(sequences)


def test_the_saved_head_is_printed_and_a_later_ledger_still_extends_it(history, official, tmp_path, capsys):
    saved = saved_head_file(tmp_path)
    assert open(saved).read().strip() == "{}:{}".format(*current_head())
    services.case_reply(actor=official, case_id=history[0].id, body="已处理。")  # the ledger grows
    assert problems(saved_heads=read_saved_heads(saved)) == []
    status, printed = verify_command("--head", saved)
    assert status == 0, printed
    assert "intact" in printed and "extends 1 saved head" in printed


# --- deletion ----------------------------------------------------------------------------------


def test_a_deleted_event_leaves_a_gap_named_by_the_entries_around_it(history):
    before, after = describe(4), describe(6)
    delete_entry(5)
    assert problems() == [f"ledger entry 5 is missing (deleted): after {before}, before {after}"]
    status, printed = verify_command()
    assert status == 1 and "ledger entry 5 is missing (deleted)" in printed


def test_a_clock_deleted_with_its_whole_history_leaves_a_gap_the_clock_checks_cannot_see(history):
    sign_for = SupervisionClock.objects.get(case=history[1], kind=ClockKind.SIGN_FOR)
    assert sorted(sign_for.events.values_list("ledger_sequence", flat=True)) == [4, 5]
    before, after = describe(3), describe(6)
    delete_clock(sign_for.pk)
    assert list(verify_clocks()) == []  # every remaining clock's own chain is whole
    assert problems() == [f"ledger entries 4 to 5 are missing (deleted): after {before}, before {after}"]
    status, printed = verify_command()
    assert status == 1 and "ledger entries 4 to 5 are missing (deleted)" in printed


def test_entries_cut_from_the_end_are_caught_by_the_head_row_then_by_a_saved_head(history):
    saved = SavedHead(*current_head(), label="the saved head")
    delete_entry(9)
    delete_entry(8)
    assert problems() == [
        "ledger entries 8 to 9 are missing (deleted) at the end: the head row says the ledger ends at entry 9"]
    # The intruder moves the head row back as well: only the saved head still knows.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE supervision_ledgerhead SET sequence = 7, hash = %s", [entry(7).ledger_hash])
    assert problems() == []
    assert problems(saved_heads=[saved]) == [
        "the ledger ends at entry 7, but the saved head is at entry 9: ledger entries 8 to 9 are missing (deleted)"]


def test_a_head_row_altered_moved_back_or_deleted_is_named(history):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE supervision_ledgerhead SET hash = %s", ["f" * 64])
    assert problems() == [f"the ledger's head row (9:{'f' * 64}) does not match its last entry"]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM supervision_ledgerhead")
    assert problems() == [f"the ledger goes on to entry 9, past its head row (0:{GENESIS}): entries were written "
                          "around the application, or the head row was moved back"]


# --- rewriting -----------------------------------------------------------------------------------


def test_an_event_altered_in_place_is_named(history):
    altered = describe(4)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE supervision_clockevent SET reason = 'returned' WHERE ledger_sequence = 4")
    assert problems() == [f"ledger {altered} was altered: its content no longer gives its hash"]


def test_a_history_rewritten_with_every_hash_recomputed_is_caught_by_the_saved_head(history, tmp_path):
    saved = saved_head_file(tmp_path)
    rewrite_and_rechain(5, reason="not our department")
    assert entry(5).reason == "not our department"
    # Consistent on its own: the clocks' chains, the ledger and its head row all agree.
    assert list(verify_clocks()) == [] and problems() == []
    (head,) = read_saved_heads(saved)
    assert problems(saved_heads=[head]) == [
        f"the ledger was rewritten: its entry 9 has the hash {entry(9).ledger_hash}, but {head.label} says "
        f"{head.hash}: something in entries 1 to 9 was changed after that head was saved"]
    status, printed = verify_command("--head", saved)
    assert status == 1 and "the ledger was rewritten" in printed


def test_earlier_and_later_saved_heads_narrow_down_what_was_rewritten(history, official):
    early = SavedHead(3, entry(3).ledger_hash, "the head of Monday")
    late = SavedHead(*current_head(), label="the head of Tuesday")
    services.case_reply(actor=official, case_id=history[0].id, body="已处理。")
    latest = SavedHead(*current_head(), label="the head of Wednesday")
    rewrite_and_rechain(5, reason="not our department")
    found = problems(saved_heads=[latest, early, late])
    assert found == [
        f"the ledger was rewritten: its entry 9 has the hash {entry(9).ledger_hash}, but the head of Tuesday says "
        f"{late.hash}: something in entries 4 to 9 was changed after that head was saved",
        "1 later saved head(s) or checkpoint(s) differ from the ledger as well"]


def test_a_signed_checkpoint_catches_a_rewrite_and_cannot_be_altered_to_match(history, signing):
    checkpoint = ledger_checkpoint_record()
    rewrite_and_rechain(2, reason="not our department")
    keys = [signing.public_key()]
    assert problems(saved_heads=checkpoint_heads(), public_keys=keys) == [
        f"the ledger was rewritten: its entry 9 has the hash {entry(9).ledger_hash}, but the checkpoint of "
        f"{checkpoint.day} says {checkpoint.hash}: something in entries 1 to 9 was changed after that head was saved"]
    # The intruder makes the checkpoint agree, but cannot sign it.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE supervision_ledgercheckpoint SET hash = %s", [entry(9).ledger_hash])
    assert problems(saved_heads=checkpoint_heads(), public_keys=keys) == [
        f"the checkpoint of {checkpoint.day} (9:{entry(9).ledger_hash}) does not verify with the given public key: "
        "it was altered"]
    # Nor sign it with a key of their own that the auditor does not trust.
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    theirs = Ed25519PrivateKey.generate()
    forged = base64.b64encode(theirs.sign(checkpoint_text(checkpoint.day, 9, entry(9).ledger_hash).encode())).decode()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE supervision_ledgercheckpoint SET signature = %s, public_key = %s",
                       [forged, public_key_text(theirs.public_key())])
    assert len(problems(saved_heads=checkpoint_heads(), public_keys=keys)) == 1
    status, printed = verify_command()  # the configured key's public half is trusted by default
    assert status == 1 and "does not verify with the given public key" in printed


def test_an_unsigned_checkpoint_after_signed_ones_is_named_as_replaced(history, signing):
    ledger_checkpoint_record()
    tomorrow = ledger_checkpoint_record(now=timezone.now() + datetime.timedelta(days=1))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE supervision_ledgercheckpoint SET signature = '', public_key = '' WHERE id = %s",
                       [tomorrow.pk])
    assert problems(saved_heads=checkpoint_heads(), public_keys=[signing.public_key()]) == [
        f"the checkpoint of {tomorrow.day} is not signed, though earlier checkpoints are: it was replaced"]


# --- reordering ----------------------------------------------------------------------------------


def test_events_swapped_in_the_ledger_are_named_as_reordered(history):
    moved_back, moved_forward = describe(7), describe(3)
    swap_entries(3, 7)
    assert list(verify_clocks()) == []  # each clock's own order is untouched
    found = problems()
    assert len(found) == 4 and all("the ledger was reordered" in problem for problem in found)
    assert found[0].startswith(f"ledger {moved_back.replace('entry 7', 'entry 3')} was not written after {describe(2)}")
    assert found[2].startswith(f"ledger {moved_forward.replace('entry 3', 'entry 7')} was not written after")
    status, printed = verify_command()
    assert status == 1 and "reordered" in printed


# --- checkpoints -------------------------------------------------------------------------------


def test_the_checkpoint_task_keeps_one_signed_checkpoint_a_day(history, signing):
    assert record_ledger_checkpoint() == 9
    assert record_ledger_checkpoint() is None  # a second beat, a redelivered message
    checkpoint = LedgerCheckpoint.objects.get()
    assert (checkpoint.day, checkpoint.sequence, checkpoint.hash) == (timezone.localdate(), *current_head())
    assert checkpoint.public_key == public_key_text(signing.public_key())
    assert signature_valid(signing.public_key(), checkpoint.signature,
                           checkpoint_text(checkpoint.day, checkpoint.sequence, checkpoint.hash))
    assert ledger_checkpoint_record(now=timezone.now() + datetime.timedelta(days=1)) is not None
    assert LedgerCheckpoint.objects.count() == 2


def test_the_checkpoint_is_on_the_beat_schedule():
    scheduled = [entry["task"] for entry in celery_app.conf.beat_schedule.values()]
    assert "supervision.tasks.record_ledger_checkpoint" in scheduled
    assert "supervision.tasks.record_ledger_checkpoint" in celery_app.tasks


def test_without_a_key_checkpoints_are_kept_unsigned(history, settings):
    settings.SUPERVISION_SIGNING_KEY_FILE = settings.SUPERVISION_SIGNING_KEY = ""
    checkpoint = ledger_checkpoint_record()
    assert (checkpoint.sequence, checkpoint.signature, checkpoint.public_key) == (9, "", "")


def test_the_key_may_be_given_in_the_environment_variable_itself(history, settings, tmp_path):
    key = use_new_signing_key(settings, tmp_path)
    settings.SUPERVISION_SIGNING_KEY = open(settings.SUPERVISION_SIGNING_KEY_FILE).read()
    settings.SUPERVISION_SIGNING_KEY_FILE = ""
    assert ledger_checkpoint_record().public_key == public_key_text(key.public_key())


def test_a_signing_key_that_cannot_be_read_stops_the_checkpoint(history, settings, tmp_path):
    settings.SUPERVISION_SIGNING_KEY_FILE = str(tmp_path / "missing.pem")
    with pytest.raises(ImproperlyConfigured, match="missing.pem"):
        ledger_checkpoint_record()
    assert not LedgerCheckpoint.objects.exists()


def test_a_saved_head_that_is_not_one_is_refused(tmp_path):
    from django.core.management.base import CommandError

    bad = tmp_path / "head.txt"
    bad.write_text("yesterday's head\n")
    with pytest.raises(CommandError, match="expected SEQUENCE:HASH"):
        call_command("verify_supervision", "--head", str(bad))
    with pytest.raises(CommandError, match="neither SEQUENCE:HASH nor a readable file"):
        call_command("verify_supervision", "--head", "12:abc")


@pytest.mark.django_db(transaction=True)
def test_an_event_is_only_written_inside_a_transaction(department):
    from django.db.transaction import TransactionManagementError

    from supervision.clocks import clock_start
    from tests.factories import DispatchedCaseFactory

    case = DispatchedCaseFactory(lead_department=department)
    with pytest.raises(TransactionManagementError):
        clock_start(case=case, kind=ClockKind.SIGN_FOR, start=timezone.now(), department=department)
    assert not ClockEvent.objects.exists() and current_head() == (0, GENESIS)
