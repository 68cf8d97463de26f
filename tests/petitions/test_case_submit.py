"""case_submit: what a citizen's submission records and starts."""

import uuid

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from petitions.lifecycle import Status
from petitions.models import Case
from petitions.services import case_submit
from petitions.tracking import normalise_tracking_number
from responses.models import RoutingMethod
from responses.tasks import route_case
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
def test_a_submission_sends_one_broker_message_and_its_routing_mails_the_receipt(
    citizen, category, region, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    def send(task, *args):
        sent.append(task.name)
        return True

    monkeypatch.setattr("portal.queue.enqueue_now", send)
    monkeypatch.setattr("responses.routing_wakeup.enqueue_now", send)
    with django_capture_on_commit_callbacks(execute=True):
        case, _ = submit(citizen, category, region)
    assert sent == ["responses.tasks.route_case"]  # the receipt comes with the routing
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        route_case(case.pk)  # no rule matches: the routing centre; the receipt goes all the same
    assert [message.subject for message in mail.outbox] == [f"[{case.tracking_number}] 您的诉求已收到"]


@pytest.mark.django_db
def test_receipt_task_run_twice_sends_one_email(citizen, category, region):
    from notifications.models import Event, Notification
    from notifications.tasks import email_notifications

    case, _ = submit(citizen, category, region)
    route_case(case.pk)  # the receipt is recorded by the routing step
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
