"""The dispatch clock is a supervision record from the moment of submission:
written with the case, in the submission's transaction (DOMAIN.md), and
stopped by the dispatch; nothing opens one later."""

import datetime

import pytest

from notifications.models import Event, Notification
from petitions.lifecycle import Status
from petitions.models import Case
from petitions.services import case_record_for_citizen, case_submit
from responses.services import case_dispatch, case_route
from supervision import scan
from supervision.audit import verify_clocks
from supervision.models import ClockEvent, ClockKind, ClockState, SupervisionClock
from tests.factories import CaseFactory, RoutingRuleFactory

pytestmark = pytest.mark.django_db


def submit(citizen, category, region, **overrides):
    arguments = dict(actor=citizen, kind="complaint", category=category, region=region, title="路灯不亮",
                     body="小区门口路灯坏了一周。", contact_email=citizen.email)
    case, _created = case_submit(**(arguments | overrides))
    return case


def dispatch_clocks(case):
    return list(SupervisionClock.objects.filter(case=case, kind=ClockKind.DISPATCH))


def test_a_submission_writes_its_dispatch_clock_and_receipt_with_the_case(citizen, category, region):
    case = submit(citizen, category, region, urgency="emergency")
    # Before any routing has run.
    assert Case.objects.get(pk=case.pk).status == Status.SUBMITTED
    assert case.history.get().history_change_reason == "submitted"
    (clock,) = dispatch_clocks(case)
    assert clock.state == ClockState.RUNNING and clock.started_at == case.submitted_at
    assert clock.due_at - clock.started_at == datetime.timedelta(hours=1)  # emergency
    (started,) = clock.events.all()
    assert (started.action, started.at, started.actor_id) == ("started", case.submitted_at, citizen.pk)
    assert Notification.objects.filter(case=case, event=Event.RECEIVED, recipient=citizen).count() == 1
    assert list(verify_clocks()) == []


def test_a_case_recorded_for_a_caller_names_the_operator_and_tells_the_caller_at_their_address(
        operator, category, region):
    case, _created = case_record_for_citizen(
        actor=operator, channel="phone", kind="complaint", category=category, region=region, title="路灯不亮",
        body="小区门口路灯坏了一周。", contact_email="caller@example.org", contact_name="王先生")
    (clock,) = dispatch_clocks(case)
    assert clock.events.get().actor_id == operator.pk
    assert case.history.get().history_user == operator
    assert list(Notification.objects.filter(case=case).values_list("event", "recipient", "email")) == [
        (Event.RECEIVED, None, "caller@example.org")]


def test_a_submission_that_fails_half_way_writes_nothing(citizen, category, region, monkeypatch):
    def broken(**_kwargs):
        raise RuntimeError("the notification could not be written")

    monkeypatch.setattr("petitions.services.notify_citizen", broken)
    with pytest.raises(RuntimeError):
        submit(citizen, category, region)
    assert not Case.objects.exists() and not Case.history.exists()
    assert not SupervisionClock.objects.exists() and not ClockEvent.objects.exists()


def test_a_case_a_rule_routes_has_its_dispatch_clock_stopped_at_the_dispatch(citizen, category, region, department):
    RoutingRuleFactory(category=category, lead_department=department)
    case = submit(citizen, category, region)
    case_route(case_id=case.pk)
    case.refresh_from_db()
    (clock,) = dispatch_clocks(case)
    assert (clock.started_at, clock.stopped_at) == (case.submitted_at, case.dispatched_at)
    assert clock.state == ClockState.MET and clock.working_hours is not None
    assert [(event.action, event.sequence) for event in clock.events.order_by("sequence")] == [
        ("started", 1), ("stopped", 2)]
    assert set(Notification.objects.filter(case=case, recipient=citizen).values_list("event", flat=True)) == {
        Event.RECEIVED, Event.DISPATCHED}
    assert list(verify_clocks()) == []


def test_a_case_for_the_routing_centre_keeps_its_clock_running_until_a_dispatcher_dispatches(
        citizen, category, region, dispatcher, department):
    case = submit(citizen, category, region)
    case_route(case_id=case.pk)
    case.refresh_from_db()
    assert case.status == Status.ROUTING_CENTRE
    (clock,) = dispatch_clocks(case)
    assert clock.state == ClockState.RUNNING and clock.events.count() == 1
    case_dispatch(actor=dispatcher, case_id=case.pk, department=department)
    clock.refresh_from_db()
    assert clock.state == ClockState.MET and clock.stopped_at is not None
    assert list(verify_clocks()) == []


def test_a_case_left_waiting_for_routing_is_breached_on_time(citizen, category, region):
    case = submit(citizen, category, region, urgency="emergency")
    assert scan.scan(case.submitted_at + datetime.timedelta(minutes=30))["breaches"] == 0
    result = scan.scan(case.submitted_at + datetime.timedelta(hours=2))
    assert result["breaches"] == 1  # the emergency's hour ran out while routing waited
    (clock,) = dispatch_clocks(case)
    assert clock.state == ClockState.BREACHED and clock.started_at == case.submitted_at
    assert list(verify_clocks()) == []


def test_routing_opens_no_dispatch_clock_a_case_was_not_filed_with(category, region, department):
    """A dispatch clock is the submission's to write: routing only stops it."""
    RoutingRuleFactory(category=category, lead_department=department)
    case = CaseFactory(category=category, region=region)  # written around case_submit
    case_route(case_id=case.pk)
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED
    assert dispatch_clocks(case) == []
