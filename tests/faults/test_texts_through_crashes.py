"""Fault matrix, row 7: a worker that dies after claiming a text. The text
is sent by the sweep once its claim is stale, never twice: not when the
first send went through, and not when two sweeps run at once."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from notifications import sms
from notifications.models import Event, SmsMessage, SmsStatus
from notifications.services import sms_claim, sms_finish, sms_reclaim_stalled
from notifications.tasks import send_text, sweep_waiting_texts
from tests.factories import CaseFactory
from tests.faults.support import needs_postgres_and_redis

MOBILE = "+8613812345678"


def a_text_to_send() -> SmsMessage:
    case = CaseFactory(citizen=None, contact_phone=MOBILE, contact_email="")
    return SmsMessage.objects.create(phone=MOBILE, case=case, event=Event.RECEIVED, key=f"received:{case.pk}:",
                                     kind="received", params={"number": case.tracking_number})


def claimed_minutes_ago(message: SmsMessage, minutes: int) -> None:
    SmsMessage.objects.filter(pk=message.pk).update(claimed_at=timezone.now() - dt.timedelta(minutes=minutes))


@pytest.mark.django_db
def test_a_text_whose_worker_died_after_claiming_it_is_sent_by_the_sweep_once(settings):
    settings.SMS_CLAIM_TIMEOUT_SECONDS = 300
    message = a_text_to_send()
    assert sms_claim(message_id=message.pk) is not None  # the worker claims it, then is killed
    send_text.apply(args=[message.pk]).get()  # the broker gives the message again: it is claimed, nothing sent
    assert sms.outbox == []

    sweep_waiting_texts.apply().get()  # the claim is recent: the worker may still be sending
    assert sms.outbox == []

    claimed_minutes_ago(message, 6)
    sweep_waiting_texts.apply().get()
    sweep_waiting_texts.apply().get()

    assert [(text.to, text.kind) for text in sms.outbox] == [(MOBILE, "received")]
    message.refresh_from_db()
    assert message.status == SmsStatus.SENT and message.gateway_id


@pytest.mark.django_db
def test_a_text_the_gateway_took_is_not_sent_again_by_any_sweep(settings):
    settings.SMS_CLAIM_TIMEOUT_SECONDS = 300
    message = a_text_to_send()
    send_text.apply(args=[message.pk]).get()
    claimed_minutes_ago(message, 60)

    sweep_waiting_texts.apply().get()
    send_text.apply(args=[message.pk]).get()  # and its message delivered again

    assert len(sms.outbox) == 1
    message.refresh_from_db()
    assert message.status == SmsStatus.SENT


@pytest.mark.django_db
def test_a_worker_that_outlived_its_claim_still_records_its_success_and_nothing_is_sent_again(settings):
    """The sweep took the claim back, but the slow worker's send went through:
    its success is recorded, so the text is not sent a second time."""
    settings.SMS_CLAIM_TIMEOUT_SECONDS = 300
    message = a_text_to_send()
    slow = sms_claim(message_id=message.pk)
    claimed_minutes_ago(message, 6)

    assert sms_reclaim_stalled(older_than_seconds=300) == [message.pk]
    sms_finish(message=slow, status=SmsStatus.SENT, gateway_id="biz-1")

    sweep_waiting_texts.apply().get()
    assert sms.outbox == []
    message.refresh_from_db()
    assert (message.status, message.gateway_id) == (SmsStatus.SENT, "biz-1")


@pytest.mark.django_db
def test_a_text_that_kills_its_worker_every_time_is_shown_failed_after_six_claims(settings):
    settings.SMS_CLAIM_TIMEOUT_SECONDS = 300
    message = a_text_to_send()
    for _ in range(6):
        assert sms_claim(message_id=message.pk) is not None
        claimed_minutes_ago(message, 6)

        sms_reclaim_stalled(older_than_seconds=300)
    message.refresh_from_db()
    assert message.status == SmsStatus.FAILED and "worker stopped" in message.last_error
    assert sms.outbox == []


@needs_postgres_and_redis
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_stalled_text_once(settings):
    settings.SMS_CLAIM_TIMEOUT_SECONDS = 300
    messages = [a_text_to_send() for _ in range(20)]
    for message in messages:
        sms_claim(message_id=message.pk)
    SmsMessage.objects.update(claimed_at=timezone.now() - dt.timedelta(minutes=10))
    start = threading.Barrier(2)
    errors = []

    def sweep():
        try:
            start.wait(10)
            sweep_waiting_texts()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    assert sorted(text.params["number"] for text in sms.outbox) == sorted(m.case.tracking_number for m in messages)
    assert set(SmsMessage.objects.values_list("status", flat=True)) == {SmsStatus.SENT}
