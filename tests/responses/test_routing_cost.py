"""Routing a case runs a bounded number of queries, and an administrator's
change to the rules or the deadline policies is seen by the next routing."""

import pytest

from petitions.services import case_submit
from responses.services import case_route
from supervision.models import ClockKind, DeadlinePolicy, SupervisionClock
from tests.factories import CaseFactory, CategoryFactory, DepartmentFactory, RoutingRuleFactory, official_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("members", [1, 8])
def test_routing_a_case_runs_a_bounded_number_of_queries_whatever_the_rules_and_members(
        citizen, category, region, department, members, django_assert_max_num_queries):
    for number in range(members):
        official_of(department, email=f"member{number}@example.org")
    for priority in range(8):
        RoutingRuleFactory(category=CategoryFactory(), priority=priority)
    RoutingRuleFactory(category=category, lead_department=department, priority=50)
    case_route(case_id=CaseFactory(category=category, region=region).id)  # warm the shared cache
    case, _created = case_submit(actor=citizen, kind="complaint", category=category, region=region,
                                 title="路灯不亮", body="小区门口路灯坏了一周。", contact_email=citizen.email)
    with django_assert_max_num_queries(30):
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
    DeadlinePolicy.objects.filter(clock=ClockKind.SIGN_FOR).update(amount=3)  # no signal: not seen yet
    for policy in DeadlinePolicy.objects.filter(clock=ClockKind.SIGN_FOR):
        policy.save()  # the admin's save: seen at once
    second = CaseFactory(category=category, region=region)
    case_route(case_id=second.id)
    limits = {clock.case_id: clock.limit_amount
              for clock in SupervisionClock.objects.filter(kind=ClockKind.SIGN_FOR, case__in=[first, second])}
    assert limits[second.id] == 3 and limits[first.id] != 3
