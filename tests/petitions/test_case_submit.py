"""case_submit: what a citizen's submission records and starts."""

import uuid

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from notifications.models import Event, Notification
from notifications.tasks import email_notifications
from petitions.lifecycle import Status
from petitions.models import Case
from petitions.services import case_submit
from petitions.tracking import normalise_tracking_number
from responses.models import RoutingMethod
from supervision.models import ClockEvent, ClockKind, SupervisionClock
from tests.factories import RoutingRuleFactory

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def submit(citizen, category, region, **overrides):
    arguments = dict(
        actor=citizen, kind="complaint", category=category, region=region,
        title="夜间施工噪音扰民", body="每天晚上十一点以后工地仍在施工，噪音很大。",
        contact_email=citizen.email,
    )
    arguments.update(overrides)
    return case_submit(**arguments)


@pytest.mark.django_db
def test_submit_records_the_case_with_a_tracking_number(citizen, category, region):
    case, created = submit(citizen, category, region)
    assert created
    assert case.status == Status.SUBMITTED
    assert case.citizen == citizen
    assert normalise_tracking_number(case.tracking_number) == case.tracking_number
    assert case.history.get().history_user == citizen


@pytest.mark.django_db
def test_submit_routes_after_commit_and_sends_one_receipt(
    citizen, category, region, department, django_capture_on_commit_callbacks
):
    RoutingRuleFactory(category=category, lead_department=department)
    with django_capture_on_commit_callbacks(execute=True):
        case, _ = submit(citizen, category, region, language="en")
        # Nothing is routed before the submission commits.
        assert Case.objects.get(pk=case.pk).status == Status.SUBMITTED
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED
    assert case.lead_department == department
    assert case.routing_decisions.get().method == RoutingMethod.RULE
    to_citizen = [message for message in mail.outbox if message.to == [citizen.email]]
    assert [message.subject for message in to_citizen] == [
        f"[{case.tracking_number}] Your case has been received",
        f"[{case.tracking_number}] Your case was sent to a department",
    ]
    assert case.tracking_number in to_citizen[0].body


@pytest.mark.django_db
def test_a_submission_sends_its_receipt_and_its_routing_after_commit_even_if_routing_waits(
    citizen, category, region, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []

    def send(task, *args):
        sent.append((task.name, args))
        return True

    monkeypatch.setattr("portal.queue.enqueue_now", send)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case, _ = submit(citizen, category, region)
    assert sent == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    key = Notification.objects.get(case=case, event=Event.RECEIVED, recipient=citizen).key
    assert sorted(sent) == sorted([("responses.tasks.route_case", (case.pk,)),
                                   ("notifications.tasks.email_notifications", (key,))])
    monkeypatch.undo()
    email_notifications(key)  # no routing worker yet: the receipt goes all the same
    assert [message.subject for message in mail.outbox] == [f"[{case.tracking_number}] 您的诉求已收到"]


@pytest.mark.django_db
def test_receipt_task_run_twice_sends_one_email(citizen, category, region):
    case, _ = submit(citizen, category, region)
    key = Notification.objects.get(case=case, event=Event.RECEIVED).key
    email_notifications(key)
    email_notifications(key)
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_same_submission_key_twice_creates_one_case(citizen, category, region):
    key = uuid.uuid4()
    first, created_first = submit(citizen, category, region, submission_key=key)
    second, created_second = submit(citizen, category, region, submission_key=key)
    assert (created_first, created_second) == (True, False)
    assert first.pk == second.pk
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_a_taken_tracking_number_writes_nothing_and_the_next_try_succeeds(citizen, category, region, monkeypatch):
    first, _ = submit(citizen, category, region)
    numbers = iter([first.tracking_number, "261128-0000-0000-001"])
    monkeypatch.setattr("petitions.services.new_tracking_number", lambda: next(numbers))
    second, created = submit(citizen, category, region)
    assert created and second.tracking_number == "261128-0000-0000-001"
    # The failed try left no half of a case behind.
    assert Case.objects.count() == Case.history.count() == 2
    assert SupervisionClock.objects.filter(kind=ClockKind.DISPATCH).count() == ClockEvent.objects.count() == 2
    assert Notification.objects.filter(event=Event.RECEIVED).count() == 2


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_form_posted_twice_at_once_files_one_case(citizen, category, region, monkeypatch):
    """As a request runs it (autocommit): the second post raced past the
    check for its key, hits the key's unique index and gets the first case."""
    import petitions.services

    key = uuid.uuid4()
    first, _ = submit(citizen, category, region, submission_key=key)
    real_check, checks = petitions.services._already_submitted, []

    def raced_past(*args, **kwargs):
        checks.append(args)
        return None if len(checks) == 1 else real_check(*args, **kwargs)

    monkeypatch.setattr(petitions.services, "_already_submitted", raced_past)
    again, created = submit(citizen, category, region, submission_key=key)
    assert len(checks) == 2 and not created and again.pk == first.pk
    assert Case.objects.count() == Case.history.filter(history_change_reason="submitted").count() == 1
    assert SupervisionClock.objects.filter(kind=ClockKind.DISPATCH).count() == 1
    assert Notification.objects.filter(event=Event.RECEIVED).count() == 1
    # Routed on commit: no rule matches, so the routing centre.
    assert Case.objects.get().status == Status.ROUTING_CENTRE


@pytest.mark.django_db
def test_each_case_filed_sends_its_own_routing_message(citizen, category, region, monkeypatch,
                                                      django_capture_on_commit_callbacks):
    sent = []

    def send(task, *args):
        sent.append((task.name, args))
        return True

    monkeypatch.setattr("portal.queue.enqueue_now", send)
    with django_capture_on_commit_callbacks(execute=True):
        cases = [submit(citizen, category, region, title=f"路灯不亮 {n}")[0] for n in range(3)]
    assert [args for name, args in sent if name == "responses.tasks.route_case"] == [(case.pk,) for case in cases]


@pytest.mark.django_db
def test_attachment_is_kept_under_a_generated_name(citizen, category, region):
    upload = SimpleUploadedFile("../../etc/passwd.png", PNG, content_type="image/png")
    case, _ = submit(citizen, category, region, attachment=upload)
    attachment = case.attachments.get()
    assert attachment.content_type == "image/png"
    assert attachment.original_name == "passwd.png"
    assert "passwd" not in attachment.file.name
    assert attachment.file.name.startswith("attachments/")


@pytest.mark.django_db
def test_attachment_whose_content_is_not_allowed_is_refused_and_nothing_saved(citizen, category, region):
    upload = SimpleUploadedFile("photo.png", b"MZ\x90\x00 this is a program", content_type="image/png")
    with pytest.raises(ValidationError):
        submit(citizen, category, region, attachment=upload)
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_pdf_attachment_is_accepted(citizen, category, region):
    upload = SimpleUploadedFile("notice.pdf", PDF, content_type="application/pdf")
    case, _ = submit(citizen, category, region, attachment=upload)
    assert case.attachments.get().content_type == "application/pdf"
