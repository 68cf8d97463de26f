"""The GeoReport v2 endpoints. Each parses its input, calls a selector or
service, and renders the spec's document in the format named by the URL's
extension; every failure is the spec's error list."""

import functools
import logging
from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.core import is_ratelimited
from django_ratelimit.decorators import ratelimit

from open311 import selectors
from open311.errors import BadRequest, Forbidden, NotFound, Open311Error
from open311.formats import MIME_TYPES, render, render_errors, w3c_datetime
from open311.keys import active_key
from open311.models import ApiKey, ServiceType
from open311.params import optional, parse_new_request, parse_request_filters
from open311.services import service_request_create
from petitions.lifecycle import Status
from portal.addresses import ratelimit_key
from portal.errors import DomainError
from supervision.deadlines import answer_expected_by

logger = logging.getLogger("wenzheng.open311")

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When the shape of this endpoint last changed; the discovery changeset is
# the later of this and the last change to a service or its attributes.
ENDPOINT_CHANGESET = datetime(2026, 11, 27, tzinfo=UTC)


def list_rate(group, request) -> str:
    """Request lists an address may read a minute (OPEN311_LIST_RATE,
    default 60/m): each can hold a thousand requests."""
    return getattr(settings, "OPEN311_LIST_RATE", "60/m")


def post_rate(group, request) -> str:
    """Requests a key may send a minute (OPEN311_POST_RATE, default 120/m);
    a client past it is told to slow down, not refused for good."""
    return getattr(settings, "OPEN311_POST_RATE", "120/m")


def open311_endpoint(*methods):
    """Allow only these methods, check jurisdiction_id, and turn every
    Open311Error into the spec's error list."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, fmt, **kwargs):
            try:
                if request.method not in methods:
                    response = render_errors(fmt, 405, [(405, _("Use %(methods)s here.")
                                                         % {"methods": " or ".join(methods)})])
                    response["Allow"] = ", ".join(methods)
                    return response
                _check_no_nul(request, kwargs)
                _check_jurisdiction(request)
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as error:
                return render_errors(fmt, error.status, error.errors)

        return wrapper

    return decorate


def _check_no_nul(request, kwargs) -> None:
    """No argument of the spec holds a NUL character, and PostgreSQL refuses
    one in a query: a request carrying one is refused as malformed, in the
    spec's error list, before any argument reaches the database."""
    values = [*kwargs.values(), *request.GET.keys(), *request.POST.keys()]
    values += [value for data in (request.GET, request.POST) for name in data for value in data.getlist(name)]
    if any("\x00" in value for value in values if isinstance(value, str)):
        raise BadRequest(_("The request contains a NUL character, which no argument may hold."))


def _check_jurisdiction(request) -> None:
    """This endpoint serves one jurisdiction, so jurisdiction_id is
    optional; one that names another jurisdiction is not found."""
    ours = getattr(settings, "OPEN311_JURISDICTION_ID", "")
    given = optional(request.POST if request.method == "POST" else request.GET, "jurisdiction_id") \
        or optional(request.GET, "jurisdiction_id")
    if ours and given and given.lower() != ours.lower():
        raise NotFound(_("jurisdiction_id %(id)s was not found.") % {"id": given})


def _api_key(request, *, required: bool) -> ApiKey | None:
    raw = optional(request.POST, "api_key") or optional(request.GET, "api_key")
    if not raw:
        if required:
            raise Forbidden(_("api_key is missing: ask the portal's administrators for one."))
        return None
    key = active_key(raw)
    if key is None:
        raise Forbidden(_("api_key is not valid."))
    return key


# --- discovery and services ----------------------------------------------------------


@open311_endpoint("GET")
def discovery(request, *, fmt):
    changeset = w3c_datetime(selectors.discovery_changeset(ENDPOINT_CHANGESET))
    site = settings.SITE_URL.rstrip("/")
    data = {
        "changeset": changeset,
        "contact": getattr(settings, "OPEN311_CONTACT", "")
        or _("For help with this API, write to the portal's administrators: %(url)s") % {"url": site},
        "key_service": getattr(settings, "OPEN311_KEY_SERVICE", "")
        or _("API keys are issued by the portal's administrators: %(url)s") % {"url": site},
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": f"{site}/open311/v2",
                "changeset": changeset,
                "type": getattr(settings, "OPEN311_ENDPOINT_TYPE", "production"),
                "formats": MIME_TYPES,
            }
        ],
    }
    return render(fmt, "discovery", data)


@open311_endpoint("GET")
def service_list(request, *, fmt):
    data = []
    for category in selectors.offered_categories():
        service = selectors.service_settings(category)
        data.append({
            "service_code": category.code,
            "service_name": category.display_name,
            "description": service.description or None,
            "metadata": category.has_attributes,
            "type": service.type,
            "keywords": service.keywords or None,
            "group": category.parent.display_name if category.parent_id else None,
        })
    return render(fmt, "services", data)


@open311_endpoint("GET")
def service_definition(request, service_code, *, fmt):
    category = selectors.offered_category(service_code)
    data = {
        "service_code": category.code,
        "attributes": [
            {
                "variable": attribute.variable,
                "code": attribute.code,
                "datatype": attribute.datatype,
                "required": attribute.required,
                "datatype_description": attribute.datatype_description or None,
                "order": attribute.order,
                "description": attribute.description,
                "values": [{"key": value.key, "name": value.name} for value in attribute.values.all()],
            }
            for attribute in category.open311_attributes
        ],
    }
    return render(fmt, "service_definition", data)


# --- service requests -------------------------------------------------------------------


@csrf_exempt  # a machine API: the api_key, not a browser session, says who is asking
@ratelimit(group="open311-list", key=ratelimit_key, rate=list_rate, method="GET", block=False)
@open311_endpoint("GET", "POST")
def requests(request, *, fmt):
    if request.method == "POST":
        return _create_request(request, fmt)
    if getattr(request, "limited", False):
        return render_errors(fmt, 429, [(429, _("Too many requests from this address. Wait a minute and try again."))])
    api_key = _api_key(request, required=False)
    filters = parse_request_filters(request.GET)
    cases = selectors.service_requests(filters, api_key=api_key)
    return render(fmt, "service_requests", [_request_data(case, api_key) for case in cases])


def _create_request(request, fmt):
    api_key = _api_key(request, required=True)
    if _over_post_rate(request, api_key):
        return render_errors(fmt, 429, [(429, _("Too many requests with this api_key. Wait a minute and try again."))])
    code = optional(request.POST, "service_code")
    if not code:
        raise BadRequest(_("service_code is missing."))
    category = selectors.offered_category(code)
    service = selectors.service_settings(category)
    data = parse_new_request(request.POST, category.open311_attributes)
    try:
        case, extras = service_request_create(api_key=api_key, category=category, data=data, service_settings=service)
    except DomainError as error:
        raise BadRequest(error.message) from None
    logger.info("open311 request: key=%s case=%s", api_key.pk, case.pk)
    created = {}
    if service.type == ServiceType.REALTIME:
        created["service_request_id"] = case.tracking_number
    elif service.type == ServiceType.BATCH:
        created["token"] = extras.token
    created["service_notice"] = service.service_notice or None
    created["account_id"] = extras.account_id or None
    return render(fmt, "service_requests", [created], status=201)


def _over_post_rate(request, api_key: ApiKey) -> bool:
    """Counted per key found, not per the text sent: the same key with
    spaces around it, or in the query string, is the same client."""
    return is_ratelimited(request, group="open311-post", key=lambda group, request: f"key:{api_key.pk}",
                          rate=post_rate, method="POST", increment=True)


@open311_endpoint("GET")
def request_detail(request, service_request_id, *, fmt):
    api_key = _api_key(request, required=False)
    case = selectors.service_request(service_request_id, api_key=api_key)
    return render(fmt, "service_requests", [_request_data(case, api_key)])


@open311_endpoint("GET")
def token_detail(request, token, *, fmt):
    found = selectors.request_for_token(token)
    return render(fmt, "service_requests", [{"service_request_id": found.case.tracking_number, "token": found.token}])


def _request_data(case, api_key=None) -> dict:
    extras = _extras(case)
    # Where a case is (an address, coordinates, a photo) is not moderated
    # like its text, and is often someone's home: only the client that sent
    # the request reads it back.
    where = extras is not None and api_key is not None and extras.api_key_id == api_key.pk
    service = selectors.service_settings(case.category)
    status = selectors.open311_status(case.status)
    return {
        "service_request_id": case.tracking_number,
        "status": status,
        "status_notes": _status_notes(case),
        "service_name": case.category.display_name,
        "service_code": case.category.code,
        "description": _public_text(case),
        "agency_responsible": case.lead_department.display_name if case.lead_department_id else None,
        "service_notice": service.service_notice or None,
        "requested_datetime": w3c_datetime(case.submitted_at),
        "updated_datetime": w3c_datetime(case.last_change_at or case.submitted_at),
        # When the request can be expected to be answered (not the sign-for
        # deadline): the reply deadline, or before it runs an estimate.
        "expected_datetime": _expected(case) if status == "open" else None,
        "address": (case.address or None) if where else None,
        "address_id": (extras.address_id or None) if where else None,
        "zipcode": None,
        "lat": extras.lat if where else _public_point(case, "latitude"),
        "long": extras.long if where else _public_point(case, "longitude"),
        "media_url": (extras.media_url or None) if where else None,
    }


def _public_point(case, name: str):
    """The point as the public map shows it (rounded unless a moderator
    approved the exact one), for a published case."""
    try:
        publication = case.publication
    except ObjectDoesNotExist:
        return None
    return getattr(publication, name) if publication.is_public else None


def _expected(case):
    answer = answer_expected_by(case)
    return w3c_datetime(answer.at) if answer is not None else None


def _extras(case):
    try:
        return case.open311
    except ObjectDoesNotExist:
        return None


def _public_text(case) -> str:
    """The moderator's (possibly redacted) copy once published; a case
    shown only to the client that sent it reads as sent."""
    try:
        publication = case.publication
    except ObjectDoesNotExist:
        return case.body
    return publication.body if publication.is_public and publication.body else case.body


def _status_notes(case) -> str:
    notes = str(Status(case.status).label)
    if case.status == Status.REJECTED:
        try:
            notes = f"{notes}: {case.rejection.reason.display_name}"
        except ObjectDoesNotExist:
            pass
    return notes


def unknown_resource(request, path=""):
    """Anything else under the endpoint: XML, the format every client reads."""
    return render_errors("xml", 404, [(404, _("No such resource: use services, requests or tokens, "
                                               "ending in .xml or .json."))])
