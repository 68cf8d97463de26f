"""The moderators' queue and decision page."""

import pytest
from django.urls import reverse

from publication.models import Publication, PublicationRejectionReason, PublicationState
from tests.conftest import client_for
from tests.publication.conftest import answered_case, reviewed_reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(department, citizen):
    return answered_case(department=department, title="王五反映小区噪音", citizen=citizen, contact_name="王五",
                         body="联系电话 13812345678，邮箱 wangwu@example.org，身份证 110101199003071234。",
                         answer="已联系王五，电话 010-12345678。")


@pytest.mark.parametrize("who", [None, "citizen", "official", "supervisor"])
def test_only_moderators_see_the_queue_and_decide(client, request, who, waiting):
    user = request.getfixturevalue(who) if who else None
    client_for(client, user)
    queue = client.get(reverse("publication:moderation_queue"))
    decide = client.post(reverse("publication:moderate_case", args=[waiting.pk]), {"decision": "approve"})
    assert queue.status_code in (302, 403) and decide.status_code in (302, 403)
    if user is not None:
        assert queue.status_code == 403 and decide.status_code == 403
    assert not Publication.objects.filter(case=waiting).exists()


def test_queue_lists_cases_asking_for_publication(client, moderator, waiting, department,
                                                  django_assert_max_num_queries):
    private = answered_case(department=department, title="不公开的问题", body="内容内容内容。", wants_public=False)
    for number in range(3):
        answered_case(department=department, title=f"另一个问题{number}", body="内容内容内容。")
    client_for(client, moderator)
    client.get(reverse("publication:moderation_queue"))  # warm the session
    with django_assert_max_num_queries(8):
        page = client.get(reverse("publication:moderation_queue")).content.decode()
    assert waiting.tracking_number in page and private.tracking_number not in page


def test_decision_page_offers_the_texts_with_personal_data_removed(client, moderator, waiting):
    page = client_for(client, moderator).get(reverse("publication:moderate_case", args=[waiting.pk])).content.decode()
    form = page[page.index('id="redacted-heading"'):]
    for secret in ("13812345678", "wangwu@example.org", "110101199003071234", "010-12345678", "王五"):
        assert secret not in form
    assert "[removed]" in form


def test_publish_with_redaction(client, moderator, waiting):
    client_for(client, moderator).post(reverse("publication:moderate_case", args=[waiting.pk]), {
        "decision": "redact", "title": "[removed]反映小区噪音", "body": "联系方式已隐去。", "answer": "已联系。",
        "reply_id": reviewed_reply(waiting)})
    publication = Publication.objects.get(case=waiting)
    assert publication.state == PublicationState.PUBLISHED and publication.redacted
    assert (publication.title, publication.body, publication.answer) == ("[removed]反映小区噪音", "联系方式已隐去。",
                                                                         "已联系。")
    assert publication.moderated_by == moderator
    waiting.refresh_from_db()
    assert waiting.title == "王五反映小区噪音"  # the original stays


def test_publish_with_redaction_needs_the_texts(client, moderator, waiting):
    response = client_for(client, moderator).post(reverse("publication:moderate_case", args=[waiting.pk]),
                                                  {"decision": "redact", "title": "", "body": ""})
    assert response.status_code == 400
    assert not Publication.objects.filter(case=waiting).exists()


def test_reject_needs_a_reason_from_the_list(client, moderator, waiting):
    client_for(client, moderator)
    url = reverse("publication:moderate_case", args=[waiting.pk])
    response = client.post(url, {"decision": "reject"})
    assert response.status_code == 400 and "Choose a reason from the list." in response.content.decode()
    reason = PublicationRejectionReason.objects.filter(is_active=True).first()
    client.post(url, {"decision": "reject", "reason": reason.pk, "note": "个人信息太多"})
    publication = Publication.objects.get(case=waiting)
    assert publication.state == PublicationState.REJECTED and publication.rejection_note == "个人信息太多"
    queue = client.get(reverse("publication:moderation_queue")).content.decode()
    assert waiting.tracking_number not in queue[queue.index('id="queue-heading"'):]
    # The reason in the decisions, in the parentheses Chinese writes.
    page = client.get(reverse("publication:moderate_case", args=[waiting.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    history = page.content.decode()
    assert f"（{reason.name}）" in history[history.index('id="history-heading"'):]


def test_missing_case_is_404_for_a_moderator(client, moderator):
    assert client_for(client, moderator).get(reverse("publication:moderate_case", args=[999999])).status_code == 404


def test_decision_page_lists_who_decided_and_when(client, moderator, waiting):
    client_for(client, moderator).post(reverse("publication:moderate_case", args=[waiting.pk]),
                                       {"decision": "approve", "reply_id": reviewed_reply(waiting)})
    page = client.get(reverse("publication:moderate_case", args=[waiting.pk])).content.decode()
    history = page[page.index('id="history-heading"'):]
    assert str(moderator) in history and "published as written" in history


def test_administrators_edit_the_reasons_and_only_read_decisions(client, moderator, waiting):
    from tests.factories import UserFactory

    admin = UserFactory(is_staff=True, is_superuser=True)
    client_for(client, moderator).post(reverse("publication:moderate_case", args=[waiting.pk]),
                                       {"decision": "approve", "reply_id": reviewed_reply(waiting)})
    client_for(client, admin)
    assert client.get(reverse("admin:publication_publicationrejectionreason_add")).status_code == 200
    publication = Publication.objects.get(case=waiting)
    assert client.get(reverse("admin:publication_publication_change", args=[publication.pk])).status_code == 200
    assert client.get(reverse("admin:publication_publication_add")).status_code == 403


@pytest.mark.parametrize("decision", ["approve", "redact"])
def test_an_answer_arriving_after_the_page_opened_is_not_published_unseen(client, moderator, department, decision):
    from django.utils import timezone

    from responses.models import Reply, ReplyState

    case = answered_case(department=department, title="等待答复", body="内容内容内容。")
    client_for(client, moderator)
    page = client.get(reverse("publication:moderate_case", args=[case.pk])).content.decode()
    assert 'name="reply_id" value=""' in page  # no answer when the moderator read the case
    Reply.objects.create(case=case, department=department, author=moderator, body="刚刚到达的答复。",
                         state=ReplyState.PUBLISHED, published_at=timezone.now())
    response = client.post(reverse("publication:moderate_case", args=[case.pk]), {
        "decision": decision, "title": "等待答复", "body": "内容内容内容。", "answer": "已处理。", "reply_id": ""})
    assert response.status_code == 400
    assert not Publication.objects.filter(case=case).exists()
    page = response.content.decode()
    assert "A new answer was published since you opened this page" in page
    assert "刚刚到达的答复。" in page  # the page shows the current answer to review
    response = client.post(reverse("publication:moderate_case", args=[case.pk]), {
        "decision": decision, "title": "等待答复", "body": "内容内容内容。", "answer": "已处理。",
        "reply_id": reviewed_reply(case)})
    assert response.status_code == 302
    assert Publication.objects.get(case=case).state == PublicationState.PUBLISHED
