"""Helpers for the concurrency and fault tests: run callables in threads that start
together, and a shared Redis cache for the limits that must hold across processes."""

import socket
import threading
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import override_settings

REDIS_HOST, REDIS_PORT, REDIS_DB = "127.0.0.1", 6379, 14
REDIS_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"
# As square/project/settings.py configures the Redis cache: a stalled Redis fails within a second.
REDIS_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
JOIN_TIMEOUT = 300  # seconds; a thread still running then is a hang, reported as such

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: real concurrent transactions and row locks (SQLite has one writer)",
)


def redis_cache_settings(url: str = REDIS_URL) -> dict:
    """The caches as production has them: Redis shared, card fragments per process."""
    return {
        "default": {
            "BACKEND": "square.project.redis_cache.RedisCache",  # as the settings do on Redis
            "LOCATION": url,
            "OPTIONS": REDIS_OPTIONS,
        },
        "template_fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }


def _redis_reachable() -> bool:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_cache():
    """The default cache on a real Redis (db 14, flushed before and after), shared by
    every thread, as across app servers in production."""
    if not _redis_reachable():
        pytest.skip(f"needs Redis at {REDIS_HOST}:{REDIS_PORT} for a cache shared by threads")
    from django.core.cache import cache

    with override_settings(CACHES=redis_cache_settings()):
        cache.clear()  # FLUSHDB of db 14 only
        yield cache
        cache.clear()


def run_together(work: Callable, arguments: list) -> list:
    """Run `work(argument)` in one thread per argument, all released at once by a
    barrier; return the results in order. An exception in any thread fails the test
    with that exception; each thread closes its own database connection."""
    barrier = threading.Barrier(len(arguments))
    results: list = [None] * len(arguments)
    errors: list[BaseException] = []

    def run(index: int, argument) -> None:
        try:
            barrier.wait(timeout=JOIN_TIMEOUT)
            results[index] = work(argument)
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, argument)) for i, argument in enumerate(arguments)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    if errors:
        raise errors[0]
    return results
