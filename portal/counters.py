"""Counters per time window in the default cache, for rate limits.

On Redis a hit is one round trip, and so are the hits of all of a
request's limits: one small script that raises each counter and sets its
expiry when it is new (atomically, so no counter is left without one),
where Django's cache API takes two round trips (add, then incr), each
building its command anew, and a pipeline sends two commands a counter.
Other caches (the embedded default's file cache, the tests' local memory)
use add and incr."""

from django.core.cache import caches

from portal.redis_cache import RedisCache

_COUNT_SCRIPT = """
local counts = {}
for index, key in ipairs(KEYS) do
  counts[index] = redis.call('INCR', key)
  if counts[index] == 1 then redis.call('EXPIRE', key, ARGV[index]) end
end
return counts
"""


def count_hit(key: str, seconds: int) -> int:
    """Counts one more hit on `key` and returns the count so far; the
    counter is dropped `seconds` after its first hit."""
    return count_hits({key: seconds})[key]


def count_hits(seconds_by_key: dict[str, int]) -> dict[str, int]:
    """`count_hit` for several counters at once: on Redis one round trip
    for all of them."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        names = [backend.make_and_validate_key(key) for key in seconds_by_key]
        client = backend._cache.get_client(names[0], write=True)
        # EVAL rather than EVALSHA: always one round trip (Redis keeps the
        # script compiled by its hash), never a NOSCRIPT retry.
        counts = client.eval(_COUNT_SCRIPT, len(names), *names, *seconds_by_key.values())
        return dict(zip(seconds_by_key, counts, strict=True))
    counts = {}
    for key, seconds in seconds_by_key.items():
        backend.add(key, 0, seconds)
        counts[key] = backend.incr(key)
    return counts


def claim_flag(key: str, seconds: int) -> bool:
    """Set `key` for `seconds` unless it is set; whether this call set it
    (the cache's add). On Redis one SET NX EX, without the cache API's
    layers: the routing wake-up asks it after every submission."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        name = backend.make_and_validate_key(key)
        return bool(backend._cache.get_client(name, write=True).set(name, 1, nx=True, ex=seconds))
    return backend.add(key, 1, seconds)
