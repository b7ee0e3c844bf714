"""A Redis cache that keeps the site up when Redis is down: errors are logged and bypassed.

`ResilientRedisCache` is Django's RedisCache with every operation guarded: a
connection error or timeout is logged as a warning and the call behaves as if
the key were absent (reads miss, writes and deletes are dropped). Pages keep
answering from the database, and sessions (`cached_db`) fall back to their
database rows.

After a failure the backend stops calling Redis for `RETRY_AFTER` seconds (per
process), so a Redis that hangs costs one socket timeout, not one per cache call
on every page. redis-py reconnects by itself once Redis answers again.

Two consequences, chosen on purpose and written down in README.md:

- `add()` reports success while Redis is down. Locks and once-only markers built
  on it (allauth's rate-limit lock, its TOTP replay guard) then let the request
  through: during an outage allauth's own login limits fail *open*, so members can
  still log in. Failed passwords, wrong TOTP codes and used codes are therefore also
  counted in the database (accounts/attempts.py, accounts/mfa.py), which stays exact.
- Code that must not run unlimited uses `core.ratelimit`, which talks to Redis
  through `strict_cache()` and answers 503 when the cache cannot count: those
  limits fail *closed*.
"""

from __future__ import annotations

import logging
import time

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

CACHE_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis client wrapper, keeping one redis-py client per connection pool.

    Django builds a new `redis.Redis` for every cache call. Its constructor fills a
    table of ~170 response callbacks, which cost more than a GET of a cached page
    (about 0.15 ms); a client is only a pool and that table, and is safe to share.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """RedisCache whose failures degrade to cache misses instead of server errors."""

    # Seconds to skip Redis after an error; OPTIONS["retry_after"] overrides it.
    RETRY_AFTER = 5.0

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("retry_after", self.RETRY_AFTER))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = ReusedClientRedisCacheClient
        self._skip_until = 0.0

    @property
    def strict(self) -> BaseCache:
        """This cache without the safety net: errors propagate (for rate limits)."""
        return _StrictView(self)

    def _guarded(self, operation: str, call, fallback):
        if time.monotonic() < self._skip_until:
            return fallback
        try:
            return call()
        except CACHE_ERRORS as exc:
            self._skip_until = time.monotonic() + self.retry_after
            logger.warning(
                "cache unavailable, bypassing it for %.0fs (%s failed: %s)",
                self.retry_after,
                operation,
                exc,
            )
            return fallback

    # Each operation, and what it answers when Redis cannot: what a miss looks like.

    def get(self, key, default=None, version=None):
        return self._guarded(
            "get", lambda: super(ResilientRedisCache, self).get(key, default, version), default
        )

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            "add", lambda: super(ResilientRedisCache, self).add(key, value, timeout, version), True
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            "set", lambda: super(ResilientRedisCache, self).set(key, value, timeout, version), None
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            "touch", lambda: super(ResilientRedisCache, self).touch(key, timeout, version), False
        )

    def delete(self, key, version=None):
        return self._guarded(
            "delete", lambda: super(ResilientRedisCache, self).delete(key, version), False
        )

    def get_many(self, keys, version=None):
        return self._guarded(
            "get_many", lambda: super(ResilientRedisCache, self).get_many(keys, version), {}
        )

    def has_key(self, key, version=None):
        return self._guarded(
            "has_key", lambda: super(ResilientRedisCache, self).has_key(key, version), False
        )

    def incr(self, key, delta=1, version=None):
        result = self._guarded(
            "incr", lambda: super(ResilientRedisCache, self).incr(key, delta, version), _MISS
        )
        if result is _MISS:
            raise ValueError(f"Key '{key}' not found (the cache is unavailable)")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            "set_many",
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version),
            [],
        )

    def delete_many(self, keys, version=None):
        return self._guarded(
            "delete_many", lambda: super(ResilientRedisCache, self).delete_many(keys, version), None
        )

    def clear(self):
        return self._guarded("clear", lambda: super(ResilientRedisCache, self).clear(), False)


_MISS = object()


class _StrictView:
    """Calls RedisCache's own methods on the resilient cache, so errors are raised."""

    def __init__(self, cache: ResilientRedisCache):
        self._cache = cache

    def __getattr__(self, name):
        attribute = getattr(RedisCache, name, None)
        if callable(attribute):
            return lambda *args, **kwargs: attribute(self._cache, *args, **kwargs)
        return getattr(self._cache, name)


def strict_cache(alias: str = "default") -> BaseCache:
    """The cache that raises when it cannot answer: for counts that must be exact."""
    cache = caches[alias]
    return cache.strict if isinstance(cache, ResilientRedisCache) else cache
