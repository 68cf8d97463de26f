"""Counters per time window in the default cache, for rate limits: every
web process counts in the same place (Redis with REDIS_URL)."""

from django.core.cache import cache


def count_hit(key: str, seconds: int) -> int:
    """Counts one more hit on `key` and returns the count so far; the
    counter is dropped `seconds` after its first hit."""
    cache.add(key, 0, seconds)
    try:
        count = cache.incr(key)  # INCR on Redis: two processes never read the same count
    except ValueError:  # expired between add and incr
        cache.add(key, 0, seconds)
        count = cache.incr(key)
    if count == 1:
        # On Redis, a counter that expired between incr's existence check and
        # its INCR was made anew without an expiry: give it one.
        cache.touch(key, seconds)
    return count


