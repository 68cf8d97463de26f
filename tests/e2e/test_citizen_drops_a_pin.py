"""The map on the submission form in a real browser, with the tile server
stubbed by Playwright (no test needs the internet): a citizen drops a pin,
drags it, and submits; with no tile server reachable the page says so and
the typed latitude and longitude still work. Pages stay 375 px wide."""

import base64
import re

import pytest
from playwright.sync_api import expect

from petitions.models import Case
from places.conf import city_bounds
from tests.e2e.test_citizen_asks_official_answers import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# A 1×1 PNG served for every tile.
TILE = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAAB"
                        "JRU5ErkJggg==")
TILES = re.compile(r"^https://tile\.openstreetmap\.org/")


def stub_tiles(page):
    hits = []

    def serve(route):
        hits.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=TILE)

    page.route(TILES, serve)
    return hits


def fill_case(page):
    page.get_by_label("Kind of case").select_option("complaint")
    page.get_by_label("Category").select_option(label="Noise")
    page.get_by_label("Region").select_option(label="Dongcheng")
    page.get_by_label("Title").fill("Manhole cover missing")
    page.get_by_label("Details").fill("The manhole cover at the crossing has been missing for two days.")
    page.get_by_label("Address or place (optional)").fill("Donghuamen Street crossing")


def test_citizen_drops_and_drags_a_pin_and_submits(live_server, new_page, citizen, category, region):
    page = new_page("en-US")
    hits = stub_tiles(page)
    log_in(page, live_server.url, citizen.email)
    page.goto(f"{live_server.url}/")
    page.locator("header nav").get_by_role("link", name="Submit a case").click()
    fill_case(page)
    canvas = page.locator("[data-map-picker] .map-canvas")
    expect(canvas).to_be_visible()
    box = canvas.bounding_box()
    canvas.click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    latitude, longitude = page.get_by_label("Latitude (optional)"), page.get_by_label("Longitude (optional)")
    expect(latitude).not_to_have_value("")
    dropped = (float(latitude.input_value()), float(longitude.input_value()))
    assert city_bounds().contains(*dropped)
    # Drag the pin a little to the east.
    marker = page.locator(".leaflet-marker-icon")
    marker_box = marker.bounding_box()
    x, y = marker_box["x"] + marker_box["width"] / 2, marker_box["y"] + marker_box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 20, y, steps=5)
    page.mouse.move(x + 40, y, steps=5)
    page.mouse.up()
    expect(longitude).not_to_have_value(f"{dropped[1]:.6f}")
    moved = (float(latitude.input_value()), float(longitude.input_value()))
    assert moved[1] > dropped[1]
    assert hits, "the map asked the (stubbed) tile server for tiles"
    expect(page.locator("[data-map-picker] .map-notice")).to_be_hidden()
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("tracking number")
    case = Case.objects.get()
    assert (float(case.latitude), float(case.longitude)) == pytest.approx(moved, abs=1e-6)
    assert case.address == "Donghuamen Street crossing"


def test_without_a_tile_server_the_form_says_so_and_still_works(live_server, new_page, citizen, category, region):
    page = new_page("en-US")
    page.set_viewport_size({"width": 375, "height": 800})
    page.route(TILES, lambda route: route.abort())
    log_in(page, live_server.url, citizen.email)
    page.goto(f"{live_server.url}/cases/new/")
    fill_case(page)
    expect(page.locator("[data-map-picker] .map-notice")).to_contain_text("could not be loaded")
    # Typed by hand, keyboard only: the pin follows.
    page.get_by_label("Latitude (optional)").fill("39.913818")
    page.get_by_label("Longitude (optional)").fill("116.397026")
    expect(page.locator(".leaflet-marker-icon")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("tracking number")
    assert str(Case.objects.get().latitude) == "39.913818"


def test_the_public_map_fits_a_phone_and_loads_its_data(live_server, new_page):
    page = new_page("en-US")
    page.set_viewport_size({"width": 375, "height": 800})
    stub_tiles(page)
    with page.expect_response(re.compile(r"/api/v1/map/cases/")) as answer:
        page.goto(f"{live_server.url}/public/map/")
    assert answer.value.status == 200
    expect(page.locator("[data-map-public] .map-canvas")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
