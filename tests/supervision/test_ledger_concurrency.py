"""The ledger under concurrent writers, each on its own connection: the head
row's lock makes them take turns, so no sequence number is given twice or
skipped and the chain never forks; and the deadline scan, which locks
clocks without their cases, never waits for the ledger while holding one.
Row locks are PostgreSQL's (CI's second pass); SQLite has one writer at a
time anyway."""

import datetime
import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from supervision import clocks, scan
from supervision.audit import verify_ledger
from supervision.models import ClockEvent, ClockKind, ClockState, SupervisionClock
from tests.factories import DispatchedCaseFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are checked on PostgreSQL"),
]


def in_thread(action, errors: list) -> threading.Thread:
    def run():
        try:
            action()
        except Exception as error:  # noqa: BLE001 - the outcome is the test
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def start_sign_for(case):
    with transaction.atomic():  # a ledger entry is written with its transaction or not at all
        clocks.clock_start(case=case, kind=ClockKind.SIGN_FOR, start=timezone.now(), department=case.lead_department)


def test_a_second_writer_waits_for_the_first_to_commit_and_continues_its_chain(department):
    first_case, second_case = (DispatchedCaseFactory(lead_department=department) for _ in range(2))
    sealed, release, second_done, errors = threading.Event(), threading.Event(), threading.Event(), []

    def first():
        with transaction.atomic():
            start_sign_for(first_case)
            sealed.set()
            release.wait(10)

    def second():
        sealed.wait(10)
        with transaction.atomic():
            start_sign_for(second_case)
        second_done.set()

    threads = [in_thread(first, errors), in_thread(second, errors)]
    assert sealed.wait(10)
    assert not second_done.wait(0.5)  # held at the head's lock while the first is open
    release.set()
    for thread in threads:
        thread.join(30)
    assert errors == []
    events = list(ClockEvent.objects.order_by("ledger_sequence").values_list("ledger_sequence", "clock__case_id"))
    assert events == [(1, first_case.pk), (2, second_case.pk)]
    assert list(verify_ledger()) == []


def test_many_writers_at_once_give_every_number_once(department):
    cases = [DispatchedCaseFactory(lead_department=department) for _ in range(12)]
    barrier, errors = threading.Barrier(4), []

    def writer(share):
        def run():
            barrier.wait(10)
            for case in share:
                start_sign_for(case)
        return run

    threads = [in_thread(writer(cases[index::4]), errors) for index in range(4)]
    for thread in threads:
        thread.join(60)
    assert errors == []
    sequences = list(ClockEvent.objects.order_by("ledger_sequence").values_list("ledger_sequence", flat=True))
    assert sequences == list(range(1, 13))
    assert list(verify_ledger()) == []


def test_the_scan_takes_the_ledger_before_it_claims_a_clock_a_case_service_will_lock(department):
    """A service holding the ledger (it recorded one clock's event) goes on
    to stop another clock, which has just come due for a reminder. The scan
    must not claim that clock and then wait for the ledger: each would wait
    for the other, and PostgreSQL would kill one of them."""
    busy, due = DispatchedCaseFactory(lead_department=department), DispatchedCaseFactory(lead_department=department)
    start_sign_for(due)
    SupervisionClock.objects.filter(case=due).update(warn_at=timezone.now() - datetime.timedelta(minutes=1))
    sealed, errors, reminded = threading.Event(), [], []

    def service():
        with transaction.atomic():
            start_sign_for(busy)  # holds the ledger from here to its commit
            sealed.set()
            time.sleep(0.5)  # the scan starts meanwhile
            clocks.clocks_stop(case=due, kinds=[ClockKind.SIGN_FOR], at=timezone.now())

    def scanner():
        sealed.wait(10)
        reminded.append(scan.send_reminders())

    threads = [in_thread(service, errors), in_thread(scanner, errors)]
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert SupervisionClock.objects.get(case=due).state == ClockState.MET
    assert reminded == [0]  # it came after the stop, and found nothing due
    assert list(verify_ledger()) == []
