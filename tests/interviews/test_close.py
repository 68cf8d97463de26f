"""Closing an interview: every question not answered live becomes a case,
submitted and routed like any other with its own clocks, linked from the
transcript and told to its asker; closing again changes nothing."""

import pytest
from django.urls import reverse

from interviews import services
from interviews.models import Question
from notifications.models import Event, Notification
from petitions.lifecycle import Status
from petitions.models import Case, Kind
from supervision.models import ClockKind, ClockState
from tests.factories import RoutingRuleFactory, UserFactory
from tests.interviews.conftest import ask

pytestmark = pytest.mark.django_db


@pytest.fixture
def rule(department, category):
    return RoutingRuleFactory(category=category, lead_department=department, priority=1)


def close(interview, actor, capture):
    with capture(execute=True):
        return services.interview_close(actor=actor, interview_id=interview.pk)


def test_unanswered_questions_become_routed_cases_and_their_askers_are_told(
        live_interview, host, moderator, citizen, other_citizen, department, rule,
        django_capture_on_commit_callbacks):
    answered = ask(live_interview, citizen, publish_by=moderator)
    unanswered = ask(live_interview, other_citizen, body="东直门公交站能否加遮阳棚？", publish_by=moderator)
    never_screened = ask(live_interview, citizen, body="还没审核的问题")
    services.answer_post(actor=host, interview_id=live_interview.pk, question_id=answered.pk, body="可以。")

    cases = close(live_interview, host, django_capture_on_commit_callbacks)

    assert len(cases) == 2
    unanswered.refresh_from_db()
    never_screened.refresh_from_db()
    answered.refresh_from_db()
    assert answered.case is None
    case = Case.objects.get(pk=unanswered.case_id)
    assert (case.citizen, case.kind, case.category, case.region) == (
        other_citizen, Kind.CONSULTATION, live_interview.category, live_interview.region)
    assert "东直门公交站能否加遮阳棚？" in case.body
    # Routed by the rules after commit, to the interviewed department, with its clocks.
    assert (case.status, case.lead_department) == (Status.DISPATCHED, department)
    clocks = {clock.kind: clock.state for clock in case.clocks.all()}
    assert clocks == {ClockKind.DISPATCH: ClockState.MET, ClockKind.SIGN_FOR: ClockState.RUNNING}
    assert Case.objects.get(pk=never_screened.case_id).citizen == citizen
    told = Notification.objects.filter(event=Event.INTERVIEW_QUESTION_CASE)
    assert {(n.recipient, n.case_id) for n in told} == {(other_citizen, unanswered.case_id),
                                                        (citizen, never_screened.case_id)}
    assert unanswered.history.latest().history_change_reason == "became_case"


def test_closing_twice_files_no_second_case(live_interview, host, moderator, citizen, rule,
                                            django_capture_on_commit_callbacks):
    ask(live_interview, citizen, publish_by=moderator)
    assert len(close(live_interview, host, django_capture_on_commit_callbacks)) == 1
    assert close(live_interview, host, django_capture_on_commit_callbacks) == []
    assert Case.objects.count() == 1
    assert Notification.objects.filter(event=Event.INTERVIEW_QUESTION_CASE).count() == 1


def test_merged_questions_follow_the_question_they_joined(live_interview, host, moderator, citizen, rule,
                                                          django_capture_on_commit_callbacks):
    askers = [UserFactory() for _ in range(4)]
    answered = ask(live_interview, askers[0], publish_by=moderator)
    left = ask(live_interview, askers[1], body="没回答的问题", publish_by=moderator)
    joined_answered = ask(live_interview, askers[2], body="与已回答的相同")
    joined_left = ask(live_interview, askers[3], body="与没回答的相同")
    services.question_merge(actor=moderator, question_id=joined_answered.pk, into_question_id=answered.pk)
    services.question_merge(actor=moderator, question_id=joined_left.pk, into_question_id=left.pk)
    services.answer_post(actor=host, interview_id=live_interview.pk, question_id=answered.pk, body="答复。")

    close(live_interview, host, django_capture_on_commit_callbacks)

    with_cases = set(Question.objects.exclude(case=None).values_list("pk", flat=True))
    assert with_cases == {left.pk, joined_left.pk}


def test_rejected_questions_do_not_become_cases(live_interview, host, moderator, citizen, reason, rule,
                                                django_capture_on_commit_callbacks):
    question = ask(live_interview, citizen)
    services.question_reject(actor=moderator, question_id=question.pk, reason=reason)
    assert close(live_interview, host, django_capture_on_commit_callbacks) == []


def test_only_hosts_close(live_interview, moderator, other_official, citizen):
    for outsider in (moderator, other_official, citizen):
        with pytest.raises(services.ActionForbidden):
            services.interview_close(actor=outsider, interview_id=live_interview.pk)


def test_the_transcript_links_each_passed_on_question_to_its_case(
        client, live_interview, host, moderator, citizen, rule, django_capture_on_commit_callbacks):
    answered = ask(live_interview, citizen, body="已回答的问题", publish_by=moderator)
    left = ask(live_interview, citizen, body="留给部门的问题", publish_by=moderator)
    services.answer_post(actor=host, interview_id=live_interview.pk, question_id=answered.pk, body="这是答复。")
    close(live_interview, host, django_capture_on_commit_callbacks)
    left.refresh_from_db()

    page = client.get(reverse("interviews:detail", args=[live_interview.pk])).content.decode()
    assert "Transcript" in page or "文字实录" in page
    assert "这是答复。" in page
    assert reverse("petitions:case_detail", args=[left.case_id]) in page
    client.force_login(citizen)
    page = client.get(reverse("interviews:detail", args=[live_interview.pk])).content.decode()
    assert left.case.tracking_number in page  # "Your questions": now case ...
