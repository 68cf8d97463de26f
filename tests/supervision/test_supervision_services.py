"""Extensions, corrections, supervision orders and feedback."""

import datetime

import pytest
from django.utils import timezone

from notifications.models import Event, Notification
from petitions.lifecycle import Status
from portal.errors import ActionForbidden, DomainError, TransitionNotAllowed
from responses import services
from supervision import services as supervision
from supervision.models import ClockEvent, ClockKind, ClockState, Extension, SupervisionClock, SupervisionOrder
from tests.factories import DispatchedCaseFactory


@pytest.fixture
def accepted(citizen, official, department):
    from supervision.clocks import clock_start

    case = DispatchedCaseFactory(citizen=citizen, lead_department=department)
    clock_start(case=case, kind=ClockKind.SIGN_FOR, start=timezone.now(), department=department)
    return services.case_sign_for(actor=official, case_id=case.id)


def reply_clock(case):
    return SupervisionClock.objects.get(case=case, kind=ClockKind.REPLY)


@pytest.mark.django_db
def test_extension_approved_moves_the_due_time_and_keeps_the_original(accepted, official, supervisor, citizen):
    clock = reply_clock(accepted)
    original = clock.due_at
    new_due = original + datetime.timedelta(days=5)
    extension = supervision.extension_request(actor=official, clock_id=clock.pk, reason="需要联合执法",
                                              new_due_at=new_due)
    assert Notification.objects.get(event=Event.EXTENSION_REQUESTED).recipient == supervisor
    with pytest.raises(ActionForbidden):
        supervision.extension_approve(actor=official, extension_id=extension.pk)
    supervision.extension_approve(actor=supervisor, extension_id=extension.pk)
    clock.refresh_from_db()
    accepted.refresh_from_db()
    assert clock.due_at == new_due and clock.original_due_at == original and accepted.due_at == new_due
    assert clock.events.filter(action=ClockEvent.Action.EXTENDED, actor=supervisor).exists()
    assert Notification.objects.get(event=Event.NEW_DUE_DATE).recipient == citizen
    assert Notification.objects.get(event=Event.EXTENSION_DECIDED).recipient == official


@pytest.mark.django_db
def test_extension_refused_keeps_the_due_time(accepted, official, supervisor):
    clock = reply_clock(accepted)
    extension = supervision.extension_request(actor=official, clock_id=clock.pk, reason="人手不足",
                                              new_due_at=clock.due_at + datetime.timedelta(days=5))
    with pytest.raises(DomainError):
        supervision.extension_refuse(actor=supervisor, extension_id=extension.pk, note="")
    supervision.extension_refuse(actor=supervisor, extension_id=extension.pk, note="理由不充分")
    extension.refresh_from_db()
    assert extension.state == Extension.State.REFUSED
    assert SupervisionClock.objects.get(pk=clock.pk).due_at == clock.due_at
    with pytest.raises(DomainError):
        supervision.extension_approve(actor=supervisor, extension_id=extension.pk)


@pytest.mark.django_db
def test_an_extension_must_be_asked_before_the_deadline(accepted, official):
    clock = reply_clock(accepted)
    SupervisionClock.objects.filter(pk=clock.pk).update(due_at=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(DomainError):
        supervision.extension_request(actor=official, clock_id=clock.pk, reason="晚了",
                                      new_due_at=timezone.now() + datetime.timedelta(days=3))


@pytest.mark.django_db
def test_only_officials_of_the_department_ask_for_extensions(accepted, other_official):
    clock = reply_clock(accepted)
    with pytest.raises(ActionForbidden):
        supervision.extension_request(actor=other_official, clock_id=clock.pk, reason="x",
                                      new_due_at=clock.due_at + datetime.timedelta(days=1))


@pytest.mark.django_db
def test_only_administrators_correct_a_due_time_and_only_with_a_reason(accepted, supervisor):
    from tests.factories import UserFactory

    clock = reply_clock(accepted)
    admin = UserFactory(is_superuser=True, is_staff=True)
    with pytest.raises(ActionForbidden):
        supervision.clock_correct(actor=supervisor, clock_id=clock.pk, new_due_at=clock.due_at, reason="x")
    with pytest.raises(DomainError):
        supervision.clock_correct(actor=admin, clock_id=clock.pk, new_due_at=clock.due_at, reason=" ")
    new_due = clock.due_at + datetime.timedelta(days=1)
    supervision.clock_correct(actor=admin, clock_id=clock.pk, new_due_at=new_due, reason="节假日录入错误")
    event = SupervisionClock.objects.get(pk=clock.pk).events.order_by("-sequence").first()
    assert (event.action, event.actor, event.reason) == (ClockEvent.Action.CORRECTED, admin, "节假日录入错误")


@pytest.mark.django_db
def test_supervision_order_runs_its_own_clock_until_answered_and_closed(accepted, official, supervisor):
    due = timezone.now() + datetime.timedelta(days=2)
    order = supervision.order_issue(actor=supervisor, case_id=accepted.id, instructions="请三日内反馈", due_at=due)
    assert Notification.objects.get(event=Event.ORDER_ISSUED).recipient == official
    clock = SupervisionClock.objects.get(case=accepted, kind=ClockKind.ORDER)
    assert clock.due_at == due and clock.state == ClockState.RUNNING and clock.order == order
    with pytest.raises(ActionForbidden):
        supervision.order_issue(actor=official, case_id=accepted.id, instructions="x", due_at=due)
    supervision.order_answer(actor=official, order_id=order.pk, response="已组织现场核查")
    clock.refresh_from_db()
    assert clock.state == ClockState.MET
    assert Notification.objects.get(event=Event.ORDER_ANSWERED).recipient == supervisor
    supervision.order_close(actor=supervisor, order_id=order.pk)
    assert SupervisionOrder.objects.get(pk=order.pk).state == SupervisionOrder.State.CLOSED


@pytest.mark.django_db
def test_only_the_instructed_department_answers_an_order(accepted, supervisor, other_official):
    order = supervision.order_issue(actor=supervisor, case_id=accepted.id, instructions="请反馈",
                                    due_at=timezone.now() + datetime.timedelta(days=1))
    with pytest.raises(ActionForbidden):
        supervision.order_answer(actor=other_official, order_id=order.pk, response="不是我们的")


def reply(official, case):
    services.case_reply(actor=official, case_id=case.id, body="已答复")


@pytest.mark.django_db
def test_satisfied_feedback_closes_the_case(accepted, official, citizen):
    reply(official, accepted)
    feedback = supervision.feedback_give(actor=citizen, case_id=accepted.id, resolved=True,
                                         satisfaction="basically_satisfied", comment="还行")
    accepted.refresh_from_db()
    assert accepted.status == Status.CLOSED and feedback.department == accepted.lead_department


@pytest.mark.django_db
def test_unsatisfied_citizen_reopens_once_with_a_rehandling_clock(accepted, official, citizen):
    reply(official, accepted)
    with pytest.raises(DomainError):
        supervision.feedback_give(actor=citizen, case_id=accepted.id, resolved=False, satisfaction="satisfied",
                                  reopen=True)
    supervision.feedback_give(actor=citizen, case_id=accepted.id, resolved=False, satisfaction="unsatisfied",
                              reopen=True)
    accepted.refresh_from_db()
    assert accepted.status == Status.ACCEPTED and accepted.reopened_count == 1
    rehandling = SupervisionClock.objects.get(case=accepted, kind=ClockKind.REHANDLING)
    assert rehandling.state == ClockState.RUNNING and accepted.due_at == rehandling.due_at
    reply(official, accepted)
    rehandling.refresh_from_db()
    assert rehandling.state == ClockState.MET
    with pytest.raises(DomainError):
        supervision.feedback_give(actor=citizen, case_id=accepted.id, resolved=False, satisfaction="unsatisfied",
                                  reopen=True)
    supervision.feedback_give(actor=citizen, case_id=accepted.id, resolved=False, satisfaction="unsatisfied")
    accepted.refresh_from_db()
    assert accepted.status == Status.CLOSED and accepted.feedback.count() == 2


@pytest.mark.django_db
def test_only_the_owner_rates_and_only_after_a_reply(accepted, official, citizen, other_citizen):
    with pytest.raises(TransitionNotAllowed):
        supervision.feedback_give(actor=citizen, case_id=accepted.id, resolved=True, satisfaction="satisfied")
    reply(official, accepted)
    with pytest.raises(ActionForbidden):
        supervision.feedback_give(actor=other_citizen, case_id=accepted.id, resolved=True, satisfaction="satisfied")


@pytest.mark.django_db
def test_an_administrator_corrects_a_due_time_in_the_admin_with_a_reason(client, accepted):
    from django.urls import reverse

    from tests.factories import UserFactory

    admin = UserFactory(is_superuser=True, is_staff=True)
    clock = reply_clock(accepted)
    client.force_login(admin)
    url = reverse("admin:supervision_supervisionclock_correct", args=[clock.pk])
    assert client.get(reverse("admin:supervision_supervisionclock_change", args=[clock.pk])).status_code == 200
    new_due = timezone.localtime(clock.due_at + datetime.timedelta(days=2)).strftime("%Y-%m-%d %H:%M:%S")
    response = client.post(url, {"new_due_at": new_due, "reason": "调休录入错误"})
    assert response.status_code == 302
    event = SupervisionClock.objects.get(pk=clock.pk).events.order_by("-sequence").first()
    assert (event.action, event.reason) == (ClockEvent.Action.CORRECTED, "调休录入错误")
    # The supervision record itself cannot be edited or deleted in the admin.
    assert client.post(reverse("admin:supervision_supervisionclock_delete", args=[clock.pk])).status_code == 403
