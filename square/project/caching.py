"""Shared, briefly cached values that one request recomputes while the others keep
serving the previous copy.

With `cache.get_or_set(key, compute, 60)` every thread of every app server that finds
the minute over recomputes at once, and a value that takes long to count (the trending
box on a large site) turns each expiry into the page's slowest requests
(docs/benchmarks.md has the figures). Here a value is
stored with the time it was computed and kept well past its freshness; the first
request to find it stale takes a lock (a cache `add`, shared across servers) and
recomputes, the rest serve the stale copy. A cache that fails (Redis down) is logged
and the value computed directly, so the page still renders.
"""

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

KEEP_FACTOR = 10  # a stale copy is served for up to this many freshness periods


def cache_get(key: str, default=None):
    """`cache.get`, or `default` (logged) when the cache fails: the caller computes."""
    try:
        return cache.get(key, default)
    except Exception:
        logger.warning("cache read of %s failed; computing it in this request", key)
        return default


def cache_set_many(values: dict, timeout: int) -> bool:
    """`cache.set_many`; False (logged) when the cache fails."""
    try:
        cache.set_many(values, timeout)
    except Exception:
        logger.warning("cache write of %d keys failed", len(values))
        return False
    return True


def cache_add(key: str, value: Any, timeout: int) -> bool:
    """`cache.add`; True when the cache fails, so the caller does its work itself."""
    try:
        return cache.add(key, value, timeout)
    except Exception:
        return True


def cache_delete(key: str) -> None:
    """`cache.delete`; logged when the cache fails."""
    try:
        cache.delete(key)
    except Exception:
        logger.warning("cache delete of %s failed", key)


def cache_forget(key: str) -> None:
    """Drop a cached value a write has made wrong: now, and again once the write's
    transaction commits (a reader in between may have cached the old value)."""
    cache_delete(key)
    transaction.on_commit(lambda: cache_delete(key))


def _unlock(key: str) -> None:
    cache_delete(f"{key}:computing")


def cached_value(key: str, compute: Callable[[], Any], *, fresh: int) -> Any:
    """`compute()`'s value, at most `fresh` seconds old for the request that refreshes
    it, and at most a few freshness periods old for the requests that meanwhile serve
    the previous copy."""
    stored = cache_get(key)
    if stored is not None:
        computed_at, value = stored
        if time.time() - computed_at < fresh or not cache_add(f"{key}:computing", 1, fresh):
            return value
    value = compute()
    if cache_set_many({key: (time.time(), value)}, fresh * KEEP_FACTOR):
        _unlock(key)
    return value
