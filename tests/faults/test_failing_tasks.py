"""Fault matrix, row 6: a task that keeps failing stops after a bounded
number of attempts and is recorded, once, for an administrator."""

import pytest
from django.urls import reverse

from notifications.models import Event, Notification
from notifications.services import notify_citizen
from notifications.tasks import email_notifications
from portal.celery import app as celery_app
from portal.models import FailedTask
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def as_a_worker_does():
    """Failures and retries handled by Celery, as in a worker (the suite's
    eager mode otherwise raises the first error at once)."""
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = True


def deliver(task, *args, task_id=None):
    return task.apply(args=args, task_id=task_id)


@pytest.fixture
def unsendable(monkeypatch, citizen):
    """An SMTP server that refuses every message."""
    attempts = []

    def refuse(**kwargs):
        attempts.append(kwargs["to"])
        raise ConnectionRefusedError("SMTP server refused the connection")

    monkeypatch.setattr("notifications.tasks.send_templated_mail", refuse)
    case = CaseFactory(citizen=citizen, contact_email=citizen.email)
    notify_citizen(event=Event.DISPATCHED, case=case, occurrence="1")
    notification = Notification.objects.get(case=case, event=Event.DISPATCHED)
    return notification, attempts


def test_an_e_mail_that_keeps_failing_is_tried_six_times_then_recorded_once(unsendable):
    notification, attempts = unsendable

    result = deliver(email_notifications, notification.key, task_id="delivery-1")

    assert isinstance(result.result, ConnectionRefusedError)

    assert len(attempts) == 1 + email_notifications.max_retries == 6
    failed = FailedTask.objects.get()
    assert failed.task_name == "notifications.tasks.email_notifications"
    assert notification.key in failed.arguments
    assert failed.exception == "ConnectionRefusedError: SMTP server refused the connection"
    assert (failed.attempts, failed.failures) == (6, 1)
    assert "ConnectionRefusedError" in failed.traceback
    # The claim was given back: the sweeper may send it once the server is back.
    notification.refresh_from_db()
    assert notification.emailed_at is None


def test_the_same_work_failing_again_is_counted_on_the_same_record(unsendable):
    notification, _attempts = unsendable
    for delivery in ("delivery-1", "delivery-2"):  # e.g. the sweeper enqueued it again
        assert deliver(email_notifications, notification.key, task_id=delivery).failed()

    failed = FailedTask.objects.get()
    assert (failed.failures, failed.task_id) == (2, "delivery-2")
    assert failed.first_failed_at <= failed.last_failed_at


def test_a_task_that_does_not_retry_is_recorded_after_its_one_attempt(monkeypatch):
    from responses.tasks import route_case

    def broken(**_kwargs):
        raise RuntimeError("routing rule table is corrupt")

    monkeypatch.setattr("responses.tasks.case_route", broken)
    assert deliver(route_case, 42).failed()

    failed = FailedTask.objects.get()
    assert (failed.task_name, failed.attempts, failed.failures) == ("responses.tasks.route_case", 1, 1)


def test_administrators_read_failed_tasks_but_cannot_change_them(client, unsendable):
    notification, _attempts = unsendable
    deliver(email_notifications, notification.key)
    failed = FailedTask.objects.get()
    client.force_login(UserFactory(email="root@example.org", is_staff=True, is_superuser=True))

    listing = client.get(reverse("admin:portal_failedtask_changelist"))
    assert listing.status_code == 200
    assert "notifications.tasks.email_notifications" in listing.content.decode()
    assert client.get(reverse("admin:portal_failedtask_add")).status_code == 403
    assert client.post(reverse("admin:portal_failedtask_delete", args=[failed.pk]), {"post": "yes"}).status_code == 403
    assert FailedTask.objects.count() == 1


@pytest.mark.django_db
def test_old_task_claims_are_forgotten_and_recent_ones_kept():
    import datetime

    from django.utils import timezone

    from portal.claims import task_claim, task_claims_prune
    from portal.models import TaskClaim

    assert task_claim("old") and task_claim("recent")
    TaskClaim.objects.filter(key="old").update(claimed_at=timezone.now() - datetime.timedelta(days=31))
    assert task_claims_prune() == 1
    assert list(TaskClaim.objects.values_list("key", flat=True)) == ["recent"]
    assert not task_claim("recent")  # still claimed


@pytest.fixture
def gateway_down(monkeypatch):
    """An SMS gateway that cannot be reached."""
    from notifications.models import SmsMessage
    from notifications.sms import SmsError

    attempts = []

    def refuse(message):
        attempts.append(message.to)
        raise SmsError("gateway unreachable: connection refused")

    monkeypatch.setattr("notifications.tasks.send_sms", refuse)
    case = CaseFactory(citizen=None, contact_phone="+8613812345678", contact_email="")
    message = SmsMessage.objects.create(phone=case.contact_phone, case=case, event=Event.REPLIED,
                                        key=f"replied:{case.pk}:1", kind="replied", params={"link": "x"})
    return message, attempts


def test_a_text_that_keeps_failing_is_tried_six_times_then_shown_failed_to_administrators(client, gateway_down):
    from notifications.models import SmsStatus
    from notifications.tasks import send_text

    message, attempts = gateway_down

    result = deliver(send_text, message.pk, task_id="text-1")

    assert result.failed()
    assert len(attempts) == 1 + send_text.max_retries == 6
    message.refresh_from_db()
    assert (message.status, message.attempts) == (SmsStatus.FAILED, 6)
    assert "connection refused" in message.last_error
    assert FailedTask.objects.get().task_name == "notifications.tasks.send_text"

    client.force_login(UserFactory(email="root@example.org", is_staff=True, is_superuser=True))
    listing = client.get(reverse("admin:notifications_smsmessage_changelist") + "?status=failed").content.decode()
    assert "connection refused" in listing and "+86 138****5678" in listing and "+8613812345678" not in listing
