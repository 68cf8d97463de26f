"""Routing a backlog in batches (responses.services.cases_route_waiting)
leaves every case exactly as routing it alone would: decision, clocks and
their hash-chained history, tallies, case history and notifications."""

import threading

import pytest
from django.db import connection, connections, transaction

from notifications.models import Event, Notification
from petitions.lifecycle import Status
from petitions.models import Case
from petitions.services import case_submit
from responses.models import RoutingDecision, RoutingMethod
from responses.services import case_route, cases_route_waiting
from responses.tasks import route_case
from supervision.audit import verify_clocks
from supervision.clocks import clock_start
from supervision.models import ClockKind, ClockState, SupervisionClock
from supervision.tallies import differences
from tests.factories import CaseFactory, CategoryFactory, RoutingRuleFactory, UserFactory, official_of

pytestmark = pytest.mark.django_db


def submitted(citizen, category, region, number):
    case, _created = case_submit(actor=citizen, kind="complaint", category=category, region=region,
                                 title=f"夜间施工 {number}", body="凌晨两点仍在施工。", contact_email=citizen.email)
    return case


def clocks_of(case):
    return {clock.kind: clock for clock in SupervisionClock.objects.filter(case=case)}


def comparable(case):
    """What routing decides about a case, without ids and times."""
    case.refresh_from_db()
    decision = RoutingDecision.objects.get(case=case)
    sign_for = clocks_of(case).get(ClockKind.SIGN_FOR)
    return {
        "status": case.status, "department": case.lead_department_id, "version": case.version,
        "due_is_sign_for": case.due_at == (sign_for.due_at if sign_for else None),
        "method": decision.method, "rule": decision.rule_id,
        "clocks": sorted((clock.kind, clock.state, clock.stop_reason, clock.limit_amount, clock.limit_unit,
                          clock.department_id, clock.events.count()) for clock in clocks_of(case).values()),
        "history": [(row.history_type, row.history_change_reason, row.status)
                    for row in case.history.order_by("history_date", "history_id")],
        "notified": sorted((row.event, row.recipient_id, row.email) for row in
                           Notification.objects.filter(case=case).exclude(event=Event.RECEIVED)),
    }


def test_a_batch_routes_each_case_as_routing_it_alone_does(department, category, region):
    rule = RoutingRuleFactory(category=category, lead_department=department)
    members = [official_of(department, email=f"member{n}@example.org") for n in range(2)]
    official_of(department, email="gone@example.org", is_active=False)
    citizen = UserFactory(email="alice@example.org")
    unrouted_category = CategoryFactory()

    alone = [submitted(citizen, category, region, 0), submitted(citizen, unrouted_category, region, 1)]
    for case in alone:
        case_route(case_id=case.pk)
    batch = [submitted(citizen, category, region, 2), submitted(citizen, unrouted_category, region, 3)]
    batch += [submitted(citizen, category, region, number) for number in range(4, 8)]
    decisions = cases_route_waiting(case_id=batch[3].pk, limit=50)

    assert sorted(decision.case_id for decision in decisions) == sorted(case.pk for case in batch)
    assert comparable(batch[0]) == comparable(alone[0])
    assert comparable(batch[1]) == comparable(alone[1])
    routed = comparable(batch[0])
    assert routed["status"] == Status.DISPATCHED and routed["department"] == department.pk
    assert routed["method"] == RoutingMethod.RULE and routed["rule"] == rule.pk and routed["due_is_sign_for"]
    assert (ClockKind.DISPATCH, ClockState.MET) in [clock[:2] for clock in routed["clocks"]]
    assert (ClockKind.SIGN_FOR, ClockState.RUNNING) in [clock[:2] for clock in routed["clocks"]]
    assert routed["history"][-1][:2] == ("~", "routed")
    assert routed["notified"] == sorted([(Event.DISPATCHED, citizen.pk, citizen.email)]
                                        + [(Event.NEW_CASE, member.pk, member.email) for member in members])
    waiting = comparable(batch[1])
    assert waiting["status"] == Status.ROUTING_CENTRE and waiting["method"] == RoutingMethod.NO_MATCH
    assert waiting["clocks"][0][:2] == (ClockKind.DISPATCH, ClockState.RUNNING)
    assert list(verify_clocks()) == []
    assert differences() == []


def test_a_case_without_an_account_is_told_at_its_address(department, category, region):
    RoutingRuleFactory(category=category, lead_department=department)
    case = CaseFactory(category=category, region=region, citizen=None, contact_email="caller@example.org")
    clock_start(case=case, kind=ClockKind.DISPATCH, start=case.submitted_at)
    cases_route_waiting(case_id=case.pk)
    assert sorted(Notification.objects.filter(case=case).values_list("event", "recipient", "email")) == [
        (Event.DISPATCHED, None, "caller@example.org"), (Event.RECEIVED, None, "caller@example.org")]


def test_the_messages_of_cases_a_batch_routed_do_nothing(department, category, region):
    RoutingRuleFactory(category=category, lead_department=department)
    citizen = UserFactory()
    cases = [submitted(citizen, category, region, number) for number in range(4)]
    route_case(cases[0].pk)  # the first message routes all four
    assert Case.objects.filter(pk__in=[case.pk for case in cases], status=Status.DISPATCHED).count() == 4
    for case in cases:
        route_case(case.pk)  # each case's own message, delivered afterwards (or twice)
    assert RoutingDecision.objects.filter(case__in=cases).count() == 4
    assert SupervisionClock.objects.filter(case__in=cases, kind=ClockKind.SIGN_FOR).count() == 4
    assert differences() == []


def poison(monkeypatch, poisoned):
    """Routing the case breaks a constraint: any batch holding it fails."""
    import supervision.clocks

    real = supervision.clocks.insert_rows

    def refuse_the_poisoned_case(model, rows, *args, **kwargs):
        if model is SupervisionClock and any(clock.case_id == poisoned.pk for clock in rows):
            raise RuntimeError("a constraint the poisoned case breaks")
        return real(model, rows, *args, **kwargs)

    monkeypatch.setattr(supervision.clocks, "insert_rows", refuse_the_poisoned_case)


def test_a_failing_batch_still_routes_the_messages_own_case(department, category, region, monkeypatch):
    RoutingRuleFactory(category=category, lead_department=department)
    citizen = UserFactory()
    poisoned, mine = submitted(citizen, category, region, 0), submitted(citizen, category, region, 1)
    poison(monkeypatch, poisoned)
    cases_route_waiting(case_id=mine.pk)
    mine.refresh_from_db()
    poisoned.refresh_from_db()
    assert mine.status == Status.DISPATCHED
    assert poisoned.status == Status.SUBMITTED  # left for its own message, or the sweeper
    with pytest.raises(RuntimeError):
        cases_route_waiting(case_id=poisoned.pk)  # its own message fails, and is retried or recorded


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are checked on PostgreSQL")
def test_a_batch_skips_cases_another_worker_holds(department, category, region):
    RoutingRuleFactory(category=category, lead_department=department)
    held, mine, free = [CaseFactory(category=category, region=region) for _ in range(3)]
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic():
                Case.objects.select_for_update().get(pk=held.pk)
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert locked.wait(10)
        decisions = cases_route_waiting(case_id=mine.pk)  # returns without waiting for the held case
    finally:
        release.set()
        thread.join()
    assert [decision.case_id for decision in decisions] == [mine.pk, free.pk]
    held.refresh_from_db()
    assert held.status == Status.SUBMITTED


def test_a_failing_batch_of_no_case_of_its_own_routes_the_others_one_by_one(department, category, region,
                                                                            monkeypatch):
    RoutingRuleFactory(category=category, lead_department=department)
    citizen = UserFactory()
    poisoned = submitted(citizen, category, region, 0)
    others = [submitted(citizen, category, region, n) for n in (1, 2)]
    poison(monkeypatch, poisoned)
    decisions = cases_route_waiting(case_id=None, limit=10)  # a message that held submissions back
    assert sorted(decision.case_id for decision in decisions) == sorted(case.pk for case in others)
    assert Case.objects.get(pk=poisoned.pk).status == Status.SUBMITTED
