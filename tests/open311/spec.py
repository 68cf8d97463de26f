"""The GeoReport v2 specification's field lists (http://wiki.open311.org/GeoReport_v2
and /Service_Discovery), in the order of its tables, for comparing our
documents element by element."""

from xml.etree import ElementTree

DISCOVERY_FIELDS = ["changeset", "contact", "key_service", "endpoints"]
ENDPOINT_FIELDS = ["specification", "url", "changeset", "type", "formats"]
SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
DEFINITION_FIELDS = ["service_code", "attributes"]
ATTRIBUTE_FIELDS = ["variable", "code", "datatype", "required", "datatype_description", "order", "description",
                    "values"]
VALUE_FIELDS = ["key", "name"]
REQUEST_FIELDS = [
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
    "address", "address_id", "zipcode", "lat", "long", "media_url",
]
ERROR_FIELDS = ["code", "description"]
TOKEN_FIELDS = ["service_request_id", "token"]


def parse_xml(response):
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ElementTree.fromstring(response.content)


def names(element) -> list[str]:
    return [child.tag for child in element]


def json_of(response):
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return response.json()


def assert_errors(response, status: int, fmt: str, *, contains: str = "") -> list[str]:
    """The spec's error list, in either format; returns the descriptions."""
    assert response.status_code == status, response.content
    if fmt == "xml":
        root = parse_xml(response)
        assert root.tag == "errors"
        assert all(error.tag == "error" and names(error) == ERROR_FIELDS for error in root)
        errors = [(int(error.findtext("code")), error.findtext("description")) for error in root]
    else:
        errors = [(error["code"], error["description"]) for error in json_of(response)]
        assert all(isinstance(code, int) for code, _ in errors)
    assert errors and all(code == status for code, _ in errors)
    descriptions = [description for _, description in errors]
    if contains:
        assert any(contains in description for description in descriptions), descriptions
    return descriptions
