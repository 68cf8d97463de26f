"""Service discovery, the service list and service definitions, in both
formats, against the specification's field lists and examples."""

import datetime

import pytest

from open311.models import Service
from tests.factories import CategoryFactory
from tests.open311.spec import (
    ATTRIBUTE_FIELDS,
    DEFINITION_FIELDS,
    DISCOVERY_FIELDS,
    ENDPOINT_FIELDS,
    SERVICE_FIELDS,
    VALUE_FIELDS,
    assert_errors,
    json_of,
    names,
    parse_xml,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/open311/discovery", "/open311/v2/discovery"])
def test_discovery_lists_the_endpoint_in_both_formats(client, settings, path):
    settings.SITE_URL = "https://wenzheng.example.gov.cn"
    data = json_of(client.get(path + ".json"))
    assert list(data) == DISCOVERY_FIELDS
    [endpoint] = data["endpoints"]
    assert list(endpoint) == ENDPOINT_FIELDS
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "https://wenzheng.example.gov.cn/open311/v2"
    assert endpoint["type"] == "production"
    assert endpoint["formats"] == ["application/json", "text/xml"]
    assert data["contact"] and data["key_service"]

    root = parse_xml(client.get(path + ".xml"))
    assert root.tag == "discovery"
    assert names(root) == DISCOVERY_FIELDS
    [endpoint_element] = root.find("endpoints")
    assert endpoint_element.tag == "endpoint"
    assert names(endpoint_element) == ENDPOINT_FIELDS
    assert [f.text for f in endpoint_element.find("formats")] == ["application/json", "text/xml"]
    assert [f.tag for f in endpoint_element.find("formats")] == ["format", "format"]


def test_discovery_changeset_moves_when_a_service_definition_changes(client, pothole):
    from open311.models import ServiceAttribute

    later = datetime.datetime(2030, 5, 6, 7, 8, 9, tzinfo=datetime.UTC)
    ServiceAttribute.objects.filter(code="DEPTH").update(updated_at=later)
    data = client.get("/open311/discovery.json").json()
    # W3C, with the portal's zone (Asia/Shanghai).
    assert data["changeset"] == "2030-05-06T15:08:09+08:00"
    assert data["endpoints"][0]["changeset"] == data["changeset"]


def test_services_list_in_json_follows_the_spec(client, pothole, group, category):
    data = json_of(client.get("/open311/v2/services.json"))
    by_code = {service["service_code"]: service for service in data}
    assert all(list(service) == SERVICE_FIELDS for service in data)
    assert by_code["pothole"] == {
        "service_code": "pothole",
        "service_name": "道路坑洼",
        "description": "Holes in the road or pavement.",
        "metadata": True,
        "type": "realtime",
        "keywords": "road, hole, 坑",
        "group": "市容环境",
    }
    # A category with no Open311 settings is offered with the defaults.
    assert by_code[category.code]["metadata"] is False
    assert by_code[category.code]["type"] == "realtime"
    assert by_code[category.code]["group"] is None


def test_services_list_in_xml_follows_the_spec(client, pothole):
    root = parse_xml(client.get("/open311/v2/services.xml", HTTP_ACCEPT_LANGUAGE="en"))
    assert root.tag == "services"
    assert {child.tag for child in root} == {"service"}
    service = next(s for s in root if s.findtext("service_code") == "pothole")
    assert names(service) == SERVICE_FIELDS
    assert service.findtext("service_name") == "Pothole"
    assert service.findtext("group") == "City appearance"
    assert service.findtext("metadata") == "true"
    assert service.findtext("type") == "realtime"


def test_withdrawn_and_inactive_categories_are_not_offered(client, pothole, category):
    Service.objects.create(category=category, is_offered=False)
    inactive = CategoryFactory(is_active=False)
    codes = [service["service_code"] for service in client.get("/open311/v2/services.json").json()]
    assert "pothole" in codes
    assert category.code not in codes and inactive.code not in codes
    assert_errors(client.get(f"/open311/v2/services/{category.code}.json"), 404, "json")


def test_services_list_runs_a_fixed_number_of_queries(client, pothole, django_assert_num_queries):
    for _ in range(5):
        CategoryFactory(parent=pothole.parent)
    with django_assert_num_queries(1):
        response = client.get("/open311/v2/services.xml")
    assert len(parse_xml(response)) == 7


def test_service_definition_in_json_follows_the_spec(client, pothole):
    data = json_of(client.get("/open311/v2/services/pothole.json"))
    assert list(data) == DEFINITION_FIELDS
    assert data["service_code"] == "pothole"
    assert [attribute["code"] for attribute in data["attributes"]] == ["SIZE", "HAZARDS", "DEPTH", "NOTE"]
    assert all(list(attribute) == ATTRIBUTE_FIELDS for attribute in data["attributes"])
    size = data["attributes"][0]
    assert size == {
        "variable": True, "code": "SIZE", "datatype": "singlevaluelist", "required": True,
        "datatype_description": "Choose one", "order": 1, "description": "How big is the hole?",
        "values": [{"key": "S", "name": "Smaller than a hand"}, {"key": "L", "name": "Larger than a wheel"}],
    }
    note = data["attributes"][3]
    assert note["variable"] is False and note["datatype_description"] is None and note["values"] == []


def test_service_definition_in_xml_follows_the_spec(client, pothole):
    root = parse_xml(client.get("/open311/v2/services/pothole.xml"))
    assert root.tag == "service_definition"
    assert names(root) == DEFINITION_FIELDS
    attributes = root.find("attributes")
    assert {child.tag for child in attributes} == {"attribute"}
    size = attributes[0]
    assert names(size) == ATTRIBUTE_FIELDS
    assert size.findtext("variable") == "true" and size.findtext("required") == "true"
    assert size.findtext("order") == "1"
    values = size.find("values")
    assert [value.tag for value in values] == ["value", "value"]
    assert all(names(value) == VALUE_FIELDS for value in values)
    assert [value.findtext("key") for value in values] == ["S", "L"]


def test_service_definition_runs_a_fixed_number_of_queries(client, pothole, django_assert_num_queries):
    with django_assert_num_queries(3):
        client.get("/open311/v2/services/pothole.json")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_code_is_not_found(client, fmt):
    assert_errors(client.get(f"/open311/v2/services/no-such-thing.{fmt}"), 404, fmt, contains="no-such-thing")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_another_jurisdiction_is_not_found(client, settings, pothole, fmt):
    settings.OPEN311_JURISDICTION_ID = "wenzheng.example.gov.cn"
    ok = client.get(f"/open311/v2/services.{fmt}?jurisdiction_id=wenzheng.example.gov.cn")
    assert ok.status_code == 200
    # "Optional" in the spec's sense: empty is the same as absent.
    assert client.get(f"/open311/v2/services.{fmt}?jurisdiction_id=").status_code == 200
    assert_errors(client.get(f"/open311/v2/services.{fmt}?jurisdiction_id=sfgov.org"), 404, fmt,
                  contains="sfgov.org")


def test_an_unknown_resource_or_format_gets_the_error_list(client):
    assert_errors(client.get("/open311/v2/services.csv"), 404, "xml")
    assert_errors(client.get("/open311/v2/nothing.json"), 404, "xml")


def test_a_wrong_method_is_refused_with_the_error_list(client):
    response = client.post("/open311/v2/services.json")
    assert_errors(response, 405, "json")
    assert response["Allow"] == "GET"
