"""Every clock's start, pause, resume, stop and breach, through the case's
lifecycle; and the scan's reminders and escalations, exactly once."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from notifications.models import Event, Notification
from petitions.lifecycle import Status
from responses import services
from supervision import scan, tallies
from supervision.models import ClockEvent, ClockKind, ClockState, SupervisionClock
from tests.factories import CaseFactory, RoutingRuleFactory


def clock(case, kind):
    return SupervisionClock.objects.get(case=case, kind=kind)


@pytest.fixture
def submitted(citizen, category, region, department):
    from petitions.services import case_submit

    RoutingRuleFactory(category=category, lead_department=department)
    case, _ = case_submit(actor=citizen, kind="consultation", category=category, region=region,
                          title="社保卡补办", body="社保卡丢失后如何补办？", contact_email=citizen.email)
    return case


@pytest.mark.django_db
def test_the_clocks_of_a_case_from_submission_to_closing(submitted, official, citizen):
    from supervision.services import feedback_give

    # Written with the case, from its submission; stopped by its routing.
    dispatch = clock(submitted, ClockKind.DISPATCH)
    assert dispatch.state == ClockState.RUNNING
    services.case_route(case_id=submitted.id)
    dispatch.refresh_from_db()
    submitted.refresh_from_db()
    assert dispatch.started_at == submitted.submitted_at
    assert dispatch.due_at - dispatch.started_at == datetime.timedelta(hours=24)
    assert dispatch.state == ClockState.MET and dispatch.stopped_at == submitted.dispatched_at
    assert list(dispatch.events.values_list("action", flat=True)) == ["started", "stopped"]
    sign_for = clock(submitted, ClockKind.SIGN_FOR)
    assert sign_for.state == ClockState.RUNNING and sign_for.department == submitted.lead_department
    assert sign_for.warn_at <= sign_for.due_at
    services.case_sign_for(actor=official, case_id=submitted.id)
    sign_for.refresh_from_db()
    reply = clock(submitted, ClockKind.REPLY)
    assert sign_for.state == ClockState.MET and reply.state == ClockState.RUNNING
    submitted.refresh_from_db()
    assert submitted.due_at == reply.due_at
    services.case_reply(actor=official, case_id=submitted.id, body="请携带身份证到社保中心补办。")
    reply.refresh_from_db()
    assert reply.state == ClockState.MET
    window = clock(submitted, ClockKind.FEEDBACK)
    assert window.due_at - window.started_at == datetime.timedelta(days=7)
    feedback_give(actor=citizen, case_id=submitted.id, resolved=True, satisfaction="satisfied")
    window.refresh_from_db()
    submitted.refresh_from_db()
    assert window.state == ClockState.MET and submitted.status == Status.CLOSED
    # Every change is in each clock's event log.
    assert list(reply.events.values_list("action", flat=True)) == ["started", "stopped"]


@pytest.mark.django_db
def test_a_late_reply_leaves_the_clock_breached_with_its_stop_time(submitted, official):
    services.case_route(case_id=submitted.id)
    services.case_sign_for(actor=official, case_id=submitted.id)
    reply = clock(submitted, ClockKind.REPLY)
    SupervisionClock.objects.filter(pk=reply.pk).update(due_at=timezone.now() - datetime.timedelta(hours=1),
                                                        warn_at=timezone.now() - datetime.timedelta(hours=2))
    scan.scan()
    services.case_reply(actor=official, case_id=submitted.id, body="迟到的答复")
    reply.refresh_from_db()
    assert reply.state == ClockState.BREACHED and reply.stopped_at is not None


@pytest.mark.django_db
def test_withdrawing_cancels_the_running_clocks(submitted, citizen):
    services.case_route(case_id=submitted.id)
    services.case_withdraw(actor=citizen, case_id=submitted.id)
    assert clock(submitted, ClockKind.SIGN_FOR).state == ClockState.CANCELLED


@pytest.mark.django_db
def test_a_returned_case_stops_the_sign_for_clock_and_the_next_department_gets_a_new_one(
    submitted, official, dispatcher, other_department
):
    services.case_route(case_id=submitted.id)
    submitted.refresh_from_db()
    services.case_return(actor=official, case_id=submitted.id, reason="不是本部门职责")
    assert clock(submitted, ClockKind.SIGN_FOR).state == ClockState.MET
    services.return_reroute(actor=dispatcher, case_id=submitted.id, department=other_department)
    clocks = SupervisionClock.objects.filter(case=submitted, kind=ClockKind.SIGN_FOR).order_by("id")
    assert [(c.department_id, c.state) for c in clocks] == [
        (submitted.lead_department_id, ClockState.MET), (other_department.pk, ClockState.RUNNING)]


def make_due(case_clock, *, warn=True, due=False, escalate=False):
    now = timezone.now()
    changes = {}
    if warn:
        changes["warn_at"] = now - datetime.timedelta(minutes=5)
    if due:
        changes["due_at"] = now - datetime.timedelta(minutes=1)
    SupervisionClock.objects.filter(pk=case_clock.pk).update(**changes)
    if escalate:
        SupervisionClock.objects.filter(pk=case_clock.pk).update(escalate_at=now - datetime.timedelta(minutes=1))


@pytest.mark.django_db
def test_reminder_breach_and_escalation_each_sent_once_however_often_the_scan_runs(
    submitted, official, head, supervisor
):
    services.case_route(case_id=submitted.id)
    sign_for = clock(submitted, ClockKind.SIGN_FOR)
    make_due(sign_for)
    assert scan.scan()["reminders"] == 1
    assert scan.scan()["reminders"] == 0
    assert Notification.objects.filter(event=Event.REMINDER, recipient=official).count() == 1
    make_due(sign_for, due=True)
    assert scan.scan()["breaches"] == 1
    assert scan.scan()["breaches"] == 0
    sign_for.refresh_from_db()
    assert sign_for.state == ClockState.BREACHED and sign_for.escalate_at > sign_for.due_at
    breach_told = set(Notification.objects.filter(event=Event.BREACHED).values_list("recipient", flat=True))
    assert breach_told == {head.pk, supervisor.pk}
    assert scan.scan()["escalations"] == 0  # not yet N working days later
    make_due(sign_for, escalate=True)
    assert scan.scan()["escalations"] == 1
    assert scan.scan()["escalations"] == 0
    assert Notification.objects.filter(event=Event.ESCALATED).count() == 2
    actions = list(sign_for.events.values_list("action", flat=True))
    assert actions == ["started", "reminded", "breached", "escalated"]


@pytest.mark.django_db
def test_a_paused_clock_does_not_fire(submitted, official):
    services.case_route(case_id=submitted.id)
    services.case_sign_for(actor=official, case_id=submitted.id)
    services.material_request(actor=official, case_id=submitted.id, message="请补充材料")
    reply = clock(submitted, ClockKind.REPLY)
    make_due(reply, due=True)
    assert scan.scan() == {"reminders": 0, "breaches": 0, "escalations": 0, "closed": 0}


@pytest.mark.django_db
def test_no_feedback_in_the_window_closes_the_case_as_not_evaluated(submitted, official):
    services.case_route(case_id=submitted.id)
    services.case_sign_for(actor=official, case_id=submitted.id)
    services.case_reply(actor=official, case_id=submitted.id, body="已答复")
    make_due(clock(submitted, ClockKind.FEEDBACK), due=True)
    assert scan.scan()["closed"] == 1
    assert scan.scan()["closed"] == 0
    submitted.refresh_from_db()
    assert submitted.status == Status.CLOSED and not submitted.feedback.exists()


@pytest.mark.django_db(transaction=True)
def test_two_scanners_at_once_send_each_notice_once(department, head, supervisor):
    from tests.factories import official_of

    official_of(department)
    now = timezone.now()
    cases = [CaseFactory(status=Status.DISPATCHED, lead_department=department) for _ in range(20)]
    for case in cases:
        SupervisionClock.objects.create(
            case=case, kind=ClockKind.SIGN_FOR, department=department, started_at=now - datetime.timedelta(days=2),
            warn_at=now - datetime.timedelta(hours=3), due_at=now - datetime.timedelta(hours=1),
            original_due_at=now - datetime.timedelta(hours=1),
        )
    tallies.rebuild()  # made without the services: count them as they would have
    results = []

    errors = []

    def run():
        try:
            results.append(scan.scan())
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sum(result["reminders"] for result in results) == 20
    assert sum(result["breaches"] for result in results) == 20
    reminders = Notification.objects.filter(event=Event.REMINDER)
    # Each official of the department (two here) is reminded once per clock.
    assert reminders.count() == 40
    assert reminders.values("case", "recipient").distinct().count() == 40
    assert ClockEvent.objects.filter(action=ClockEvent.Action.BREACHED).count() == 20
    assert tallies.differences() == []  # each clock moved to "breached" once


@pytest.mark.django_db
def test_a_case_is_supervised_even_when_its_policy_rows_were_deleted(submitted, caplog):
    from supervision.models import DeadlinePolicy

    DeadlinePolicy.objects.all().delete()
    with caplog.at_level("WARNING", logger="wenzheng.supervision"):
        services.case_route(case_id=submitted.id)
    assert clock(submitted, ClockKind.SIGN_FOR).state == ClockState.RUNNING
    assert "no deadline policy" in caplog.text


@pytest.mark.django_db
def test_the_scan_takes_the_longest_due_clocks_first(monkeypatch):
    """Each claim reads its clocks in the order of their moment (the order
    also keeps PostgreSQL on the partial indexes among millions of running
    clocks): with room for one, the one whose warning came first."""
    from supervision.clocks import clock_start

    now = timezone.now()
    started = []
    for minutes in (5, 30, 10):  # created in this order, so the earliest is not the first row
        case = CaseFactory()
        started.append(clock_start(case=case, kind=ClockKind.DISPATCH, start=now - datetime.timedelta(hours=2)))
        SupervisionClock.objects.filter(pk=started[-1].pk).update(
            warn_at=now - datetime.timedelta(minutes=minutes), due_at=now - datetime.timedelta(minutes=minutes - 1))
    monkeypatch.setattr(scan, "BATCH", 1)
    if connection.vendor == "postgresql":
        # Read the table in order, as PostgreSQL chooses to among millions of
        # running clocks: the rows lie 5, 30, 10 minutes, not by their moment.
        with connection.cursor() as cursor:
            cursor.execute("SET enable_indexscan = off; SET enable_bitmapscan = off; SET enable_indexonlyscan = off")
    assert scan.send_reminders(now) == 1
    assert list(SupervisionClock.objects.exclude(reminded_at=None).values_list("pk", flat=True)) == [started[1].pk]
    assert scan.send_breach_notices(now) == 1
    assert list(SupervisionClock.objects.exclude(breached_at=None).values_list("pk", flat=True)) == [started[1].pk]


@pytest.mark.django_db
def test_a_changed_policy_or_calendar_day_is_read_at_once():
    """Policies and calendar days are read through the shared cache; an
    administrator's change must reach the next clock all the same."""
    import datetime as dt

    from supervision.calendar import calendar
    from supervision.clocks import policy_for
    from supervision.models import CalendarDay

    case = CaseFactory(kind="complaint")
    policy = policy_for("reply", case)
    policy.amount += 5
    policy.save(update_fields=["amount"])
    assert policy_for("reply", case).amount == policy.amount

    monday = dt.date(2031, 3, 3)
    assert calendar().is_working_day(monday)
    day = CalendarDay.objects.create(date=monday, kind=CalendarDay.Kind.HOLIDAY, name="test")
    assert not calendar().is_working_day(monday)
    day.delete()
    assert calendar().is_working_day(monday)
