"""Counters per time window in the default cache, for rate limits.

On Redis a hit is one round trip (on a connection each process keeps for
these commands), and so are the hits of all of a request's limits: one
small script that raises each counter and sets its expiry when it is new
(atomically, so no counter is left without one), where Django's cache API takes two round trips (add, then incr), each
building its command anew, and a pipeline sends two commands a counter.
Other caches (the embedded default's file cache, the tests' local memory)
use add and incr."""

import os
import threading

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
        # EVAL rather than EVALSHA: always one round trip (Redis keeps the
        # script compiled by its hash), never a NOSCRIPT retry.
        counts = _command(backend, "EVAL", _COUNT_SCRIPT, len(names), *names, *seconds_by_key.values())
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
        return _command(backend, "SET", name, 1, "NX", "EX", seconds) is not None
    return backend.add(key, 1, seconds)


class _OwnConnection:
    """The process's connection for these commands, one command at a time
    (a web process's timer thread may send one beside its requests)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.pid = self.server = self.connection = None


_OWN = _OwnConnection()


def _command(backend, *args):
    """One command on a connection of the cache's write pool that this
    process keeps for these commands: the pool's checkout, health poll and
    release, and the client's retry and observability layers cost more CPU
    than the round trip itself, on commands that every request sends. A
    failed connection is dropped (the next command connects anew) and the
    error raised, as the client would raise it."""
    # Keyed on the write server's address, not the pool: each thread has a
    # cache object of its own (Django's), with pools of its own.
    server = backend._servers[0]
    own = _OWN
    with own.lock:
        if own.connection is None or own.pid != os.getpid() or own.server != server:
            pool = backend._cache.get_client(write=True).connection_pool
            own.connection, own.pid, own.server = pool.make_connection(), os.getpid(), server
        connection = own.connection
        try:
            connection.send_command(*args)
            return connection.read_response()
        except BaseException:
            connection.disconnect()
            raise
