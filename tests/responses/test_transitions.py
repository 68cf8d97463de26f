"""Dispatch by hand, sign for, reply: each allowed transition, each refusal,
and that a refusal changes nothing."""

import pytest
from django.core import mail
from django.utils import translation

from petitions.lifecycle import Status
from portal.errors import ActionForbidden, DomainError, TransitionNotAllowed
from responses.models import RoutingMethod
from responses.services import case_dispatch, case_reply, case_route, case_sign_for
from tests.factories import CaseFactory, DepartmentFactory, DispatchedCaseFactory


@pytest.mark.django_db
def test_dispatcher_dispatches_a_case_from_the_routing_centre(dispatcher, department):
    case = CaseFactory()
    case_route(case_id=case.id)
    decision = case_dispatch(actor=dispatcher, case_id=case.id, department=department, note="城管负责")
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED
    assert case.lead_department == department
    assert decision.method == RoutingMethod.MANUAL and decision.decided_by == dispatcher
    assert case.history.first().history_user == dispatcher


@pytest.mark.django_db
def test_only_dispatchers_dispatch(official, department):
    case = CaseFactory(status=Status.ROUTING_CENTRE)
    with pytest.raises(ActionForbidden):
        case_dispatch(actor=official, case_id=case.id, department=department)
    case.refresh_from_db()
    assert case.status == Status.ROUTING_CENTRE


@pytest.mark.django_db
def test_dispatching_a_case_not_in_the_routing_centre_is_refused(dispatcher, department):
    case = DispatchedCaseFactory()
    with pytest.raises(TransitionNotAllowed):
        case_dispatch(actor=dispatcher, case_id=case.id, department=department)


@pytest.mark.django_db
def test_dispatching_to_an_inactive_department_is_refused(dispatcher):
    case = CaseFactory(status=Status.ROUTING_CENTRE)
    with pytest.raises(DomainError):
        case_dispatch(actor=dispatcher, case_id=case.id, department=DepartmentFactory(is_active=False))


@pytest.mark.django_db
def test_official_signs_for_a_dispatched_case(official, department):
    case = DispatchedCaseFactory(lead_department=department)
    case_sign_for(actor=official, case_id=case.id)
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED
    assert case.signed_for_at is not None
    assert case.due_at > case.signed_for_at


@pytest.mark.django_db
def test_signing_for_twice_is_refused_with_a_message(official, department):
    case = DispatchedCaseFactory(lead_department=department)
    case_sign_for(actor=official, case_id=case.id)
    with translation.override("en"), pytest.raises(TransitionNotAllowed) as refused:
        case_sign_for(actor=official, case_id=case.id)
    assert str(refused.value.message) == "This case is signed for, so it cannot be given the action “sign for”."


@pytest.mark.django_db
def test_official_of_another_department_cannot_sign_for(other_official, department):
    case = DispatchedCaseFactory(lead_department=department)
    with pytest.raises(ActionForbidden):
        case_sign_for(actor=other_official, case_id=case.id)
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED


@pytest.mark.django_db
def test_reply_publishes_and_emails_the_citizen_once(official, department, django_capture_on_commit_callbacks):
    case = DispatchedCaseFactory(lead_department=department)
    case_sign_for(actor=official, case_id=case.id)
    with django_capture_on_commit_callbacks(execute=True):
        reply = case_reply(actor=official, case_id=case.id, body="已责令施工单位停止夜间施工。")
    case.refresh_from_db()
    assert case.status == Status.REPLIED and case.replied_at is not None and case.due_at is None
    assert reply.department == department and reply.author == official
    # The answer, then the request to rate it: one e-mail each.
    assert len(mail.outbox) == 2
    assert "已责令施工单位停止夜间施工" in mail.outbox[0].body
    assert "已责令施工单位停止夜间施工" not in mail.outbox[1].body
    from notifications.models import Event, Notification
    from notifications.tasks import email_notifications

    email_notifications(Notification.objects.get(case=case, event=Event.REPLIED).key)
    email_notifications(Notification.objects.get(case=case, event=Event.FEEDBACK_REQUESTED).key)
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_reply_before_signing_for_is_refused_and_saves_nothing(official, department):
    case = DispatchedCaseFactory(lead_department=department)
    with pytest.raises(TransitionNotAllowed):
        case_reply(actor=official, case_id=case.id, body="答复")
    assert case.replies.count() == 0


@pytest.mark.django_db
def test_empty_reply_is_refused(official, department):
    case = DispatchedCaseFactory(lead_department=department)
    case_sign_for(actor=official, case_id=case.id)
    with pytest.raises(DomainError):
        case_reply(actor=official, case_id=case.id, body="   ")


@pytest.mark.django_db
def test_replying_twice_is_refused(official, department):
    case = DispatchedCaseFactory(lead_department=department)
    case_sign_for(actor=official, case_id=case.id)
    case_reply(actor=official, case_id=case.id, body="第一次答复")
    with pytest.raises(TransitionNotAllowed):
        case_reply(actor=official, case_id=case.id, body="第二次答复")
    assert case.replies.count() == 1


@pytest.mark.django_db
def test_every_change_is_in_the_history_with_who_made_it(citizen, official, department, category):
    from tests.factories import RoutingRuleFactory

    RoutingRuleFactory(category=category, lead_department=department)
    case = CaseFactory(citizen=citizen, category=category)
    case_route(case_id=case.id)
    case_sign_for(actor=official, case_id=case.id)
    case_reply(actor=official, case_id=case.id, body="答复")
    history = case.history.order_by("history_date", "history_id")
    reasons = list(history.values_list("history_change_reason", "history_user"))
    assert reasons[-3:] == [("routed", None), ("signed_for", official.pk), ("replied", official.pk)]
