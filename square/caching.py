"""Shared, briefly cached values that one request recomputes while the others keep
serving the previous copy.

With `cache.get_or_set(key, compute, 60)` every thread of every app server that finds
the minute over recomputes at once: at a million posts the trending box took 0.24 s
and 0.46 s to count, and its expiry showed as the home page's p99. Here a value is
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

logger = logging.getLogger(__name__)

KEEP_FACTOR = 10  # a stale copy is served for up to this many freshness periods


def _read(key: str):
    try:
        return cache.get(key)
    except Exception:
        logger.warning("cache read of %s failed; computing it in this request", key)
        return None


def _store(key: str, value: Any, fresh: int) -> None:
    try:
        cache.set(key, (time.time(), value), fresh * KEEP_FACTOR)
        cache.delete(f"{key}:computing")
    except Exception:
        logger.warning("cache write of %s failed", key)


def _may_recompute(key: str, fresh: int) -> bool:
    try:
        return cache.add(f"{key}:computing", True, fresh)
    except Exception:
        return True


def cached_value(key: str, compute: Callable[[], Any], *, fresh: int) -> Any:
    """`compute()`'s value, at most `fresh` seconds old for the request that refreshes
    it, and at most a few freshness periods old for the requests that meanwhile serve
    the previous copy."""
    stored = _read(key)
    if stored is not None:
        computed_at, value = stored
        if time.time() - computed_at < fresh or not _may_recompute(key, fresh):
            return value
    value = compute()
    _store(key, value, fresh)
    return value
