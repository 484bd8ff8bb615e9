"""Per-user rate limits in the cache, so they hold across app servers when the cache
is Redis: a fixed window per action and user, counted with the cache's atomic incr."""

import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import ngettext


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


def rate_limit_hit(*, action: str, user_id: int) -> None:
    """Count one attempt at `action`; raise RateLimited when it is over the limit."""
    limit, window = settings.SQUARE_RATE_LIMITS[action]
    bucket = int(time.time() // window)
    key = f"square:rl:{action}:{user_id}:{bucket}"
    if cache.add(key, 1, timeout=window + 5):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: start the window again
            cache.add(key, 1, timeout=window + 5)
            count = 1
    if count > limit:
        raise RateLimited(action=action, limit=limit, window=window)


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
