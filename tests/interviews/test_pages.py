"""The interview pages: who reaches the hosts' pages (the department's
official, a moderator, an outsider), asking and supporting from the public
page, and bounded queries on the lists."""

import pytest
from django.urls import reverse

from interviews import services
from interviews.models import Answer, Interview, InterviewState, Question, QuestionState
from tests.factories import UserFactory
from tests.interviews.conftest import ask

pytestmark = pytest.mark.django_db


def as_user(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("actor, status", [("official", 200), ("moderator", 200), ("other_official", 404),
                                           ("citizen", 404)])
def test_the_hosts_page_is_for_the_department_and_moderators(client, interview, request, actor, status):
    user = request.getfixturevalue(actor)
    assert as_user(client, user).get(reverse("interviews:manage", args=[interview.pk])).status_code == status


def test_an_outsiders_404_looks_like_a_missing_interview(client, interview, other_official):
    as_user(client, other_official)
    forbidden = client.get(reverse("interviews:manage", args=[interview.pk]))
    missing = client.get(reverse("interviews:manage", args=[987654]))
    assert forbidden.status_code == missing.status_code == 404


def test_the_department_official_posts_and_a_moderator_cannot(client, live_interview, official, moderator):
    url = reverse("interviews:answer", args=[live_interview.pk])
    assert as_user(client, moderator).post(url, {"body": "越权"}).status_code == 404
    response = as_user(client, official).post(url, {"body": "各位好。", "speaker": "陈明"})
    assert response.status_code == 302
    assert Answer.objects.get().body == "各位好。"


def test_a_moderator_screens_from_the_hosts_page(client, interview, citizen, moderator, reason):
    keep, drop = ask(interview, citizen), ask(interview, citizen, body="骂人的话")
    as_user(client, moderator)
    client.post(reverse("interviews:screen", args=[interview.pk, keep.pk]),
                {f"q{keep.pk}-decision": "publish", f"q{keep.pk}-body": "改写后的问题"})
    client.post(reverse("interviews:screen", args=[interview.pk, drop.pk]),
                {f"q{drop.pk}-decision": "reject", f"q{drop.pk}-reason": reason.pk})
    keep.refresh_from_db()
    drop.refresh_from_db()
    assert (keep.state, keep.body, drop.state) == (QuestionState.PUBLISHED, "改写后的问题", QuestionState.REJECTED)
    page = client.get(reverse("interviews:manage", args=[interview.pk])).content.decode()
    assert "改写后的问题" in page


def test_an_outsider_cannot_screen(client, interview, citizen, other_official):
    question = ask(interview, citizen)
    response = as_user(client, other_official).post(
        reverse("interviews:screen", args=[interview.pk, question.pk]), {f"q{question.pk}-decision": "publish"})
    assert response.status_code == 404
    question.refresh_from_db()
    assert question.state == QuestionState.PENDING


def test_a_citizen_asks_and_supports_from_the_public_page(client, interview, citizen, other_citizen, moderator):
    as_user(client, citizen).post(reverse("interviews:ask", args=[interview.pk]), {"body": "我的问题"})
    question = Question.objects.get()
    assert question.asker == citizen
    page = client.get(reverse("interviews:detail", args=[interview.pk])).content.decode()
    assert "我的问题" in page  # under "Your questions", before screening
    services.question_publish(actor=moderator, question_id=question.pk)
    as_user(client, other_citizen).post(reverse("interviews:support", args=[interview.pk, question.pk]))
    client.post(reverse("interviews:support", args=[interview.pk, question.pk]))
    question.refresh_from_db()
    assert question.support_count == 1


def test_an_unconfirmed_account_is_asked_to_confirm_first(client, interview):
    user = UserFactory(email_confirmed_at=None)
    page = as_user(client, user).get(reverse("interviews:detail", args=[interview.pk])).content.decode()
    assert reverse("accounts:confirm_email_resend") in page
    client.post(reverse("interviews:ask", args=[interview.pk]), {"body": "未确认的问题"})
    assert not Question.objects.exists()


def test_a_host_schedules_from_the_form(client, host, department, category, region):
    response = as_user(client, host).post(reverse("interviews:new"), {
        "title": "网上发布会", "department": department.pk, "guests": "新闻发言人", "starts_at": "2030-01-05T10:00",
        "ends_at": "2030-01-05T11:00", "category": category.pk, "region": region.pk,
        "stream_url": "https://video.example.org/live"})
    interview = Interview.objects.get()
    assert response.status_code == 302 and interview.created_by == host
    assert interview.state == InterviewState.SCHEDULED


def test_the_list_runs_a_bounded_number_of_queries(client, schedule, host, django_assert_max_num_queries):
    for number in range(6):
        interview = schedule(title=f"访谈{number}")
        if number % 2:
            services.interview_close(actor=host, interview_id=interview.pk)
    with django_assert_max_num_queries(5):
        page = client.get(reverse("interviews:list")).content.decode()
    assert "访谈5" in page and "访谈0" in page


def test_the_public_page_runs_a_bounded_number_of_queries(client, live_interview, host, moderator,
                                                          django_assert_max_num_queries):
    for number in range(5):
        question = ask(live_interview, UserFactory(), body=f"问题{number}", publish_by=moderator)
        services.answer_post(actor=host, interview_id=live_interview.pk, question_id=question.pk,
                             body=f"答复{number}")
    client.force_login(UserFactory())
    with django_assert_max_num_queries(12):
        page = client.get(reverse("interviews:detail", args=[live_interview.pk])).content.decode()
    assert "答复4" in page and "问题4" in page


def test_the_supervisors_dashboard_counts_interviews(client, supervisor, live_interview, host, moderator,
                                                     citizen, django_capture_on_commit_callbacks):
    answered = ask(live_interview, citizen, publish_by=moderator)
    ask(live_interview, citizen, body="未回答", publish_by=moderator)
    # Never confirmed by its asker: neither received nor passed on.
    services.question_submit_by_email(interview_id=live_interview.pk, email="x@example.org", body="未确认")
    services.answer_post(actor=host, interview_id=live_interview.pk, question_id=answered.pk, body="答复")
    with django_capture_on_commit_callbacks(execute=True):
        services.interview_close(actor=host, interview_id=live_interview.pk)
    page = as_user(client, supervisor).get(reverse("supervision:dashboard")).content.decode()
    panel = page[page.index('id="interviews-panel-heading"'):]
    figures = [part.split("</dd>")[0] for part in panel.split("<dd>")[1:5]]
    assert figures == ["1", "2", "1", "1"]


def test_the_hosts_page_runs_a_bounded_number_of_queries(client, live_interview, official, moderator, reason,
                                                         django_assert_max_num_queries):
    for number in range(3):
        ask(live_interview, UserFactory(), body=f"已公开{number}", publish_by=moderator)
    for number in range(8):
        ask(live_interview, UserFactory(), body=f"待审核{number}")
    as_user(client, official)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("interviews:manage", args=[live_interview.pk])).content.decode()
    assert "待审核7" in page and page.count(reason.name) == 8


def test_the_chinese_pages_use_full_width_punctuation(client, live_interview, official, moderator, citizen, reason):
    import re

    from tests.portal.test_chinese_punctuation import half_width_beside_chinese

    ask(live_interview, citizen, body="公开的问题", publish_by=moderator)
    rejected = ask(live_interview, citizen, body="被拒绝的问题")
    services.question_reject(actor=moderator, question_id=rejected.pk, reason=reason, note="含有人身攻击")

    def text_of(user, name):
        page = as_user(client, user).get(reverse(name, args=[live_interview.pk]),
                                          HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        main = page[page.index("<main"):page.index("</main>")]
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))

    assert half_width_beside_chinese(text_of(official, "interviews:manage")) == []
    assert half_width_beside_chinese(text_of(citizen, "interviews:detail")) == []
