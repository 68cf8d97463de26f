"""Parsing and checking what GeoReport clients send: the filters of GET
requests and the fields of POST requests. Shape and format only; the
services check meaning."""

import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from open311.errors import BadRequest
from open311.models import LIST_DATATYPES, Datatype

# The spec: a date range "may not span more than 90 days", and "default
# query limit is a span of 90 days or first 1000 requests, whichever is
# smallest".
MAX_RANGE = timedelta(days=90)
MAX_REQUESTS = 1000
DESCRIPTION_MAX = 4000  # the spec's limit on description
ADDRESS_MAX = 200  # Case.address
STATUSES = ("open", "closed")

# A "+hh:mm" offset sent unencoded in a query string arrives as " hh:mm".
_SPACE_OFFSET = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")


def optional(querydict, name: str) -> str:
    """The spec: an empty optional argument is the same as a missing one."""
    return (querydict.get(name) or "").strip()


def comma_list(raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


def parse_w3c_datetime(raw: str, name: str) -> datetime:
    """A W3C datetime with its time zone (e.g. 2010-01-01T00:00:00Z), or a
    date alone, taken as the start of that day in the portal's time zone."""
    text = _SPACE_OFFSET.sub(r"\1+\2", raw.strip())
    try:
        value = parse_datetime(text)
    except ValueError:
        value = None
    if value is not None:
        if timezone.is_naive(value):
            raise BadRequest(
                _("%(name)s must include a time zone (Z or an offset such as +08:00), e.g. 2010-01-01T00:00:00Z.")
                % {"name": name}
            )
        return value
    try:
        day = parse_date(text)
    except ValueError:
        day = None
    if day is None:
        raise BadRequest(
            _("%(name)s is not a W3C date and time, e.g. 2010-01-01T00:00:00Z.") % {"name": name}
        )
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class RequestFilters:
    ids: list[str] | None = None
    service_codes: list[str] | None = None
    start: datetime | None = None
    end: datetime | None = None
    statuses: list[str] | None = None
    bbox: object = None  # places.geometry.Bounds


def parse_request_filters(querydict, *, now=None) -> RequestFilters:
    raw_ids = optional(querydict, "service_request_id")
    if raw_ids:
        ids = comma_list(raw_ids)
        if len(ids) > MAX_REQUESTS:
            raise BadRequest(
                _("Ask for at most %(count)d service_request_id values at once.") % {"count": MAX_REQUESTS}
            )
        # "This overrides all other arguments."
        return RequestFilters(ids=ids)
    errors = []
    statuses = comma_list(optional(querydict, "status").lower()) or None
    if statuses and any(status not in STATUSES for status in statuses):
        errors.append(_("status must be open, closed or both, comma separated."))
    start = end = None
    for name in ("start_date", "end_date"):
        raw = optional(querydict, name)
        if raw:
            try:
                value = parse_w3c_datetime(raw, name)
            except BadRequest as error:
                errors.extend(description for _code, description in error.errors)
                continue
            if name == "start_date":
                start = value
            else:
                end = value
    if errors:
        raise BadRequest(*errors)
    now = now or timezone.now()
    if start is None and end is None:
        start, end = now - MAX_RANGE, now
    elif start is None:
        start = end - MAX_RANGE
    elif end is None:
        end = start + MAX_RANGE
    if end < start:
        raise BadRequest(_("end_date is before start_date."))
    if end - start > MAX_RANGE:
        raise BadRequest(_("start_date and end_date may not be more than 90 days apart."))
    service_codes = comma_list(optional(querydict, "service_code")) or None
    bbox = None
    raw_bbox = optional(querydict, "bbox")
    if raw_bbox:
        from places.geometry import parse_bbox

        try:
            bbox = parse_bbox(raw_bbox)
        except ValueError:
            message = _("bbox must be four numbers: west,south,east,north (WGS84 longitude and latitude).")
            raise BadRequest(message) from None
    return RequestFilters(service_codes=service_codes, start=start, end=end, statuses=statuses, bbox=bbox)


@dataclass
class NewRequest:
    """A POST request's fields, checked against the service definition."""

    description: str = ""
    lat: Decimal | None = None
    long: Decimal | None = None
    address_string: str = ""
    address_id: str = ""
    email: str = ""
    phone: str = ""
    first_name: str = ""
    last_name: str = ""
    device_id: str = ""
    account_id: str = ""
    media_url: str = ""
    attributes: dict = field(default_factory=dict)


_LIMITS = {"email": 254, "phone": 30, "first_name": 50, "last_name": 50, "device_id": 100, "account_id": 100,
           "address_id": 100, "media_url": 1000}


def parse_new_request(querydict, attributes) -> NewRequest:
    """Every problem is reported at once, so a client can fix them in one go."""
    errors = []
    data = NewRequest()
    for name in ("address_string", "address_id", "email", "phone", "first_name", "last_name", "device_id",
                 "account_id", "media_url"):
        setattr(data, name, optional(querydict, name))
    data.description = (querydict.get("description") or "").strip()
    for name, limit in {**_LIMITS, "address_string": ADDRESS_MAX, "description": DESCRIPTION_MAX}.items():
        if len(getattr(data, name)) > limit:
            errors.append(_("%(name)s may be at most %(limit)d characters long.") % {"name": name, "limit": limit})

    raw_lat, raw_long = optional(querydict, "lat"), optional(querydict, "long")
    if raw_lat or raw_long:
        if not (raw_lat and raw_long):
            errors.append(_("Send lat and long together."))
        else:
            data.lat = _coordinate(raw_lat, "lat", 90, errors)
            data.long = _coordinate(raw_long, "long", 180, errors)
    if not (raw_lat and raw_long) and not data.address_string and not data.address_id:
        errors.append(_("A location is required: lat and long, address_string or address_id."))

    if data.email:
        data.email = data.email.lower()
        try:
            validate_email(data.email)
        except ValidationError:
            errors.append(_("email is not a valid e-mail address."))
    if data.media_url:
        try:
            URLValidator(schemes=["http", "https"])(data.media_url)
        except ValidationError:
            errors.append(_("media_url must be an http or https URL."))
    data.attributes = _attribute_answers(querydict, attributes, errors)
    if errors:
        raise BadRequest(*errors)
    return data


def _coordinate(raw: str, name: str, bound: int, errors: list) -> Decimal | None:
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or abs(value) > bound:
        errors.append(_("%(name)s must be a number between -%(bound)d and %(bound)d (WGS84).")
                      % {"name": name, "bound": bound})
        return None
    return value.quantize(Decimal("0.000000001"))


def _attribute_answers(querydict, attributes, errors: list) -> dict:
    """attribute[code]=value, and attribute[code][]=value for each value of
    a multi-value list. Unknown codes are refused, not silently dropped."""
    known = {attribute.code: attribute for attribute in attributes if attribute.variable}
    sent = {}
    for key in querydict:
        match = re.fullmatch(r"attribute\[([^\]]+)\](\[\])?", key)
        if match is None:
            continue
        code = match.group(1)
        if code not in known:
            errors.append(_("attribute[%(code)s] is not an attribute of this service.") % {"code": code})
            continue
        values = [value.strip() for value in querydict.getlist(key) if value.strip()]
        sent.setdefault(code, []).extend(values)
    answers = {}
    for code, attribute in known.items():
        values = sent.get(code, [])
        if not values:
            if attribute.required:
                errors.append(_("attribute[%(code)s] is required: %(question)s")
                              % {"code": code, "question": attribute.description})
            continue
        problem = _check_answer(attribute, values)
        if problem:
            errors.append(problem)
            continue
        answers[code] = values if attribute.datatype == Datatype.MULTIVALUELIST else values[0]
    return answers


def _check_answer(attribute, values: list[str]) -> str | None:
    code = attribute.code
    if attribute.datatype != Datatype.MULTIVALUELIST and len(values) > 1:
        return _("attribute[%(code)s] takes one value.") % {"code": code}
    if attribute.datatype in LIST_DATATYPES:
        keys = {value.key for value in attribute.values.all()}
        unknown = [value for value in values if value not in keys]
        if unknown:
            return _("attribute[%(code)s] must be one of: %(keys)s.") % {"code": code, "keys": ", ".join(sorted(keys))}
        return None
    value = values[0]
    if len(value) > DESCRIPTION_MAX:
        return _("attribute[%(code)s] is too long.") % {"code": code}
    if attribute.datatype == Datatype.NUMBER:
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            return _("attribute[%(code)s] must be a number.") % {"code": code}
    elif attribute.datatype == Datatype.DATETIME:
        try:
            parse_w3c_datetime(value, f"attribute[{code}]")
        except BadRequest as error:
            return error.errors[0][1]
    elif attribute.datatype == Datatype.STRING and ("\n" in value or "\r" in value):
        return _("attribute[%(code)s] must be on one line.") % {"code": code}
    return None
