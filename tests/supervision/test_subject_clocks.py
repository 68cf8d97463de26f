"""A clock on something other than a case (a consultation's feedback report,
a misconduct report's verification) is a supervision record like any other:
started from its policy, stopped, scanned, verified; its notices go where
the subject's app says, and lead to the subject's page."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Department
from notifications.models import Event, Notification
from notifications.services import notify
from supervision import scan, subjects
from supervision.audit import verify_clocks
from supervision.clocks import clock_start, clocks_stop
from supervision.metrics import breached_open
from supervision.models import ClockKind, ClockState, DeadlinePolicy, LimitUnit, SupervisionClock
from tests.conftest import client_for


@pytest.fixture
def policy(db):
    # The consultations app's migration may have written it already.
    return DeadlinePolicy.objects.update_or_create(clock=ClockKind.CONSULTATION_REPORT, case_kind="", urgency="",
                                                   defaults={"amount": 20, "unit": LimitUnit.WORKING_DAYS})[0]


@pytest.fixture
def told(supervisor):
    """The subject's app: tells the supervisors, linking to the subject."""
    def notifier(*, clock, event):
        subject = clock.subject
        return [notify(event=event, users=[supervisor], about=f"department:{subject.pk}", occurrence=str(clock.pk),
                       title=f"《{subject.name}》的意见采纳情况", path=f"/departments/{subject.pk}/",
                       email_now=False)]

    subjects.register(ClockKind.CONSULTATION_REPORT, notifier)
    yield supervisor
    subjects.register(ClockKind.CONSULTATION_REPORT, lambda **_kwargs: [])


def overdue(clock):
    moment = timezone.now() - datetime.timedelta(minutes=1)
    SupervisionClock.objects.filter(pk=clock.pk).update(warn_at=moment, due_at=moment)


@pytest.mark.django_db
def test_a_clock_on_another_subject_runs_from_its_policy_and_stops(policy, department):
    start = timezone.now()
    clock = clock_start(subject=department, kind=ClockKind.CONSULTATION_REPORT, start=start, department=department)
    assert clock.case is None and clock.subject == department
    assert clock.limit_amount == 20 and clock.due_at > start + datetime.timedelta(days=20)
    assert clocks_stop(subject=department, kinds=[ClockKind.CONSULTATION_REPORT], at=start) == [clock]
    clock.refresh_from_db()
    assert clock.state == ClockState.MET
    other = Department.objects.create(code="other-subject", name="另一部门")
    assert clocks_stop(subject=other, kinds=[ClockKind.CONSULTATION_REPORT], at=start) == []
    assert list(verify_clocks()) == []


@pytest.mark.django_db
def test_the_scan_tells_whom_the_subjects_app_names_once(policy, department, told, django_capture_on_commit_callbacks):
    clock = clock_start(subject=department, kind=ClockKind.CONSULTATION_REPORT, start=timezone.now(),
                        department=department)
    overdue(clock)
    with django_capture_on_commit_callbacks(execute=True):
        first = scan.scan()
    assert (first["reminders"], first["breaches"]) == (1, 1)
    again = scan.scan()
    assert (again["reminders"], again["breaches"]) == (0, 0)
    notices = Notification.objects.filter(recipient=told, case=None)
    assert set(notices.values_list("event", flat=True)) == {Event.REMINDER, Event.BREACHED}
    assert all(notice.path == f"/departments/{department.pk}/" for notice in notices)
    # Nobody of the department hears of it unless the subject's app says so.
    assert not Notification.objects.exclude(recipient=told).exists()
    assert any("意见采纳情况" in message.body and f"/departments/{department.pk}/" in message.body
               for message in mail.outbox)
    assert list(verify_clocks()) == []


@pytest.mark.django_db
def test_the_notice_lists_and_opens_at_the_subjects_page(client, policy, department, told):
    clock = clock_start(subject=department, kind=ClockKind.CONSULTATION_REPORT, start=timezone.now(),
                        department=department)
    overdue(clock)
    scan.scan()
    page = client_for(client, told).get("/notifications/")
    assert "意见采纳情况" in page.content.decode()
    notice = Notification.objects.get(recipient=told, event=Event.REMINDER)
    opened = client_for(client, told).post(f"/notifications/{notice.pk}/open/")
    assert opened.status_code == 302 and opened["Location"] == f"/departments/{department.pk}/"


@pytest.mark.django_db
def test_a_notice_never_leads_off_the_site(client, citizen):
    notify(event=Event.REMINDER, users=[citizen], about="x:1", title="外链", path="//evil.example/")
    notice = Notification.objects.get(recipient=citizen)
    opened = client_for(client, citizen).post(f"/notifications/{notice.pk}/open/")
    assert opened["Location"] == "/notifications/"


@pytest.mark.django_db
def test_breached_subject_clocks_show_on_the_supervisors_lists(client, policy, department, supervisor,
                                                               django_assert_max_num_queries):
    for _ in range(3):
        clock = clock_start(subject=department, kind=ClockKind.CONSULTATION_REPORT, start=timezone.now(),
                            department=department)
        overdue(clock)
    scan.scan()
    with django_assert_max_num_queries(4):
        listed = list(breached_open())
        assert [clock.subject for clock in listed] == [department] * 3
    page = client_for(client, supervisor).get("/supervision/deadlines/")
    assert page.status_code == 200 and department.name in page.content.decode()
