"""POST requests: a GeoReport service request becomes a case through
case_submit, is routed like any case, and every error is the spec's list."""

from unittest import mock

import pytest

from open311.keys import hash_key
from open311.models import ApiKey, ServiceRequest, ServiceType
from petitions.lifecycle import Status
from petitions.models import Case, Channel, Kind
from responses.models import RoutingMethod
from responses.tasks import route_case
from tests.factories import RoutingRuleFactory
from tests.open311.spec import assert_errors, json_of, names, parse_xml

pytestmark = pytest.mark.django_db

URL = "/open311/v2/requests.{fmt}"


def spec_example(key, **overrides):
    """The spec's example request, adapted to our pothole service."""
    data = {
        "api_key": key.raw, "jurisdiction_id": "city.gov", "service_code": "pothole",
        "lat": "39.9087", "long": "116.3975", "address_string": "东城区东长安街1号",
        "email": "Smit333@Example.org", "device_id": "tt222111", "account_id": "123456", "first_name": "john",
        "last_name": "smith", "phone": "111111111", "description": "A large sinkhole is destroying the street",
        "media_url": "http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg",
        "attribute[SIZE]": "L", "attribute[HAZARDS][]": ["WATER", "TRAFFIC"], "attribute[DEPTH]": "35",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def post(client, fmt, data, **extra):
    extra.setdefault("HTTP_ACCEPT_LANGUAGE", "en")
    return client.post(URL.format(fmt=fmt), data, **extra)


def test_post_in_json_creates_a_case_entered_by_the_keys_account(client, api_key, pothole, region):
    response = post(client, "json", spec_example(api_key))
    assert response.status_code == 201, response.content
    [created] = json_of(response)
    case = Case.objects.get()
    # realtime: the id, not a token (the spec: never both).
    assert created == {
        "service_request_id": case.tracking_number,
        "service_notice": "The road authority inspects within two working days.",
        "account_id": "123456",
    }
    assert case.channel == Channel.API
    assert case.kind == Kind.HELP
    assert case.category == pothole and case.region == region
    assert case.recorded_by == api_key.user and case.citizen is None
    assert case.status == Status.SUBMITTED
    assert case.address == "东城区东长安街1号"
    assert case.contact_email == "smit333@example.org" and case.contact_phone == "111111111"
    assert case.contact_name == "john smith"
    assert case.wants_public is False
    assert case.title == "A large sinkhole is destroying the street"
    # What the department reads: the description, then the answers by name.
    assert case.body.startswith("A large sinkhole is destroying the street\n\n")
    assert "How big is the hole?: Larger than a wheel" in case.body
    assert "What else?: Filled with water, In a busy lane" in case.body
    assert "http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg" in case.body
    extras = ServiceRequest.objects.get(case=case)
    assert extras.api_key == api_key
    assert str(extras.lat) == "39.908700000" and str(extras.long) == "116.397500000"
    assert extras.attributes == {"SIZE": "L", "HAZARDS": ["WATER", "TRAFFIC"], "DEPTH": "35"}
    assert (extras.device_id, extras.account_id) == ("tt222111", "123456")
    assert extras.media_url.endswith("5ed477a060.jpg")
    assert case.history.get().history_user == api_key.user
    api_key.refresh_from_db()
    assert api_key.last_used_at is not None


def test_post_in_xml_answers_with_the_specs_document(client, api_key, pothole):
    response = post(client, "xml", spec_example(api_key, account_id=None))
    assert response.status_code == 201
    root = parse_xml(response)
    assert root.tag == "service_requests"
    [request] = root
    assert request.tag == "request"
    assert names(request) == ["service_request_id", "service_notice", "account_id"]
    assert request.findtext("service_request_id") == Case.objects.get().tracking_number
    # An empty value is an empty element, as <account_id/> in the spec.
    assert request.find("account_id").text is None


def test_the_case_is_routed_after_the_request_commits(
    client, api_key, pothole, department, django_capture_on_commit_callbacks
):
    RoutingRuleFactory(category=pothole, lead_department=department)
    with mock.patch("responses.tasks.route_case.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            post(client, "json", spec_example(api_key))
    case = Case.objects.get()
    delay.assert_called_once_with(case.id)
    # And the message it sent routes it as any case.
    with django_capture_on_commit_callbacks(execute=True):
        route_case(*delay.call_args.args)
    routed = Case.objects.get()
    assert routed.status == Status.DISPATCHED and routed.lead_department == department
    assert routed.routing_decisions.get().method == RoutingMethod.RULE


def test_a_location_by_address_id_alone_is_enough(client, api_key, pothole):
    data = spec_example(api_key, lat=None, long=None, address_string=None, address_id="545483")
    assert post(client, "json", data).status_code == 201
    assert ServiceRequest.objects.get().address_id == "545483"


def test_a_service_without_attributes_needs_none(client, api_key, category):
    data = {"api_key": api_key.raw, "service_code": category.code, "address_string": "Somewhere",
            "phone": "12345"}
    assert post(client, "json", data).status_code == 201
    case = Case.objects.get()
    assert case.body == category.name_en  # no description: the service's name stands in


def test_a_batch_service_returns_a_token_that_leads_to_the_request(client, api_key, pothole):
    pothole.open311_service.type = ServiceType.BATCH
    pothole.open311_service.save()
    [created] = post(client, "json", spec_example(api_key)).json()
    assert "service_request_id" not in created
    token = created["token"]
    assert token == ServiceRequest.objects.get().token
    [found] = json_of(client.get(f"/open311/v2/tokens/{token}.json"))
    assert found == {"service_request_id": Case.objects.get().tracking_number, "token": token}
    root = parse_xml(client.get(f"/open311/v2/tokens/{token}.xml"))
    assert root.tag == "service_requests"
    assert names(root[0]) == ["service_request_id", "token"]


def test_a_blackbox_service_returns_no_id_and_no_token(client, api_key, pothole):
    pothole.open311_service.type = ServiceType.BLACKBOX
    pothole.open311_service.save()
    [created] = post(client, "json", spec_example(api_key)).json()
    assert list(created) == ["service_notice", "account_id"]
    assert Case.objects.count() == 1


def test_cases_from_a_key_that_says_so_ask_to_be_public(client, api_key, pothole):
    ApiKey.objects.filter(pk=api_key.pk).update(cases_public=True)
    post(client, "json", spec_example(api_key))
    assert Case.objects.get().wants_public is True


def test_keys_are_stored_only_as_their_hash(api_key):
    stored = ApiKey.objects.get(pk=api_key.pk)
    assert stored.key_hash == hash_key(api_key.raw) != api_key.raw
    assert stored.prefix == api_key.raw[:8]
    assert api_key.raw not in str(ApiKey.objects.values().get())


# --- errors ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_missing_api_key_is_forbidden(client, api_key, pothole, fmt):
    assert_errors(post(client, fmt, spec_example(api_key, api_key=None)), 403, fmt, contains="api_key")
    assert not Case.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_wrong_api_key_is_forbidden(client, api_key, pothole, fmt):
    assert_errors(post(client, fmt, spec_example(api_key, api_key="xyz")), 403, fmt, contains="api_key")
    assert not Case.objects.exists()


def test_an_inactive_key_or_account_is_forbidden(client, api_key, pothole):
    ApiKey.objects.filter(pk=api_key.pk).update(is_active=False)
    assert_errors(post(client, "json", spec_example(api_key)), 403, "json")
    ApiKey.objects.filter(pk=api_key.pk).update(is_active=True)
    api_key.user.is_active = False
    api_key.user.save()
    assert_errors(post(client, "json", spec_example(api_key)), 403, "json")
    assert not Case.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_missing_service_code_is_a_bad_request(client, api_key, pothole, fmt):
    assert_errors(post(client, fmt, spec_example(api_key, service_code=None)), 400, fmt, contains="service_code")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_service_code_is_not_found(client, api_key, pothole, fmt):
    assert_errors(post(client, fmt, spec_example(api_key, service_code="nope")), 404, fmt, contains="nope")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_missing_location_is_a_bad_request(client, api_key, pothole, fmt):
    data = spec_example(api_key, lat=None, long=None, address_string=None)
    assert_errors(post(client, fmt, data), 400, fmt, contains="location")
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "overrides, fragment",
    [
        ({"long": None, "address_string": None}, "lat and long"),
        ({"lat": "north"}, "lat must be a number"),
        ({"long": "200"}, "long must be a number"),
        ({"attribute[SIZE]": None}, "attribute[SIZE] is required"),
        ({"attribute[SIZE]": "XXL"}, "attribute[SIZE] must be one of"),
        ({"attribute[HAZARDS][]": ["WATER", "LAVA"]}, "attribute[HAZARDS] must be one of"),
        ({"attribute[DEPTH]": "deep"}, "attribute[DEPTH] must be a number"),
        ({"attribute[COLOUR]": "red"}, "attribute[COLOUR] is not an attribute"),
        ({"attribute[NOTE]": "hi"}, "attribute[NOTE] is not an attribute"),
        ({"email": "not-an-address"}, "email"),
        ({"media_url": "javascript:alert(1)"}, "media_url"),
        ({"description": "x" * 4001}, "description may be at most 4000"),
        ({"address_string": "x" * 201}, "address_string may be at most 200"),
        ({"email": None, "phone": None}, "e-mail address or a phone number"),
    ],
)
def test_bad_fields_are_refused_with_a_reason(client, api_key, pothole, overrides, fragment):
    assert_errors(post(client, "json", spec_example(api_key, **overrides)), 400, "json", contains=fragment)
    assert not Case.objects.exists()
    assert not ServiceRequest.objects.exists()


def test_every_problem_is_reported_at_once(client, api_key, pothole):
    data = spec_example(api_key, lat=None, long=None, address_string=None, email="bad")
    data.pop("attribute[SIZE]")
    descriptions = assert_errors(post(client, "xml", data), 400, "xml")
    assert len(descriptions) == 3


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_token_is_not_found(client, fmt):
    assert_errors(client.get(f"/open311/v2/tokens/nope.{fmt}"), 404, fmt, contains="nope")


def test_a_flood_from_one_key_is_slowed_down(client, api_key, pothole, settings):
    settings.OPEN311_POST_RATE = "2/m"
    for _ in range(2):
        assert post(client, "json", spec_example(api_key)).status_code == 201
    assert_errors(post(client, "json", spec_example(api_key)), 429, "json", contains="Too many")
    assert Case.objects.count() == 2


def test_the_same_key_written_differently_counts_against_the_same_limit(client, api_key, pothole, settings):
    """The limit counts the key the request authenticated with, not the
    text it sent: spaces of any kind around the key (which the key lookup
    strips), or the key in the query string, are the same client."""
    settings.OPEN311_POST_RATE = "2/m"
    for _ in range(2):
        assert post(client, "json", spec_example(api_key)).status_code == 201
    for written in (f" {api_key.raw}", f"{api_key.raw}\t", f"\u3000{api_key.raw}\u2003", f"\u0085{api_key.raw}"):
        assert_errors(post(client, "json", spec_example(api_key, api_key=written)), 429, "json", contains="Too many")
    response = client.post(f"{URL.format(fmt='json')}?api_key={api_key.raw}", spec_example(api_key, api_key=None),
                           HTTP_ACCEPT_LANGUAGE="en")
    assert_errors(response, 429, "json", contains="Too many")
    assert Case.objects.count() == 2


def test_a_mobile_number_sent_through_open311_is_kept_in_one_form_and_links_to_no_account(
        client, api_key, pothole, region):
    from django.utils import timezone

    from tests.factories import UserFactory

    UserFactory(phone="+8613812345678", phone_confirmed_at=timezone.now())
    response = post(client, "json", spec_example(api_key, email=None, phone="138 1234 5678"))
    assert response.status_code == 201, response.content
    case = Case.objects.get()
    # As with its e-mail address: a third party's number puts nothing in anyone's "My cases";
    # the caller follows the case by its number and the mobile number.
    assert case.contact_phone == "+8613812345678" and case.citizen is None
    found = client.post("/track/", {"tracking_number": case.tracking_number, "email": "13812345678"})
    assert "A large sinkhole" in found.content.decode()


def test_a_nul_character_in_a_posted_argument_is_a_bad_request(client, api_key, pothole):
    assert_errors(post(client, "json", spec_example(api_key, service_code="pot\x00hole")), 400, "json",
                  contains="NUL")
    assert_errors(post(client, "json", spec_example(api_key, description="A sink\x00hole")), 400, "json",
                  contains="NUL")
    assert not Case.objects.exists()
