import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from consultations import services
from consultations.models import Consultation, DraftVersion, ModerationState, Phase
from portal.errors import ActionForbidden, DomainError, TransitionNotAllowed
from tests.consultations.conftest import TEXT, close_now


def test_pasted_text_is_split_at_chapters_articles_and_numbered_lines():
    parts = services.split_sections(TEXT)
    assert [part["heading"] for part in parts] == ["第一章", "第一条", "第二条", "第二章", "第三条"]
    assert parts[2]["text"] == "第二条 本办法适用于本市行政区域。"
    numbered = services.split_sections("前言\n1. 甲\n续行\n2、乙\n（3）丙")
    assert [part["text"] for part in numbered] == ["前言", "1. 甲\n续行", "2、乙", "（3）丙"]


@pytest.mark.django_db
def test_officials_draft_heads_publish_others_cannot(draft, official, head, other_official):
    assert draft.phase == Phase.DRAFT and draft.sections.count() == 5
    with pytest.raises(ActionForbidden):
        services.consultation_publish(actor=official, consultation_id=draft.pk)
    with pytest.raises(ActionForbidden):
        services.sections_replace(actor=other_official, consultation_id=draft.pk, text="第一条 改")
    with pytest.raises(ActionForbidden):
        services.consultation_create(actor=other_official, department=draft.department, title="x", text="y")
    services.sections_replace(actor=official, consultation_id=draft.pk, text="第一条 甲\n第二条 乙")
    published = services.consultation_publish(actor=head, consultation_id=draft.pk)
    assert published.phase == Phase.OPEN and published.version == 1
    assert published.closes_at - published.opens_at == datetime.timedelta(days=30)
    assert DraftVersion.objects.get(consultation=draft).sections[1]["text"] == "第二条 乙"


@pytest.mark.django_db
def test_a_shorter_window_needs_a_public_reason_and_a_later_start_is_scheduled(draft, head):
    later = timezone.now() + datetime.timedelta(days=2)
    with pytest.raises(DomainError, match="reason"):
        services.consultation_publish(actor=head, consultation_id=draft.pk, opens_at=later,
                                      closes_at=later + datetime.timedelta(days=10))
    scheduled = services.consultation_publish(actor=head, consultation_id=draft.pk, opens_at=later,
                                              closes_at=later + datetime.timedelta(days=10),
                                              short_window_reason="上级要求年底前出台")
    assert scheduled.phase == Phase.SCHEDULED and scheduled.is_short_window


@pytest.mark.django_db
def test_a_published_draft_changes_only_by_a_correction_with_its_reason(open_consultation, official, head, citizen):
    with pytest.raises(TransitionNotAllowed):
        services.sections_replace(actor=official, consultation_id=open_consultation.pk, text="第一条 悄悄改")
    first = open_consultation.sections.get(number=2)
    comment = services.comment_submit(actor=citizen, consultation_id=open_consultation.pk, body="好",
                                      section_id=first.pk)
    with pytest.raises(DomainError):
        services.consultation_correct(actor=head, consultation_id=open_consultation.pk, text=TEXT, reason=" ")
    version = services.consultation_correct(actor=head, consultation_id=open_consultation.pk,
                                            text=TEXT.replace("规范停车管理", "规范机动车停车管理"),
                                            reason="更正错字")
    assert version.number == 2 and version.reason == "更正错字"
    assert DraftVersion.objects.get(consultation=open_consultation, number=1).sections[1]["text"].startswith(
        "第一条 为了规范停车管理")
    comment.refresh_from_db()
    assert comment.section_id == first.pk and "机动车" in comment.section.text


@pytest.mark.django_db
def test_comments_only_in_the_window_and_editable_until_it_closes(open_consultation, citizen, other_citizen):
    comment = services.comment_submit(actor=citizen, consultation_id=open_consultation.pk, body="支持",
                                      stance="support")
    with pytest.raises(ActionForbidden):
        services.comment_edit(actor=other_citizen, comment_id=comment.pk, body="篡改")
    edited = services.comment_edit(actor=citizen, comment_id=comment.pk, body="有条件支持", stance="support")
    assert edited.body == "有条件支持" and edited.moderation == ModerationState.PENDING
    close_now(open_consultation)
    with pytest.raises(TransitionNotAllowed, match="closed"):
        services.comment_submit(actor=citizen, consultation_id=open_consultation.pk, body="晚了")
    with pytest.raises(TransitionNotAllowed):
        services.comment_edit(actor=citizen, comment_id=comment.pk, body="再改")


@pytest.mark.django_db
def test_only_confirmed_addresses_comment_when_the_department_says_so(open_consultation, citizen):
    citizen.email_confirmed_at = None
    citizen.save()
    with pytest.raises(ActionForbidden):
        services.comment_submit(actor=citizen, consultation_id=open_consultation.pk, body="意见")
    Consultation.objects.filter(pk=open_consultation.pk).update(who_may_comment="signed_in")
    assert services.comment_submit(actor=citizen, consultation_id=open_consultation.pk, body="意见").pk


@pytest.mark.django_db
def test_moderators_publish_redacted_or_decline_with_a_reason(open_consultation, citizen, moderator, official,
                                                              reason):
    comment = services.comment_submit(actor=citizen, consultation_id=open_consultation.pk,
                                      body="我是张三，电话13900001111，建议降价")
    with pytest.raises(ActionForbidden):
        services.comment_moderate(actor=official, comment_id=comment.pk, publish=True)
    with pytest.raises(DomainError):
        services.comment_moderate(actor=moderator, comment_id=comment.pk, publish=False)
    published = services.comment_moderate(actor=moderator, comment_id=comment.pk, publish=True,
                                          public_body="建议降价")
    assert published.public_body == "建议降价" and published.body.startswith("我是张三")
    declined = services.comment_moderate(actor=moderator, comment_id=comment.pk, publish=False, reason=reason)
    assert declined.moderation == ModerationState.REJECTED and declined.public_body == ""


@pytest.mark.django_db
def test_supporting_documents_must_be_pdf(draft, official, other_official):
    pdf = SimpleUploadedFile("说明.pdf", b"%PDF-1.4 explanation", content_type="application/pdf")
    document = services.document_add(actor=official, consultation_id=draft.pk, title="起草说明", upload=pdf)
    assert document.size > 0
    png = SimpleUploadedFile("x.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 40, content_type="application/pdf")
    with pytest.raises(DomainError, match="PDF"):
        services.document_add(actor=official, consultation_id=draft.pk, title="图", upload=png)
    with pytest.raises(ActionForbidden):
        services.document_add(actor=other_official, consultation_id=draft.pk, title="x", upload=pdf)


@pytest.mark.django_db
def test_a_citizen_comments_a_bounded_number_of_times(open_consultation, citizen, other_citizen, settings):
    settings.CONSULTATION_COMMENTS_PER_PERSON = 2
    for body in ("一", "二"):
        services.comment_submit(actor=citizen, consultation_id=open_consultation.pk, body=body)
    with pytest.raises(DomainError, match="already sent 2"):
        services.comment_submit(actor=citizen, consultation_id=open_consultation.pk, body="三")
    assert services.comment_submit(actor=other_citizen, consultation_id=open_consultation.pk, body="三").pk
