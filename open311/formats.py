"""GeoReport v2 documents as JSON and XML: built once as plain data in the
JSON shape, the XML derived from it by the spec's convention (a list is an
element whose children are named after its items). Empty values are null
in JSON and empty elements in XML, as in the spec's examples."""

import json
import re
from datetime import datetime
from decimal import Decimal
from xml.etree import ElementTree

from django.http import HttpResponse
from django.utils import timezone

FORMATS = ("json", "xml")
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
MIME_TYPES = ["application/json", "text/xml"]

# The element name of one item of each list, from the spec's examples.
ITEM_NAMES = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}

# XML 1.0 forbids most control characters, even escaped; text from citizens
# could carry them.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def w3c_datetime(value: datetime | None) -> str | None:
    """W3C datetime with the offset of the portal's time zone, e.g.
    2026-11-27T22:15:30+08:00 (the spec requires the zone)."""
    if value is None:
        return None
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def _json_default(value):
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return _XML_FORBIDDEN.sub("", str(value))


def _fill(element, value, name: str) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ElementTree.SubElement(element, key), child, key)
    elif isinstance(value, list):
        item_name = ITEM_NAMES[name]
        for item in value:
            _fill(ElementTree.SubElement(element, item_name), item, item_name)
    else:
        element.text = _text(value) or None


def to_xml(root: str, data) -> bytes:
    element = ElementTree.Element(root)
    _fill(element, data, root)
    body = ElementTree.tostring(element, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode("utf-8")


def to_json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, default=_json_default).encode("utf-8")


def render(fmt: str, root: str, data, status: int = 200) -> HttpResponse:
    """`root` names the XML document element (the JSON has none)."""
    body = to_xml(root, data) if fmt == "xml" else to_json(data)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def render_errors(fmt: str, status: int, errors: list[tuple[int, str]]) -> HttpResponse:
    data = [{"code": code, "description": str(description)} for code, description in errors]
    return render(fmt, "errors", data, status=status)
