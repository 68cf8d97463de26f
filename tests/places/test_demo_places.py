"""The demo city's boundaries: its districts and streets, and rules that send
a pin inside a street office's patch to it."""

import pytest

from petitions.models import Category, Region
from petitions.services import case_submit
from places.demo import load_demo_places
from places.models import Area
from portal.demo import load_demo
from responses.services import case_route

pytestmark = pytest.mark.django_db


def test_the_demo_loads_its_areas_once_and_routes_by_them(citizen):
    load_demo()
    assert load_demo_places() == 6
    assert load_demo_places() == 6  # twice changes nothing
    assert Area.objects.count() == 6
    street = Area.objects.get(code="dongcheng-donghuamen")
    assert street.parent.code == "dongcheng" and street.region.code == "dongcheng-donghuamen"
    # A noise complaint filed under the whole city, pinned in Donghuamen.
    case, _created = case_submit(actor=citizen, kind="complaint", category=Category.objects.get(code="urban-noise"),
                                 region=Region.objects.get(code="city"), title="夜间施工噪音",
                                 body="工地夜里施工。", contact_email=citizen.email,
                                 latitude="39.913818", longitude="116.410000")
    assert case.area == street
    assert case_route(case_id=case.pk).department.code == "dongcheng-donghuamen"


def test_the_demo_cases_have_pins_inside_their_areas_and_show_on_the_public_map():
    from django.core.cache import cache

    from petitions.models import Case
    from places.conf import city_bounds
    from places.selectors import public_map_data
    from publication.models import Publication
    from publication.selectors import PublicFilters

    load_demo()
    pinned = list(Case.objects.filter(latitude__isnull=False).select_related("region", "area"))
    assert len(pinned) >= 20
    for case in pinned:
        assert case.area is not None and case.area.contains(float(case.latitude), float(case.longitude))
        assert case.area.region == case.region or case.area.parent.region == case.region
    assert Publication.objects.filter(map_cell__isnull=False).count() >= 10
    cache.clear()
    data = public_map_data(PublicFilters(), city_bounds())
    assert sum(cell["count"] for cell in data["cells"]) >= 10
