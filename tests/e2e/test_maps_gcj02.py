"""Every map under a tile source drawn in GCJ-02 (MAP_TILE_CRS=gcj02, as
Chinese map services are): what a person points at on the tiles is stored
and sent in WGS-84. The tile server is a local stand-in; the test clicks
where a place's GCJ-02 coordinates fall on the served tiles (found by their
z/x/y, as a person finds a landmark on the picture), so a map that forgot
to convert would store a point some 500 m off."""

import math
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from petitions.models import Case
from places.conf import city_bounds
from places.gcj02 import gcj02_to_wgs84, wgs84_to_gcj02
from places.geometry import distance_m
from places.models import Area
from tests.e2e.test_citizen_asks_official_answers import log_in
from tests.e2e.test_citizen_drops_a_pin import fill_case, stub_tiles
from tests.factories import DispatchedCaseFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ZOOM = 15
# Near the city's centre, where the maps open, and far enough apart to tell.
CENTRE = city_bounds().centre
PLACE = (round(CENTRE[0] + 0.002, 6), round(CENTRE[1] + 0.003, 6))


@pytest.fixture(autouse=True)
def _gcj02_tiles(settings):
    settings.MAP_TILE_CRS = "gcj02"


def zoom_to(page, canvas, zoom):
    """Zoom in with the map's own + button until its tiles are of the given level."""
    canvas.scroll_into_view_if_needed()
    expect(canvas.locator("img.leaflet-tile").first).to_be_visible()
    for _click in range(12):
        if canvas.locator(f'img.leaflet-tile[src*="/{zoom}/"]').count():
            break
        canvas.locator(".leaflet-control-zoom-in").click()
        # A click during the zoom animation is not taken: let it settle.
        expect(canvas.locator(".leaflet-zoom-anim")).to_have_count(0)
        page.wait_for_timeout(300)
    expect(canvas.locator(f'img.leaflet-tile[src*="/{zoom}/"]').first).to_be_visible()
    page.wait_for_timeout(300)


def click_on_tiles(page, canvas, wgs, zoom=ZOOM):
    """Click where the point's GCJ-02 position lies on the served tiles."""
    lat, lon = wgs84_to_gcj02(*wgs)
    scale = 256 * 2 ** zoom
    x = (lon + 180) / 360 * scale
    y = (1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2 * scale
    column, row = int(x // 256), int(y // 256)
    tile = canvas.locator(f'img.leaflet-tile[src$="/{zoom}/{column}/{row}.png"]')
    expect(tile).to_be_visible()
    box = tile.bounding_box()
    page.mouse.click(box["x"] + (x - column * 256) * box["width"] / 256,
                     box["y"] + (y - row * 256) * box["height"] / 256)


def test_the_browser_converts_as_the_server_does(live_server, new_page):
    page = new_page("en-US")
    stub_tiles(page)
    page.goto(f"{live_server.url}/public/map/")
    points = [(39.908, 116.397), (40.25, 116.465), (22.54, 114.06), (51.5, -0.12)]
    browser = page.evaluate("ps => ps.map(p => [WenzhengCoords.toGcj(p[0], p[1]), WenzhengCoords.fromGcj(p[0], p[1])])",
                            points)
    for (lat, lon), (to_gcj, from_gcj) in zip(points, browser, strict=True):
        assert to_gcj == pytest.approx(wgs84_to_gcj02(lat, lon), abs=1e-9)
        assert from_gcj == pytest.approx(gcj02_to_wgs84(lat, lon), abs=1e-9)


def test_a_pin_dropped_on_gcj02_tiles_is_stored_in_wgs84(live_server, new_page, citizen, category, region):
    page = new_page("en-US")
    hits = stub_tiles(page)
    log_in(page, live_server.url, citizen.email)
    page.goto(f"{live_server.url}/cases/new/")
    fill_case(page)
    canvas = page.locator("[data-map-picker] .map-canvas")
    zoom_to(page, canvas, ZOOM)
    click_on_tiles(page, canvas, PLACE)
    latitude = page.get_by_label("Latitude (optional)")
    expect(latitude).not_to_have_value("")
    assert hits
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("tracking number")
    case = Case.objects.get()
    assert distance_m(float(case.latitude), float(case.longitude), *PLACE) < 15


def test_an_area_drawn_on_gcj02_tiles_is_stored_in_wgs84(live_server, new_page):
    admin = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    page = new_page("en-US")
    stub_tiles(page)
    log_in(page, live_server.url, admin.email)
    page.goto(f"{live_server.url}/admin/places/area/add/")
    page.locator("#id_code").fill("gcj-patch")
    page.locator("#id_name").fill("测试片区")
    canvas = page.locator(".admin-area-map .map-canvas")
    zoom_to(page, canvas, ZOOM)
    corners = [PLACE, (PLACE[0] + 0.002, PLACE[1]), (PLACE[0], PLACE[1] + 0.003)]
    for corner in corners:
        click_on_tiles(page, canvas, corner)
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    ring = Area.objects.get(code="gcj-patch").boundary["coordinates"][0][0]
    assert len(ring) == 4
    for (lon, lat), corner in zip(ring, corners, strict=False):
        assert distance_m(lat, lon, *corner) < 15


def test_the_inbox_box_drawn_on_gcj02_tiles_finds_the_cases_inside(live_server, new_page, official, department):
    inside = DispatchedCaseFactory(lead_department=department, title="Lamp out inside the box",
                                   latitude=Decimal(str(PLACE[0])), longitude=Decimal(str(PLACE[1])))
    # About 500 m east: where the box would land if the map forgot the offset.
    DispatchedCaseFactory(lead_department=department, title="Bench broken outside the box",
                          latitude=Decimal(str(PLACE[0] + 0.0013)), longitude=Decimal(str(PLACE[1] + 0.0062)))
    page = new_page("en-US")
    stub_tiles(page)
    log_in(page, live_server.url, official.email)
    page.goto(f"{live_server.url}/inbox/")
    canvas = page.locator("[data-map-box] .map-canvas")
    zoom_to(page, canvas, ZOOM)
    click_on_tiles(page, canvas, (PLACE[0] - 0.0008, PLACE[1] - 0.0012))
    click_on_tiles(page, canvas, (PLACE[0] + 0.0008, PLACE[1] + 0.0012))
    box = page.get_by_label("Box on the map (west, south, east, north)")
    expect(box).not_to_have_value("")
    west, south, east, north = (float(value) for value in box.input_value().split(","))
    assert south < PLACE[0] < north and west < PLACE[1] < east
    page.get_by_role("button", name="Filter", exact=True).click()
    rows = page.locator("table.cases tbody")
    expect(rows).to_contain_text(inside.title)
    expect(rows).not_to_contain_text("Bench broken outside the box")
