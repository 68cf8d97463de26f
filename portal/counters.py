"""Counters per time window in the default cache, for rate limits.

On Redis a hit is one round trip: INCR and EXPIRE … NX in one pipeline,
where Django's cache API takes two (add, then incr), each building its
command anew. Other caches (the embedded default's file cache, the tests'
local memory) use add and incr."""

from django.core.cache import caches

from portal.redis_cache import RedisCache


def count_hit(key: str, seconds: int) -> int:
    """Counts one more hit on `key` and returns the count so far; the
    counter is dropped `seconds` after its first hit."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        name = backend.make_and_validate_key(key)
        pipe = backend._cache.get_client(name, write=True).pipeline(transaction=False)
        pipe.incr(name)
        pipe.expire(name, seconds, nx=True)
        count, _expiry_set = pipe.execute()
        return count
    backend.add(key, 0, seconds)
    return backend.incr(key)
