import datetime

import pytest
from django.utils import timezone

from consultations import services
from consultations.models import Adoption
from tests.conftest import client_for
from tests.consultations.conftest import TEXT, close_now
from tests.factories import UserFactory


@pytest.mark.django_db
def test_the_list_shows_open_upcoming_and_closed_filtered_in_bounded_queries(
        client, open_consultation, official, head, other_department, django_assert_max_num_queries):
    for index in range(6):
        draft = services.consultation_create(actor=official, department=open_consultation.department,
                                             title=f"草案{index}", text=TEXT)
        later = timezone.now() + datetime.timedelta(days=index + 1)
        services.consultation_publish(actor=head, consultation_id=draft.pk, opens_at=later)
    hidden = services.consultation_create(actor=official, department=open_consultation.department,
                                          title="尚未公布的草稿", text=TEXT)
    with django_assert_max_num_queries(10):
        page = client.get("/consultations/")
    text = page.content.decode()
    assert open_consultation.title in text and "草案5" in text and hidden.title not in text
    filtered = client.get("/consultations/", {"department": other_department.pk}).content.decode()
    assert open_consultation.title not in filtered
    assert open_consultation.title in client.get("/consultations/", {"q": "停车"}).content.decode()
    feed = client.get("/consultations/feed/")
    assert feed.status_code == 200 and open_consultation.title in feed.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{"department": "99999999999999999999999"}, {"topic": "99999999999999999999999"},
                                   {"department": "-3"}, {"q": "停\x00车"}])
def test_the_list_treats_an_impossible_filter_as_none_instead_of_failing(client, open_consultation, query):
    page = client.get("/consultations/", query)
    assert page.status_code == 200
    assert open_consultation.title in page.content.decode()


@pytest.mark.django_db
def test_the_page_shows_the_draft_counts_and_days_left_in_bounded_queries(
        client, open_consultation, citizen, moderator, django_assert_max_num_queries):
    section = open_consultation.sections.get(number=3)
    for _ in range(5):
        comment = services.comment_submit(actor=UserFactory(), consultation_id=open_consultation.pk, body="同意",
                                          section_id=section.pk)
        services.comment_moderate(actor=moderator, comment_id=comment.pk, publish=True)
    client_for(client, citizen)
    with django_assert_max_num_queries(16):
        page = client.get(f"/consultations/{open_consultation.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "第二条 本办法适用于本市行政区域。" in text and "5 comments" in text
    assert "29 days left" in text or "30 days left" in text
    assert 'name="body"' in text


@pytest.mark.django_db
def test_a_comment_published_after_the_page_was_seen_shows_at_once(client, open_consultation, moderator):
    section = open_consultation.sections.get(number=3)

    def publish(body):
        comment = services.comment_submit(actor=UserFactory(), consultation_id=open_consultation.pk, body=body,
                                          section_id=section.pk)
        services.comment_moderate(actor=moderator, comment_id=comment.pk, publish=True)

    publish("第一条意见：同意本条。")
    pages = [f"/consultations/{open_consultation.pk}/", f"/consultations/{open_consultation.pk}/sections/3/"]
    for path in pages:
        assert "第一条意见" in client.get(path).content.decode()  # rendered, and kept
    publish("第二条意见：建议延长时段。")
    for path in pages:
        text = client.get(path).content.decode()
        assert "第一条意见" in text and "第二条意见" in text


@pytest.mark.django_db
def test_a_draft_is_the_same_404_as_a_missing_one_except_for_its_department(client, draft, official, citizen,
                                                                           other_official):
    assert client_for(client, official).get(f"/consultations/{draft.pk}/").status_code == 200
    for user in (citizen, other_official, None):
        client.logout()
        assert client_for(client, user).get(f"/consultations/{draft.pk}/").status_code == 404
    assert client.get("/consultations/987654/").status_code == 404
    for user in (citizen, other_official):
        assert client_for(client, user).get(f"/consultations/{draft.pk}/manage/").status_code == 404
    assert client_for(client, official).get(f"/consultations/{draft.pk}/manage/").status_code == 200


@pytest.mark.django_db
def test_commenting_from_the_page_and_a_clear_error_after_the_window(client, open_consultation, citizen):
    client_for(client, citizen)
    section = open_consultation.sections.get(number=2)
    client.post(f"/consultations/{open_consultation.pk}/comment/",
                {"section": section.pk, "body": "建议增加例外情形", "stance": "support", "quote": "为了规范停车管理"})
    mine = client.get("/consultations/mine/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "建议增加例外情形" in mine and "Change this comment" in mine
    close_now(open_consultation)
    answer = client.post(f"/consultations/{open_consultation.pk}/comment/", {"body": "晚到的意见"}, follow=True,
                         HTTP_ACCEPT_LANGUAGE="en")
    assert "The comment window closed on" in answer.content.decode()
    assert not open_consultation.comments.filter(body="晚到的意见").exists()


@pytest.mark.django_db
def test_the_department_publishes_from_its_page_and_the_report_shows(client, draft, official, head, citizen):
    client_for(client, official).post(f"/consultations/{draft.pk}/publish/", {})
    draft.refresh_from_db()
    assert draft.state == "draft"  # only the head publishes
    client_for(client, head).post(f"/consultations/{draft.pk}/publish/", {})
    draft.refresh_from_db()
    assert draft.state == "published"
    services.comment_submit(actor=citizen, consultation_id=draft.pk, body="建议降低收费")
    close_now(draft)
    services.consultations_close_due()
    section = draft.sections.get(number=5)
    client_for(client, official).post(f"/consultations/{draft.pk}/feedback/", {
        "target": f"section:{section.pk}", "decision": Adoption.ADOPTED, "reason": "已调整收费标准"})
    client_for(client, head).post(f"/consultations/{draft.pk}/report/", {"summary": "共收到意见1条"})
    page = client.get(f"/consultations/{draft.pk}/").content.decode()
    assert "共收到意见1条" in page and "已调整收费标准" in page


@pytest.mark.django_db
def test_moderators_publish_comments_from_their_queue(client, open_consultation, citizen, moderator, official):
    comment = services.comment_submit(actor=citizen, consultation_id=open_consultation.pk, body="电话139，建议降价")
    assert client_for(client, official).get(f"/consultations/{open_consultation.pk}/moderate/").status_code == 404
    client_for(client, moderator).post(f"/consultations/{open_consultation.pk}/moderate/", {
        "comment": comment.pk, f"c{comment.pk}-decision": "publish", f"c{comment.pk}-public_body": "建议降价"})
    page = client.get(f"/consultations/{open_consultation.pk}/").content.decode()
    assert "建议降价" in page and "电话139" not in page


@pytest.mark.django_db
def test_a_comment_is_edited_only_by_its_author(client, open_consultation, citizen, other_citizen):
    comment = services.comment_submit(actor=citizen, consultation_id=open_consultation.pk, body="原文")
    assert client_for(client, other_citizen).get(f"/consultations/comments/{comment.pk}/edit/").status_code == 404
    client_for(client, citizen).post(f"/consultations/comments/{comment.pk}/edit/", {"body": "修改后"})
    comment.refresh_from_db()
    assert comment.body == "修改后"
