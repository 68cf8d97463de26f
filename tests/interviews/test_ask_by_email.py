"""Asking without an account: the question waits for its asker to open a
signed, expiring link e-mailed to them before the moderators see it; the
form is limited per client and per address; an unanswered question becomes
a case its asker follows by tracking number and e-mail address."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from interviews import services
from interviews.models import Question, QuestionState
from petitions.models import Case
from tests.factories import RoutingRuleFactory, UserFactory

pytestmark = pytest.mark.django_db

ASKER = "Li.Hua+interviews@example.org"


def ask_by_email(client, interview, capture, email=ASKER, body="夜班公交能否增加班次？", **extra):
    with capture(execute=True):
        return client.post(reverse("interviews:ask_by_email", args=[interview.pk]),
                           {"email": email, "name": "李华", "body": body}, **extra)


def link_in(message) -> str:
    return re.search(r"https?://\S+/interviews/confirm/\S+/", message.body).group(0)


def confirm(client, link, **extra):
    path = link.split("://", 1)[1]
    path = path[path.index("/"):]
    return client.post(path, **extra)


def waiting_on_hosts_page(client, moderator, interview) -> str:
    client.force_login(moderator)
    page = client.get(reverse("interviews:manage", args=[interview.pk])).content.decode()
    client.logout()
    return page


def test_a_question_asked_by_email_reaches_the_moderators_only_once_confirmed(
        client, interview, moderator, django_capture_on_commit_callbacks):
    response = ask_by_email(client, interview, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    question = Question.objects.get()
    assert (question.asker, question.state) == (None, QuestionState.UNCONFIRMED)
    assert "夜班公交能否增加班次？" not in waiting_on_hosts_page(client, moderator, interview)
    [message] = mail.outbox
    assert message.to == [ASKER] and "夜班公交能否增加班次？" in message.body
    link = link_in(message)

    # Opening the link shows a button; a mail scanner following it confirms nothing.
    path = link.split("://", 1)[1]
    assert client.get(path[path.index("/"):]).status_code == 200
    assert Question.objects.get().state == QuestionState.UNCONFIRMED

    assert confirm(client, link).status_code == 200
    question.refresh_from_db()
    assert question.state == QuestionState.PENDING and question.confirmed_at is not None
    assert "夜班公交能否增加班次？" in waiting_on_hosts_page(client, moderator, interview)
    assert question.history.latest().history_change_reason == "confirmed"
    # A second press changes nothing.
    again = confirm(client, link, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "already been confirmed" in again and Question.objects.get().state == QuestionState.PENDING


def test_an_expired_or_altered_link_confirms_nothing(client, interview, django_capture_on_commit_callbacks,
                                                     settings):
    settings.INTERVIEW_CONFIRMATION_HOURS = 24
    ask_by_email(client, interview, django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    assert confirm(client, link[:-6] + "AAAAA/").status_code == 400
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=25)):
        response = confirm(client, link)
    assert response.status_code == 400
    assert Question.objects.get().state == QuestionState.UNCONFIRMED


def test_a_link_for_one_address_does_not_confirm_a_question_of_another(interview):
    question = services.question_submit_by_email(interview_id=interview.pk, email="a@example.org", body="问题")
    question.asker_email_normalised = "someone-else@example.org"
    forged = services.question_confirmation_token(question)
    with pytest.raises(services.DomainError):
        services.question_confirm(token=forged)


def test_the_form_is_limited_per_address_whoever_asks(client, interview, settings,
                                                      django_capture_on_commit_callbacks):
    settings.ACCOUNT_MAIL_RATE_PER_ADDRESS = "2/h"
    codes = [ask_by_email(client, interview, django_capture_on_commit_callbacks, body=f"问题{n}",
                          REMOTE_ADDR=f"10.0.2.{n}").status_code for n in range(3)]
    assert codes == [302, 302, 429]
    assert len(mail.outbox) == 2


def test_the_form_is_limited_per_client_whatever_the_address(client, interview, settings,
                                                             django_capture_on_commit_callbacks):
    settings.ACCOUNT_MAIL_RATE_PER_CLIENT = "2/h"
    codes = [ask_by_email(client, interview, django_capture_on_commit_callbacks, email=f"p{n}@example.org",
                          REMOTE_ADDR="10.0.3.1").status_code for n in range(3)]
    assert codes == [302, 302, 429]
    assert Question.objects.count() == 2


def test_one_mailbox_asks_at_most_the_limit_per_interview(interview, settings):
    settings.INTERVIEW_QUESTIONS_PER_PERSON = 2
    for address in ("lihua@gmail.com", "li.hua@gmail.com"):
        services.question_submit_by_email(interview_id=interview.pk, email=address, body="问题")
    with pytest.raises(services.DomainError):
        services.question_submit_by_email(interview_id=interview.pk, email="LiHua+x@googlemail.com", body="问题")


def test_an_unanswered_question_becomes_a_case_its_asker_follows_by_number_and_address(
        client, live_interview, host, moderator, department, category,
        django_capture_on_commit_callbacks):
    RoutingRuleFactory(category=category, lead_department=department, priority=1)
    ask_by_email(client, live_interview, django_capture_on_commit_callbacks)
    confirm(client, link_in(mail.outbox[0]))
    question = Question.objects.get()
    services.question_publish(actor=moderator, question_id=question.pk)
    never_confirmed = services.question_submit_by_email(interview_id=live_interview.pk, email="x@example.org",
                                                        body="没有确认的问题")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        cases = services.interview_close(actor=host, interview_id=live_interview.pk)

    [case] = cases
    case.refresh_from_db()
    question.refresh_from_db()
    never_confirmed.refresh_from_db()
    assert question.case == case and never_confirmed.case is None
    assert case.citizen is None and case.contact_email == ASKER.lower() and case.contact_name == "李华"
    assert case.lead_department == department  # routed, with its clocks
    told = [message for message in mail.outbox if case.tracking_number in message.body]
    assert {message.to[0] for message in told} == {ASKER.lower()}
    assert any("/track/" in message.body for message in told)
    assert not any(f"/cases/{case.pk}/" in message.body for message in told)

    # Followed without an account, as every case is: tracking number and address.
    page = client.post(reverse("petitions:case_lookup"),
                       {"tracking_number": case.tracking_number, "email": ASKER}).content.decode()
    assert case.title in page
    wrong = client.post(reverse("petitions:case_lookup"),
                        {"tracking_number": case.tracking_number, "email": "other@example.org"}).content.decode()
    assert case.title not in wrong
    # The transcript names the case and the clock holding it.
    transcript = client.get(reverse("interviews:detail", args=[live_interview.pk])).content.decode()
    assert case.tracking_number in transcript
    assert Case.objects.count() == 1


def test_a_link_opened_after_the_interview_closed_is_refused(client, live_interview, host,
                                                             django_capture_on_commit_callbacks):
    ask_by_email(client, live_interview, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.interview_close(actor=host, interview_id=live_interview.pk) == []
    assert confirm(client, link_in(mail.outbox[0])).status_code == 400
    assert Question.objects.get().state == QuestionState.UNCONFIRMED


def test_the_public_page_offers_the_e_mail_form_to_visitors(client, interview):
    page = client.get(reverse("interviews:detail", args=[interview.pk])).content.decode()
    assert reverse("interviews:ask_by_email", args=[interview.pk]) in page


def test_a_signed_in_citizen_known_by_a_mobile_number_asks_as_themselves(client, interview):
    user = UserFactory(email="", email_confirmed_at=None, phone="+8613800138000",
                       phone_confirmed_at=timezone.now())
    client.force_login(user)
    client.post(reverse("interviews:ask", args=[interview.pk]), {"body": "手机用户的问题"})
    assert Question.objects.get().asker == user
