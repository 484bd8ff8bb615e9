"""Login throttling: at most `MAX_FAILURES` failed logins per account and per client IP
in `WINDOW_SECONDS`, counted in the cache (Redis in production, so the count holds
across app servers, like `square.ratelimit`).

A window starts at the first failure and lasts `WINDOW_SECONDS`; once it holds
`MAX_FAILURES` failures, every attempt for that account (or from that address) is
refused until the window ends, even with the right password, and the refusal says how
many minutes are left. A successful login is not counted (it does not clear earlier
failures either: a success must not buy an attacker more guesses).

The account is keyed by its case-folded username, whether or not such an account exists
(so a refusal tells nothing about which names are taken). An IPv6 client is keyed by its
/64 network, since one machine holds a whole /64. Behind the TLS proxy
(`SECURE_PROXY_SSL_HEADER` set) the address is the last `X-Forwarded-For` entry, the
one the proxy itself appended; a client can only prepend entries of its own.
"""

import contextlib
import hashlib
import ipaddress
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import ngettext

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60
_PREFIX = "square:login"


def client_ip(request) -> str:
    """The address failures are counted under (an IPv6 address as its /64 network)."""
    address = request.META.get("REMOTE_ADDR", "") or ""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.SECURE_PROXY_SSL_HEADER and forwarded:
        address = forwarded.split(",")[-1].strip()
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64] or "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _keys(username: str, ip: str) -> list[str]:
    account = hashlib.sha256((username or "").casefold().encode()).hexdigest()[:32]
    return [f"{_PREFIX}:user:{account}", f"{_PREFIX}:ip:{ip}"]


def _now() -> float:
    return time.time()


def _count(key: str) -> int:
    """Add one to `key`'s window (starting it if there is none); the new count."""
    if cache.add(key, 1, timeout=WINDOW_SECONDS):
        cache.set(f"{key}:since", _now(), timeout=WINDOW_SECONDS)
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr: a new window
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        cache.set(f"{key}:since", _now(), timeout=WINDOW_SECONDS)
        return 1


def _wait(key: str) -> int:
    since = cache.get(f"{key}:since", _now())
    return max(math.ceil(since + WINDOW_SECONDS - _now()), 1)


def attempt_begin(*, username: str, ip: str) -> int:
    """Count a login attempt against the account and the address before the password
    is checked; return 0 when it may go ahead, else the seconds until one may.

    Counting first (one atomic increment per key) means parallel attempts cannot slip
    past the limit between a check and a count. A refused attempt counts too, which
    changes nothing: the window still ends `WINDOW_SECONDS` after its first failure."""
    wait = 0
    for key in _keys(username, ip):
        if _count(key) > MAX_FAILURES:
            wait = max(wait, _wait(key))
    return wait


def attempt_succeeded(*, username: str, ip: str) -> None:
    """The password was right: take the attempt back, so a success is not counted."""
    for key in _keys(username, ip):
        with contextlib.suppress(ValueError):  # the window ended meanwhile
            cache.decr(key)


def seconds_locked(*, username: str, ip: str) -> int:
    """0 when a login may be tried; else how many seconds until it may (no counting)."""
    keys = _keys(username, ip)
    counts = cache.get_many(keys)
    return max((_wait(k) for k in keys if counts.get(k, 0) >= MAX_FAILURES), default=0)


def locked_message(seconds: int) -> str:
    minutes = max(math.ceil(seconds / 60), 1)
    return ngettext(
        "Too many failed attempts to log in: for your safety, logging in is paused. "
        "Please try again in %(minutes)d minute.",
        "Too many failed attempts to log in: for your safety, logging in is paused. "
        "Please try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
