"""Login throttling: at most `MAX_FAILURES` failed logins per account and per client IP
in `WINDOW_SECONDS`, counted in the cache (Redis in production, so the count holds
across app servers, like `square.project.ratelimit`).

A window starts at the first failure and lasts `WINDOW_SECONDS`; once it holds
`MAX_FAILURES` failures, every attempt for that account (or from that address) is
refused until the window ends, even with the right password, and the refusal says how
many minutes are left. A successful login is not counted (it does not clear earlier
failures either: a success must not buy an attacker more guesses).

The account is keyed by its case-folded username, whether or not such an account exists
(so a refusal tells nothing about which names are taken). An IPv6 client is keyed by its
/64 network, since one machine holds a whole /64. Behind `SQUARE_TRUSTED_PROXY_HOPS`
proxies the address is the `X-Forwarded-For` entry that many from the end: the one the
outermost trusted proxy appended; a client can only prepend entries of its own.

When the shared cache fails, the counting goes on in this process (`ratelimit.LOCAL`)
and the failure is logged: logins keep working, and guessing stays limited — per
process instead of across the site — until the cache is back (docs/security.md).
"""

import hashlib
import ipaddress
import logging
import math
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import ngettext

from square.project.ratelimit import LOCAL

logger = logging.getLogger(__name__)

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60
_PREFIX = "square:login"


def client_ip(request) -> str:
    """The client's address, as every per-address limit counts it (an IPv6 address as
    its /64 network): REMOTE_ADDR, or behind `SQUARE_TRUSTED_PROXY_HOPS` proxies the
    `X-Forwarded-For` entry that many from the end. A header with fewer entries did not
    pass through every proxy, so it is not trusted and REMOTE_ADDR counts."""
    address = request.META.get("REMOTE_ADDR", "") or ""
    hops = settings.SQUARE_TRUSTED_PROXY_HOPS
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    entries = [entry.strip() for entry in forwarded.split(",")] if forwarded else []
    if hops and len(entries) >= hops:
        address = entries[-hops]
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


def _start(store, key: str) -> int:
    store.set(key, 1, timeout=WINDOW_SECONDS)
    store.set(f"{key}:since", _now(), timeout=WINDOW_SECONDS)
    return 1


def _count(store, key: str) -> int:
    """Add one to `key`'s window (starting it if there is none); the new count.

    A count of 1 from `incr` is a window without a failure in it (a success taken back,
    or a Redis key re-created without expiry after it expired, see
    `ratelimit.count_in`): the window starts at this failure."""
    if store.add(key, 1, timeout=WINDOW_SECONDS):
        store.set(f"{key}:since", _now(), timeout=WINDOW_SECONDS)
        return 1
    try:
        count = store.incr(key)
    except ValueError:  # expired between add and incr: a new window
        return _start(store, key)
    return _start(store, key) if count == 1 else count


def _wait(store, key: str) -> int:
    since = store.get(f"{key}:since", _now())
    return max(math.ceil(since + WINDOW_SECONDS - _now()), 1)


def _shared_or_local(function):
    """Run `function` with the shared cache; if the cache fails, log it and run it with
    this process's own store instead, so a cache outage neither stops logins nor lifts
    the limit."""

    @wraps(function)
    def wrapped(**kwargs):
        try:
            return function(cache, **kwargs)
        except Exception:  # any backend's error: the cache, not the login, is broken
            logger.error("Login throttle counted in this process: the cache failed", exc_info=True)
            return function(LOCAL, **kwargs)

    return wrapped


@_shared_or_local
def attempt_begin(store, *, username: str, ip: str) -> int:
    """Count a login attempt against the account and the address before the password
    is checked; return 0 when it may go ahead, else the seconds until one may.

    Counting first (one atomic increment per key) means parallel attempts cannot slip
    past the limit between a check and a count. A refused attempt counts too, which
    changes nothing: the window still ends `WINDOW_SECONDS` after its first failure."""
    wait = 0
    for key in _keys(username, ip):
        if _count(store, key) > MAX_FAILURES:
            wait = max(wait, _wait(store, key))
    return wait


@_shared_or_local
def attempt_succeeded(store, *, username: str, ip: str) -> None:
    """The password was right: take the attempt back, so a success is not counted."""
    for key in _keys(username, ip):
        try:
            if store.decr(key) < 0:  # Redis re-created a key that had just expired
                store.delete(key)
        except ValueError:  # the window ended meanwhile
            pass


@_shared_or_local
def seconds_locked(store, *, username: str, ip: str) -> int:
    """0 when a login may be tried; else how many seconds until it may (no counting)."""
    keys = _keys(username, ip)
    counts = store.get_many(keys)
    return max((_wait(store, k) for k in keys if counts.get(k, 0) >= MAX_FAILURES), default=0)


def locked_message(seconds: int) -> str:
    minutes = max(math.ceil(seconds / 60), 1)
    return ngettext(
        "Too many failed attempts to log in: for your safety, logging in is paused. "
        "Please try again in %(minutes)d minute.",
        "Too many failed attempts to log in: for your safety, logging in is paused. "
        "Please try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
