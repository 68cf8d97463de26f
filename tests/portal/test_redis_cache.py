"""portal.redis_cache: one Redis client per pool, reused by every operation."""

import os

import pytest

from portal.redis_cache import RedisCache

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (set REDIS_URL)")


def test_cache_operations_reuse_one_client_and_work():
    cache = RedisCache(os.environ["REDIS_URL"], {})
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=True) is client
    cache.set("wenzheng-test:reuse", 1, 30)
    assert cache.incr("wenzheng-test:reuse") == 2
    assert cache.get("wenzheng-test:reuse") == 2
    cache.delete("wenzheng-test:reuse")
    assert cache._cache.get_client(write=True) is client
