"""portal.counters: a rate limit's counter per window, one round trip on
Redis, add and incr elsewhere; both count exactly and expire."""

import os
from contextlib import contextmanager

import pytest
from django.core.cache import caches

from portal.counters import claim_flag, count_hit, count_hits


@contextmanager
def round_trips(client):
    """The commands sent to Redis meanwhile, on any connection: one a round
    trip (each is answered before the next is sent)."""
    from redis.connection import AbstractConnection

    sent = []
    real = AbstractConnection.send_packed_command

    def counting(self, command, *args, **kwargs):
        text = b"".join(command) if isinstance(command, list) else command
        if not any(setup in text for setup in (b"HELLO", b"CLIENT", b"SELECT", b"AUTH")):
            sent.append(text)  # not a new connection's own set-up
        return real(self, command, *args, **kwargs)

    AbstractConnection.send_packed_command = counting
    try:
        yield sent
    finally:
        AbstractConnection.send_packed_command = real


def test_counts_in_the_local_cache():
    assert [count_hit("wenzheng-test:local", 60) for _ in range(3)] == [1, 2, 3]
    assert caches["default"].get("wenzheng-test:local") == 3


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (set REDIS_URL)")
def test_counts_on_redis_in_one_round_trip_and_sets_the_expiry_once(settings):
    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": "portal.redis_cache.RedisCache",
                                                      "LOCATION": os.environ["REDIS_URL"]}}
    backend = caches["default"]
    key = "wenzheng-test:counter"
    backend.delete(key)
    client = backend._cache.get_client(write=True)
    name = backend.make_and_validate_key(key)
    with round_trips(client) as sent:
        assert count_hit(key, 60) == 1
    assert len(sent) == 1
    assert 55 < client.ttl(name) <= 60
    client.expire(name, 30)
    assert count_hit(key, 60) == 2  # a later hit does not extend the window
    assert client.ttl(name) <= 30
    assert backend.get(key) == 2  # Django's cache reads what was counted
    backend.delete(key)


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (set REDIS_URL)")
def test_a_requests_limits_count_on_redis_in_one_round_trip(settings):
    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": "portal.redis_cache.RedisCache",
                                                      "LOCATION": os.environ["REDIS_URL"]}}
    backend = caches["default"]
    keys = {"wenzheng-test:user": 60, "wenzheng-test:write": 30}
    backend.delete_many(list(keys))
    backend.set("wenzheng-test:write", 4, 30)
    client = backend._cache.get_client(write=True)
    with round_trips(client) as sent:
        assert count_hits(keys) == {"wenzheng-test:user": 1, "wenzheng-test:write": 5}
    assert len(sent) == 1
    assert 55 < client.ttl(backend.make_and_validate_key("wenzheng-test:user")) <= 60
    backend.delete_many(list(keys))


@pytest.mark.parametrize("on_redis", [False, True])
def test_a_flag_is_claimed_once_until_it_is_cleared_or_expires(settings, on_redis):
    if on_redis:
        if not os.environ.get("REDIS_URL"):
            pytest.skip("needs Redis (set REDIS_URL)")
        settings.CACHES = {**settings.CACHES, "default": {"BACKEND": "portal.redis_cache.RedisCache",
                                                          "LOCATION": os.environ["REDIS_URL"]}}
    backend = caches["default"]
    key = "wenzheng-test:flag"
    backend.delete(key)
    assert claim_flag(key, 30) is True
    assert claim_flag(key, 30) is False
    assert backend.get(key) == 1  # what Django's cache reads and clears
    backend.delete(key)
    assert claim_flag(key, 30) is True
    if on_redis:
        with round_trips(backend._cache.get_client(write=True)) as sent:
            assert claim_flag(key, 30) is False
        assert len(sent) == 1
        client = backend._cache.get_client(write=True)
        assert 25 < client.ttl(backend.make_and_validate_key(key)) <= 30
    backend.delete(key)


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (set REDIS_URL)")
def test_a_dropped_connection_fails_one_count_and_the_next_reconnects(settings):
    """The process's own connection for counting: when Redis drops it, that
    count fails (the caller lets the request through) and the next one
    connects anew."""
    from redis.exceptions import ConnectionError as RedisConnectionError

    from portal import counters

    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": "portal.redis_cache.RedisCache",
                                                      "LOCATION": os.environ["REDIS_URL"]}}
    backend = caches["default"]
    key = "wenzheng-test:reconnect"
    backend.delete(key)
    assert count_hit(key, 60) == 1
    own = counters._OWN.connection
    own.send_command("CLIENT", "ID")
    backend._cache.get_client(write=True).client_kill_filter(_id=own.read_response())  # what a Redis restart does
    with pytest.raises((RedisConnectionError, OSError)):
        count_hit(key, 60)
    assert count_hit(key, 60) == 2  # connected anew; the failed hit was not counted
    assert counters._OWN.connection is own
    backend.delete(key)


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (set REDIS_URL)")
def test_another_thread_of_the_process_uses_the_same_connection(settings):
    """The routing wake-up's timer asks the flag from a thread of its own,
    a new one each time: it must not open a connection each time."""
    import threading

    from portal import counters

    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": "portal.redis_cache.RedisCache",
                                                      "LOCATION": os.environ["REDIS_URL"]}}
    backend = caches["default"]
    backend.delete("wenzheng-test:thread-flag")
    count_hit("wenzheng-test:thread", 60)
    own = counters._OWN.connection
    results = []
    for _ in range(3):
        thread = threading.Thread(target=lambda: results.append(claim_flag("wenzheng-test:thread-flag", 30)))
        thread.start()
        thread.join()
    assert results == [True, False, False]
    assert counters._OWN.connection is own
    backend.delete_many(["wenzheng-test:thread-flag", "wenzheng-test:thread"])
