"""The dispatch clock runs from the submission (DOMAIN.md) but is written
by the routing step that follows it (supervision.clocks.dispatch_clocks_open),
so a submission is two rows in one short transaction. Should routing wait
(its worker down), the deadline scan opens the clock, so the dispatch is
held to its deadline all the same."""

import datetime

import pytest
from django.utils import timezone

from notifications.models import Event, Notification
from petitions.lifecycle import Status
from petitions.services import case_submit
from responses.services import case_dispatch, cases_route_waiting
from supervision import scan
from supervision.audit import verify_clocks
from supervision.models import ClockEvent, ClockKind, ClockState, SupervisionClock
from tests.factories import RoutingRuleFactory

pytestmark = pytest.mark.django_db


def submit(citizen, category, region, **overrides):
    arguments = dict(actor=citizen, kind="complaint", category=category, region=region, title="路灯不亮",
                      body="小区门口路灯坏了一周。", contact_email=citizen.email)
    case, _created = case_submit(**(arguments | overrides))
    return case


def dispatch_clocks(case):
    return list(SupervisionClock.objects.filter(case=case, kind=ClockKind.DISPATCH))


def test_a_case_for_the_routing_centre_runs_its_dispatch_clock_from_its_submission(citizen, category, region,
                                                                                   dispatcher, department):
    case = submit(citizen, category, region, urgency="emergency")
    assert dispatch_clocks(case) == [] and not Notification.objects.filter(case=case).exists()
    cases_route_waiting(case_id=case.pk)
    case.refresh_from_db()
    assert case.status == Status.ROUTING_CENTRE
    (clock,) = dispatch_clocks(case)
    assert clock.state == ClockState.RUNNING and clock.started_at == case.submitted_at
    assert clock.due_at - clock.started_at == datetime.timedelta(hours=1)  # emergency
    (started,) = clock.events.all()
    assert (started.action, started.at, started.actor_id) == ("started", case.submitted_at, citizen.pk)
    assert Notification.objects.filter(case=case, event=Event.RECEIVED, recipient=citizen).count() == 1
    # The dispatcher's dispatch stops it.
    case_dispatch(actor=dispatcher, case_id=case.pk, department=department)
    clock.refresh_from_db()
    assert clock.state == ClockState.MET and clock.stopped_at is not None
    assert list(verify_clocks()) == []


def test_a_case_routed_by_a_rule_has_its_dispatch_clock_opened_and_stopped_in_one_step(citizen, category,
                                                                                      region, department):
    RoutingRuleFactory(category=category, lead_department=department)
    cases = [submit(citizen, category, region, title=f"路灯不亮 {number}") for number in range(3)]
    cases_route_waiting(case_id=cases[0].pk, limit=3)
    for case in cases:
        case.refresh_from_db()
        (clock,) = dispatch_clocks(case)
        assert (clock.started_at, clock.stopped_at) == (case.submitted_at, case.dispatched_at)
        assert clock.state == ClockState.MET and clock.working_hours is not None
        assert [(event.action, event.sequence) for event in clock.events.order_by("sequence")] == [
            ("started", 1), ("stopped", 2)]
        assert clock.events.get(action="started").snapshot["state"] == ClockState.RUNNING
        assert set(Notification.objects.filter(case=case, recipient=citizen).values_list("event", flat=True)) == {
            Event.RECEIVED, Event.DISPATCHED}
    assert list(verify_clocks()) == []


def test_routing_a_case_that_has_its_clock_already_opens_no_second(citizen, category, region, department):
    """A case submitted before this change (its clock written with it), or
    one the scan reached first."""
    RoutingRuleFactory(category=category, lead_department=department)
    case = submit(citizen, category, region)
    later = timezone.now() + datetime.timedelta(seconds=200)
    assert scan.open_waiting_dispatch_clocks(later) == 1
    cases_route_waiting(case_id=case.pk)
    (clock,) = dispatch_clocks(case)
    assert clock.state == ClockState.MET
    assert list(clock.events.order_by("sequence").values_list("action", flat=True)) == ["started", "stopped"]
    assert list(verify_clocks()) == []


def test_the_scan_opens_the_clock_of_a_case_left_waiting_and_only_then(citizen, category, region, settings):
    settings.ROUTING_SWEEP_AFTER_SECONDS = 120
    case = submit(citizen, category, region, urgency="emergency")
    assert scan.scan()["dispatch_clocks_opened"] == 0  # routing has two minutes to do it
    two_hours_on = case.submitted_at + datetime.timedelta(hours=2)
    result = scan.scan(two_hours_on)
    assert result["dispatch_clocks_opened"] == 1
    assert result["breaches"] == 1  # the emergency's hour ran out while routing waited
    assert scan.scan(two_hours_on)["dispatch_clocks_opened"] == 0
    (clock,) = dispatch_clocks(case)
    assert clock.started_at == case.submitted_at and clock.state == ClockState.BREACHED
    assert ClockEvent.objects.filter(clock=clock, action="started").count() == 1
    assert list(verify_clocks()) == []


def test_the_scan_leaves_routed_and_ended_cases_alone(citizen, category, region, department):
    RoutingRuleFactory(category=category, lead_department=department)
    routed = submit(citizen, category, region)
    cases_route_waiting(case_id=routed.pk)
    later = timezone.now() + datetime.timedelta(hours=1)
    assert scan.open_waiting_dispatch_clocks(later) == 0
    assert len(dispatch_clocks(routed)) == 1
