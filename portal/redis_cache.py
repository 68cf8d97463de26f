"""Django's Redis cache, keeping one client per connection pool.

`django.core.cache.backends.redis.RedisCacheClient.get_client` builds a new
`redis.Redis` for every cache operation, and redis-py's constructor copies
its table of ~170 response callbacks each time: about 0.15 ms of CPU per
operation, several per request (rate limits, freshness checks). The client
object holds no connection of its own (the pool does), so one per pool is
reused here; a forked process makes its own, as the pools do."""

import os

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        owner = (os.getpid(), index)
        client = self._clients.get(owner)
        if client is None:
            client = self._clients[owner] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
