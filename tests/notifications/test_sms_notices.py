"""Texts about a case: which events send one, to whom, once, and when."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import NotifyBy
from notifications import sms
from notifications.models import Event, SmsMessage, SmsOptOut, SmsStatus
from notifications.services import notify_citizen
from notifications.tasks import send_text, sweep_waiting_texts
from petitions.models import Channel
from petitions.services import case_record_for_citizen, case_submit
from portal.queue import enqueue_now
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db

MOBILE = "+8613812345678"


@pytest.fixture(autouse=True)
def after_commit(monkeypatch):
    """Each step's after-commit work runs as the step ends, as after a
    request (the test's own transaction never commits)."""
    monkeypatch.setattr("notifications.services.enqueue_on_commit", enqueue_now)


def record(operator, category, region, *, phone="138 1234 5678", email="", language="zh-hans"):
    case, _created = case_record_for_citizen(
        actor=operator, channel=Channel.PHONE, kind="complaint", category=category, region=region,
        title="路灯不亮", body="小区门口的路灯已经坏了一个星期。", contact_name="王先生",
        contact_phone=phone, contact_email=email, language=language,
    )
    return case


def test_a_phone_caller_gets_the_receipt_by_text_at_once_even_at_night(operator, category, region, settings,
                                                                        monkeypatch):
    settings.SMS_QUIET_HOURS = "22-8"
    night = datetime(2026, 12, 7, 23, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    monkeypatch.setattr(timezone, "now", lambda: night)

    case = record(operator, category, region)

    assert case.contact_phone == MOBILE
    assert [(message.to, message.kind) for message in sms.outbox] == [(MOBILE, "received")]
    assert case.tracking_number in sms.outbox[0].text
    assert SmsMessage.objects.get().status == SmsStatus.SENT


def test_the_text_speaks_the_language_of_the_case(operator, category, region):
    record(operator, category, region, language="en")
    assert sms.outbox[0].text.startswith("【问政】Case received")


def test_an_answer_raised_at_night_waits_for_the_morning(settings, monkeypatch):
    settings.SMS_QUIET_HOURS = "22-8"
    case = CaseFactory(citizen=None, contact_phone=MOBILE, contact_email="")
    night = datetime(2026, 12, 7, 23, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    monkeypatch.setattr(timezone, "now", lambda: night)

    notify_citizen(event=Event.REPLIED, case=case, occurrence="1")
    assert sms.outbox == [] and sweep_waiting_texts() == 0

    monkeypatch.setattr(timezone, "now", lambda: night + timedelta(hours=9))  # 08:30
    assert sweep_waiting_texts() == 1
    assert [message.kind for message in sms.outbox] == ["replied"]
    assert sweep_waiting_texts() == 0  # run twice, sent once


def test_one_text_per_event_however_often_it_is_raised():
    case = CaseFactory(citizen=None, contact_phone=MOBILE, contact_email="")
    for _time in range(3):
        notify_citizen(event=Event.MATERIAL_REQUESTED, case=case, occurrence="1")
    notify_citizen(event=Event.MATERIAL_REQUESTED, case=case, occurrence="2")  # a second request is new
    assert [message.kind for message in sms.outbox] == ["material_requested"] * 2


def test_the_same_task_delivered_twice_sends_one_text():
    case = CaseFactory(citizen=None, contact_phone=MOBILE, contact_email="")
    notify_citizen(event=Event.REPLIED, case=case, occurrence="1")
    message = SmsMessage.objects.get()
    send_text.apply(args=[message.pk])
    send_text.apply(args=[message.pk])
    assert len(sms.outbox) == 1


def test_events_that_are_not_texted_send_no_text():
    case = CaseFactory(citizen=None, contact_phone=MOBILE, contact_email="")
    notify_citizen(event=Event.DISPATCHED, case=case)
    assert sms.outbox == [] and not SmsMessage.objects.exists()


def test_a_landline_gets_no_text(operator, category, region):
    record(operator, category, region, phone="010 6552 9988")
    assert sms.outbox == []


def test_an_account_that_chose_e_mail_gets_no_text_and_one_that_chose_texts_gets_no_e_mail(mailoutbox):
    by_mail = UserFactory(phone=MOBILE, phone_confirmed_at=timezone.now(), notify_by=NotifyBy.EMAIL)
    notify_citizen(event=Event.REPLIED, case=CaseFactory(citizen=by_mail, contact_phone=MOBILE), occurrence="1")
    assert sms.outbox == [] and len(mailoutbox) == 1

    by_text = UserFactory(phone="+8613912345678", phone_confirmed_at=timezone.now(), notify_by=NotifyBy.SMS)
    notify_citizen(event=Event.REPLIED, case=CaseFactory(citizen=by_text), occurrence="1")
    assert [message.to for message in sms.outbox] == ["+8613912345678"] and len(mailoutbox) == 1

    both = UserFactory(phone="+8613712345678", phone_confirmed_at=timezone.now(), notify_by=NotifyBy.BOTH)
    notify_citizen(event=Event.REPLIED, case=CaseFactory(citizen=both), occurrence="1")
    assert len(sms.outbox) == 2 and len(mailoutbox) == 2


def test_a_number_that_replied_stop_gets_no_more_texts(client, settings):
    settings.SMS_INBOUND_TOKEN = "gateway-secret"
    case = CaseFactory(citizen=None, contact_phone=MOBILE, contact_email="")
    url = reverse("notifications:sms_inbound") + "?token=gateway-secret"
    response = client.post(url, [{"mobile": "13812345678", "nationcode": "86", "text": "TD"}],
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["result"] == 0
    assert SmsOptOut.objects.filter(phone=MOBILE).exists()

    notify_citizen(event=Event.REPLIED, case=case, occurrence="1")
    assert sms.outbox == []


def test_a_text_waiting_when_its_number_stops_is_not_sent(settings):
    settings.SMS_QUIET_HOURS = "0-23"  # nearly all day: the text waits
    case = CaseFactory(citizen=None, contact_phone=MOBILE, contact_email="")
    notify_citizen(event=Event.REPLIED, case=case, occurrence="1")
    message = SmsMessage.objects.get()
    SmsOptOut.objects.create(phone=MOBILE, source="reply")
    SmsMessage.objects.update(not_before=timezone.now() - timedelta(minutes=5))
    send_text.apply(args=[message.pk])
    assert sms.outbox == []
    assert SmsMessage.objects.get().status == SmsStatus.FAILED


def test_alibaba_s_reply_shape_and_chinese_stop_word_are_understood(client, settings):
    settings.SMS_INBOUND_TOKEN = "gateway-secret"
    client.post(reverse("notifications:sms_inbound"), [{"phone_number": "13812345678", "content": "退订"}],
                content_type="application/json", HTTP_X_SMS_TOKEN="gateway-secret")
    client.post(reverse("notifications:sms_inbound"), [{"phone_number": "13912345678", "content": "谢谢"}],
                content_type="application/json", HTTP_X_SMS_TOKEN="gateway-secret")
    assert list(SmsOptOut.objects.values_list("phone", flat=True)) == [MOBILE]


@pytest.mark.parametrize("token", ["", "wrong"])
def test_the_reply_callback_refuses_a_caller_without_the_secret(client, settings, token):
    settings.SMS_INBOUND_TOKEN = "gateway-secret"
    response = client.post(reverse("notifications:sms_inbound") + f"?token={token}",
                           [{"phone_number": "13812345678", "content": "TD"}], content_type="application/json")
    assert response.status_code == 404
    assert not SmsOptOut.objects.exists()


def test_the_reply_callback_is_closed_when_no_secret_is_set(client, settings):
    settings.SMS_INBOUND_TOKEN = ""
    response = client.post(reverse("notifications:sms_inbound") + "?token=",
                           [{"phone_number": "13812345678", "content": "TD"}], content_type="application/json")
    assert response.status_code == 404


def test_choosing_texts_again_in_settings_lifts_a_stop(client):
    user = UserFactory(phone=MOBILE, phone_confirmed_at=timezone.now())
    SmsOptOut.objects.create(phone=MOBILE, source="reply")
    client.force_login(user)
    page = client.get(reverse("accounts:phone_settings")).content.decode()
    assert "+86 138****5678" in page
    response = client.post(reverse("accounts:phone_settings"), {"action": "notify", "notify-notify_by": "both"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.notify_by == NotifyBy.BOTH and not SmsOptOut.objects.exists()


def test_texts_cannot_be_chosen_without_a_confirmed_number(client, citizen):
    client.force_login(citizen)
    response = client.post(reverse("accounts:phone_settings"), {"action": "notify", "notify-notify_by": "sms"})
    assert response.status_code == 400
    citizen.refresh_from_db()
    assert citizen.notify_by == NotifyBy.EMAIL


def test_case_submit_keeps_the_number_in_one_form(citizen, category, region):
    case, _created = case_submit(actor=citizen, kind="complaint", category=category, region=region,
                                 title="路灯不亮", body="小区门口的路灯已经坏了一个星期。",
                                 contact_email=citizen.email, contact_phone="138-1234-5678")
    assert case.contact_phone == MOBILE


def test_an_administrator_sends_a_failed_text_again(client):
    from notifications.tasks import sweep_waiting_texts

    case = CaseFactory(citizen=None, contact_phone=MOBILE, contact_email="")
    message = SmsMessage.objects.create(phone=MOBILE, case=case, event=Event.REPLIED, key="replied:x:1",
                                        kind="replied", params={"link": "https://x/t/1/"},
                                        status=SmsStatus.FAILED, last_error="SmsError: gateway unreachable")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(reverse("admin:notifications_smsmessage_changelist"),
                           {"action": "send_again", "_selected_action": [message.pk]})
    assert response.status_code == 302
    SmsMessage.objects.update(not_before=timezone.now() - timedelta(minutes=2))
    assert sweep_waiting_texts() == 1
    assert [text.kind for text in sms.outbox] == ["replied"]
    assert SmsMessage.objects.get().status == SmsStatus.SENT


def test_a_receipt_for_a_case_sent_through_open311_at_night_waits_for_the_morning(settings, monkeypatch):
    settings.SMS_QUIET_HOURS = "22-8"
    night = datetime(2026, 12, 7, 23, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    monkeypatch.setattr(timezone, "now", lambda: night)
    case = CaseFactory(citizen=None, contact_phone=MOBILE, contact_email="", channel=Channel.API,
                       recorded_by=UserFactory())
    notify_citizen(event=Event.RECEIVED, case=case)
    assert sms.outbox == []
    assert SmsMessage.objects.get().not_before == datetime(2026, 12, 8, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def answered(case):
    """The lead department publishes its reply to the case."""
    from petitions.lifecycle import Status
    from responses.services import case_reply
    from tests.factories import DepartmentFactory, official_of

    department = DepartmentFactory()
    type(case).objects.filter(pk=case.pk).update(status=Status.ACCEPTED, lead_department=department)
    return case_reply(actor=official_of(department), case_id=case.pk, body="路灯已修复。")


def test_the_answer_and_the_request_to_rate_are_two_texts_each_of_one_segment(operator, category, region, settings):
    settings.SITE_URL = "https://12345.city.gov.cn"
    case = record(operator, category, region)
    sms.outbox.clear()

    answered(case)

    assert [message.kind for message in sms.outbox] == ["replied", "rate"]
    answer, rate = (message.text for message in sms.outbox)
    assert "评价" not in answer and "评价" in rate
    assert all(len(text) <= 70 for text in (answer, rate))
    assert set(SmsMessage.objects.filter(case=case).values_list("event", flat=True)) == {
        Event.RECEIVED, Event.REPLIED, Event.FEEDBACK_REQUESTED}


def test_the_request_to_rate_waits_out_the_night_and_respects_stop(operator, category, region, settings,
                                                                   monkeypatch):
    case = record(operator, category, region)
    other = record(operator, category, region, phone="13912345678")
    sms.outbox.clear()
    settings.SMS_QUIET_HOURS = "22-8"
    night = datetime(2026, 12, 7, 23, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    monkeypatch.setattr(timezone, "now", lambda: night)
    SmsOptOut.objects.create(phone="+8613912345678", source="reply")

    answered(case)
    answered(other)
    assert sms.outbox == []

    monkeypatch.setattr(timezone, "now", lambda: night + timedelta(hours=9))
    sweep_waiting_texts()
    assert [(message.to, message.kind) for message in sms.outbox] == [(MOBILE, "replied"), (MOBILE, "rate")]


def test_an_account_that_chose_e_mail_is_asked_to_rate_by_e_mail_and_in_the_site(mailoutbox):
    from notifications.models import Notification

    citizen = UserFactory(phone=MOBILE, phone_confirmed_at=timezone.now(), notify_by=NotifyBy.EMAIL)
    case = CaseFactory(citizen=citizen, contact_phone=MOBILE)

    answered(case)

    assert sms.outbox == []
    assert set(Notification.objects.filter(recipient=citizen).values_list("event", flat=True)) == {
        Event.REPLIED, Event.FEEDBACK_REQUESTED}
    asking = [m for m in mailoutbox if "satisfied" in m.body or "满意" in m.body]
    assert len(asking) == 1 and len(mailoutbox) == 2


def test_no_one_is_asked_to_rate_a_case_they_could_not_rate(settings):
    # Sent by a third-party application with a number but no account: it is
    # followed by number, but no sign-in takes it, so no rating can be given.
    case = CaseFactory(citizen=None, channel=Channel.API, contact_phone=MOBILE, contact_email="")

    answered(case)

    assert [message.kind for message in sms.outbox] == ["replied"]


def test_a_caller_follows_the_request_to_rate_signs_in_with_the_number_and_rates(client, operator, category,
                                                                                 region):
    import re
    from urllib.parse import urlsplit

    case = record(operator, category, region)
    answered(case)
    link = sms.outbox[-1].params["link"]

    lookup = client.get(client.get(urlsplit(link).path)["Location"])
    page = client.post(lookup.request["PATH_INFO"], {"tracking_number": case.tracking_number,
                                                     "email": "138 1234 5678"}).content.decode()
    sign_in = re.search(r'id="lookup-rate">.*?href="([^"]+)"', page, re.S).group(1).replace("&amp;", "&")
    client.post(sign_in, {"phone": "138 1234 5678"})
    code = re.search(r"\d{6}", sms.outbox[-1].text).group()
    signed_in = client.post(reverse("accounts:phone_code") + "?" + urlsplit(sign_in).query, {"code": code})

    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("petitions:case_detail", args=[case.pk])
    rating_form = client.get(signed_in["Location"]).content.decode()
    assert "Send my rating" in rating_form or "提交评价" in rating_form
