"""A new case's rows written in one statement on PostgreSQL
(petitions.submission_write) are the rows the ORM path writes; the routing
step that follows writes the same dispatch clock and receipt after either."""

import uuid
import weakref

import pytest
from django.db import connection
from django.db.models.signals import post_save, pre_save
from simple_history.signals import post_create_historical_record, pre_create_historical_record

from notifications.models import Notification
from petitions.models import Case, Channel
from petitions.services import case_record_for_citizen, case_submit
from petitions.submission_write import RECEIVERS_OF_A_NEW_CASE
from responses.services import cases_route_waiting
from supervision.audit import verify_clocks
from supervision.models import ClockEvent, SupervisionClock

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="one statement is PostgreSQL's path")

FIELDS = dict(kind="complaint", title="夜间施工噪音扰民", body="东华门附近工地每晚十一点后仍在施工。")


def rows_of(case: Case) -> dict:
    """Every row a submission wrote, without what differs between two
    submissions (ids, times, tracking numbers, hashes over them)."""
    def plain(row, *skip):
        return {key: value for key, value in row.items() if key not in skip}

    clocks = list(SupervisionClock.objects.filter(case=case).values())
    events = list(ClockEvent.objects.filter(clock__case=case).values())
    moments = ("id", "case_id", "clock_id", "started_at", "warn_at", "due_at", "original_due_at", "at", "hash",
               "ledger_sequence", "ledger_previous", "ledger_hash",
               "snapshot", "created_at", "key", "history_id", "history_date", "submitted_at", "tracking_number")
    return {
        "case": plain(Case.objects.filter(pk=case.pk).values().get(), *moments),
        "history": [plain(row, *moments) for row in Case.history.filter(id=case.pk).values()],
        "clocks": [plain(row, *moments) for row in clocks],
        "clock times": [(row["due_at"] - row["started_at"], row["warn_at"] - row["started_at"]) for row in clocks],
        "events": [plain(row, *moments) for row in events],
        "snapshots": [plain(row["snapshot"], "case", *moments) for row in events],
        "notices": [plain(row, *moments) for row in Notification.objects.filter(case=case).values()],
        "keys": [row.key.replace(str(case.pk), "ID") for row in Notification.objects.filter(case=case)],
    }


def both_ways(monkeypatch, submit) -> tuple[dict, dict]:
    """Each path's rows as the submission wrote them, then once routing
    (no rule matches: the routing centre, the dispatch clock running) has
    added the clock and the receipt."""
    one_statement, _created = submit()
    monkeypatch.setattr("petitions.services.writes_in_one_statement", lambda **kwargs: False)
    orm, _created = submit()
    submitted = rows_of(one_statement), rows_of(orm)
    for written in submitted:
        assert written["clocks"] == [] and written["notices"] == []  # the routing step's
        assert len(written["history"]) == 1
    assert submitted[0] == submitted[1]
    assert Case.history.get(id=one_statement.pk).id == one_statement.pk  # the id the statement gave the case
    cases_route_waiting(limit=2)
    return rows_of(one_statement), rows_of(orm)


@on_postgresql
@pytest.mark.parametrize("urgency", ["normal", "emergency"])
def test_a_citizens_case_is_written_as_the_orm_writes_it(monkeypatch, citizen, category, region, urgency):
    def submit():
        return case_submit(actor=citizen, contact_email=citizen.email, category=category, region=region,
                           urgency=urgency, channel=Channel.API, **FIELDS)

    one_statement, orm = both_ways(monkeypatch, submit)
    assert one_statement == orm
    assert len(orm["history"]) == 2 and len(orm["clocks"]) == 1 and len(orm["events"]) == 1
    assert orm["events"][0]["actor_id"] == citizen.pk  # started by the submission, from its time
    assert len(orm["notices"]) == 1 and orm["notices"][0]["recipient_id"] == citizen.pk
    assert list(verify_clocks()) == []  # the hash chain checks out, ids included


@on_postgresql
def test_a_case_recorded_for_a_caller_without_an_account_is_written_alike(monkeypatch, operator, category, region):
    def submit():
        return case_record_for_citizen(actor=operator, channel=Channel.PHONE, contact_email="caller@example.org",
                                       contact_name="王先生", category=category, region=region, **FIELDS)

    one_statement, orm = both_ways(monkeypatch, submit)
    assert one_statement == orm
    (filed,) = [row for row in orm["history"] if row["history_type"] == "+"]
    assert filed["history_user_id"] == operator.pk
    assert orm["events"][0]["actor_id"] == operator.pk
    assert orm["notices"][0]["email"] == "caller@example.org" and orm["notices"][0]["recipient_id"] is None
    assert list(verify_clocks()) == []


@on_postgresql
def test_a_taken_tracking_number_writes_nothing_and_the_next_try_succeeds(monkeypatch, citizen, category, region):
    first, _created = case_submit(actor=citizen, contact_email=citizen.email, category=category, region=region,
                                  **FIELDS)
    numbers = iter([first.tracking_number, "261128-0000-0000-001"])
    monkeypatch.setattr("petitions.services.new_tracking_number", lambda: next(numbers))
    second, created = case_submit(actor=citizen, contact_email=citizen.email, category=category, region=region,
                                  **FIELDS)
    assert created and second.tracking_number == "261128-0000-0000-001"
    assert Case.objects.count() == 2
    # The failed statement left no half of a case behind.
    assert Case.history.count() == 2 and sorted(Case.history.values_list("id", flat=True)) == sorted(
        Case.objects.values_list("id", flat=True))
    second.refresh_from_db()
    assert second.status == "submitted"


def test_the_new_case_receivers_are_the_ones_the_one_statement_path_knows():
    """A new post_save receiver of Case would be skipped by the one-statement
    path: add it to RECEIVERS_OF_A_NEW_CASE only once it is handled there."""
    assert receivers(post_save, Case) == RECEIVERS_OF_A_NEW_CASE
    # The ORM path's other signals have no receiver to skip.
    history = Case.history.model
    for signal, sender in ((pre_save, Case), (pre_save, history), (post_save, history),
                           (pre_create_historical_record, history), (post_create_historical_record, history)):
        assert receivers(signal, sender) == set(), (signal, sender)


def receivers(signal, sender) -> set:
    """dispatch_uid, or the receiver's module, of each receiver of sender."""
    found = set()
    for (uid, connected_sender), receiver, *_rest in signal.receivers:
        if connected_sender == id(sender):
            receiver = receiver() if isinstance(receiver, weakref.ReferenceType) else receiver
            found.add(uid if isinstance(uid, str) else receiver.__module__)
    return found


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_taken_number_writes_nothing_and_a_key_sent_twice_files_once(
        monkeypatch, citizen, category, region):
    """As a request runs it (autocommit: the statement is its own
    transaction, no savepoint)."""
    first, _created = case_submit(actor=citizen, contact_email=citizen.email, category=category, region=region,
                                  **FIELDS)
    numbers = iter([first.tracking_number, "261128-0000-0000-002", "261128-0000-0000-003"])
    monkeypatch.setattr("petitions.services.new_tracking_number", lambda: next(numbers))
    key = uuid.uuid4()
    second, created = case_submit(actor=citizen, contact_email=citizen.email, category=category, region=region,
                                  submission_key=key, **FIELDS)
    # The same form sent again, racing past the check for its key: the
    # statement hits the key's unique index and the first case is returned.
    import petitions.services

    real_check, checks = petitions.services._already_submitted, []

    def raced_past(*args, **kwargs):
        checks.append(args)
        return None if len(checks) == 1 else real_check(*args, **kwargs)

    monkeypatch.setattr(petitions.services, "_already_submitted", raced_past)
    again, created_again = case_submit(actor=citizen, contact_email=citizen.email, category=category,
                                       region=region, submission_key=key, **FIELDS)
    assert len(checks) == 2  # the check, then the look-up after the statement failed
    assert created and not created_again and again.pk == second.pk
    assert second.tracking_number == "261128-0000-0000-002"
    # Routing ran on each commit: the dispatch clocks and receipts are its.
    assert Case.objects.count() == 2
    assert SupervisionClock.objects.filter(kind="dispatch").count() == 2
    assert ClockEvent.objects.filter(clock__kind="dispatch", sequence=1).count() == 2
    assert Notification.objects.filter(event="received").count() == 2
    assert Case.history.filter(history_change_reason="submitted").count() == 2
