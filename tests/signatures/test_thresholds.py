"""Crossing the thresholds (once each), and e-mailing signers the response."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications.models import Event, Notification
from petitions.lifecycle import Status
from petitions.models import Case
from publication.services import publication_approve
from responses.models import Reply, ReplyState
from signatures import tasks
from signatures.models import Petition, PetitionHearing, PetitionSettings, Signature
from signatures.selectors import SignatureCriteria
from signatures.services import signature_confirm, signature_start, signatures_invalidate
from supervision.models import ClockKind, ClockState, SupervisionClock
from tests.signatures.conftest import confirmation_tokens

pytestmark = pytest.mark.django_db


def confirmed_signers(petition, emails, capture):
    for email in emails:
        with capture(execute=True):
            signature_start(petition_id=petition.pk, name=email.split("@")[0], email=email)
        with capture(execute=True):
            signature_confirm(token=confirmation_tokens(email)[-1])


def emails(n, start=0):
    return [f"signer{i}@example.org" for i in range(start, start + n)]


def test_first_threshold_starts_a_response_clock_and_tells_the_department_once(
        petition, official, supervisor, django_capture_on_commit_callbacks):
    confirmed_signers(petition, emails(2), django_capture_on_commit_callbacks)
    assert not SupervisionClock.objects.filter(kind=ClockKind.PETITION_RESPONSE).exists()
    confirmed_signers(petition, emails(2, start=2), django_capture_on_commit_callbacks)  # 3rd and 4th
    petition.refresh_from_db()
    assert petition.confirmed_count == 4
    assert petition.response_threshold_reached_at is not None
    clock = SupervisionClock.objects.get(kind=ClockKind.PETITION_RESPONSE)
    assert clock.case_id == petition.case_id and clock.department_id == petition.case.lead_department_id
    assert clock.state == ClockState.RUNNING and clock.due_at > timezone.now()
    assert list(Notification.objects.filter(event=Event.PETITION_RESPONSE_DUE).values_list("recipient", flat=True)) \
        == [official.pk]
    assert not PetitionHearing.objects.exists()
    [told] = [message for message in mail.outbox if official.email in message.to]
    assert "3 confirmed signatures: the department owes it a formal response" in told.body


def test_second_threshold_escalates_to_the_supervisors_for_a_hearing_once(
        petition, official, supervisor, django_capture_on_commit_callbacks):
    confirmed_signers(petition, emails(7), django_capture_on_commit_callbacks)
    hearing = PetitionHearing.objects.get()
    assert hearing.petition == petition and hearing.signatures_at_escalation == 5
    assert list(Notification.objects.filter(event=Event.PETITION_HEARING).values_list("recipient", flat=True)) \
        == [supervisor.pk]
    assert SupervisionClock.objects.filter(kind=ClockKind.PETITION_RESPONSE).count() == 1


def test_a_threshold_lowered_below_the_count_is_claimed_by_the_sweeper_once(
        petition, official, supervisor, django_capture_on_commit_callbacks):
    """No confirmation reaches it (the count is already past it): the
    petitions' sweeper acts on it, once."""
    confirmed_signers(petition, emails(2), django_capture_on_commit_callbacks)
    Petition.objects.filter(pk=petition.pk).update(response_threshold=2)  # an administrator's change
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_petitions()["thresholds"] == 1
    petition.refresh_from_db()
    assert petition.response_threshold_reached_at is not None
    assert SupervisionClock.objects.filter(kind=ClockKind.PETITION_RESPONSE).count() == 1
    assert tasks.sweep_petitions()["thresholds"] == 0
    assert SupervisionClock.objects.filter(kind=ClockKind.PETITION_RESPONSE).count() == 1


def test_thresholds_are_per_petition_values_an_administrator_can_change(
        petition, official, django_capture_on_commit_callbacks):
    Petition.objects.filter(pk=petition.pk).update(response_threshold=1)
    confirmed_signers(petition, emails(1), django_capture_on_commit_callbacks)
    assert SupervisionClock.objects.filter(kind=ClockKind.PETITION_RESPONSE).count() == 1


def test_a_count_that_drops_and_rises_again_does_not_cross_twice(
        petition, official, supervisor, django_capture_on_commit_callbacks):
    confirmed_signers(petition, emails(3), django_capture_on_commit_callbacks)
    signatures_invalidate(actor=supervisor, criteria=SignatureCriteria(email_domain="example.org"), reason="bots")
    petition.refresh_from_db()
    assert petition.confirmed_count == 0
    confirmed_signers(petition, [f"p{i}@example.net" for i in range(3)], django_capture_on_commit_callbacks)
    assert SupervisionClock.objects.filter(kind=ClockKind.PETITION_RESPONSE).count() == 1
    assert Notification.objects.filter(event=Event.PETITION_RESPONSE_DUE).count() == 1


def publish_reply(case, author, moderator=None):
    """The department's reply; with a moderator, its public text approved
    too (signers read and are mailed only the moderator's copy)."""
    reply = Reply.objects.create(case=case, department=case.lead_department, author=author,
                                 body="The playground opens on Saturdays from June.", state=ReplyState.PUBLISHED,
                                 published_at=timezone.now())
    Case.objects.filter(pk=case.pk).update(status=Status.REPLIED, replied_at=reply.published_at)
    if moderator is not None:
        publication_approve(actor=moderator, case_id=case.pk, title=case.title, body=case.body, answer=reply.body)
    return reply


def test_the_response_is_emailed_to_every_confirmed_signer_in_batches_once(
        client, petition, official, moderator, django_capture_on_commit_callbacks):
    config = PetitionSettings.load()
    config.response_batch_size = 2
    config.save()
    confirmed_signers(petition, emails(5), django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        signature_start(petition_id=petition.pk, name="never confirmed", email="lazy@example.org")
    mail.outbox.clear()
    batches = []
    original = tasks.email_response_batch.delay

    def spy(*args):
        batches.append(args)
        return original(*args)

    tasks.email_response_batch.delay = spy
    try:
        with django_capture_on_commit_callbacks(execute=True):
            publish_reply(petition.case, official, moderator)
    finally:
        tasks.email_response_batch.delay = original
    assert len(batches) == 3
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted(emails(5))
    assert "The playground opens on Saturdays" in mail.outbox[0].body
    # Not greeted by the name they typed (anyone can type anything there).
    for message in mail.outbox:
        assert message.to[0].split("@")[0] not in message.body
    petition.refresh_from_db()
    assert petition.response_reply is not None
    clock = SupervisionClock.objects.get(kind=ClockKind.PETITION_RESPONSE)
    assert clock.stopped_at is not None and clock.state == ClockState.MET
    # A duplicated batch, the sweeper, a second delivery: nobody gets it twice.
    mail.outbox.clear()
    for args in batches:
        tasks.email_response_batch(*args)
    tasks.sweep_petitions()
    assert mail.outbox == []
    assert Signature.objects.exclude(response_sent_at=None).count() == 5
    page = client.get(reverse("signatures:detail", args=[petition.case.tracking_number])).content.decode()
    assert "The playground opens on Saturdays" in page


def test_the_petition_page_runs_the_same_queries_with_a_response_and_a_hearing(
        client, petition, official, django_capture_on_commit_callbacks, django_assert_max_num_queries):
    confirmed_signers(petition, emails(5), django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        publish_reply(petition.case, official)
    with django_assert_max_num_queries(2):
        response = client.get(reverse("signatures:detail", args=[petition.case.tracking_number]))
    assert "reached on" in response.content.decode()


def test_a_failed_send_is_released_and_sent_by_the_retry(petition, official, moderator,
                                                         django_capture_on_commit_callbacks, monkeypatch):
    confirmed_signers(petition, emails(2), django_capture_on_commit_callbacks)
    publish_reply(petition.case, official, moderator)
    from signatures.services import petition_record_response

    petition_record_response(case_id=petition.case_id)
    mail.outbox.clear()
    calls = {"n": 0}
    real = tasks.send_templated_mail

    def flaky(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("SMTP down")
        return real(**kwargs)

    monkeypatch.setattr(tasks, "send_templated_mail", flaky)
    first, last = sorted(Signature.objects.values_list("id", flat=True))
    with pytest.raises(OSError):
        tasks.email_response_batch.run(petition.pk, first, last)
    assert len(mail.outbox) == 1
    assert tasks.email_response_batch.run(petition.pk, first, last) == 1
    assert len(mail.outbox) == 2


def test_the_sweeper_records_a_response_whose_task_was_lost(petition, official, moderator,
                                                           django_capture_on_commit_callbacks):
    confirmed_signers(petition, emails(1), django_capture_on_commit_callbacks)
    publish_reply(petition.case, official, moderator)  # no on-commit callbacks run: the task was "lost"
    petition.refresh_from_db()
    assert petition.response_reply is None
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_petitions()["recorded"] == 1
    assert [message.to for message in mail.outbox] == [["signer0@example.org"]]


def test_signers_get_the_moderators_public_answer_once_it_is_approved(
        client, petition, official, django_capture_on_commit_callbacks):
    from publication.models import Publication, PublicationState

    case = petition.case
    publication = Publication.objects.get(case=case, state=PublicationState.PUBLISHED)
    Publication.objects.filter(pk=publication.pk).update(
        title="Open playgrounds at weekends", body="Residents ask for the playground to open on Saturdays.")
    confirmed_signers(petition, emails(2), django_capture_on_commit_callbacks)
    page = client.get(reverse("signatures:detail", args=[case.tracking_number])).content.decode()
    assert "Open playgrounds at weekends" in page and "Open the school playground" not in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        publish_reply(case, official)
    petition.refresh_from_db()
    assert petition.response_reply is not None, "the reply stops the department's clock at once"
    assert mail.outbox == [], "signers wait for the moderators' public text of the answer"
    Publication.objects.filter(pk=publication.pk).update(answer="Open on Saturdays from June (public text).")
    later = timezone.now() + timedelta(minutes=11)
    with mock.patch("django.utils.timezone.now", return_value=later):
        tasks.sweep_petitions()
    assert len(mail.outbox) == 2
    assert all("Open on Saturdays from June (public text)." in message.body for message in mail.outbox)
    # Taken off the public side, the petition goes with it.
    Publication.objects.filter(pk=publication.pk).update(state=PublicationState.REJECTED)
    assert client.get(reverse("signatures:detail", args=[case.tracking_number])).status_code == 404
    assert "Open playgrounds" not in client.get(reverse("signatures:list")).content.decode()
