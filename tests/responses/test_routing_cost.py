"""Routing reads the rules and the deadline policies from a per-process
cache: a fixed, small number of queries per case, and an administrator's
change is seen by the next routing all the same."""

import pytest

from petitions.lifecycle import Status
from petitions.models import Case
from responses.services import case_route, cases_route_waiting
from supervision.models import ClockKind, DeadlinePolicy, SupervisionClock
from tests.factories import CaseFactory, CategoryFactory, DepartmentFactory, RoutingRuleFactory

pytestmark = pytest.mark.django_db


def test_routing_a_case_runs_a_fixed_number_of_queries(category, region, official, django_assert_num_queries):
    RoutingRuleFactory(category=category, lead_department=official.memberships.first().department)
    case_route(case_id=CaseFactory(category=category, region=region).id)  # warm the process caches
    case = CaseFactory(category=category, region=region)
    # 13, and 3 for the dispatch clock the submission left to routing: the
    # cases with one already, its insert (stopped at once: routed by a
    # rule), its two events; and 4 for the ledger: the head's lock and its
    # update, for the dispatch clock's events and the sign-for clock's.
    with django_assert_num_queries(20):
        assert case_route(case_id=case.id) is not None


@pytest.mark.parametrize("waiting", [3, 20])
def test_routing_a_backlog_costs_the_same_statements_for_any_batch(category, region, official, waiting,
                                                                   django_assert_num_queries):
    """A batch of waiting cases, some matching a rule and some not, is
    routed in one transaction with the same statements whatever its size."""
    department = official.memberships.first().department
    RoutingRuleFactory(category=category, lead_department=department)
    case_route(case_id=CaseFactory(category=category, region=region).id)  # warm the process caches
    cases = [CaseFactory(category=category if number % 4 else CategoryFactory(), region=region)
             for number in range(waiting)]
    with django_assert_num_queries(24):  # 4 of them the ledger's, as above
        decisions = cases_route_waiting(case_id=cases[-1].id, limit=waiting)
    assert len(decisions) == waiting
    assert decisions[0].case_id == cases[-1].id  # its own case first, then the longest waiting
    assert Case.objects.filter(pk__in=[case.pk for case in cases], status=Status.SUBMITTED).count() == 0


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


def test_the_message_of_a_case_a_batch_routed_costs_one_query(category, region, django_assert_num_queries):
    RoutingRuleFactory(category=category)
    cases = [CaseFactory(category=category, region=region) for _ in range(3)]
    cases_route_waiting(case_id=cases[0].id)
    with django_assert_num_queries(1):
        assert cases_route_waiting(case_id=cases[1].id) == []
