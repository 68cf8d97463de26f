"""Rate limits for the API, counted in the Django cache (Redis when
REDIS_URL is set, so every web process shares the counts). The rates are
read from settings on each request rather than once at import, so an
administrator's change (and a test's) takes effect."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle


class _SettingsRate:
    def get_rate(self):
        return settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(self.scope)

    def get_ident(self, request):
        # The same client address as the login lockout and the page rate
        # limits (never a client-supplied X-Forwarded-For).
        from portal.security import client_ip

        return client_ip(request)


class ApiUserThrottle(_SettingsRate, UserRateThrottle):
    """Per account (a token counts against its account)."""


class ApiAnonThrottle(_SettingsRate, AnonRateThrottle):
    """Per address, for requests without credentials."""


class ApiWriteThrottle(_SettingsRate, UserRateThrottle):
    """Writes (submitting cases, taking actions), a tighter limit per account."""

    scope = "api_write"

    def allow_request(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return super().allow_request(request, view)


class FailedTokenThrottle(_SettingsRate, SimpleRateThrottle):
    """Wrong tokens, per address, at the anonymous rate: guessing tokens is
    slowed down before it can get anywhere. (Authentication runs before the
    view's own throttles, so it counts failures itself.)"""

    scope = "anon"

    def get_cache_key(self, request, view):
        # Not request.user: this runs while the request is being authenticated.
        return self.cache_format % {"scope": "token_failure", "ident": self.get_ident(request)}
