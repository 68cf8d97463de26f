"""The two-factor gate cannot be walked around: a supervisor or
administrator whose session has not confirmed a code reaches no API
endpoint and no page, whatever Authorization header comes with the
session, and cannot make an API token that would outlive the session.

The headers are generated: every Unicode whitespace, control and format
character (str.isspace(), categories Cc, Cf, Zs, Zl, Zp) put in place of,
before and after the space that follows "Bearer" or "Token", before the
scheme and after the token, sent as the text itself and as the UTF-8 bytes a
server hands over (as latin-1 text). The endpoints are read from the URL
resolver. Each endpoint × method × role gets its share of the headers, dealt
from a fixed seed so that every header is sent once in the run."""

import random
import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import cache

import pytest
import yaml
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.test import APIClient
from rest_framework.views import APIView

from api.models import ApiToken
from api.services import token_create
from tests.conftest import verified_login
from tests.factories import UserFactory
from twofactor.middleware import EXEMPT_VIEWS
from twofactor.policy import requires_two_factor

pytestmark = pytest.mark.django_db

SEED = 20_240_611
ROLES = ("supervisor", "administrator", "admin_staff")
SCHEMES = ("Bearer", "Token", "bearer", "TOKEN")
# Shaped like a real token, and not one: whenever the header is read as a
# token the answer is 401, and whenever it is not, only the session is left.
BOGUS_KEY = "wz_" + "A1b2C3d4" * 5 + "xyz"
REFUSALS = {(401, "authentication_failed"), (403, "otp_required"), (401, "page"), (403, "page")}
METHODS = ("get", "post", "put", "patch", "delete", "options")


@pytest.fixture(autouse=True)
def _gate_on_and_no_rate_limits(settings):
    settings.OTP_REQUIRED_FOR_ROLES = True
    # Thousands of requests from one address: counting them is not what this tests.
    settings.RATELIMIT_ENABLE = False
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        "anon": "1000000/min", "user": "1000000/min", "api_write": "1000000/min"}}


def make_user(role: str):
    if role == "supervisor":
        return UserFactory(roles=["supervisor"])
    if role == "administrator":
        return UserFactory(is_staff=True, is_superuser=True)
    return UserFactory(is_staff=True)  # may open the Django admin


# --- the characters and the headers ------------------------------------------------------------


@cache
def separator_characters() -> tuple[str, ...]:
    return tuple(
        chr(point) for point in range(sys.maxunicode + 1)
        if chr(point).isspace() or unicodedata.category(chr(point)) in {"Cc", "Cf", "Zs", "Zl", "Zp"}
    )


@dataclass(frozen=True)
class Header:
    char: str
    place: str
    encoding: str
    value: str


PLACES = {
    "instead of the space": lambda scheme, c: f"{scheme}{c}{BOGUS_KEY}",
    "before the space": lambda scheme, c: f"{scheme}{c} {BOGUS_KEY}",
    "after the space": lambda scheme, c: f"{scheme} {c}{BOGUS_KEY}",
    "before the scheme": lambda scheme, c: f"{c}{scheme} {BOGUS_KEY}",
    "after the token": lambda scheme, c: f"{scheme} {BOGUS_KEY}{c}",
}


@cache
def all_headers() -> tuple[Header, ...]:
    """Every character × place × encoding; the scheme's spelling rotates."""
    headers = []
    schemes = iter(SCHEMES * 10_000)
    for char in separator_characters():
        encodings = {"text": char}
        if ord(char) >= 0x80:
            encodings["utf-8 bytes"] = char.encode("utf-8").decode("latin-1")
        for place, build in PLACES.items():
            for encoding, sent in encodings.items():
                headers.append(Header(char, place, encoding, build(next(schemes), sent)))
    return tuple(headers)


# --- the endpoints -----------------------------------------------------------------------------


def walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


_CONVERTER = re.compile(r"(?<!\?P)<(?:(\w+):)?\w+>")
_NAMED_GROUP = re.compile(r"\(\?P<\w+>([^()]*)\)|\(([^()?]*)\)")


def example_path(route: str) -> str:
    """A path the route matches, with made-up values: the gate must answer
    before the view looks them up."""

    def group(match):
        body = match.group(1) if match.group(1) is not None else match.group(2)
        return body.split("|")[0] if re.fullmatch(r"[\w|]+", body) else "x1"

    path = _CONVERTER.sub(lambda m: "1" if m.group(1) == "int" else "x1", route)
    path = _NAMED_GROUP.sub(group, path).replace("^", "").replace("$", "").replace("\\.", ".").replace(".*", "x1")
    assert not re.search(r"[\\()\[\]{}*+?|]", path), f"cannot make a path for {route!r}: {path!r}"
    return "/" + path


@dataclass(frozen=True)
class Endpoint:
    route: str
    path: str
    methods: tuple[str, ...]


def methods_of(callback) -> tuple[str, ...]:
    view_class = getattr(callback, "view_class", None)
    implemented = {name for name in METHODS if view_class is not None and hasattr(view_class, name)}
    return tuple(name for name in METHODS if name in implemented | {"get", "post"})


@cache
def endpoints(api: bool) -> tuple[Endpoint, ...]:
    found = []
    for route, pattern in walk(get_resolver().url_patterns):
        if route.startswith("api/") != api:
            continue
        path = example_path(route)
        match = resolve(path)
        assert (match.func, match.url_name) == (pattern.callback, pattern.name), f"{path} is not {route}"
        found.append(Endpoint(route, path, methods_of(pattern.callback)))
    return tuple(found)


def api_endpoints():
    return endpoints(True)


@cache
def dealt() -> dict[tuple[str, str, str], list[Header]]:
    """Each (role, route, method) gets its share of the headers; every
    header goes to one of them, every one of them gets at least one."""
    cells = [(role, endpoint.route, method) for endpoint in api_endpoints() for method in endpoint.methods
             for role in ROLES]
    headers = list(all_headers())
    random.Random(SEED).shuffle(headers)
    shares = {cell: [] for cell in cells}
    for index in range(max(len(cells), len(headers))):
        shares[cells[index % len(cells)]].append(headers[index % len(headers)])
    return shares


def refusal(response) -> tuple[int, str | None]:
    """The status and the error's code, whichever format the view answers
    in (the schema's is YAML, a superset of JSON; the docs' is a page)."""
    if response["Content-Type"].startswith("text/html"):
        return response.status_code, "page"
    try:
        errors = yaml.safe_load(response.content.decode()).get("errors")
    except (yaml.YAMLError, UnicodeDecodeError, AttributeError):
        errors = None
    return response.status_code, errors[0]["code"] if errors else None


def test_the_headers_cover_every_character_place_and_encoding_and_every_endpoint():
    sent = [header for share in dealt().values() for header in share]
    assert {header.char for header in sent} == set(separator_characters())
    assert {(header.char, header.place, header.encoding) for header in sent} == {
        (header.char, header.place, header.encoding) for header in all_headers()}
    for char in ("\u00a0", "\u0085", "\u001c", "\u2028", "\u200b", "\ufeff", "\t", "\x00", " "):
        assert char in separator_characters()
    routes = {route for _role, route, _method in dealt()}
    assert routes == {endpoint.route for endpoint in api_endpoints()}
    assert {"api/v1/me/", "api/v1/tokens/", "api/v1/cases/<str:tracking>/actions/<str:action>/",
            "api/schema/"} <= routes
    assert {role for role, _route, _method in dealt()} == set(ROLES)


# --- the API, with the session of someone who has not confirmed a code --------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", api_endpoints(), ids=lambda endpoint: endpoint.route)
def test_no_authorization_header_lets_an_unverified_session_into_the_api(role, endpoint):
    user = make_user(role)
    assert requires_two_factor(user)
    client = Client()
    client.force_login(user)
    for method in endpoint.methods:
        for header in dealt()[(role, endpoint.route, method)]:
            response = getattr(client, method)(endpoint.path, HTTP_AUTHORIZATION=header.value)
            assert refusal(response) in REFUSALS, (method, endpoint.path, header)
        response = getattr(client, method)(endpoint.path)  # and with no header at all
        assert refusal(response) in {(403, "otp_required"), (403, "page")}, (method, endpoint.path)
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_a_session_with_a_device_but_no_code_yet_is_refused_by_the_api_too(client, role):
    user = make_user(role)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)
    for header in ("Bearer\u00a0" + BOGUS_KEY, "Token\u0085" + BOGUS_KEY, "Bearer\u001c" + BOGUS_KEY,
                   "\u00a0Bearer " + BOGUS_KEY, "Basic eDp5"):
        assert refusal(client.get("/api/v1/me/", HTTP_AUTHORIZATION=header)) in REFUSALS, header
    assert refusal(client.get("/api/v1/me/")) == (403, "otp_required")


@pytest.fixture
def unverified_supervisor(supervisor):
    client = Client()
    client.force_login(supervisor)
    return client


@hypothesis_settings(max_examples=100, derandomize=True, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(before=st.text(max_size=3), scheme=st.sampled_from(SCHEMES), between=st.text(max_size=4),
       after=st.text(max_size=3))
def test_no_generated_header_around_the_scheme_serves_the_unverified_session(unverified_supervisor, before, scheme,
                                                                             between, after):
    """Any text at all, not only the characters above, around the scheme."""
    client = unverified_supervisor
    header = f"{before}{scheme}{between}{BOGUS_KEY}{after}"
    assert refusal(client.get("/api/v1/me/", HTTP_AUTHORIZATION=header)) in REFUSALS, header
    assert refusal(client.post("/api/v1/tokens/", {"name": "x"}, HTTP_AUTHORIZATION=header)) in REFUSALS, header
    assert not ApiToken.objects.exists()


def test_the_headers_of_the_report_create_no_token(supervisor):
    """The API refuses the session before the view: no token is made, and
    nothing is left to use on its own afterwards."""
    client = APIClient()
    client.force_login(supervisor)
    for separator in ("\u00a0", "\u0085", "\u001c"):
        response = client.post("/api/v1/tokens/", {"name": "mine now"}, format="json",
                               HTTP_AUTHORIZATION=f"Bearer{separator}{BOGUS_KEY}")
        assert refusal(response) in REFUSALS, separator
    assert not ApiToken.objects.filter(user=supervisor).exists()


# --- what still works --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_a_token_still_works_without_a_session(role):
    user = make_user(role)
    _token, key = token_create(actor=user, user=user, name="script")
    for header in (f"Bearer {key}", f"Token {key}", f"bearer  {key}", f"Bearer\t{key} ", f" Bearer {key}"):
        response = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=header)
        assert response.status_code == 200, header
        assert response.json()["email"] == user.email


def test_a_token_works_beside_an_unverified_session_and_answers_as_its_own_account(supervisor, citizen):
    _token, key = token_create(actor=citizen, user=citizen, name="script")
    client = Client()
    client.force_login(supervisor)
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert response.json()["email"] == citizen.email


def test_a_token_sent_with_a_separator_that_is_not_a_space_is_refused_not_ignored(citizen):
    """A header naming the token scheme is read as a token or refused,
    never passed over for the session (even a session that may use the API)."""
    _token, key = token_create(actor=citizen, user=citizen, name="script")
    client = Client()
    client.force_login(citizen)
    for separator in ("\u00a0", "\u0085", "\u001c", "\u2003", "\u200b", "\n", "\x00"):
        response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer{separator}{key}")
        assert refusal(response) == (401, "authentication_failed"), repr(separator)
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    # Another scheme, or a word that only starts like ours, is not a token: the session answers.
    for header in ("Basic eDp5", "Bearerish x", "\u00a0Bearer " + key):
        assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=header).status_code == 200, header


@pytest.mark.parametrize("role", ROLES)
def test_a_verified_session_still_works(client, role):
    user = make_user(role)
    verified_login(client, user)
    assert client.get("/api/v1/me/").status_code == 200
    response = client.post("/api/v1/tokens/", {"name": "script"}, content_type="application/json")
    assert response.status_code == 201
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {response.json()['key']}").status_code == 200


# --- the pages ---------------------------------------------------------------------------------


def page_endpoints():
    return tuple(endpoint for endpoint in endpoints(False)
                 if resolve(endpoint.path).view_name not in EXEMPT_VIEWS)


def test_the_pages_left_open_are_only_the_two_factor_steps_logout_language_and_health():
    open_routes = {endpoint.route for endpoint in endpoints(False)} - {e.route for e in page_endpoints()}
    assert open_routes == {"accounts/two-factor/", "accounts/two-factor/verify/", "accounts/two-factor/backup-codes/",
                           "accounts/logout/", "i18n/setlang/", "health/web", "health/worker", "health/beat"}


@pytest.mark.parametrize("role", ROLES)
def test_no_page_is_served_to_an_unverified_session(role):
    """Every page (the admin's included) sends the person to set up a
    device, whatever header comes with the request."""
    user = make_user(role)
    client = Client()
    client.force_login(user)
    headers = iter(random.Random(SEED).sample(all_headers(), len(all_headers())) * 2)
    setup = reverse("twofactor:setup")
    for endpoint in page_endpoints():
        for method in ("get", "post"):
            response = getattr(client, method)(endpoint.path, HTTP_AUTHORIZATION=next(headers).value)
            assert response.status_code == 302, (method, endpoint.path, response.status_code)
            assert response["Location"].startswith(setup), (method, endpoint.path)


def test_a_session_with_a_device_is_sent_to_the_code_step(client, supervisor):
    TOTPDevice.objects.create(user=supervisor, name="phone", confirmed=True)
    client.force_login(supervisor)
    for name in ("api_pages:tokens", "supervision:dashboard", "admin:index"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("twofactor:verify")), name


def test_the_token_page_makes_no_token_for_an_unverified_session(client, supervisor):
    client.force_login(supervisor)
    response = client.post(reverse("api_pages:tokens"), {"name": "mine now"},
                           HTTP_AUTHORIZATION=f"Bearer\u00a0{BOGUS_KEY}")
    assert response.status_code == 302 and response["Location"].startswith(reverse("twofactor:setup"))
    assert not ApiToken.objects.exists()


def test_a_rest_framework_view_with_another_authenticator_is_gated_by_the_middleware():
    """The middleware leaves a DRF view to its authenticators only if each
    of them applies the rule; DRF's plain session authentication does not."""
    from rest_framework.authentication import SessionAuthentication

    from api.authentication import ApiTokenAuthentication, TwoFactorSessionAuthentication
    from twofactor.middleware import _authenticates_itself

    class Plain(APIView):
        authentication_classes = [ApiTokenAuthentication, SessionAuthentication]

    class Aware(APIView):
        authentication_classes = [ApiTokenAuthentication, TwoFactorSessionAuthentication]

    assert not _authenticates_itself(Plain.as_view())
    assert _authenticates_itself(Aware.as_view())
    assert not _authenticates_itself(lambda request: None)
    for endpoint in api_endpoints():
        assert _authenticates_itself(resolve(endpoint.path).func), endpoint.route


def test_the_token_page_itself_refuses_an_unverified_session(client, supervisor, settings):
    """A second lock where the lasting credential is made: without the
    middleware the page still makes no token for a session without its code."""
    settings.MIDDLEWARE = [entry for entry in settings.MIDDLEWARE if not entry.startswith("twofactor.")]
    client.force_login(supervisor)
    assert client.post(reverse("api_pages:tokens"), {"name": "mine now"}).status_code == 403
    assert not ApiToken.objects.exists()
    verified_login(client, supervisor)
    assert client.post(reverse("api_pages:tokens"), {"name": "mine"}).status_code == 200
    assert ApiToken.objects.filter(user=supervisor).count() == 1


def test_the_token_endpoint_itself_refuses_an_unverified_session(supervisor):
    """Likewise in the API, whatever authenticator let the session through
    (here DRF's forced authentication, which asks nothing)."""
    from rest_framework.test import APIRequestFactory, force_authenticate

    from api.views.account import TokenListView

    request = APIRequestFactory().post("/api/v1/tokens/", {"name": "mine now"}, format="json")
    force_authenticate(request, user=supervisor)
    response = TokenListView.as_view()(request)
    assert response.status_code == 403 and response.data["errors"][0]["code"] == "otp_required"
    assert not ApiToken.objects.exists()
