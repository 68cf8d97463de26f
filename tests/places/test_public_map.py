"""The public map: published cases in a box as points (street view) or as
counts per grid cell (city view), filtered like the public list, and the
cases near a place."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from petitions.lifecycle import Status
from publication.services import publication_approve
from tests.factories import CaseFactory, CategoryFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/map/cases/"
STREET_BOX = "116.39,39.90,116.42,39.925"


@pytest.fixture
def moderator(db):
    return UserFactory(email="moderator@example.org", roles=["moderator"])


@pytest.fixture
def publish(moderator, department):
    def make(lat, lon, *, category=None, exact=True, wants_public=True, title="路灯不亮"):
        extra = {"category": category} if category else {}
        case = CaseFactory(status=Status.ACCEPTED, lead_department=department, wants_public=wants_public,
                           title=title, latitude=Decimal(lat), longitude=Decimal(lon), **extra)
        if wants_public:
            publication_approve(actor=moderator, case_id=case.pk, title=case.title, body=case.body,
                                exact_location=exact)
        return case
    return make


def test_a_street_box_lists_its_published_cases_as_points(client, publish):
    inside = publish("39.913818", "116.397026")
    publish("39.950000", "116.430000")  # outside the box
    publish("39.914", "116.398", wants_public=False)  # private: never on the map
    data = client.get(URL, {"bbox": STREET_BOX}).json()
    assert [point["tracking_number"] for point in data["points"]] == [inside.tracking_number]
    assert data["points"][0]["url"] == reverse("publication:case_detail", args=[inside.tracking_number])


def test_the_map_shows_the_rounded_point_not_the_exact_one(client, publish):
    case = publish("39.913818", "116.397026", exact=False)
    point = client.get(URL, {"bbox": STREET_BOX}).json()["points"][0]
    assert (point["lat"], point["lon"]) != (float(case.latitude), float(case.longitude))
    assert "39.913818" not in client.get(URL, {"bbox": STREET_BOX}).content.decode()


def test_the_map_is_filtered_like_the_public_list(client, publish):
    lamps = CategoryFactory(code="lamps")
    lamp = publish("39.913818", "116.397026", category=lamps)
    publish("39.912", "116.396")
    data = client.get(URL, {"bbox": STREET_BOX, "category": lamps.pk}).json()
    assert [point["tracking_number"] for point in data["points"]] == [lamp.tracking_number]


def test_the_city_view_is_counts_per_grid_cell_from_the_cache(client, publish, django_assert_max_num_queries):
    cache.clear()
    publish("39.913818", "116.397026")
    publish("39.913900", "116.397100")
    publish("39.950000", "116.430000")
    with django_assert_max_num_queries(4):
        data = client.get(URL).json()
    assert "points" not in data
    assert sum(cell["count"] for cell in data["cells"]) == 3
    assert data["max"] == 2
    for cell in data["cells"]:
        assert cell["south"] < cell["north"] and cell["west"] < cell["east"]
    with django_assert_max_num_queries(2):  # the grid counts come from the cache
        assert client.get(URL).json() == data


def test_points_take_a_bounded_number_of_queries(client, publish, django_assert_max_num_queries):
    for offset in range(5):
        publish(f"39.91{offset}", "116.397026")
    with django_assert_max_num_queries(3):
        assert len(client.get(URL, {"bbox": STREET_BOX}).json()["points"]) == 5


def test_a_malformed_box_is_a_400(client):
    response = client.get(URL, {"bbox": "116.42,39.90,116.39"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "bbox"


def test_near_here_lists_the_closest_cases_first_without_scripts(client, publish):
    far = publish("39.9200", "116.3970", title="远处的井盖")
    close = publish("39.9140", "116.3971", title="近处的路灯")
    page = client.get(reverse("places:public_map"), {"near_latitude": "39.913818", "near_longitude": "116.397026"})
    text = page.content.decode()
    assert text.index(close.title) < text.index(far.title)
    assert "data-map-public" in text and 'name="near_latitude"' in text


def test_the_duplicate_hint_puts_an_open_case_within_a_hundred_metres_first(client, publish, category, settings):
    settings.MAP_NEAR_METRES = 100
    near = publish("39.913900", "116.397100", category=category, title="东华门路口井盖缺失")
    far = publish("39.930000", "116.410000", category=category, title="景山路口井盖缺失")
    text = {"title": "路口井盖缺失", "body": "井盖不见了，很危险。", "category": category.pk}
    page = client.get(reverse("publication:similar_cases"), {**text, "latitude": "39.913818",
                                                             "longitude": "116.397026"}).content.decode()
    assert "within 100 m" in page or "100 米" in page
    assert page.index(near.title) < page.index(far.title)
    # Without a pin, the words alone decide.
    plain = client.get(reverse("publication:similar_cases"), text).content.decode()
    assert "within 100 m" not in plain and near.title in plain


def test_the_beat_task_keeps_the_unfiltered_counts_and_views_add_them_up(client, publish,
                                                                        django_assert_max_num_queries):
    from places.conf import city_bounds
    from places.selectors import cell_size_for, count_cells, snapped
    from places.tasks import warm_public_map
    from publication.selectors import PublicFilters

    cache.clear()
    publish("39.913818", "116.397026")
    assert warm_public_map() == 1
    publish("39.950000", "116.430000")
    publish("39.950000", "116.430000", title="又一盏路灯不亮")
    assert warm_public_map() == 2  # twice: counted again, nothing else
    with django_assert_max_num_queries(1):  # the session's; no count
        data = client.get(URL).json()
    size = cell_size_for(city_bounds())
    assert data["cells"] == count_cells(PublicFilters(), snapped(city_bounds(), size), size)
    assert sum(cell["count"] for cell in data["cells"]) == 3


def test_a_crowded_street_box_known_from_its_cached_counts_is_not_read_point_by_point(
        client, publish, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr("places.selectors.MAX_POINTS", 3)
    cache.clear()
    for offset in range(6):
        publish(f"39.91{offset}", f"116.40{offset}")
    first = client.get(URL, {"bbox": STREET_BOX}).json()
    assert "points" not in first and sum(cell["count"] for cell in first["cells"]) == 6
    with CaptureQueriesContext(connection) as queries:
        again = client.get(URL, {"bbox": STREET_BOX}).json()
    assert again == first
    assert not any("publication_publication" in query["sql"] for query in queries.captured_queries)
