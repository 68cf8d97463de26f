"""Rate limits for the API: a counter per client and window in the shared
cache (portal.counters), raised atomically, so processes counting at once
lose no request (DRF's own throttles rewrite a list of timestamps). A cache
that cannot be reached lets the request through and logs it."""

import logging
import time

from django.conf import settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from portal.counters import count_hit

logger = logging.getLogger("wenzheng.api")


class _CountedThrottle(BaseThrottle):
    scope: str = ""

    def __init__(self):
        self.wait_seconds = None

    def get_rate(self) -> str | None:
        # Read on each request, so a changed setting takes effect at once.
        return settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(self.scope)

    def get_ident(self, request) -> str:
        # The same client address as the login lockout and the page rate
        # limits (never a client-supplied X-Forwarded-For).
        from portal.security import client_ip

        return client_ip(request)

    def counter_key(self, request) -> str | None:
        """Whose requests count together; None: this request is not limited."""
        raise NotImplementedError

    def allow_request(self, request, view) -> bool:
        rate = self.get_rate()
        ident = self.counter_key(request) if rate else None
        if ident is None:
            return True
        limit, period = SimpleRateThrottle.parse_rate(None, rate)
        now = time.time()
        window = int(now // period)
        try:
            count = count_hit(f"throttle:{self.scope}:{ident}:{window}", period + 5)
        except Exception:  # noqa: BLE001 - any cache failure: let the request through
            logger.warning("rate limit %s not counted: the cache is unavailable", self.scope, exc_info=True)
            return True
        if count <= limit:
            return True
        self.wait_seconds = (window + 1) * period - now
        return False

    def wait(self) -> float | None:
        return self.wait_seconds


class ApiUserThrottle(_CountedThrottle):
    """Per account (a token counts against its account)."""

    scope = "user"

    def counter_key(self, request):
        return str(request.user.pk) if request.user and request.user.is_authenticated else None


class ApiAnonThrottle(_CountedThrottle):
    """Per address, for requests without credentials."""

    scope = "anon"

    def counter_key(self, request):
        if request.user and request.user.is_authenticated:
            return None
        return self.get_ident(request)


class ApiWriteThrottle(ApiUserThrottle):
    """Writes (submitting cases, taking actions), a tighter limit per account."""

    scope = "api_write"

    def counter_key(self, request):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        return super().counter_key(request)


class FailedTokenThrottle(_CountedThrottle):
    """Wrong tokens, per address, at the anonymous rate: guessing tokens is
    slowed down before it can get anywhere. (Authentication runs before the
    view's own throttles, so it counts failures itself.)"""

    scope = "anon"

    def counter_key(self, request):
        # Not request.user: this runs while the request is being authenticated.
        return "token_failure:" + self.get_ident(request)
