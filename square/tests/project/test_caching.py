"""Briefly cached shared values (square.project.caching): fresh copies are served as they are;
once stale, one request recomputes while the others serve the old copy; a failing
cache costs a computation, never an error page."""

import pytest
from django.core.cache import cache

from square.project import caching
from square.project.caching import cached_value
from square.tests.parallel import redis_cache, run_together

__all__ = ["redis_cache"]  # a fixture, used by name


class Counter:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return f"value {self.calls}"


@pytest.fixture
def clock(monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(caching.time, "time", lambda: now[0])
    return now


def test_a_fresh_value_is_computed_once(clock):
    compute = Counter()
    assert cached_value("k", compute, fresh=60) == "value 1"
    clock[0] += 59
    assert cached_value("k", compute, fresh=60) == "value 1"
    assert compute.calls == 1


def test_a_stale_value_is_recomputed_by_one_request_only(clock):
    compute = Counter()
    cached_value("k", compute, fresh=60)
    clock[0] += 61
    cache.add("k:computing", True, 60)  # another request is recomputing it right now
    assert cached_value("k", compute, fresh=60) == "value 1"  # served stale meanwhile
    cache.delete("k:computing")
    assert cached_value("k", compute, fresh=60) == "value 2"  # this one recomputes
    assert cache.get("k:computing") is None  # and lets go of the lock
    assert cached_value("k", compute, fresh=60) == "value 2"
    assert compute.calls == 2


def test_a_stale_copy_is_kept_for_ten_freshness_periods(clock):
    # `clock` moves time.time itself, which the local-memory cache expires by too.
    cached_value("k", Counter(), fresh=60)
    clock[0] += 60 * 10 - 1
    assert cache.get("k") is not None
    clock[0] += 2
    assert cache.get("k") is None


def test_a_failing_cache_computes_the_value(monkeypatch, caplog):
    compute = Counter()

    def broken(*args, **kwargs):
        raise ConnectionError("redis is down")

    for name in ("get", "set", "add", "delete"):
        monkeypatch.setattr(caching.cache, name, broken)
    assert cached_value("k", compute, fresh=60) == "value 1"
    assert cached_value("k", compute, fresh=60) == "value 2"
    assert "cache read of k failed" in caplog.text


def test_the_redis_cache_shares_one_client_across_calls_and_threads(redis_cache):
    """square.project.redis_cache.RedisCache: one redis.Redis per pool, safe to share — 32 threads
    incrementing one key through it lose no increment."""
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client(write=True) is client
    redis_cache.set("shared:n", 0)

    def bump(_):
        for _ in range(25):
            redis_cache.incr("shared:n")

    run_together(bump, list(range(32)))
    assert redis_cache.get("shared:n") == 800
    assert redis_cache._cache.get_client() is client
