"""Django's built-in Redis cache, with one client object per connection pool.

The built-in backend builds a new `redis.Redis` for every cache call, and its
constructor fills a large table of response callbacks: CPU spent again on every one of
the several cache calls a page makes (docs/benchmarks.md has the figures). A
`redis.Redis` is safe to share between threads (each command takes a connection from
the pool), so this backend keeps one per pool. Everything else is Django's.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
