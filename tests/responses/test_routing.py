"""Routing by rules: first match by priority, descendants, keywords, the
routing centre, and idempotence."""

import datetime

import pytest
from django.utils import timezone

from petitions.lifecycle import Status
from responses.models import RoutingMethod
from responses.services import case_route
from responses.tasks import route_case, sweep_unrouted_cases
from tests.factories import CaseFactory, CategoryFactory, DepartmentFactory, RegionFactory, RoutingRuleFactory


@pytest.mark.django_db
def test_first_matching_rule_by_priority_wins(category, region):
    late = RoutingRuleFactory(priority=50, category=category)
    early = RoutingRuleFactory(priority=10, category=category)
    case = CaseFactory(category=category, region=region)
    decision = case_route(case_id=case.id)
    case.refresh_from_db()
    assert decision.rule == early != late
    assert case.lead_department == early.lead_department
    assert case.status == Status.DISPATCHED
    assert case.dispatched_at is not None and case.due_at > case.dispatched_at


@pytest.mark.django_db
def test_rule_on_a_parent_category_and_region_matches_their_children():
    parent_category, parent_region = CategoryFactory(), RegionFactory()
    rule = RoutingRuleFactory(category=parent_category, region=parent_region)
    case = CaseFactory(category=CategoryFactory(parent=parent_category), region=RegionFactory(parent=parent_region))
    assert case_route(case_id=case.id).rule == rule


@pytest.mark.django_db
def test_all_conditions_of_a_rule_must_match(category, region):
    RoutingRuleFactory(priority=1, category=category, region=RegionFactory())
    RoutingRuleFactory(priority=2, kind="suggestion")
    fallback = RoutingRuleFactory(priority=3, category=category)
    case = CaseFactory(category=category, region=region, kind="complaint")
    assert case_route(case_id=case.id).rule == fallback


@pytest.mark.django_db
def test_keywords_match_title_or_body_in_chinese_or_english():
    wages = RoutingRuleFactory(priority=1, keywords="拖欠工资, unpaid wages")
    chinese = CaseFactory(title="公司拖欠工资三个月")
    english = CaseFactory(title="Help", body="My employer has UNPAID WAGES for March.")
    other = CaseFactory(title="路灯不亮")
    assert case_route(case_id=chinese.id).rule == wages
    assert case_route(case_id=english.id).rule == wages
    assert case_route(case_id=other.id).method == RoutingMethod.NO_MATCH


@pytest.mark.django_db
def test_inactive_rules_and_rules_to_inactive_departments_are_skipped(category):
    RoutingRuleFactory(priority=1, category=category, is_active=False)
    RoutingRuleFactory(priority=2, category=category, lead_department=DepartmentFactory(is_active=False))
    case = CaseFactory(category=category)
    assert case_route(case_id=case.id).method == RoutingMethod.NO_MATCH


@pytest.mark.django_db
def test_no_rule_matched_sends_the_case_to_the_routing_centre():
    case = CaseFactory()
    decision = case_route(case_id=case.id)
    case.refresh_from_db()
    assert case.status == Status.ROUTING_CENTRE
    assert case.lead_department is None
    assert decision.method == RoutingMethod.NO_MATCH and decision.rule is None


@pytest.mark.django_db
def test_routing_twice_routes_once(category):
    RoutingRuleFactory(category=category)
    case = CaseFactory(category=category)
    route_case(case.id)
    route_case(case.id)
    case.refresh_from_db()
    assert case.routing_decisions.count() == 1
    assert case.history.filter(history_change_reason="routed").count() == 1


@pytest.mark.django_db
def test_routing_a_case_that_changed_rules_later_does_not_reroute(category):
    first = RoutingRuleFactory(priority=5, category=category)
    case = CaseFactory(category=category)
    case_route(case_id=case.id)
    RoutingRuleFactory(priority=1, category=category)
    assert case_route(case_id=case.id) is None
    case.refresh_from_db()
    assert case.lead_department == first.lead_department


@pytest.mark.django_db
def test_sweeper_routes_cases_whose_message_was_lost(settings, category):
    settings.ROUTING_SWEEP_AFTER_SECONDS = 60
    RoutingRuleFactory(category=category)
    stranded = CaseFactory(category=category, submitted_at=timezone.now() - datetime.timedelta(minutes=5))
    fresh = CaseFactory(category=category)
    assert sweep_unrouted_cases() == 1
    assert sweep_unrouted_cases() == 0
    stranded.refresh_from_db()
    fresh.refresh_from_db()
    assert stranded.status == Status.DISPATCHED
    assert fresh.status == Status.SUBMITTED
