"""Counters per time window in the default cache, for rate limits.

On Redis a hit is one round trip, and so are the hits of all of a
request's limits: INCR and EXPIRE … NX in one pipeline, where Django's
cache API takes two (add, then incr), each building its command anew.
Other caches (the embedded default's file cache, the tests' local memory)
use add and incr."""

from django.core.cache import caches

from portal.redis_cache import RedisCache


def count_hit(key: str, seconds: int) -> int:
    """Counts one more hit on `key` and returns the count so far; the
    counter is dropped `seconds` after its first hit."""
    return count_hits({key: seconds})[key]


def count_hits(seconds_by_key: dict[str, int]) -> dict[str, int]:
    """`count_hit` for several counters at once: on Redis one round trip
    for all of them."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        names = {key: backend.make_and_validate_key(key) for key in seconds_by_key}
        pipe = backend._cache.get_client(next(iter(names.values())), write=True).pipeline(transaction=False)
        for key, name in names.items():
            pipe.incr(name)
            pipe.expire(name, seconds_by_key[key], nx=True)
        replies = pipe.execute()
        return {key: replies[2 * number] for number, key in enumerate(names)}
    counts = {}
    for key, seconds in seconds_by_key.items():
        backend.add(key, 0, seconds)
        counts[key] = backend.incr(key)
    return counts
