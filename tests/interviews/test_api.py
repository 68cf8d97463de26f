"""The interviews' REST API: anyone reads, citizens ask and support, the
moderator screens, the department's official posts and closes; everyone
else is refused, and a hidden interview answers like a missing one."""

import pytest
from rest_framework.test import APIClient

from interviews.models import Question, QuestionState
from tests.api.conftest import token_client
from tests.factories import RoutingRuleFactory
from tests.interviews.conftest import ask

pytestmark = pytest.mark.django_db

BASE = "/api/v1/interviews/"


def test_anyone_reads_interviews_questions_and_posts(live_interview, citizen, moderator, host):
    from interviews import services

    question = ask(live_interview, citizen, publish_by=moderator)
    ask(live_interview, citizen, body="未审核的问题")
    services.answer_post(actor=host, interview_id=live_interview.pk, question_id=question.pk, body="答复。")
    anonymous = APIClient()
    listed = anonymous.get(BASE).json()
    assert [item["title"] for item in listed["results"]] == [live_interview.title]
    assert listed["results"][0]["state"] == "live"
    assert [q["body"] for q in anonymous.get(f"{BASE}{live_interview.pk}/questions/").json()] == [question.body]
    detail = anonymous.get(f"{BASE}{live_interview.pk}/").json()
    assert detail["posts"][0]["body"] == "答复。" and detail["posts"][0]["question"]["id"] == question.pk


def test_the_whole_session_through_the_api(live_interview, citizen, other_citizen, moderator, official,
                                           department, category, django_capture_on_commit_callbacks):
    RoutingRuleFactory(category=category, lead_department=department, priority=1)
    asked = token_client(citizen).post(f"{BASE}{live_interview.pk}/questions/", {"body": "能否延长运营时间？"},
                                       format="json")
    assert asked.status_code == 201, asked.content
    left = token_client(citizen).post(f"{BASE}{live_interview.pk}/questions/", {"body": "留给部门的问题"},
                                      format="json").json()
    screener = token_client(moderator)
    assert [q["id"] for q in screener.get(f"{BASE}{live_interview.pk}/questions/pending/").json()] == [
        asked.json()["id"], left["id"]]
    for question_id in (asked.json()["id"], left["id"]):
        screened = screener.post(f"{BASE}{live_interview.pk}/questions/{question_id}/screen/",
                                 {"decision": "publish"}, format="json")
        assert screened.json()["state"] == QuestionState.PUBLISHED
    supported = token_client(other_citizen).post(
        f"{BASE}{live_interview.pk}/questions/{asked.json()['id']}/support/")
    assert supported.json()["support_count"] == 1
    posted = token_client(official).post(f"{BASE}{live_interview.pk}/answers/",
                                         {"question": asked.json()["id"], "body": "可以延长。"}, format="json")
    assert posted.status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        closed = token_client(official).post(f"{BASE}{live_interview.pk}/close/")
    assert closed.status_code == 200
    question = Question.objects.get(pk=left["id"])
    assert closed.json()["new_cases"] == [question.case.tracking_number]


@pytest.mark.parametrize("actor", ["other_official", "citizen"])
def test_outsiders_cannot_screen_or_post(live_interview, citizen, request, actor):
    question = ask(live_interview, citizen)
    client = token_client(request.getfixturevalue(actor))
    for path, data in [(f"questions/{question.pk}/screen/", {"decision": "publish"}),
                       ("answers/", {"body": "越权"}), ("close/", {}), ("questions/pending/", None)]:
        def send(url, data=data):
            return client.get(url) if data is None else client.post(url, data, format="json")

        response, missing = send(f"{BASE}{live_interview.pk}/{path}"), send(f"{BASE}987654/{path}")
        assert response.status_code == 404 and missing.status_code == 404
        assert response.json() == missing.json()
    question.refresh_from_db()
    assert question.state == QuestionState.PENDING


def test_a_moderator_cannot_post_answers(live_interview, moderator):
    response = token_client(moderator).post(f"{BASE}{live_interview.pk}/answers/", {"body": "越权"}, format="json")
    assert response.status_code == 404


def test_the_anonymous_cannot_ask(live_interview):
    response = APIClient().post(f"{BASE}{live_interview.pk}/questions/", {"body": "匿名"}, format="json")
    assert response.status_code in (401, 403)
    assert not Question.objects.exists()


def test_only_hosts_schedule_through_the_api(host, official, department, category, region):
    data = {"title": "网上发布会", "department": department.pk, "guests": "发言人",
            "starts_at": "2030-01-05T10:00:00+08:00", "ends_at": "2030-01-05T11:00:00+08:00",
            "category": category.pk, "region": region.pk}
    assert token_client(official).post(BASE, data, format="json").status_code == 403
    created = token_client(host).post(BASE, data, format="json")
    assert created.status_code == 201 and created.json()["state"] == "scheduled"


def test_anyone_asks_through_the_api_with_an_address_to_confirm(live_interview, settings, mailoutbox,
                                                                django_capture_on_commit_callbacks):
    settings.ACCOUNT_MAIL_RATE_PER_ADDRESS = "2/h"
    url = f"{BASE}{live_interview.pk}/questions/by-email/"
    data = {"email": "visitor@example.org", "body": "不注册也能提问吗？"}
    with django_capture_on_commit_callbacks(execute=True):
        first = APIClient().post(url, data, format="json", REMOTE_ADDR="10.0.4.1")
    assert first.status_code == 202 and first.json() == {"state": "unconfirmed"}
    assert Question.objects.get().state == QuestionState.UNCONFIRMED
    assert "/interviews/confirm/" in mailoutbox[0].body
    APIClient().post(url, data, format="json", REMOTE_ADDR="10.0.4.2")
    limited = APIClient().post(url, data, format="json", REMOTE_ADDR="10.0.4.3")
    assert limited.status_code == 429 and limited["Retry-After"] and limited.json()["errors"]
    assert Question.objects.count() == 2


def test_the_schema_documents_asking_by_email():
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content.decode()
    assert "interviews_ask_by_email" in schema
