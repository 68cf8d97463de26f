"""Notifications: recorded once per event, listed in the site with an
unread count, e-mailed once each, or gathered into a daily digest."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from notifications.models import Event, Notification
from notifications.services import notify
from notifications.tasks import email_notifications, send_daily_digests, sweep_unsent_notifications
from responses import services
from tests.factories import DispatchedCaseFactory


@pytest.mark.django_db
def test_raising_the_same_event_twice_records_and_emails_it_once(official, django_capture_on_commit_callbacks):
    case = DispatchedCaseFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify(event=Event.NEW_CASE, case=case, users=[official])
        notify(event=Event.NEW_CASE, case=case, users=[official])
    assert Notification.objects.filter(recipient=official).count() == 1
    assert len(mail.outbox) == 1
    email_notifications(Notification.objects.get().key)
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_each_event_of_a_case_handling_reaches_the_right_people_once(
    citizen, official, department, other_department, other_official, dispatcher, django_capture_on_commit_callbacks
):
    case = DispatchedCaseFactory(citizen=citizen, lead_department=department)
    with django_capture_on_commit_callbacks(execute=True):
        services.case_return(actor=official, case_id=case.id, reason="应由交通委办理")
    with django_capture_on_commit_callbacks(execute=True):
        services.return_reroute(actor=dispatcher, case_id=case.id, department=other_department)
    with django_capture_on_commit_callbacks(execute=True):
        services.case_sign_for(actor=other_official, case_id=case.id)
        services.material_request(actor=other_official, case_id=case.id, message="请提供车牌号")
    with django_capture_on_commit_callbacks(execute=True):
        services.material_add(actor=citizen, case_id=case.id, answer="京A12345")
    with django_capture_on_commit_callbacks(execute=True):
        services.case_reply(actor=other_official, case_id=case.id, body="已处理")
    received = sorted((message.to[0], message.subject.split("] ", 1)[1]) for message in mail.outbox)
    def in_its_language(notification):
        with translation.override(notification.language):
            return str(notification.get_event_display())

    sent = sorted((notification.email, in_its_language(notification)) for notification in Notification.objects.all())
    assert received == sent
    assert set(Notification.objects.values_list("email", "event")) == {
        (dispatcher.email, Event.NEW_RETURN),
        (official.email, Event.RETURN_DECIDED),
        (other_official.email, Event.NEW_CASE),
        (citizen.email, Event.DISPATCHED),
        (citizen.email, Event.MATERIAL_REQUESTED),
        (other_official.email, Event.MATERIAL_ADDED),
        (citizen.email, Event.REPLIED),
        (citizen.email, Event.FEEDBACK_REQUESTED),
    }
    assert len(received) == len(set(received))


@pytest.mark.django_db
def test_the_site_lists_notifications_with_an_unread_count(client, official):
    case = DispatchedCaseFactory()
    notify(event=Event.NEW_CASE, case=case, users=[official])
    notify(event=Event.MATERIAL_ADDED, case=case, users=[official])
    client.force_login(official)
    page = client.get(reverse("notifications:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2 unread" in page and case.tracking_number in page
    first = Notification.objects.filter(recipient=official).first()
    response = client.post(reverse("notifications:open", args=[first.pk]))
    assert response["Location"] == reverse("petitions:case_detail", args=[case.pk])
    assert "1 unread" in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.post(reverse("notifications:read_all"))
    assert "unread" not in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


@pytest.mark.django_db
def test_nobody_opens_anothers_notification(client, official, other_official):
    notify(event=Event.NEW_CASE, case=DispatchedCaseFactory(), users=[official])
    client.force_login(other_official)
    response = client.post(reverse("notifications:open", args=[Notification.objects.get().pk]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_digest_readers_get_one_email_a_day_and_only_once(official, django_capture_on_commit_callbacks):
    official.notify_daily_digest = True
    official.save()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            notify(event=Event.NEW_CASE, case=DispatchedCaseFactory(), users=[official])
    assert mail.outbox == []
    assert send_daily_digests() == 1
    assert send_daily_digests() == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].body.count("/cases/") == 3


@pytest.mark.django_db
def test_the_sweeper_sends_emails_whose_task_was_lost(official):
    case = DispatchedCaseFactory()
    notify(event=Event.NEW_CASE, case=case, users=[official])  # on_commit never ran: the task was "lost"
    Notification.objects.update(created_at=Notification.objects.get().created_at.replace(year=2020))
    assert sweep_unsent_notifications() == 1
    assert sweep_unsent_notifications() == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_phone_citizen_without_an_account_is_emailed_by_address(operator, category, region,
                                                                   django_capture_on_commit_callbacks):
    from petitions.services import case_record_for_citizen

    with django_capture_on_commit_callbacks(execute=True):
        case, _ = case_record_for_citizen(actor=operator, channel="phone", kind="help", category=category,
                                          region=region, title="来电求助", body="来电市民需要帮助。",
                                          contact_email="caller@example.org")
    assert [message.to for message in mail.outbox] == [["caller@example.org"]]
    assert Notification.objects.get(case=case).recipient is None


@pytest.mark.django_db
def test_a_person_chooses_the_daily_digest_in_the_site(client, official):
    client.force_login(official)
    url = reverse("accounts:notification_settings")
    assert client.get(url).status_code == 200
    client.post(url, {"notify_daily_digest": "on"})
    official.refresh_from_db()
    assert official.notify_daily_digest is True
    client.post(url, {})
    official.refresh_from_db()
    assert official.notify_daily_digest is False
