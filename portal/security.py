"""Security pieces that sit around every request: the content security
policy, and the glue that keys login lockouts (django-axes) on the same
client address the rate limits use."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.shortcuts import render

# Every script and style is a file served from our own static files (htmx
# is vendored), so nothing inline runs and nothing is loaded from elsewhere.
# `data:` images cover the empty favicon in base.html.
DEFAULT_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


# Swagger UI (/api/docs/, served from our own static files) sets inline
# styles as it renders; only that page allows them. Scripts stay 'self'.
DEFAULT_CSP_PATH_OVERRIDES = {
    "/api/docs/": {"style-src": ["'self'", "'unsafe-inline'"]},
}


def map_tile_origin(url: str) -> str:
    """The tile server's origin for img-src; a {s} subdomain becomes a wildcard."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "tiles"))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    host = parts.netloc
    if "{s}" in url.split("//", 1)[-1].split("/", 1)[0]:
        host = "*." + host.split(".", 1)[1]
    return f"{parts.scheme}://{host}"


def csp_header_value(policy: dict[str, list[str]]) -> str:
    return "; ".join(f"{directive} {' '.join(sources)}" for directive, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    """Adds Content-Security-Policy (or, with CSP_REPORT_ONLY, the
    Report-Only header) to every response that does not set its own."""

    def __init__(self, get_response):
        self.get_response = get_response
        policy = getattr(settings, "CSP_POLICY", DEFAULT_CSP)
        tiles = map_tile_origin(getattr(settings, "MAP_TILE_URL", ""))
        if tiles:
            # The map's tiles are images from the configured tile server (places/).
            policy = {**policy, "img-src": [*policy.get("img-src", []), tiles]}
        self.header = (
            "Content-Security-Policy-Report-Only"
            if getattr(settings, "CSP_REPORT_ONLY", False)
            else "Content-Security-Policy"
        )
        self.value = csp_header_value(policy)
        overrides = getattr(settings, "CSP_PATH_OVERRIDES", DEFAULT_CSP_PATH_OVERRIDES)
        self.path_values = {path: csp_header_value({**policy, **changes}) for path, changes in overrides.items()}

    def __call__(self, request):
        response = self.get_response(request)
        if self.header not in response:
            response[self.header] = self.path_values.get(request.path_info, self.value)
        return response


def client_ip(request) -> str:
    """The address lockouts and the API's limits are keyed on: the one
    portal.addresses trusts (the proxy's own entry in RATELIMIT_IP_META_KEY,
    else the socket's), counted as the pages' rate limits count it."""
    from portal.addresses import client_network

    return client_network(request) or ""


def login_username(request, credentials) -> str:
    """E-mail addresses are stored lower-case; count "Alice@x" and
    "alice@x" as one account so changing case buys no extra attempts. A
    mobile number counts in its one stored form, however it is spelled."""
    from accounts.phones import normalise_mobile

    username = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD)
    if username is None:
        username = request.POST.get(settings.AXES_USERNAME_FORM_FIELD, "")
    username = str(username).strip().lower()
    return (normalise_mobile(username) if username and "@" not in username else None) or username


class LoginLockoutBackend(AxesStandaloneBackend):
    """django-axes' backend, first in AUTHENTICATION_BACKENDS: refuses a
    login while the (account, address) pair is locked out.

    Axes refuses calls to authenticate() that carry no request. Every login
    a visitor can reach (the login page, the admin's) passes one; calls
    without a request come from code that already holds the password (the
    test client, a shell), have no address to count against, and are left
    to the next backend rather than failing outright."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out login gets (429), in the visitor's language."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}
    return render(request, "accounts/locked_out.html", context, status=429)
