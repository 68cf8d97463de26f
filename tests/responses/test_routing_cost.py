"""Routing a case runs a bounded number of queries, and an administrator's
change to the rules or the deadline policies is seen by the next routing."""

import pytest

from responses.services import case_route, cases_route_waiting
from supervision.models import ClockKind, DeadlinePolicy, SupervisionClock
from tests.factories import CaseFactory, DepartmentFactory, RoutingRuleFactory

pytestmark = pytest.mark.django_db


def test_routing_a_case_runs_a_bounded_number_of_queries(category, region, official, django_assert_max_num_queries):
    RoutingRuleFactory(category=category, lead_department=official.memberships.first().department)
    case = CaseFactory(category=category, region=region)
    with django_assert_max_num_queries(24):
        assert case_route(case_id=case.id) is not None


def test_a_rule_changed_by_an_administrator_routes_the_next_case(category, region):
    rule = RoutingRuleFactory(category=category)
    assert case_route(case_id=CaseFactory(category=category, region=region).id).department == rule.lead_department
    elsewhere = DepartmentFactory()
    rule.lead_department = elsewhere
    rule.save()
    assert case_route(case_id=CaseFactory(category=category, region=region).id).department == elsewhere
    rule.is_active = False  # rules that decided cases are kept, switched off
    rule.save()
    assert case_route(case_id=CaseFactory(category=category, region=region).id).method == "no_match"


def test_a_closed_department_gets_no_more_cases_by_its_rules(category, region):
    rule = RoutingRuleFactory(category=category)
    case_route(case_id=CaseFactory(category=category, region=region).id)
    rule.lead_department.is_active = False
    rule.lead_department.save()
    assert case_route(case_id=CaseFactory(category=category, region=region).id).method == "no_match"


def test_a_policy_changed_by_an_administrator_sets_the_next_clock(category, region):
    RoutingRuleFactory(category=category)
    first = CaseFactory(category=category, region=region)
    case_route(case_id=first.id)
    for policy in DeadlinePolicy.objects.filter(clock=ClockKind.SIGN_FOR):
        policy.amount = 3
        policy.save()
    second = CaseFactory(category=category, region=region)
    case_route(case_id=second.id)
    limits = {clock.case_id: clock.limit_amount
              for clock in SupervisionClock.objects.filter(kind=ClockKind.SIGN_FOR, case__in=[first, second])}
    assert limits[second.id] == 3 and limits[first.id] != 3


def test_the_message_of_a_case_a_batch_routed_costs_one_query(category, region, django_assert_num_queries):
    RoutingRuleFactory(category=category)
    cases = [CaseFactory(category=category, region=region) for _ in range(3)]
    cases_route_waiting(case_id=cases[0].id)
    with django_assert_num_queries(1):
        assert cases_route_waiting(case_id=cases[1].id) == []
