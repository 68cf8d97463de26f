"""Every limit counts the same client the same way (portal.addresses): the
login lockout, the API's limits and the pages' rate limits all take an
IPv6 address by its /64, which one host can pick addresses from at will,
and an IPv4 client seen through a dual-stack socket by its IPv4 address."""

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from api.throttling import ApiAnonThrottle
from portal.addresses import ratelimit_key
from portal.security import client_ip
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ONE_HOST = [f"2001:db8:1:2::{n:x}" for n in range(1, 40)]


@pytest.mark.parametrize("remote, expected", [
    ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::"),
    ("2001:db8:1:2::1", "2001:db8:1:2::"),
    ("::ffff:203.0.113.5", "203.0.113.5"),
    ("203.0.113.5", "203.0.113.5"),
])
def test_the_lockout_the_api_and_the_pages_key_a_client_alike(rf, remote, expected):
    request = rf.get("/", REMOTE_ADDR=remote)
    assert client_ip(request) == ApiAnonThrottle().get_ident(request) == ratelimit_key(None, request) == expected


def test_two_ipv4_clients_through_a_dual_stack_socket_are_two_clients(rf):
    first = rf.get("/", REMOTE_ADDR="::ffff:203.0.113.5")
    second = rf.get("/", REMOTE_ADDR="::ffff:198.51.100.9")
    assert ratelimit_key(None, first) != ratelimit_key(None, second)


def test_an_address_with_a_zone_is_not_taken_from_the_proxy_header(rf, settings):
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    request = rf.get("/", HTTP_X_REAL_IP="fe80::1%eth7", REMOTE_ADDR="10.0.0.1")
    assert client_ip(request) == "10.0.0.1"


def test_changing_address_within_one_ipv6_network_does_not_reset_the_login_lockout(client, citizen):
    addresses = iter(ONE_HOST)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": citizen.email, "password": "wrong"},
                    REMOTE_ADDR=next(addresses))
    response = client.post(reverse("accounts:login"), {"username": citizen.email, "password": PASSWORD},
                           REMOTE_ADDR=next(addresses))
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another network is not locked out with it.
    response = client.post(reverse("accounts:login"), {"username": citizen.email, "password": PASSWORD},
                           REMOTE_ADDR="2001:db8:9:9::1")
    assert response.status_code == 302


def test_changing_address_within_one_ipv6_network_does_not_reset_the_api_limit(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "3/min"}}
    client = APIClient()
    # An address that needs no login (the API's own 404), counted before it answers.
    statuses = [client.get("/api/v1/nothing-here/", REMOTE_ADDR=address).status_code for address in ONE_HOST[:4]]
    assert statuses == [404, 404, 404, 429], statuses
    # Wrong tokens are counted per network too.
    statuses = [client.get("/api/v1/me/", REMOTE_ADDR=address, HTTP_AUTHORIZATION="Bearer wz_nope").status_code
                for address in ONE_HOST[4:8]]
    assert statuses == [401, 401, 401, 429], statuses
