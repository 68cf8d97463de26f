"""The interview's services: who may schedule, ask, screen, support and
post, from which states, and what each leaves in the history."""

import pytest

from interviews import services
from interviews.models import InterviewState, Question, QuestionState
from portal.errors import ActionForbidden, DomainError, TransitionNotAllowed
from tests.factories import UserFactory
from tests.interviews.conftest import ask

pytestmark = pytest.mark.django_db


def test_only_hosts_schedule(schedule, citizen, official):
    for outsider in (citizen, official):
        with pytest.raises(ActionForbidden):
            schedule(actor=outsider)


def test_an_interview_must_end_after_it_starts(schedule, interview):
    with pytest.raises(DomainError):
        schedule(ends_at=interview.starts_at)


def test_asking_needs_a_confirmed_address(interview):
    unconfirmed = UserFactory(email_confirmed_at=None)
    with pytest.raises(ActionForbidden):
        ask(interview, unconfirmed)
    assert not Question.objects.exists()


def test_a_citizen_asks_a_limited_number_of_questions(interview, citizen, settings):
    settings.INTERVIEW_QUESTIONS_PER_PERSON = 2
    ask(interview, citizen)
    ask(interview, citizen, body="第二个问题")
    with pytest.raises(DomainError):
        ask(interview, citizen, body="第三个问题")


def test_a_question_is_published_in_the_moderators_wording(interview, citizen, moderator):
    question = ask(interview, citizen, body="我的电话是13900001111，地铁接驳公交能否延长？")
    published = services.question_publish(actor=moderator, question_id=question.pk, body="地铁接驳公交能否延长？")
    assert published.state == QuestionState.PUBLISHED
    assert published.body == "地铁接驳公交能否延长？"
    assert "13900001111" in published.original
    assert [h.history_change_reason for h in published.history.order_by("history_date")] == ["asked", "published"]
    assert published.history.latest().history_user == moderator


def test_citizens_and_other_departments_cannot_screen(interview, citizen, other_citizen, other_official):
    question = ask(interview, citizen)
    for outsider in (other_citizen, other_official):
        with pytest.raises(ActionForbidden):
            services.question_publish(actor=outsider, question_id=question.pk)
    question.refresh_from_db()
    assert question.state == QuestionState.PENDING


def test_a_rejection_needs_a_reason_and_keeps_it(interview, citizen, moderator, reason):
    question = ask(interview, citizen)
    with pytest.raises(DomainError):
        services.question_reject(actor=moderator, question_id=question.pk, reason=None)
    rejected = services.question_reject(actor=moderator, question_id=question.pk, reason=reason, note="请文明提问")
    assert (rejected.state, rejected.rejection_reason, rejected.rejection_note) == (
        QuestionState.REJECTED, reason, "请文明提问")


def test_a_question_merges_only_into_a_published_one_of_the_same_interview(schedule, interview, citizen,
                                                                          other_citizen, moderator):
    target = ask(interview, citizen, publish_by=moderator)
    duplicate = ask(interview, other_citizen, body="接驳公交能晚点收车吗？")
    elsewhere = ask(schedule(title="另一场访谈"), other_citizen, body="别处的问题", publish_by=moderator)
    with pytest.raises(DomainError):
        services.question_merge(actor=moderator, question_id=duplicate.pk, into_question_id=elsewhere.pk)
    merged = services.question_merge(actor=moderator, question_id=duplicate.pk, into_question_id=target.pk)
    assert (merged.state, merged.merged_into) == (QuestionState.MERGED, target)


def test_support_counts_once_per_person(interview, citizen, other_citizen, moderator):
    question = ask(interview, citizen, publish_by=moderator)
    assert services.question_support(actor=other_citizen, question_id=question.pk) is True
    assert services.question_support(actor=other_citizen, question_id=question.pk) is False
    assert services.question_support(actor=citizen, question_id=question.pk) is True
    question.refresh_from_db()
    assert question.support_count == 2


def test_an_unpublished_question_cannot_be_supported(interview, citizen, other_citizen):
    question = ask(interview, citizen)
    with pytest.raises(TransitionNotAllowed):
        services.question_support(actor=other_citizen, question_id=question.pk)


def test_answers_are_posted_only_live_and_by_hosts(interview, host, official, other_official, moderator, citizen):
    question = ask(interview, citizen, publish_by=moderator)
    with pytest.raises(TransitionNotAllowed):
        services.answer_post(actor=host, interview_id=interview.pk, body="尚未开始")
    services.interview_start(actor=official, interview_id=interview.pk)
    for outsider in (other_official, moderator, citizen):
        with pytest.raises(ActionForbidden):
            services.answer_post(actor=outsider, interview_id=interview.pk, body="越权回答")
    answer = services.answer_post(actor=official, interview_id=interview.pk, question_id=question.pk,
                                  body="将延长至二十三点。", speaker="陈明")
    question.refresh_from_db()
    assert question.answered_at == answer.posted_at
    assert answer.history.latest().history_user == official


def test_the_interview_keeps_its_history(interview, host):
    services.interview_start(actor=host, interview_id=interview.pk)
    services.interview_close(actor=host, interview_id=interview.pk)
    interview.refresh_from_db()
    assert interview.state == InterviewState.CLOSED
    assert [h.history_change_reason for h in interview.history.order_by("history_date")] == [
        "scheduled", "started", "closed"]


def test_a_closed_interview_takes_no_questions(interview, host, citizen):
    services.interview_close(actor=host, interview_id=interview.pk)
    with pytest.raises(TransitionNotAllowed):
        ask(interview, citizen)
