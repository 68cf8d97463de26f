import pytest
from django.core import mail

from consultations import grouping, services, tasks
from consultations.models import Adoption, CommentGroup, Consultation, Phase
from notifications.models import Event, Notification
from portal.errors import ActionForbidden, TransitionNotAllowed
from supervision import scan
from supervision.models import ClockKind, ClockState, SupervisionClock
from tests.consultations.conftest import close_now
from tests.factories import UserFactory

CAMPAIGN = "坚决反对提高停车收费标准，这将加重市民负担，请重新考虑本条规定！"


def test_fingerprints_ignore_punctuation_spacing_case_and_width():
    assert grouping.fingerprint("反对 提高收费！ABC") == grouping.fingerprint("反对提高收费!abc")
    assert grouping.fingerprint("ＡＢＣ１２３") == grouping.fingerprint("abc123")
    assert grouping.fingerprint("支持") != grouping.fingerprint("反对")


def test_near_identical_chinese_texts_are_close_and_different_ones_far():
    base = grouping.simhash(CAMPAIGN)
    near = grouping.simhash(CAMPAIGN.replace("请重新考虑本条规定", "请重新考虑这条规定"))
    other = grouping.simhash("建议在医院周边增加临时停车位，方便就医的市民和家属。")
    assert grouping.distance(base, near) <= grouping.NEAR_DISTANCE
    assert grouping.distance(base, other) > grouping.NEAR_DISTANCE


@pytest.mark.django_db(transaction=True)
def test_each_new_comment_joins_its_campaign_on_commit(open_consultation, django_capture_on_commit_callbacks,
                                                       monkeypatch):
    monkeypatch.setattr(tasks.group_comment, "delay", lambda pk: tasks.group_comment(pk))
    authors = [UserFactory() for _ in range(4)]
    with django_capture_on_commit_callbacks(execute=True):
        for author, body in zip(authors, [CAMPAIGN, CAMPAIGN.replace("！", "。"),
                                          CAMPAIGN.replace("请重新考虑本条规定", "请重新考虑这条规定"),
                                          "建议延长免费停车时间。"], strict=True):
            services.comment_submit(actor=author, consultation_id=open_consultation.pk, body=body)
    groups = CommentGroup.objects.filter(consultation=open_consultation).order_by("-size")
    assert [group.size for group in groups] == [3, 1]
    # Grouping again changes nothing.
    for comment in open_consultation.comments.all():
        services.comment_group(comment_id=comment.pk)
    assert [group.size for group in groups.all()] == [3, 1]


@pytest.mark.django_db
def test_an_edited_comment_leaves_its_campaign(open_consultation, citizen, other_citizen):
    first = services.comment_submit(actor=citizen, consultation_id=open_consultation.pk, body=CAMPAIGN)
    second = services.comment_submit(actor=other_citizen, consultation_id=open_consultation.pk, body=CAMPAIGN)
    for comment in (first, second):
        services.comment_group(comment_id=comment.pk)
    group = CommentGroup.objects.get(consultation=open_consultation)
    assert group.size == 2
    services.comment_edit(actor=citizen, comment_id=first.pk, body="我改为支持，但希望分时段收费。")
    services.comment_group(comment_id=first.pk)
    group.refresh_from_db()
    assert group.size == 1 and CommentGroup.objects.filter(consultation=open_consultation).count() == 2


@pytest.mark.django_db
def test_closing_starts_the_report_clock_once_and_the_report_stops_it(
        open_consultation, citizen, other_citizen, official, head, django_capture_on_commit_callbacks):
    comment = services.comment_submit(actor=citizen, consultation_id=open_consultation.pk, body=CAMPAIGN)
    services.comment_submit(actor=other_citizen, consultation_id=open_consultation.pk, body=CAMPAIGN)
    group = services.comment_group(comment_id=comment.pk)
    section = open_consultation.sections.get(number=5)
    with pytest.raises(TransitionNotAllowed):
        services.feedback_set(actor=official, consultation_id=open_consultation.pk, section_id=section.pk,
                              decision=Adoption.ADOPTED, reason="早")
    close_now(open_consultation)
    assert tasks.close_due_consultations() == 1
    assert tasks.close_due_consultations() == 0
    clock = SupervisionClock.objects.get(kind=ClockKind.CONSULTATION_REPORT)
    assert clock.subject == open_consultation and clock.state == ClockState.RUNNING

    services.feedback_set(actor=official, consultation_id=open_consultation.pk, section_id=section.pk,
                          decision=Adoption.PARTLY, reason="收费标准将分时段制定。")
    services.feedback_set(actor=official, consultation_id=open_consultation.pk, group_id=group.pk,
                          decision=Adoption.NOT_ADOPTED, reason="收费标准由价格部门依法制定。")
    with pytest.raises(ActionForbidden):
        services.report_publish(actor=official, consultation_id=open_consultation.pk, summary="总结")
    with django_capture_on_commit_callbacks(execute=True):
        reported = services.report_publish(actor=head, consultation_id=open_consultation.pk, summary="共收到意见2条。")
    assert reported.phase == Phase.REPORTED
    clock.refresh_from_db()
    assert clock.state == ClockState.MET
    told = set(Notification.objects.filter(event=Event.CONSULTATION_REPORT).values_list("recipient", flat=True))
    assert told == {citizen.pk, other_citizen.pk}
    assert any(f"/consultations/{open_consultation.pk}/" in message.body for message in mail.outbox)
    with pytest.raises(TransitionNotAllowed):
        services.report_publish(actor=head, consultation_id=open_consultation.pk, summary="再发")


@pytest.mark.django_db
def test_a_late_report_reminds_the_departments_heads(open_consultation, head, official,
                                                     django_capture_on_commit_callbacks):
    import datetime

    from django.utils import timezone

    close_now(open_consultation)
    services.consultations_close_due()
    moment = timezone.now() - datetime.timedelta(minutes=1)
    SupervisionClock.objects.filter(kind=ClockKind.CONSULTATION_REPORT).update(warn_at=moment, due_at=moment)
    with django_capture_on_commit_callbacks(execute=True):
        scan.scan()
    notices = Notification.objects.filter(event__in=[Event.REMINDER, Event.BREACHED])
    assert set(notices.values_list("recipient", flat=True)) == {head.pk}
    assert all(notice.path == f"/consultations/{open_consultation.pk}/" for notice in notices)
    assert Consultation.objects.get(pk=open_consultation.pk).closed_at is not None


@pytest.mark.django_db
def test_the_report_closes_a_window_the_scan_has_not_reached_and_quotes_only_published_text(
        client, open_consultation, citizen, official, head):
    comment = services.comment_submit(actor=citizen, consultation_id=open_consultation.pk,
                                      body="我叫李四，住在幸福小区，反对收费")
    group = services.comment_group(comment_id=comment.pk)
    close_now(open_consultation)
    services.feedback_set(actor=official, consultation_id=open_consultation.pk, group_id=group.pk,
                          decision=Adoption.NOT_ADOPTED, reason="收费标准由价格部门依法制定。")
    services.report_publish(actor=head, consultation_id=open_consultation.pk, summary="共收到意见1条。")
    clock = SupervisionClock.objects.get(kind=ClockKind.CONSULTATION_REPORT)
    assert clock.state == ClockState.MET
    page = client.get(f"/consultations/{open_consultation.pk}/").content.decode()
    assert "收费标准由价格部门依法制定" in page and "李四" not in page
    assert "李四" not in str(client.get(f"/api/v1/consultations/{open_consultation.pk}/").json())
