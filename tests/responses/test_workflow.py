"""Every transition of case handling, and each refusal, at the service level."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from notifications.models import Event, Notification
from petitions.lifecycle import Status
from petitions.models import Channel, RejectionReason
from petitions.permissions import cases_visible_to
from petitions.services import case_record_for_citizen
from portal.errors import ActionForbidden, CaseChanged, DomainError, TransitionNotAllowed
from responses import services
from responses.models import ReplyState, ReturnRequest, ReturnVisit
from tests.factories import CaseFactory, DepartmentFactory, DispatchedCaseFactory, UserFactory, official_of
from tests.petitions.test_case_submit import PNG


def events(case, event):
    return Notification.objects.filter(case=case, event=event)


@pytest.fixture
def accepted(citizen, official, department):
    case = DispatchedCaseFactory(citizen=citizen, lead_department=department)
    return services.case_sign_for(actor=official, case_id=case.id)


# --- return, and the dispatcher's decision ---------------------------------------


@pytest.mark.django_db
def test_official_returns_a_misrouted_case_and_dispatchers_are_told(official, department, dispatcher):
    case = DispatchedCaseFactory(lead_department=department)
    returned = services.case_return(actor=official, case_id=case.id, reason="应由交通委办理")
    case.refresh_from_db()
    assert case.status == Status.RETURNED and case.due_at is None
    assert returned.department == department and returned.decided_at is None
    assert events(case, Event.NEW_RETURN).get().recipient == dispatcher


@pytest.mark.django_db
def test_return_needs_a_reason_and_only_before_signing_for(official, accepted):
    with pytest.raises(DomainError):
        services.case_return(actor=official, case_id=accepted.id, reason=" ")
    with pytest.raises(TransitionNotAllowed):
        services.case_return(actor=official, case_id=accepted.id, reason="不是我们的")


@pytest.mark.django_db
def test_dispatcher_reroutes_a_return_with_assisting_departments(
    citizen, official, department, other_department, assisting_department, dispatcher, other_official
):
    case = DispatchedCaseFactory(citizen=citizen, lead_department=department)
    services.case_return(actor=official, case_id=case.id, reason="应由交通委办理")
    services.return_reroute(actor=dispatcher, case_id=case.id, department=other_department,
                            assisting=[assisting_department], note="改派交通委")
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED and case.lead_department == other_department
    assert list(case.assistances.values_list("department", flat=True)) == [assisting_department.pk]
    decided = case.returns.get()
    assert decided.decision == ReturnRequest.Decision.REROUTED and decided.decided_by == dispatcher
    # The returning department hears the decision; the new one gets the case.
    assert events(case, Event.RETURN_DECIDED).get().recipient == official
    assert events(case, Event.NEW_CASE).filter(recipient=other_official).exists()
    # The returning department no longer sees the case.
    assert not cases_visible_to(official).filter(pk=case.pk).exists()


@pytest.mark.django_db
def test_reroute_to_the_same_department_is_refused(official, department, dispatcher):
    case = DispatchedCaseFactory(lead_department=department)
    services.case_return(actor=official, case_id=case.id, reason="不是我们的")
    with pytest.raises(DomainError):
        services.return_reroute(actor=dispatcher, case_id=case.id, department=department)


@pytest.mark.django_db
def test_dispatcher_sends_a_return_back_with_a_reason(official, department, dispatcher):
    case = DispatchedCaseFactory(lead_department=department)
    services.case_return(actor=official, case_id=case.id, reason="不是我们的")
    with pytest.raises(DomainError):
        services.return_send_back(actor=dispatcher, case_id=case.id, note="")
    services.return_send_back(actor=dispatcher, case_id=case.id, note="属于城管职责")
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED and case.lead_department == department and case.due_at
    assert case.returns.get().decision == ReturnRequest.Decision.SENT_BACK
    assert events(case, Event.RETURN_DECIDED).get().recipient == official


# --- reject, merge, withdraw ----------------------------------------------------------


@pytest.mark.django_db
def test_dispatcher_rejects_with_a_reason_from_the_list_and_the_citizen_is_told(citizen, dispatcher):
    reason = RejectionReason.objects.create(name="非政府职责", name_en="Not a government matter")
    case = CaseFactory(citizen=citizen, status=Status.ROUTING_CENTRE)
    services.case_reject(actor=dispatcher, case_id=case.id, reason=reason, note="属于民事纠纷，请通过法院解决。")
    case.refresh_from_db()
    assert case.status == Status.REJECTED and case.rejection.reason == reason
    assert events(case, Event.REJECTED).get().recipient == citizen


@pytest.mark.django_db
def test_a_retired_reason_cannot_be_used(dispatcher):
    reason = RejectionReason.objects.create(name="旧理由", is_active=False)
    case = CaseFactory(status=Status.ROUTING_CENTRE)
    with pytest.raises(DomainError):
        services.case_reject(actor=dispatcher, case_id=case.id, reason=reason)


@pytest.mark.django_db
def test_merging_a_duplicate_lets_its_citizen_follow_the_earlier_case(citizen, other_citizen, dispatcher):
    earlier = CaseFactory(citizen=other_citizen, status=Status.DISPATCHED,
                          submitted_at=timezone.now() - datetime.timedelta(days=1))
    duplicate = CaseFactory(citizen=citizen, status=Status.ROUTING_CENTRE)
    assert not cases_visible_to(citizen).filter(pk=earlier.pk).exists()
    services.case_merge(actor=dispatcher, case_id=duplicate.id, into_case_id=earlier.id)
    duplicate.refresh_from_db()
    assert duplicate.status == Status.MERGED and duplicate.merged_into == earlier
    assert events(duplicate, Event.MERGED).get().recipient == citizen
    assert cases_visible_to(citizen).filter(pk=earlier.pk).exists()


@pytest.mark.django_db
def test_merging_into_a_later_or_the_same_case_is_refused(dispatcher):
    case = CaseFactory(status=Status.ROUTING_CENTRE)
    later = CaseFactory(submitted_at=timezone.now() + datetime.timedelta(minutes=1))
    with pytest.raises(DomainError):
        services.case_merge(actor=dispatcher, case_id=case.id, into_case_id=later.id)
    with pytest.raises(DomainError):
        services.case_merge(actor=dispatcher, case_id=case.id, into_case_id=case.id)
    case.refresh_from_db()
    assert case.status == Status.ROUTING_CENTRE


@pytest.mark.django_db
def test_citizen_withdraws_until_the_case_is_answered(citizen, official, accepted):
    services.case_withdraw(actor=citizen, case_id=accepted.id)
    accepted.refresh_from_db()
    assert accepted.status == Status.WITHDRAWN and accepted.due_at is None
    answered = DispatchedCaseFactory(citizen=citizen, lead_department=accepted.lead_department)
    services.case_sign_for(actor=official, case_id=answered.id)
    services.case_reply(actor=official, case_id=answered.id, body="已答复")
    with pytest.raises(TransitionNotAllowed):
        services.case_withdraw(actor=citizen, case_id=answered.id)


@pytest.mark.django_db
def test_only_the_owner_withdraws(other_citizen, official, accepted):
    for actor in (other_citizen, official):
        with pytest.raises(ActionForbidden):
            services.case_withdraw(actor=actor, case_id=accepted.id)


# --- the department's work ---------------------------------------------------------------


@pytest.mark.django_db
def test_claim_and_assign_to_a_colleague_only(official, department, accepted, other_official):
    colleague = official_of(department)
    services.case_assign(actor=official, case_id=accepted.id, assignee=official)
    services.case_assign(actor=official, case_id=accepted.id, assignee=colleague)
    accepted.refresh_from_db()
    assert accepted.assigned_to == colleague
    assert events(accepted, Event.ASSIGNED).get().recipient == colleague
    with pytest.raises(DomainError):
        services.case_assign(actor=official, case_id=accepted.id, assignee=other_official)


@pytest.mark.django_db
def test_internal_notes_are_never_shown_to_the_citizen(client, citizen, official, accepted):
    services.note_add(actor=official, case_id=accepted.id, body="内部：已与施工方沟通")
    client.force_login(official)
    assert "内部：已与施工方沟通" in client.get(f"/cases/{accepted.pk}/").content.decode()
    client.force_login(citizen)
    assert "内部：已与施工方沟通" not in client.get(f"/cases/{accepted.pk}/").content.decode()


@pytest.mark.django_db
def test_material_request_pauses_the_deadline_until_the_citizen_answers(citizen, official, accepted):
    from supervision.models import ClockKind, ClockState, SupervisionClock

    due = accepted.due_at
    services.material_request(actor=official, case_id=accepted.id, message="请补充现场照片")
    assert events(accepted, Event.MATERIAL_REQUESTED).get().recipient == citizen
    clock = SupervisionClock.objects.get(case=accepted, kind=ClockKind.REPLY)
    assert clock.state == ClockState.PAUSED
    # The citizen took a week to answer.
    SupervisionClock.objects.filter(pk=clock.pk).update(paused_at=clock.paused_at - datetime.timedelta(days=7))
    photo = SimpleUploadedFile("photo.png", PNG)
    services.material_add(actor=citizen, case_id=accepted.id, answer="照片见附件", attachment=photo)
    accepted.refresh_from_db()
    clock.refresh_from_db()
    assert accepted.status == Status.ACCEPTED and clock.state == ClockState.RUNNING
    # A week holds at least three working days, whatever the holidays.
    assert accepted.due_at - due >= datetime.timedelta(days=3)
    assert accepted.due_at == clock.due_at
    request = accepted.material_requests.get()
    assert accepted.attachments.get().material_request == request
    assert events(accepted, Event.MATERIAL_ADDED).get().recipient == official


@pytest.mark.django_db
def test_material_can_only_be_added_when_asked(citizen, accepted):
    with pytest.raises(TransitionNotAllowed):
        services.material_add(actor=citizen, case_id=accepted.id, answer="多余的材料")


@pytest.mark.django_db
def test_assisting_opinion_is_cited_in_the_lead_reply(
    client, citizen, official, accepted, assisting_department, assisting_official
):
    from responses.models import CaseAssistance

    CaseAssistance.objects.create(case=accepted, department=assisting_department)
    opinion = services.opinion_give(actor=assisting_official, case_id=accepted.id, opinion="噪声监测结果超标。")
    reply = services.case_reply(actor=official, case_id=accepted.id, body="已责令整改。", cite_opinion_ids=[opinion.pk])
    assert list(reply.cited_opinions.all()) == [opinion]
    client.force_login(citizen)
    page = client.get(f"/cases/{accepted.pk}/").content.decode()
    assert "噪声监测结果超标。" in page and "已责令整改。" in page


@pytest.mark.django_db
def test_officials_of_other_departments_cannot_give_opinions(other_official, accepted):
    with pytest.raises(ActionForbidden):
        services.opinion_give(actor=other_official, case_id=accepted.id, opinion="意见")


@pytest.mark.django_db
def test_head_approves_a_reply_before_the_citizen_sees_it(citizen, official, head, department, accepted):
    department.requires_head_approval = True
    department.save()
    reply = services.case_reply(actor=official, case_id=accepted.id, body="拟答复")
    accepted.refresh_from_db()
    assert accepted.status == Status.PENDING_APPROVAL and reply.state == ReplyState.PENDING_APPROVAL
    assert events(accepted, Event.REPLY_TO_APPROVE).get().recipient == head
    assert not events(accepted, Event.REPLIED).exists()
    assert not accepted.replies(manager="published").exists()
    with pytest.raises(ActionForbidden):
        services.reply_approve(actor=official, case_id=accepted.id)
    services.reply_approve(actor=head, case_id=accepted.id)
    accepted.refresh_from_db()
    assert accepted.status == Status.REPLIED and accepted.replies(manager="published").get().reviewed_by == head
    assert events(accepted, Event.REPLIED).get().recipient == citizen


@pytest.mark.django_db
def test_head_sends_a_reply_back_to_its_author(official, head, department, accepted):
    department.requires_head_approval = True
    department.save()
    reply = services.case_reply(actor=official, case_id=accepted.id, body="拟答复")
    services.reply_send_back(actor=head, case_id=accepted.id, note="请写明整改期限")
    reply.refresh_from_db()
    accepted.refresh_from_db()
    assert accepted.status == Status.ACCEPTED and reply.state == ReplyState.SENT_BACK
    assert events(accepted, Event.REPLY_SENT_BACK).get().recipient == official
    services.case_reply(actor=official, case_id=accepted.id, body="整改期限为三天")
    assert accepted.replies.count() == 2


# --- operators ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_operator_records_a_phone_case_without_an_email(operator, category, region):
    case, created = case_record_for_citizen(
        actor=operator, channel=Channel.PHONE, kind="help", category=category, region=region,
        title="老人独居需要帮助", body="邻居老人行动不便，需要社区上门帮助。", contact_name="王先生",
        contact_phone="13800000000",
    )
    assert created and case.channel == Channel.PHONE and case.recorded_by == operator and case.citizen is None
    assert case.history.get().history_user == operator
    assert cases_visible_to(operator).filter(pk=case.pk).exists()


@pytest.mark.django_db
def test_a_phone_case_needs_a_phone_or_an_email(operator, category, region):
    with pytest.raises(DomainError):
        case_record_for_citizen(actor=operator, channel=Channel.PHONE, kind="help", category=category,
                                region=region, title="无联系方式", body="没有留下任何联系方式的来电。")


@pytest.mark.django_db
def test_only_operators_record_cases_for_citizens(citizen, category, region):
    with pytest.raises(ActionForbidden):
        case_record_for_citizen(actor=citizen, channel=Channel.PHONE, kind="help", category=category,
                                region=region, title="冒充接线员", body="普通市民不能代录。", contact_phone="1")


@pytest.mark.django_db
def test_operator_records_a_return_visit_after_the_reply(operator, official, accepted):
    with pytest.raises(TransitionNotAllowed):
        services.return_visit_record(actor=operator, case_id=accepted.id, outcome="satisfied", resolved=True)
    services.case_reply(actor=official, case_id=accepted.id, body="已处理")
    with pytest.raises(DomainError):
        services.return_visit_record(actor=operator, case_id=accepted.id, outcome="satisfied")
    visit = services.return_visit_record(actor=operator, case_id=accepted.id, outcome="basically_satisfied",
                                         resolved=True, note="市民表示基本满意")
    assert visit.outcome == ReturnVisit.Outcome.BASICALLY_SATISFIED
    # What the citizen said on the call is their rating, and closes the case.
    accepted.refresh_from_db()
    feedback = accepted.feedback.get()
    assert accepted.status == Status.CLOSED
    assert (feedback.satisfaction, feedback.resolved, feedback.recorded_by) == ("basically_satisfied", True, operator)


@pytest.mark.django_db
def test_a_citizen_not_reached_on_the_return_visit_leaves_the_case_open(operator, official, accepted):
    services.case_reply(actor=official, case_id=accepted.id, body="已处理")
    services.return_visit_record(actor=operator, case_id=accepted.id, outcome="unreachable")
    accepted.refresh_from_db()
    assert accepted.status == Status.REPLIED and not accepted.feedback.exists()


# --- stale pages ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_action_from_a_stale_page_is_refused(official, department, accepted):
    colleague = official_of(department)
    shown = accepted.version
    services.case_assign(actor=official, case_id=accepted.id, assignee=official, expected_version=shown)
    with pytest.raises(CaseChanged):
        services.case_assign(actor=colleague, case_id=accepted.id, assignee=colleague, expected_version=shown)
    accepted.refresh_from_db()
    assert accepted.assigned_to == official


@pytest.mark.django_db
def test_bulk_sign_for_reports_each_case(official, department):
    mine = [DispatchedCaseFactory(lead_department=department) for _ in range(3)]
    foreign = DispatchedCaseFactory(lead_department=DepartmentFactory())
    services.case_sign_for(actor=official, case_id=mine[0].id)
    outcome = services.cases_sign_for(actor=official, case_ids=[case.id for case in mine] + [foreign.id])
    assert outcome[mine[1].id] is None and outcome[mine[2].id] is None
    assert outcome[mine[0].id] and outcome[foreign.id]
    assert {case.status for case in mine if case.refresh_from_db() is None} == {Status.ACCEPTED}


@pytest.mark.django_db
def test_dispatcher_must_be_a_dispatcher(official, department):
    case = CaseFactory(status=Status.ROUTING_CENTRE)
    with pytest.raises(ActionForbidden):
        services.case_dispatch(actor=official, case_id=case.id, department=department)
    with pytest.raises(ActionForbidden):
        services.case_reject(actor=UserFactory(), case_id=case.id,
                             reason=RejectionReason.objects.create(name="滥用"))
