"""Plain-Python geometry: polygons with holes, boxes, grid cells, rounding."""

import pytest

from places import geometry
from places.geometry import Bounds, GeometryError

SQUARE_WITH_HOLE = {
    "type": "Polygon",
    "coordinates": [
        [[116.0, 39.0], [117.0, 39.0], [117.0, 40.0], [116.0, 40.0], [116.0, 39.0]],
        [[116.4, 39.4], [116.6, 39.4], [116.6, 39.6], [116.4, 39.6], [116.4, 39.4]],
    ],
}


def test_a_point_inside_the_outline_but_in_a_hole_is_outside():
    assert geometry.contains_point(SQUARE_WITH_HOLE, 39.2, 116.2)
    assert not geometry.contains_point(SQUARE_WITH_HOLE, 39.5, 116.5)
    assert not geometry.contains_point(SQUARE_WITH_HOLE, 40.5, 116.5)


def test_a_concave_outline_excludes_its_notch():
    # A "U": the notch between the arms is outside.
    u_shape = {"type": "Polygon", "coordinates": [[[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3],
                                                   [0, 0]]]}
    assert geometry.contains_point(u_shape, 2.0, 0.5)
    assert not geometry.contains_point(u_shape, 2.0, 1.5)


def test_features_and_collections_become_one_multipolygon_with_its_box():
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": SQUARE_WITH_HOLE},
        {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [
            [[118, 41], [118.5, 41], [118.5, 41.5], [118, 41]]]}},
    ]}
    normalised = geometry.normalised_geometry(collection)
    assert normalised["type"] == "MultiPolygon" and len(normalised["coordinates"]) == 2
    assert geometry.bounds_of(normalised) == Bounds(south=39.0, west=116.0, north=41.5, east=118.5)


@pytest.mark.parametrize("bad", [
    "not json", {"type": "Point", "coordinates": [116, 39]},
    {"type": "Polygon", "coordinates": [[[116, 39], [117, 39], [116, 39]]]},  # too few points
    {"type": "Polygon", "coordinates": [[[39, 116], [39, 117], [40, 117], [39, 116]]]},  # latitude first
])
def test_unusable_boundaries_are_refused(bad):
    with pytest.raises(GeometryError):
        geometry.normalised_geometry(bad)


def test_a_bbox_is_west_south_east_north_and_clipped_to_the_city():
    city = Bounds(south=39.4, west=115.4, north=41.0, east=117.5)
    assert geometry.parse_bbox("116.3,39.9,116.4,40.0") == Bounds(south=39.9, west=116.3, north=40.0, east=116.4)
    assert geometry.parse_bbox("100,30,116.4,40", limit=city) == Bounds(south=39.4, west=115.4, north=40, east=116.4)
    for bad in ("1,2,3", "a,b,c,d", "116.4,39.9,116.3,40.0", "0,0,1,1"):
        with pytest.raises(ValueError):
            geometry.parse_bbox(bad, limit=city)


def test_the_cells_of_a_box_are_one_range_per_row_and_hold_its_points():
    box = Bounds(south=39.9005, west=116.3905, north=39.9035, east=116.3955)
    ranges = geometry.cell_ranges(box)
    assert len(ranges) == 4  # rows 39.900, .901, .902, .903
    for lat, lon in [(39.9005, 116.3905), (39.9035, 116.3955), (39.902, 116.393)]:
        cell = geometry.cell_of(lat, lon)
        assert any(first <= cell <= last for first, last in ranges)
    outside = geometry.cell_of(39.902, 116.3965)
    assert not any(first <= outside <= last for first, last in ranges)


def test_rounding_moves_a_point_less_than_the_precision_and_hides_nearby_differences():
    lat, lon = 39.913818, 116.397026
    shown = geometry.rounded(lat, lon, 200)
    assert geometry.distance_m(lat, lon, *shown) < 200 * 0.75
    # Two points a few metres apart in the same square read the same.
    assert geometry.rounded(lat + 0.00002, lon + 0.00002, 200) == shown
    assert geometry.rounded(lat, lon, 0) == (lat, lon)


def test_distance_is_great_circle_metres():
    # One thousandth of a degree of latitude is about 111 m.
    assert 110 < geometry.distance_m(39.9, 116.4, 39.901, 116.4) < 112
