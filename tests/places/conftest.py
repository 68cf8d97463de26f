"""Areas shaped like the demo's: a district holding a street office's patch."""

import pytest

from places.models import Area
from places.services import area_save


def square(west, south, east, north) -> dict:
    return {"type": "Polygon", "coordinates": [[[west, south], [east, south], [east, north], [west, north],
                                                [west, south]]]}


@pytest.fixture
def district(db):
    return area_save(actor=None, area=Area(code="dongcheng", name="东城区", name_en="Dongcheng", kind="district",
                                           boundary=square(116.385, 39.855, 116.445, 39.975)))


@pytest.fixture
def street(district):
    return area_save(actor=None, area=Area(code="donghuamen", name="东华门街道", name_en="Donghuamen", kind="street",
                                           parent=district, boundary=square(116.390, 39.900, 116.420, 39.925)))


# Inside the street's patch (and so the district's), and inside the district only.
IN_STREET = ("39.913818", "116.397026")
IN_DISTRICT_ONLY = ("39.950000", "116.430000")
