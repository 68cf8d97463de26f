"""A case is public only when its author agreed and a moderator approved;
the public reads the redacted copy, the author and officials the original."""

import pytest
from django.urls import reverse

from petitions.lifecycle import Status
from portal.errors import ActionForbidden, DomainError
from publication.models import Publication, PublicationRejectionReason, PublicationState
from publication.services import publication_approve, publication_reject, publication_set_author_name
from publication.signals import case_published
from tests.conftest import client_for
from tests.publication.conftest import answered_case, publish, reviewed_reply

pytestmark = pytest.mark.django_db


def public_url(case):
    return reverse("publication:case_detail", args=[case.tracking_number])


def test_not_public_until_a_moderator_approves(client, department, moderator):
    case = answered_case(department=department, title="夜间施工噪音扰民", body="每晚十一点以后还在施工。",
                         answer="已责令停止夜间施工。")
    assert client.get(public_url(case)).status_code == 404
    assert "夜间施工噪音扰民" not in client.get(reverse("publication:case_list")).content.decode()
    publish(case, moderator)
    page = client.get(public_url(case)).content.decode()
    assert "夜间施工噪音扰民" in page and "已责令停止夜间施工。" in page


def test_author_who_did_not_agree_cannot_be_published(department, moderator):
    case = answered_case(department=department, title="私下的问题", body="不想公开的内容。", wants_public=False)
    with pytest.raises(DomainError):
        publish(case, moderator)
    assert not Publication.objects.filter(case=case).exists()


def test_author_withdrawing_consent_takes_the_case_off_the_public_side(client, department, moderator):
    case = answered_case(department=department, title="曾经公开的问题", body="内容内容内容。")
    publish(case, moderator)
    case.wants_public = False
    case.save(update_fields=["wants_public"])
    assert client.get(public_url(case)).status_code == 404


def test_only_moderators_decide(department, official):
    case = answered_case(department=department, title="谁能公开", body="内容内容内容。")
    with pytest.raises(ActionForbidden):
        publication_approve(actor=official, case_id=case.pk, title=case.title, body=case.body)
    assert not Publication.objects.filter(case=case).exists()


def test_case_with_an_answer_needs_its_public_text(department, moderator):
    case = answered_case(department=department, title="有答复的问题", body="内容内容内容。", answer="答复内容")
    with pytest.raises(DomainError):
        publication_approve(actor=moderator, case_id=case.pk, title=case.title, body=case.body, answer="")


def test_redacted_copy_for_the_public_original_for_author_and_official(client, department, moderator, citizen,
                                                                       official):
    case = answered_case(department=department, title="张三家门口噪音", body="我的电话是13912345678，请联系张三。",
                         answer="已联系张三处理。", citizen=citizen, contact_name="张三")
    publish(case, moderator, title="[已隐去]家门口噪音", body="我的电话是[已隐去]，请联系[已隐去]。",
            answer="已联系[已隐去]处理。")
    public = client.get(public_url(case)).content.decode()
    assert "13912345678" not in public and "张三" not in public and "[已隐去]家门口噪音" in public
    for viewer in (citizen, official):
        page = client_for(client, viewer).get(reverse("petitions:case_detail", args=[case.pk])).content.decode()
        assert "13912345678" in page and "张三家门口噪音" in page


def test_author_is_a_citizen_unless_they_choose_to_show_their_name(client, department, moderator, citizen):
    case = answered_case(department=department, title="署名的问题", body="内容内容内容。", citizen=citizen,
                         contact_name="李四")
    publish(case, moderator)
    page = client.get(public_url(case)).content.decode()
    assert "李四" not in page and "A citizen" in page
    publication_set_author_name(actor=citizen, case_id=case.pk, show=True)
    assert "李四" in client.get(public_url(case)).content.decode()


def test_only_the_author_chooses_to_show_the_name(department, official, citizen):
    case = answered_case(department=department, title="署名的问题", body="内容内容内容。", citizen=citizen)
    with pytest.raises(ActionForbidden):
        publication_set_author_name(actor=official, case_id=case.pk, show=True)


def test_author_chooses_from_the_case_page(client, department, citizen, other_citizen):
    case = answered_case(department=department, title="署名的问题", body="内容内容内容。", citizen=citizen)
    url = reverse("publication:author_name", args=[case.pk])
    assert client_for(client, other_citizen).post(url, {"show_author_name": "on"}).status_code == 404
    client_for(client, citizen).post(url, {"show_author_name": "on"})
    assert Publication.objects.get(case=case).show_author_name is True


def test_rejection_keeps_the_reason_and_who_decided(client, department, moderator):
    case = answered_case(department=department, title="辱骂内容", body="内容内容内容。")
    reason = PublicationRejectionReason.objects.filter(is_active=True).first()
    publication_reject(actor=moderator, case_id=case.pk, reason=reason, note="含辱骂")
    publication = Publication.objects.get(case=case)
    assert publication.state == PublicationState.REJECTED and publication.rejection_reason == reason
    assert publication.moderated_by == moderator
    assert publication.history.first().history_user == moderator
    assert client.get(public_url(case)).status_code == 404


def test_rejecting_a_published_case_takes_it_down(client, department, moderator):
    case = answered_case(department=department, title="后来撤下", body="内容内容内容。")
    publish(case, moderator)
    publication_reject(actor=moderator, case_id=case.pk, reason=PublicationRejectionReason.objects.first())
    assert client.get(public_url(case)).status_code == 404


def test_inactive_reason_is_refused(department, moderator):
    case = answered_case(department=department, title="理由停用", body="内容内容内容。")
    reason = PublicationRejectionReason.objects.create(name="旧理由", is_active=False)
    with pytest.raises(DomainError):
        publication_reject(actor=moderator, case_id=case.pk, reason=reason)


def test_withdrawn_case_cannot_be_published(department, moderator):
    case = answered_case(department=department, title="撤回的问题", body="内容内容内容。")
    case.status = Status.WITHDRAWN
    case.save(update_fields=["status"])
    with pytest.raises(DomainError):
        publish(case, moderator)


def test_signal_sent_once_on_first_publication(department, moderator, django_capture_on_commit_callbacks):
    case = answered_case(department=department, title="联名的问题", body="内容内容内容。")
    received = []

    def listener(sender, case, by, **kwargs):
        received.append((sender, case.pk, by))

    case_published.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            publish(case, moderator)
        with django_capture_on_commit_callbacks(execute=True):
            publish(case, moderator, title="联名的问题（修订）")
    finally:
        case_published.disconnect(listener)
    assert received == [(type(case), case.pk, moderator)]


def test_a_later_answer_waits_for_the_moderator(client, department, moderator, official):
    from django.utils import timezone

    from responses.models import Reply, ReplyState

    case = answered_case(department=department, title="等待答复", body="内容内容内容。")
    publish(case, moderator)
    assert "The department has not answered yet." in client.get(public_url(case)).content.decode()
    Reply.objects.create(case=case, department=department, author=official, body="新的答复：已处理。",
                         state=ReplyState.PUBLISHED, published_at=timezone.now())
    assert "新的答复" not in client.get(public_url(case)).content.decode()
    client_for(client, moderator)
    queue = client.get(reverse("publication:moderation_queue")).content.decode()
    assert case.tracking_number in queue
    response = client.post(reverse("publication:moderate_case", args=[case.pk]),
                           {"decision": "approve", "reply_id": reviewed_reply(case)})
    assert response.status_code == 302
    client.logout()
    assert "新的答复：已处理。" in client.get(public_url(case)).content.decode()
