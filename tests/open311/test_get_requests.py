"""GET requests, GET requests/{id}: what is shown publicly, the spec's
filters and fields in both formats, status mapping and query counts."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from open311.formats import w3c_datetime
from open311.selectors import open311_status
from petitions.lifecycle import Status
from petitions.models import Case
from supervision.clocks import case_due_at
from supervision.deadlines import answer_expected_by
from tests.factories import CaseFactory, DispatchedCaseFactory, RoutingRuleFactory
from tests.open311.conftest import publish
from tests.open311.spec import REQUEST_FIELDS, assert_errors, json_of, names, parse_xml

pytestmark = pytest.mark.django_db

URL = "/open311/v2/requests.{fmt}"


def get(client, fmt="json", **params):
    return client.get(URL.format(fmt=fmt), params, HTTP_ACCEPT_LANGUAGE="en")


def ids(response) -> list[str]:
    return [request["service_request_id"] for request in json_of(response)]


@pytest.fixture
def published(moderator, pothole, department):
    return publish(DispatchedCaseFactory(category=pothole, lead_department=department,
                                         address="8TH AVE and JUDAH ST"), moderator)


def test_only_published_cases_are_listed(client, published, moderator, pothole):
    private = CaseFactory(category=pothole)  # the author did not ask
    awaiting = CaseFactory(category=pothole, wants_public=True)  # no moderator has approved it
    withdrawn = publish(CaseFactory(category=pothole), moderator)
    Case.objects.filter(pk=withdrawn.pk).update(status=Status.WITHDRAWN)
    listed = ids(get(client))
    assert listed == [published.tracking_number]
    for hidden in (private, awaiting, withdrawn):
        assert_errors(client.get(f"/open311/v2/requests/{hidden.tracking_number}.json"), 404, "json")


def test_a_request_in_json_has_the_specs_fields(client, published, department):
    [request] = json_of(client.get(f"/open311/v2/requests/{published.tracking_number}.json",
                                   HTTP_ACCEPT_LANGUAGE="en"))
    assert list(request) == REQUEST_FIELDS
    assert request["service_request_id"] == published.tracking_number
    assert request["status"] == "open"
    assert request["status_notes"] == "dispatched"
    assert (request["service_code"], request["service_name"]) == ("pothole", "Pothole")
    assert request["description"] == published.publication.body
    assert request["agency_responsible"] == "City Management"
    assert request["service_notice"] == "The road authority inspects within two working days."
    assert request["requested_datetime"] == w3c_datetime(published.submitted_at)
    assert request["requested_datetime"].endswith("+08:00")
    assert request["updated_datetime"] == w3c_datetime(published.history.latest("history_date").history_date)
    # Where it is (often someone's home) is not moderated: not for the public.
    assert request["address"] is None
    assert request["lat"] is None and request["media_url"] is None and request["zipcode"] is None


def test_a_request_in_xml_has_the_specs_elements(client, published):
    root = parse_xml(client.get(f"/open311/v2/requests/{published.tracking_number}.xml"))
    assert root.tag == "service_requests"
    [request] = root
    assert request.tag == "request"
    assert names(request) == REQUEST_FIELDS
    assert request.findtext("service_request_id") == published.tracking_number
    assert request.findtext("status") == "open"


def test_a_request_sent_through_open311_shows_its_location_media_and_deadline(
    client, api_key, pothole, department, moderator, django_capture_on_commit_callbacks
):
    RoutingRuleFactory(category=pothole, lead_department=department)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/open311/v2/requests.json", {
            "api_key": api_key.raw, "service_code": "pothole", "lat": "39.913818215", "long": "116.397026145",
            "address_id": "545483", "phone": "111", "description": "Deep hole", "attribute[SIZE]": "S",
            "media_url": "http://city.gov.s3.amazonaws.com/requests/media/638344.jpg",
        })
    number = response.json()[0]["service_request_id"]
    case = publish(Case.objects.get(tracking_number=number), moderator)
    [public] = json_of(client.get(f"/open311/v2/requests/{number}.json"))
    assert (public["address_id"], public["media_url"]) == (None, None)
    # The public reads the point as the public map shows it: rounded, not as sent.
    assert (public["lat"], public["long"]) == (float(case.publication.latitude), float(case.publication.longitude))
    assert public["lat"] != 39.913818215
    [request] = json_of(client.get(f"/open311/v2/requests/{number}.json", {"api_key": api_key.raw}))
    assert request["lat"] == 39.913818215 and request["long"] == 116.397026145
    assert request["address_id"] == "545483"
    assert request["media_url"] == "http://city.gov.s3.amazonaws.com/requests/media/638344.jpg"
    # When it can be expected answered: not the sign-for deadline the case
    # is held to now, but the reply limit after it (an estimate until signed for).
    assert case.due_at is not None and case.due_at == case_due_at(case)
    expected = answer_expected_by(case)
    assert expected.estimate and expected.at > case.due_at
    assert request["expected_datetime"] == w3c_datetime(expected.at)
    root = parse_xml(client.get(f"/open311/v2/requests/{number}.xml", {"api_key": api_key.raw}))
    assert root[0].findtext("lat") == "39.913818215" and root[0].findtext("long") == "116.397026145"


def test_the_sending_key_sees_its_own_private_request_by_id_only(client, api_key, pothole):
    response = client.post("/open311/v2/requests.json", {
        "api_key": api_key.raw, "service_code": "pothole", "address_string": "Here", "phone": "111",
        "attribute[SIZE]": "S",
    })
    number = response.json()[0]["service_request_id"]
    path = f"/open311/v2/requests/{number}.json"
    assert_errors(client.get(path), 404, "json")
    assert client.get(path, {"api_key": api_key.raw}).json()[0]["service_request_id"] == number
    assert ids(get(client, service_request_id=number, api_key=api_key.raw)) == [number]
    assert ids(get(client, api_key=api_key.raw)) == []  # the public list stays public
    assert_errors(client.get(path, {"api_key": "wrong"}), 403, "json")


@pytest.mark.parametrize("status", Status.values)
def test_every_case_status_maps_to_open_or_closed(status):
    closed = {Status.REPLIED, Status.CLOSED, Status.REJECTED, Status.MERGED, Status.WITHDRAWN}
    assert open311_status(status) == ("closed" if status in closed else "open")


def test_status_filter_and_closed_requests(client, published, moderator, pothole):
    answered = publish(CaseFactory(category=pothole), moderator)
    Case.objects.filter(pk=answered.pk).update(status=Status.REPLIED, due_at=timezone.now())
    assert ids(get(client, status="open")) == [published.tracking_number]
    assert ids(get(client, status="closed")) == [answered.tracking_number]
    assert set(ids(get(client, status="open,closed"))) == {published.tracking_number, answered.tracking_number}
    [closed] = get(client, status="closed").json()
    assert closed["status"] == "closed" and closed["status_notes"] == "replied"
    assert closed["expected_datetime"] is None


def test_service_code_filter_takes_a_comma_list(client, published, moderator, category):
    noise = publish(CaseFactory(category=category), moderator)
    publish(CaseFactory(), moderator)
    assert ids(get(client, service_code="pothole")) == [published.tracking_number]
    assert set(ids(get(client, service_code=f"pothole,{category.code}"))) == {
        published.tracking_number, noise.tracking_number}
    assert ids(get(client, service_code="no-such-service")) == []


def test_dates_default_to_the_last_90_days_and_filter_the_requested_time(client, moderator, pothole):
    now = timezone.now()
    recent = publish(CaseFactory(category=pothole, submitted_at=now - datetime.timedelta(days=10)), moderator)
    old = publish(CaseFactory(category=pothole, submitted_at=now - datetime.timedelta(days=100)), moderator)
    assert ids(get(client)) == [recent.tracking_number]
    start = (now - datetime.timedelta(days=120)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (now - datetime.timedelta(days=60)).strftime("%Y-%m-%dT%H:%M:%S+08:00")
    assert ids(get(client, start_date=start, end_date=end)) == [old.tracking_number]
    # start alone: the 90 days after it; end alone: the 90 days before it.
    assert ids(get(client, start_date=start)) == [old.tracking_number]
    assert ids(get(client, end_date=end)) == [old.tracking_number]


def test_an_unencoded_plus_in_an_offset_is_understood(client, published):
    # "+08:00" in a query string arrives as " 08:00".
    start = timezone.localtime(published.submitted_at - datetime.timedelta(hours=1))
    query = f"start_date={start:%Y-%m-%dT%H:%M:%S}+08:00"
    assert ids(client.get(f"/open311/v2/requests.json?{query}")) == [published.tracking_number]


def test_service_request_id_overrides_every_other_filter(client, published, moderator, pothole):
    old = publish(CaseFactory(category=pothole, submitted_at=timezone.now() - datetime.timedelta(days=400)),
                  moderator)
    listed = ids(get(client, service_request_id=f"{old.tracking_number},{published.tracking_number}",
                     status="closed", service_code="other", start_date="not a date"))
    assert listed == [published.tracking_number, old.tracking_number]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    "params, fragment",
    [
        ({"start_date": "2010-01-01T00:00:00Z", "end_date": "2010-06-01T00:00:00Z"}, "90 days"),
        ({"start_date": "2010-05-01T00:00:00Z", "end_date": "2010-04-01T00:00:00Z"}, "before start_date"),
        ({"start_date": "yesterday"}, "start_date is not a W3C date"),
        ({"end_date": "2010-13-45T00:00:00Z"}, "end_date is not a W3C date"),
        ({"start_date": "2010-01-01T00:00:00"}, "time zone"),
        ({"status": "pending"}, "status must be open, closed"),
    ],
)
def test_bad_filters_are_refused_with_a_reason(client, params, fragment, fmt):
    assert_errors(get(client, fmt, **params), 400, fmt, contains=fragment)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_request_id_is_not_found(client, fmt):
    assert_errors(client.get(f"/open311/v2/requests/123456.{fmt}"), 404, fmt, contains="123456")
    assert_errors(client.get(f"/open311/v2/requests/261127-0000-0000-000.{fmt}"), 404, fmt)


def test_the_list_is_capped_at_1000_newest_first(client, moderator, pothole, monkeypatch):
    monkeypatch.setattr("open311.selectors.MAX_REQUESTS", 2)
    cases = [publish(CaseFactory(category=pothole, submitted_at=timezone.now() - datetime.timedelta(hours=hours)),
                     moderator) for hours in (3, 1, 2)]
    assert ids(get(client)) == [cases[1].tracking_number, cases[2].tracking_number]


def test_the_list_runs_one_query_however_many_requests(client, moderator, pothole, department,
                                                       django_assert_num_queries):
    for _ in range(2):
        publish(DispatchedCaseFactory(category=pothole, lead_department=department), moderator)
    with django_assert_num_queries(1):
        assert len(get(client).json()) == 2
    for _ in range(5):
        publish(DispatchedCaseFactory(category=pothole, lead_department=department), moderator)
    rejected = publish(CaseFactory(category=pothole), moderator)
    Case.objects.filter(pk=rejected.pk).update(status=Status.MERGED)
    with django_assert_num_queries(1):
        assert len(parse_xml(get(client, "xml"))) == 7
    with django_assert_num_queries(1):
        client.get(f"/open311/v2/requests/{rejected.tracking_number}.json")


def test_request_lists_are_rate_limited_per_address(client, settings):
    settings.OPEN311_LIST_RATE = "2/m"
    address = {"REMOTE_ADDR": "198.51.100.77", "HTTP_ACCEPT_LANGUAGE": "en"}
    for _ in range(2):
        assert client.get("/open311/v2/requests.json", **address).status_code == 200
    response = client.get("/open311/v2/requests.json", **address)
    assert response.status_code == 429
    assert response.json()[0]["code"] == 429 and "Too many" in response.json()[0]["description"]
    assert client.get("/open311/v2/requests.json", REMOTE_ADDR="198.51.100.78").status_code == 200


def test_a_posted_point_is_the_cases_and_requests_can_be_filtered_by_a_box(
    client, api_key, pothole, moderator, settings
):
    settings.MAP_PUBLIC_PRECISION_METRES = 0  # the sent point, for the comparison below
    numbers = {}
    for name, (lat, long) in {"donghuamen": ("39.913818", "116.397026"), "xinjiekou": ("39.945", "116.37")}.items():
        response = client.post("/open311/v2/requests.json", {
            "api_key": api_key.raw, "service_code": "pothole", "lat": lat, "long": long, "phone": "111",
            "description": f"Hole in {name}", "attribute[SIZE]": "S"})
        numbers[name] = response.json()[0]["service_request_id"]
        case = Case.objects.get(tracking_number=numbers[name])
        assert (case.latitude, case.longitude) == (Decimal(lat), Decimal(long))  # stored with the case, in WGS-84
        publish(case, moderator)
    box = {"bbox": "116.39,39.90,116.42,39.925"}
    found = json_of(client.get("/open311/v2/requests.json", box))
    assert [item["service_request_id"] for item in found] == [numbers["donghuamen"]]
    assert (found[0]["lat"], found[0]["long"]) == (39.913818, 116.397026)
    assert len(json_of(client.get("/open311/v2/requests.json"))) == 2
    response = client.get("/open311/v2/requests.json", {"bbox": "116.42,39.9"})
    assert response.status_code == 400


def test_a_point_outside_the_city_is_refused(client, api_key, pothole):
    response = client.post("/open311/v2/requests.json", {
        "api_key": api_key.raw, "service_code": "pothole", "lat": "37.762221815", "long": "-122.4651145",
        "phone": "111", "description": "Deep hole", "attribute[SIZE]": "S"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "outside the city" in response.json()[0]["description"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("url", [
    "/open311/v2/services/pot%00hole.{fmt}",
    "/open311/v2/requests.{fmt}?service_code=pot%00hole",
    "/open311/v2/requests.{fmt}?service_request_id=1%00",
    "/open311/v2/requests/1%00.{fmt}",
    "/open311/v2/tokens/to%00ken.{fmt}",
])
def test_a_nul_character_in_any_argument_is_a_bad_request(client, pothole, published, url, fmt):
    # PostgreSQL refuses NUL in a query: without this check it was a 500 there.
    assert_errors(client.get(url.format(fmt=fmt)), 400, fmt, contains="NUL")
