"""Supervisors' heat map (cases by grid cell and category for the period and
scope) and the inbox's place filters (an area, or a box drawn on the map)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from places.selectors import heat_cells
from supervision.metrics import Scope
from tests.factories import CaseFactory, CategoryFactory, DispatchedCaseFactory

pytestmark = pytest.mark.django_db


def period(days_ago_start=30):
    now = timezone.now()
    return Scope(start=now - datetime.timedelta(days=days_ago_start), end=now + datetime.timedelta(days=1))


def test_cases_are_counted_per_cell_and_category(category):
    lamps = CategoryFactory(code="lamps", name="路灯")
    for lat, lon, cat in [("39.9131", "116.3971", category), ("39.9132", "116.3972", category),
                          ("39.9133", "116.3973", lamps), ("39.9500", "116.4300", lamps)]:
        CaseFactory(category=cat, latitude=Decimal(lat), longitude=Decimal(lon))
    CaseFactory(category=category)  # no point: not on the map
    cells = heat_cells(period())
    assert [cell["count"] for cell in cells] == [3, 1]
    busiest = cells[0]
    assert busiest["south"] <= 39.9131 < busiest["north"] and busiest["west"] <= 116.3971 < busiest["east"]
    assert busiest["categories"] == [{"category": category.display_name, "count": 2},
                                     {"category": "路灯", "count": 1}]


def test_the_period_and_category_scope_the_heat_map(category):
    CaseFactory(category=category, latitude=Decimal("39.9131"), longitude=Decimal("116.3971"),
                submitted_at=timezone.now() - datetime.timedelta(days=90))
    other = CaseFactory(latitude=Decimal("39.9131"), longitude=Decimal("116.3971"))
    assert heat_cells(period()) == heat_cells(Scope(**{**period().__dict__, "category_id": other.category_id}))
    assert sum(cell["count"] for cell in heat_cells(period(days_ago_start=120))) == 2


def test_the_dashboard_shows_the_heat_map_and_its_table(client, supervisor, category):
    CaseFactory(category=category, latitude=Decimal("39.9131"), longitude=Decimal("116.3971"))
    client.force_login(supervisor)
    page = client.get(reverse("supervision:dashboard")).content.decode()
    assert "data-map-heat" in page and reverse("api:supervision-heat-map") in page
    assert category.display_name in page
    data = client.get(reverse("api:supervision-heat-map"), {"start": "2000-01-01"}).json()
    assert data["max"] == 1 and data["cells"][0]["categories"][0]["count"] == 1


def test_only_supervisors_read_the_heat_map(client, official):
    client.force_login(official)
    assert client.get(reverse("api:supervision-heat-map")).status_code in (403, 404)


def test_the_inbox_filters_by_an_area_and_by_a_box(client, official, department, street):
    inside = DispatchedCaseFactory(lead_department=department, latitude=Decimal("39.913818"),
                                   longitude=Decimal("116.397026"), area=street, title="东华门的井盖")
    in_district = DispatchedCaseFactory(lead_department=department, latitude=Decimal("39.95"),
                                        longitude=Decimal("116.43"), area=street.parent, title="东城其他地方")
    DispatchedCaseFactory(lead_department=department, title="没有位置的案件")
    client.force_login(official)
    url = reverse("responses:inbox")

    def titles(query):
        return [case.title for case in client.get(url, query).context["page"]]

    assert titles({"area": street.pk}) == [inside.title]
    assert sorted(titles({"area": street.parent.pk})) == sorted([inside.title, in_district.title])
    assert titles({"bbox": "116.39,39.90,116.42,39.925"}) == [inside.title]
    page = client.get(url).content.decode()
    assert "data-map-box" in page and 'name="bbox"' in page and "东华门街道" in page
