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
import secrets
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar, Token
from typing import Any

from django.core.cache import cache, caches
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


# --- values kept in this process while a shared version holds -----------------------

_local: dict[str, tuple[str, Any]] = {}


_request_memo: ContextVar[dict | None] = ContextVar("square_request_memo", default=None)


def request_memo_start() -> Token:
    """Begin a request's memo of shared values (`RequestMemoMiddleware`)."""
    return _request_memo.set({})


def request_memo_end(token: Token) -> None:
    _request_memo.reset(token)


def cache_get_once(key: str, default=None):
    """`cache_get`, read at most once per request (the memo is kept only inside a
    request, so commands, tasks and tests read every time): for the versions several
    parts of a page ask for."""
    memo = _request_memo.get()
    if memo is None:
        return cache_get(key, default)
    if key not in memo:
        memo[key] = cache_get(key, default)
    return memo[key]


def version_get(key: str) -> str:
    """The current token of a version kept in the shared cache (set anew when missing,
    so a cleared cache ends every copy kept under the old one), read once per request.
    A fresh token each time when the cache fails: nothing is then served from a local
    copy."""
    try:
        token = cache_get_once(key)
        if token is None:
            token = uuid.uuid4().hex
            if not cache.add(key, token, None):  # another request set one meanwhile
                token = cache.get(key) or token
            memo = _request_memo.get()
            if memo is not None:
                memo[key] = token
        return token
    except Exception:
        logger.warning("cache read of %s failed; local copies are not used", key)
        return uuid.uuid4().hex


def counter_version_get(key: str) -> int | None:
    """The current value of a version that writes move on with `cache.incr` (the
    visitor pages' version), read once per request; when missing (a cleared or new
    cache) it starts at a random number, so copies kept under an earlier value are not
    served again. None when the cache fails: callers then keep nothing."""
    value = cache_get_once(key)
    if value is None:
        try:
            cache.add(key, secrets.randbelow(2**62), None)
            value = cache.get(key)
        except Exception:
            return None
        memo = _request_memo.get()
        if memo is not None:
            memo[key] = value
    return value


def kept_under(version_key: str, key: str, compute: Callable[[], Any], *, seconds: int) -> Any:
    """`compute()`'s value kept in this process for at most `seconds` and only while
    the counter version `version_key` holds (computed every time when the cache
    fails)."""
    version = counter_version_get(version_key)
    if version is None:
        return compute()
    return kept_briefly(f"{key}:{version}", compute, seconds=seconds)


def version_bump(key: str) -> None:
    """End every copy kept under the version `key` on every app server: now, and again
    once the write's transaction commits (a reader in between may have loaded the old
    rows under the new token)."""

    def bump() -> None:
        memo = _request_memo.get()
        if memo is not None:  # this request reads the new token too
            memo.pop(key, None)
        try:
            cache.set(key, uuid.uuid4().hex, None)
        except Exception:
            logger.warning("cache write of %s failed", key)

    bump()
    transaction.on_commit(bump)


def local_value(key: str, version: str, load: Callable[[], Any]) -> Any:
    """`load()`'s value, kept in this process while `version` (from `version_get`) is
    the same: no query and no cache read on the way. Callers must not change it."""
    kept = _local.get(key)
    if kept is not None and kept[0] == version:
        return kept[1]
    value = load()
    _local[key] = (version, value)
    return value


_ABSENT = object()


def kept_briefly(key: str, compute: Callable[[], Any], *, seconds: int) -> Any:
    """`compute()`'s value kept in this process for `seconds` (in the per-process
    `template_fragments` cache): for shared values that are already a minute old by
    design (the trending lists) or never change under their key (a Hot ranking), so a
    page does not fetch them from Redis on every request."""
    store = caches["template_fragments"]
    value = store.get(key, _ABSENT)
    if value is _ABSENT:
        value = compute()
        store.set(key, value, seconds)
    return value
