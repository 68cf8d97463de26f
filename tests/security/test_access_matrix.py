"""The access matrix, generated: every URL pattern of the project × every
role × every method its view takes, aimed at objects the role must not
reach (another citizen's case, another department's, another user's token
or notification, a private case on a public page, another Open311 client's
request). Each must be refused (a redirect to log in, 401, 403, 404, 405 or
429), a refusal by 404 must look exactly like the 404 for an object that
does not exist, nothing in the database may change, and no answer shown to
a role may carry what that role may not read of the owner's private case
(its title outside the case's circle; its details, files and contact to a
follower, who sees only its progress and answers).

The URLs are read from the resolver, so a URL added later is covered or,
until it is classified in tests/security/access_rules.py, fails here. A
positive control per URL shows the rightful roles do get an answer, so the
refusals are not vacuous 404s for parameters that name nothing."""

import re
from importlib import import_module

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.access_rules import RULES, secrets
from tests.security.access_world import ROLES, build_world

pytestmark = pytest.mark.django_db

REFUSED = {401, 403, 404, 405, 429}
PROJECT_APPS = {"accounts", "petitions", "responses", "supervision", "notifications", "publication", "signatures",
                "api", "open311", "axes", "interviews", "oversight"}
IGNORED_METHODS = {"options", "head", "trace"}


# --- the URLs ------------------------------------------------------------------------------


def walk(patterns, prefix="", namespace=""):
    """(key, route, pattern) for every URL pattern, through every include."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            if entry.name:
                key = f"{namespace}:{entry.name}" if namespace else entry.name
            else:
                key = f"{namespace or prefix}/{entry.pattern}"
            yield key, prefix + str(entry.pattern), entry


def is_admin(key: str) -> bool:
    return key == "admin" or key.startswith("admin:") or key.startswith("admin/")


ALL_PATTERNS = list(walk(get_resolver().url_patterns))
SITE_KEYS = sorted({key for key, _route, _pattern in ALL_PATTERNS if not is_admin(key)})
ADMIN_PATTERNS = [(key, route) for key, route, _pattern in ALL_PATTERNS if is_admin(key)]
CALLBACKS = {key: pattern.callback for key, _route, pattern in ALL_PATTERNS}


def methods_of(callback) -> list[str]:
    """GET and POST for every view; for a REST framework view also every
    method its class implements."""
    methods = {"GET", "POST"}
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is not None and hasattr(view_class, "http_method_names"):
        methods |= {name.upper() for name in view_class.http_method_names
                    if name not in IGNORED_METHODS and hasattr(view_class, name)}
    return sorted(methods)


def test_every_url_pattern_is_classified():
    unclassified = [key for key in SITE_KEYS if key not in RULES]
    assert not unclassified, (
        "These URL patterns have no access rule, so nobody has said who may reach them: "
        f"{unclassified}. Add a row for each to RULES in tests/security/access_rules.py "
        "(what its parameters refer to, and which roles may reach that object)."
    )
    stale = sorted(set(RULES) - set(SITE_KEYS))
    assert not stale, f"RULES has rows for URL patterns that no longer exist: {stale}"


# --- the world -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("access-media")


TEST_CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, media_root):
    """Built once for the module inside a transaction rolled back at its end;
    each test runs in a savepoint inside it. Each role gets a session."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(MEDIA_ROOT=media_root, PASSWORD_HASHERS=FAST_HASHERS, CACHES=TEST_CACHES):
            built = build_world()
            built.sessions = {}
            for role, user in built.users.items():
                if user is not None:
                    client = Client()
                    client.force_login(user)
                    built.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        yield built
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _no_rate_limits(settings, media_root):
    """Rate limits off for this matrix only: it sends many requests from one
    address, and counting them is not what it tests. A 429 is still never a
    pass for a positive control."""
    settings.MEDIA_ROOT = media_root
    settings.RATELIMIT_ENABLE = False
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        "anon": "100000/min", "user": "100000/min", "api_write": "100000/min"}}


def client_as(world, role) -> Client:
    client = Client()
    if role in world.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


# --- requests and what counts as a refusal ----------------------------------------------------


def address(key, rule, kwargs) -> str:
    return rule.path or reverse(key, kwargs=kwargs)


def send(client, method, url, *, query=None, data=None):
    if method == "GET":
        return client.get(url, query or {})
    if method == "POST":
        return client.post(url, data or {})
    return getattr(client, method.lower())(url, data or {}, content_type="application/json")


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", "replace")


def to_login(response) -> bool:
    location = response.get("Location", "")
    return response.status_code == 302 and (
        location.startswith(reverse(settings.LOGIN_URL) if ":" in settings.LOGIN_URL else settings.LOGIN_URL)
        or location.startswith("/accounts/login/") or location.startswith(reverse("admin:login")))


def refused(response, rule) -> bool:
    return response.status_code in REFUSED or to_login(response) or response.status_code in rule.refusals


VOLATILE = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"'), 'name="csrfmiddlewaretoken"'),
    (re.compile(r'nonce="[^"]*"'), 'nonce=""'),
    (re.compile(r'"csrfToken": ?"[^"]*"'), '"csrfToken"'),
]


def normalised(text, *values) -> str:
    """A body without what differs between any two requests (CSRF tokens,
    CSP nonces) and with the address and parameters asked for blanked."""
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    for value in sorted({str(v) for v in values if v and len(str(v)) >= 4}, key=len, reverse=True):
        text = text.replace(value, "«asked»")
    return text


def snapshot() -> dict:
    """Every row of the project's tables (the world is small)."""
    state = {}
    for model in apps.get_models():
        if model._meta.app_label in PROJECT_APPS:
            state[model._meta.label] = list(model._base_manager.order_by("pk").values_list())
    return state


def changed_tables(before, after) -> list[str]:
    return sorted(label for label in before if before[label] != after[label])


# --- the matrix ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", SITE_KEYS)
def test_no_role_reaches_what_is_not_theirs(world, key):
    rule = RULES.get(key)
    if rule is None:
        pytest.fail(f"{key} has no access rule: add one to tests/security/access_rules.py")
    methods = methods_of(CALLBACKS[key])
    hidden = secrets(world)
    failures = []

    def check_secrets(role, method, url, what, text):
        for name, secret, readers in hidden:
            if role not in readers and secret in text:
                failures.append(f"{role} {method} {url} ({what}) shows {name}")

    def check_refused(role, method, kwargs, query, data, what):
        url = address(key, rule, kwargs)
        response = send(client_as(world, role), method, url, query=query, data=data)
        text = body_of(response)
        if not refused(response, rule):
            failures.append(f"{role} {method} {url} ({what}) answered {response.status_code}, "
                            f"{response.get('Location', '')}: {text[:300]!r}")
            return
        check_secrets(role, method, url, what, text)
        if response.status_code == 404 and rule.missing is not None:
            missing_kwargs = rule.missing(world)
            missing_url = address(key, rule, missing_kwargs)
            baseline = send(client_as(world, role), method, missing_url, query=query, data=data)
            asked = [url, missing_url, *kwargs.values(), *missing_kwargs.values()]
            if baseline.status_code != 404 or normalised(text, *asked) != normalised(body_of(baseline), *asked):
                failures.append(f"{role} {method} {url} ({what}): its 404 differs from the 404 for a missing "
                                f"object ({missing_url}: {baseline.status_code})")

    before = snapshot()
    target = rule.target(world)
    for role in ROLES:
        if role in rule.allow:
            continue
        for method in methods:
            check_refused(role, method, target, rule.query(world), rule.data(world), rule.kind)
    for probe in rule.forbidden(world) if rule.forbidden else []:
        for role in ROLES:
            for method in methods:
                check_refused(role, method, probe["kwargs"], probe.get("query", rule.query(world)),
                              probe.get("data", rule.data(world)), f"forbidden probe {probe}")
    after = snapshot()
    if before != after:
        failures.append(f"refused requests changed the database: {changed_tables(before, after)}")

    # Positive controls: every rightful role reads it; one of them writes.
    allowed = [role for role in ROLES if role in rule.allow]
    first = rule.positive_role or ("anonymous" if "anonymous" in rule.allow else allowed[0] if allowed else None)
    for role in allowed:
        if rule.positive == "GET" or role == first:
            url = address(key, rule, target)
            response = send(client_as(world, role), rule.positive, url, query=rule.query(world),
                            data=rule.data(world))
            text = body_of(response)
            if response.status_code not in rule.expect or (response.status_code == 302 and to_login(response)):
                failures.append(f"positive control: {role} {rule.positive} {url} answered "
                                f"{response.status_code} {response.get('Location', '')}, expected {rule.expect}: "
                                f"{text[:300]!r}")
            else:
                check_secrets(role, rule.positive, url, "positive control", text)

    assert not failures, f"{key} — {rule.kind}:\n" + "\n".join(failures)


# --- the admin ----------------------------------------------------------------------------


ADMIN_OPEN = {"admin:login", "admin:logout"}


def admin_address(route: str) -> str:
    """The route with every parameter filled with a harmless value."""
    path = re.sub(r"<(?:\w+:)?(\w+)>", "1", route)
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)
    path = path.replace("^", "").replace("$", "")
    return "/" + path


def test_the_admin_is_closed_to_everyone_but_staff(world):
    """Every admin URL sends every role of the matrix (none is staff) to the
    admin's login. The admin lets in by is_staff alone, whatever the role,
    so each URL is asked by one role in turn: every role asks its share of
    the admin, and the whole admin is asked in a few seconds."""
    failures = []
    for index, (key, route) in enumerate(ADMIN_PATTERNS):
        if key in ADMIN_OPEN:
            continue
        url = admin_address(route)
        for role in (ROLES[index % len(ROLES)],):
            for method in ("GET", "POST"):
                response = send(client_as(world, role), method, url)
                location = response.get("Location", "")
                if not (response.status_code == 302 and location.startswith(reverse("admin:login"))) \
                        and response.status_code not in (404, 405):
                    failures.append(f"{role} {method} {url} ({key}) answered {response.status_code} {location}")
    assert ADMIN_PATTERNS, "the admin's URLs were not found"
    assert not failures, "\n".join(failures)


def test_the_admin_answers_staff(world):
    """The control: an administrator does reach the admin's index."""
    from tests.factories import UserFactory

    admin = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_world_is_whole(world):
    """The matrix is only as good as its world: every role is a distinct
    account and the objects are where the rules say."""
    users = [world.users[role] for role in ROLES if role != "anonymous"]
    assert len({user.pk for user in users}) == len(users)
    assert world.case.citizen_id == world.owner.pk and world.case.lead_department_id == world.department_a.pk
    assert world.case_b.lead_department_id == world.department_b.pk
    assert world.case_duplicate.citizen_id == world.follower.pk
    assert world.case_duplicate.merged_into_id == world.case.pk
    assert import_module("publication.selectors").public_case(world.case_public.tracking_number)
