"""A routing rule may name an area: a case whose point lies inside goes to
its department, whatever region was chosen."""

import pytest

from petitions.services import case_submit
from responses.models import RoutingMethod
from responses.services import case_route
from tests.factories import DepartmentFactory, RoutingRuleFactory
from tests.places.conftest import IN_DISTRICT_ONLY, IN_STREET

pytestmark = pytest.mark.django_db


def submit(citizen, category, region, point=None):
    lat, lon = point or (None, None)
    case, _created = case_submit(actor=citizen, kind="complaint", category=category, region=region,
                                 title="夜间施工噪音", body="工地夜里施工，噪音很大。", contact_email=citizen.email,
                                 latitude=lat, longitude=lon)
    return case


@pytest.fixture
def street_office(street, category):
    office = DepartmentFactory(code="donghuamen-office", name="东华门街道办事处")
    RoutingRuleFactory(priority=5, area=street, category=category, lead_department=office)
    return office


def test_a_case_inside_the_street_office_boundary_goes_to_it(citizen, category, region, department, street_office):
    RoutingRuleFactory(priority=100, category=category, lead_department=department)
    case = submit(citizen, category, region, IN_STREET)
    decision = case_route(case_id=case.pk)
    assert decision.method == RoutingMethod.RULE
    assert decision.department == street_office
    assert decision.rule.area.code == "donghuamen"


def test_a_case_outside_it_or_without_a_point_takes_the_next_rule(citizen, category, region, department,
                                                                  street_office):
    RoutingRuleFactory(priority=100, category=category, lead_department=department)
    for point in (IN_DISTRICT_ONLY, None):
        case = submit(citizen, category, region, point)
        assert case_route(case_id=case.pk).department == department


def test_an_inactive_area_matches_nothing(citizen, category, region, street, street_office):
    street.is_active = False
    street.save()
    case = submit(citizen, category, region, IN_STREET)
    assert case_route(case_id=case.pk).method == RoutingMethod.NO_MATCH
