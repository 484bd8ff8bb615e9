"""Whole pages for visitors who are not signed in: most readers are, and their pages are
the same for all of them. A page is kept per address and language for a few seconds in
the shared cache, under one site-wide version that every write announced through the
hooks (and the campaign operations) moves on, so no visitor sees a page older than the
last write — and a proxy or CDN may keep it as long (`Cache-Control: public`).

A page is kept only if nothing in it is anyone's: the request carries no session or
message cookie, the response sets no cookie and holds no CSRF token (the language form
is a GET). Signed-in pages are marked private and rendered as before.
"""

import hashlib
import logging
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

from square.project.caching import cache_get, cache_set_many, counter_version_get

logger = logging.getLogger(__name__)
VERSION_KEY = "pages:version"
PRIVATE_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not there yet (or evicted): any new value will do
        cache.set(VERSION_KEY, 1, None)
    except Exception:
        logger.warning("page cache version not moved on; visitor pages age out instead")


def pages_changed() -> None:
    """Every kept visitor page is stale: now, and again when the write commits (a page
    rendered in between, from the old rows, is not kept past that)."""
    _bump()
    transaction.on_commit(_bump)


def _key(request) -> str | None:
    """The page's key under the current version — the same reading of the version as
    the per-process copies kept under it (`counter_version_get`: a missing version
    starts at a random number), so the first page after a cleared cache is not kept
    under a version the rest of its request has already replaced. None when the cache
    fails: nothing is kept then."""
    version = counter_version_get(VERSION_KEY)
    if version is None:
        return None
    address = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"pages:{version}:{get_language()}:{address}"


def _for_everyone(request) -> bool:
    return request.method in ("GET", "HEAD") and not any(
        name in request.COOKIES for name in PRIVATE_COOKIES
    )


def _keepable(response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and b"csrfmiddlewaretoken" not in response.content
    )


def _public(response):
    patch_cache_control(response, public=True, max_age=settings.SQUARE_VISITOR_PAGE_SECONDS)
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


def visitor_page(view):
    """Serve `view` from the visitor page cache when the request is nobody's."""

    @wraps(view)
    def cached(request, *args, **kwargs):
        if not _for_everyone(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True)
            return response
        key = _key(request)
        if key is None:
            return view(request, *args, **kwargs)
        kept = cache_get(key)
        if kept is not None:
            body, content_type = kept
            return _public(HttpResponse(body, content_type=content_type))
        response = view(request, *args, **kwargs)
        if _keepable(response):
            seconds = settings.SQUARE_VISITOR_PAGE_SECONDS
            cache_set_many({key: (response.content, response["Content-Type"])}, seconds)
            return _public(response)
        return response

    return cached
