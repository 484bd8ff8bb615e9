"""Answering with a published file as stored (`campaigns.services.published`): the
results views and the middleware that serves published results before the rest of the
stack (`campaigns.middleware`) answer the same way."""

from functools import lru_cache

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control

# Published files never change under a name; a new version is a new ETag. Browsers
# check back after a minute, a CDN keeps them ten.
BROWSER_SECONDS, SHARED_SECONDS = 60, 600
KEEP_BYTES = 2 * 1024 * 1024  # files up to this size are kept in memory, per process


@lru_cache(maxsize=64)
def _bytes(name: str) -> bytes:
    """A stored file's bytes; its name is its content's hash, so a kept copy never goes
    stale and the storage is read once per process."""
    with default_storage.open(name) as handle:
        return handle.read()


def stored_response(request, stored: dict):
    """A published file: a strong ETag, public caching, 304 when the reader has it
    already, open to any site's scripts. Small files come from memory; large lists are
    streamed from storage, never held whole per request."""
    etag = f'"{stored["etag"]}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    elif stored["size"] <= KEEP_BYTES:
        response = HttpResponse(_bytes(stored["name"]), content_type=stored["type"])
    else:
        response = FileResponse(default_storage.open(stored["name"]), content_type=stored["type"])
        response["Content-Length"] = stored["size"]
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=BROWSER_SECONDS, s_maxage=SHARED_SECONDS)
    response["Access-Control-Allow-Origin"] = "*"
    return response
