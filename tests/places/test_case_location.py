"""A case's place: the pin's point is stored in WGS-84 inside the city's
bounds, with the smallest area holding it; the address alone still works."""

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from petitions.models import Case
from petitions.services import case_submit
from portal.errors import DomainError
from tests.places.conftest import IN_DISTRICT_ONLY, IN_STREET

pytestmark = pytest.mark.django_db


def form_data(category, region, **overrides):
    data = {"kind": "complaint", "category": category.pk, "region": region.pk, "urgency": "normal",
            "title": "井盖缺失", "body": "路口的井盖不见了，晚上很危险。", "address": "东华门大街路口",
            "submission_key": str(uuid.uuid4())}
    data.update(overrides)
    return data


def test_the_form_keeps_the_pin_and_the_address(client, citizen, category, region, street):
    client.force_login(citizen)
    response = client.post(reverse("petitions:case_submit"),
                           form_data(category, region, latitude=IN_STREET[0], longitude=IN_STREET[1]))
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.latitude, case.longitude) == (Decimal(IN_STREET[0]), Decimal(IN_STREET[1]))
    assert case.address == "东华门大街路口"
    assert case.area == street  # the smallest area holding the point, not the district


def test_the_form_works_with_the_address_alone(client, citizen, category, region):
    client.force_login(citizen)
    response = client.post(reverse("petitions:case_submit"), form_data(category, region))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.latitude is None and case.area is None and case.address == "东华门大街路口"


def test_the_form_shows_the_map_with_plain_fields_for_those_without_scripts(client, citizen):
    client.force_login(citizen)
    page = client.get(reverse("petitions:case_submit")).content.decode()
    assert 'name="latitude"' in page and 'name="longitude"' in page
    assert "data-map-picker" in page and "vendor/leaflet/leaflet.js" in page
    assert "unpkg" not in page and "cdn" not in page.lower()


def test_a_point_outside_the_city_is_refused_on_the_field(client, citizen, category, region):
    client.force_login(citizen)
    response = client.post(reverse("petitions:case_submit"),
                           form_data(category, region, latitude="31.2304", longitude="121.4737"))  # Shanghai
    assert response.status_code == 200
    assert "不在本平台服务的城市范围内" in response.context["form"].errors["latitude"][0]
    assert not Case.objects.exists()


def test_half_a_point_is_refused(client, citizen, category, region):
    client.force_login(citizen)
    response = client.post(reverse("petitions:case_submit"), form_data(category, region, latitude="39.91"))
    assert "同时填写纬度和经度" in response.context["form"].errors["latitude"][0]


def test_the_city_bounds_are_a_setting(settings, citizen, category, region):
    settings.CITY_BOUNDS = [121.0, 30.7, 122.0, 31.9]  # Shanghai's box
    case, _created = case_submit(actor=citizen, kind="complaint", category=category, region=region, title="井盖",
                                 body="井盖缺失很危险。", contact_email=citizen.email,
                                 latitude="31.2304", longitude="121.4737")
    assert case.latitude == Decimal("31.230400")
    with pytest.raises(DomainError):
        case_submit(actor=citizen, kind="complaint", category=category, region=region, title="井盖",
                    body="井盖缺失很危险。", contact_email=citizen.email, latitude=IN_STREET[0], longitude=IN_STREET[1])


def test_a_point_outside_every_area_has_none(citizen, category, region, street):
    case, _created = case_submit(actor=citizen, kind="complaint", category=category, region=region, title="井盖",
                                 body="井盖缺失很危险。", contact_email=citizen.email,
                                 latitude="40.5", longitude="116.0")
    assert case.area is None
    case, _created = case_submit(actor=citizen, kind="complaint", category=category, region=region, title="井盖",
                                 body="井盖缺失很危险。", contact_email=citizen.email,
                                 latitude=IN_DISTRICT_ONLY[0], longitude=IN_DISTRICT_ONLY[1])
    assert case.area == street.parent
