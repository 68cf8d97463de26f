"""Rate limits for the API, counted in the Django cache (Redis when
REDIS_URL is set, so every web process shares the counts). The rates are
read from settings on each request rather than once at import, so an
administrator's change (and a test's) takes effect.

Each limit is a counter per client and time window, raised atomically
(portal.counters: one round trip on Redis): constant work per request,
and two processes counting at once cannot lose a request (DRF's own
throttles read, extend and write back a list of timestamps, which grows
with the rate and drops counts under concurrency). If the cache cannot be
reached the request is let through and the failure logged: a broken cache
must not take the API down."""

import logging
import time

from django.conf import settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from portal.counters import count_hits

logger = logging.getLogger("wenzheng.api")


class _CountedThrottle(BaseThrottle):
    scope: str = ""

    def __init__(self):
        self._wait = None

    def get_rate(self) -> str | None:
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
        if view is not None:
            counted = _counted_for_view(request, view).get(type(self))
        else:  # asked on its own (while authenticating)
            measure = self._measure(request)
            counted = _count_all({type(self): measure}).get(type(self)) if measure is not None else None
        if counted is None:  # this limit does not apply, or the cache failed: let the request through
            return True
        count, (_key, limit, period, window, now) = counted
        if count <= limit:
            return True
        self._wait = (window + 1) * period - now
        return False

    def _measure(self, request) -> tuple | None:
        """This request's counter: (key, limit, period, window, now), or
        None if this limit does not apply to it."""
        rate = self.get_rate()
        ident = self.counter_key(request) if rate else None
        if ident is None:
            return None
        limit, period = SimpleRateThrottle.parse_rate(None, rate)
        now = time.time()
        window = int(now // period)
        return f"throttle:{self.scope}:{ident}:{window}", limit, period, window, now

    def wait(self) -> float | None:
        return self._wait


def _counted_for_view(request, view) -> dict:
    """Every counted limit of the view for this request, counted at once
    (one round trip on Redis) when the first of them is asked; kept on the
    request for the others, and tried once: if the cache fails, none is
    counted again on its own (which could count some twice)."""
    counted = getattr(request, "_counted_limits", None)
    if counted is None:
        measures = {}
        for throttle in view.get_throttles():
            if isinstance(throttle, _CountedThrottle):
                measure = throttle._measure(request)
                if measure is not None:
                    measures[type(throttle)] = measure
        counted = request._counted_limits = _count_all(measures)
    return counted


def _count_all(measures: dict) -> dict:
    """{throttle class: (count, measure)}; empty if the cache failed."""
    if not measures:
        return {}
    try:
        counts = count_hits({key: period + 5 for key, _limit, period, _window, _now in measures.values()})
    except Exception:  # noqa: BLE001 - any cache failure: let the request through
        logger.warning("rate limits %s not counted: the cache is unavailable",
                       ", ".join(sorted(kind.scope for kind in measures)), exc_info=True)
        return {}
    return {kind: (counts[measure[0]], measure) for kind, measure in measures.items()}


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
