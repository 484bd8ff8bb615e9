"""Rate limits in the cache, so they hold across app servers when the cache is Redis: a
fixed window per action and person (or client address), counted with an atomic incr.

When the shared cache fails (Redis down or stalled), the limits on signed-in members
fail open — the request proceeds and the failure is logged — because members are
accountable and a cache outage must not stop every write on the site. The limits on
anonymous clients, counted by address (sign-up), keep counting in this process instead
(`LOCAL`), so they still hold, per process, through the outage (docs/security.md).
"""

import logging
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.utils.translation import ngettext

logger = logging.getLogger(__name__)

# This process's own counts, used only while the shared cache is failing.
LOCAL = LocMemCache("square-limits-while-the-cache-is-down", {"OPTIONS": {"MAX_ENTRIES": 50_000}})


class RateLimited(Exception):
    """Over the limit: the middleware turns this into HTTP 429 with `message`."""

    def __init__(self, *, action: str, limit: int, window: int):
        super().__init__(action)
        self.action, self.limit, self.window = action, limit, window

    @property
    def message(self) -> str:
        minutes = max(self.window // 60, 1)
        return ngettext(
            "You are doing that too often: at most %(limit)d times in %(minutes)d minute. "
            "Please wait a little and try again.",
            "You are doing that too often: at most %(limit)d times in %(minutes)d minutes. "
            "Please wait a little and try again.",
            minutes,
        ) % {"limit": self.limit, "minutes": minutes}


def count_in(store, key: str, timeout: int) -> int:
    """Add one to `key` in `store` (starting it at 1 with `timeout`); the new count.

    Django's Redis `incr` checks that the key exists and then increments: a key that
    expires between the two comes back from INCR as 1 with no expiry at all. A count of
    1 from `incr` therefore gets its timeout here, so no counter outlives its window."""
    if store.add(key, 1, timeout=timeout):
        return 1
    try:
        count = store.incr(key)
    except ValueError:  # expired between add and incr: start the window again
        store.add(key, 1, timeout=timeout)
        return 1
    if count == 1:
        store.touch(key, timeout)
    return count


def _key(action: str, user_id, address) -> str:
    window = settings.SQUARE_RATE_LIMITS[action][1]
    who = f"ip:{address}" if address is not None else user_id
    return f"square:rl:{action}:{who}:{int(time.time() // window)}"


def rate_limit_hit(*, action: str, user_id: int | None = None, address: str | None = None):
    """Count one attempt at `action` by a member (`user_id`) or from a client `address`;
    raise RateLimited when it is over the limit."""
    limit, window = settings.SQUARE_RATE_LIMITS[action]
    key = _key(action, user_id, address)
    try:
        count = count_in(cache, key, window + 5)
    except Exception:  # any backend's error: the cache, not the request, is broken
        where = "not counted" if address is None else "counted in this process"
        logger.error("Rate limit %r %s: the cache failed", action, where, exc_info=True)
        if address is None:
            return
        count = count_in(LOCAL, key, window + 5)
    if count > limit:
        raise RateLimited(action=action, limit=limit, window=window)


def _take_back(store, key: str) -> None:
    try:
        if store.decr(key) < 0:  # Redis re-created a key that had just expired: drop it
            store.delete(key)
    except ValueError:  # nothing counted (the window has ended)
        pass


def rate_limit_undo(*, action: str, address: str) -> None:
    """Take back an address's attempt that did not happen after all (a sign-up the
    service refused), so a person correcting a form is not counted twice."""
    key = _key(action, None, address)
    try:
        _take_back(cache, key)
    except Exception:
        logger.error("Rate limit %r taken back in this process: the cache failed", action)
        _take_back(LOCAL, key)


def rate_limited(action: str):
    """View decorator: count a POST by a signed-in user against `action`'s limit
    before the view writes anything. The 429 itself is rendered by the middleware."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST" and request.user.is_authenticated:
                rate_limit_hit(action=action, user_id=request.user.pk)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
