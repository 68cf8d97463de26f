"""Fault matrix, rows 3 and 5: the database connection dropped in the middle
of a request, and two beat processes scanning deadlines at once."""

import datetime
import threading
import uuid

import pytest
from django.db import close_old_connections, connection
from django.urls import reverse
from django.utils import timezone

from notifications.models import Event, Notification
from petitions.lifecycle import Status
from petitions.models import Case
from supervision.models import ClockEvent, ClockKind, ClockState, SupervisionClock
from supervision.tasks import scan_deadlines
from tests.factories import CaseFactory, official_of
from tests.faults.support import needs_postgres_and_redis, terminate

pytestmark = [needs_postgres_and_redis, pytest.mark.django_db(transaction=True)]


def test_a_submission_whose_connection_drops_fails_cleanly_and_its_retry_makes_one_case(
        client, citizen, category, region, monkeypatch):
    import petitions.services

    real_start = petitions.services.clock_start
    dropped = []

    def drop_then_continue(*args, **kwargs):
        # Mid-submission: the case is saved, its dispatch clock not yet.
        if not dropped:
            dropped.append(connection.connection.get_backend_pid())
            terminate(dropped[0])
        return real_start(*args, **kwargs)

    monkeypatch.setattr(petitions.services, "clock_start", drop_then_continue)
    client.force_login(citizen)
    client.raise_request_exception = False
    form = {"kind": "complaint", "category": category.pk, "region": region.pk, "urgency": "normal",
            "title": "夜间施工噪音", "body": "工地每天午夜后仍在施工。", "submission_key": str(uuid.uuid4())}

    failed = client.post(reverse("petitions:case_submit"), form)

    assert failed.status_code == 500
    assert "您已提交的内容不会丢失" in failed.content.decode()  # the 500 page, in the visitor's language
    # What the server does after every request (request_finished), which the
    # test client skips: a broken connection is dropped, the next reconnects.
    close_old_connections()
    assert Case.objects.count() == 0, "no half-written case"
    assert SupervisionClock.objects.count() == 0 and Notification.objects.count() == 0

    retried = client.post(reverse("petitions:case_submit"), form)
    again = client.post(reverse("petitions:case_submit"), form)  # the citizen clicks once more

    assert retried.status_code == again.status_code == 302
    case = Case.objects.get()
    assert retried["Location"] == again["Location"] == reverse("petitions:case_detail", args=[case.pk])
    assert SupervisionClock.objects.filter(case=case, kind=ClockKind.DISPATCH).count() == 1
    assert Notification.objects.filter(case=case, event=Event.RECEIVED).count() == 1


def test_two_beats_scanning_at_once_send_every_reminder_breach_and_escalation_once(department, head):
    official_of(department)
    now = timezone.now()
    hour = datetime.timedelta(hours=1)
    for _ in range(10):  # due for a reminder and a breach notice
        case = CaseFactory(status=Status.DISPATCHED, lead_department=department)
        SupervisionClock.objects.create(case=case, kind=ClockKind.SIGN_FOR, department=department,
                                        started_at=now - 48 * hour, warn_at=now - 3 * hour, due_at=now - hour,
                                        original_due_at=now - hour)
    for _ in range(10):  # breached long ago, due for the second-level notice
        case = CaseFactory(status=Status.ACCEPTED, lead_department=department)
        SupervisionClock.objects.create(case=case, kind=ClockKind.REPLY, department=department,
                                        started_at=now - 400 * hour, warn_at=now - 300 * hour,
                                        due_at=now - 200 * hour, original_due_at=now - 200 * hour,
                                        reminded_at=now - 300 * hour, state=ClockState.BREACHED,
                                        breached_at=now - 200 * hour, escalate_at=now - hour)
    start = threading.Barrier(2)
    results, errors = [], []

    def beat():
        try:
            start.wait(10)
            results.append(scan_deadlines())
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    assert sum(r["reminders"] for r in results) == 10
    assert sum(r["breaches"] for r in results) == 10
    assert sum(r["escalations"] for r in results) == 10
    for action in (ClockEvent.Action.REMINDED, ClockEvent.Action.BREACHED, ClockEvent.Action.ESCALATED):
        assert ClockEvent.objects.filter(action=action).values("clock").distinct().count() == 10
        assert ClockEvent.objects.filter(action=action).count() == 10
    for event in (Event.REMINDER, Event.BREACHED, Event.ESCALATED):
        notices = Notification.objects.filter(event=event)
        assert notices.exists()
        assert notices.count() == notices.values("case", "recipient").distinct().count()
