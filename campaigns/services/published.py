"""Rendering a campaign's published results once, as files: results.json, every frozen
list and the results page in each language, stored under their SHA-256 in the configured
storage (local media or S3) and recorded as a new version. The results views then serve
those bytes to everyone; what differs per viewer comes from a small fragment instead.

Called by `results_publish` and by every later change to the winners, inside the same
transaction: the new version's rows appear with the change or not at all (a file left
behind by a rollback is unreferenced and harmless, being named by its content).
"""

import hashlib
import json

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from campaigns.models import Campaign, PublishedFile, Snapshot
from campaigns.selectors.published import (
    files_cache_key,
    local_forget,
    results_document,
    results_page_context,
    slug_cache_key,
)
from square.project.caching import cache_delete

JSON_TYPE = "application/json"
LIST_TYPE = "text/plain; charset=us-ascii"
PAGE_TYPE = "text/html; charset=utf-8"


def _store(campaign: Campaign, suffix: str, body: bytes) -> tuple[str, str]:
    """Save the bytes under their digest (once: the same bytes keep the same name)."""
    etag = hashlib.sha256(body).hexdigest()
    name = f"results/{campaign.slug}/{etag}{suffix}"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(body))
    return name, etag


def _page_request(campaign: Campaign, base_url: str, language: str) -> HttpRequest:
    """A GET of the results page by nobody in particular: what the stored page is
    rendered for (no session, no user, no CSRF token; the page's script fetches those)."""
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = reverse("campaigns:results", args=[campaign.slug])
    scheme, _sep, host = base_url.partition("://")
    request.META = {"HTTP_HOST": host, "SERVER_NAME": host.split(":")[0], "SERVER_PORT": "80"}
    request.META["wsgi.url_scheme"] = scheme
    request.user = AnonymousUser()
    request.LANGUAGE_CODE = language
    return request


def _page(campaign: Campaign, base_url: str, language: str) -> bytes:
    with translation.override(language):
        request = _page_request(campaign, base_url, language)
        context = results_page_context(campaign=campaign, viewer=None, base_url=base_url)
        context["csrf_token"] = ""  # the stored page carries nobody's token
        return render_to_string("campaigns/results.html", context, request=request).encode()


def _bodies(campaign: Campaign, base_url: str) -> list[tuple[str, str, str, bytes]]:
    """(kind, key, content type, bytes) of every file of the version."""
    document = results_document(campaign=campaign, base_url=base_url)
    bodies = [
        (PublishedFile.Kind.JSON, "", JSON_TYPE, json.dumps(document, ensure_ascii=False).encode())
    ]
    for snapshot in Snapshot.objects.filter(campaign=campaign).only("kind", "body"):
        bodies.append((PublishedFile.Kind.LIST, snapshot.kind, LIST_TYPE, snapshot.body.encode()))
    for language, _name in settings.LANGUAGES:
        bodies.append(
            (PublishedFile.Kind.PAGE, language, PAGE_TYPE, _page(campaign, base_url, language))
        )
    return bodies


def published_files_forget(*, campaign: Campaign) -> None:
    """After a new version: every cached way to the files, shared and this process's."""
    cache_delete(files_cache_key(campaign.pk))
    cache_delete(slug_cache_key(campaign.slug))
    local_forget(campaign.slug)


SUFFIX = {PublishedFile.Kind.JSON: ".json", PublishedFile.Kind.LIST: ".txt"}


@transaction.atomic
def published_files_build(*, campaign: Campaign, base_url: str | None = None) -> int:
    """Render and store a new version of a published campaign's results; its number.
    `base_url` ("https://host") is the site's address the page names in its verify
    command; by default the one the last version used, else SQUARE_SITE_URL."""
    campaign = Campaign.objects.get(pk=campaign.pk)
    if campaign.status != Campaign.Status.PUBLISHED:
        return 0
    versions = PublishedFile.objects.filter(campaign=campaign)
    last = versions.order_by("-version").first()
    base_url = (base_url or (last.base_url if last else "") or settings.SQUARE_SITE_URL).rstrip("/")
    version = (versions.aggregate(n=Max("version"))["n"] or 0) + 1
    for kind, key, content_type, body in _bodies(campaign, base_url):
        suffix = SUFFIX.get(kind, f".{key}.html")
        name, etag = _store(campaign, suffix, body)
        PublishedFile.objects.create(
            campaign=campaign, version=version, kind=kind, key=key, name=name, etag=etag,
            size=len(body), content_type=content_type, base_url=base_url,
        )  # fmt: skip
    published_files_forget(campaign=campaign)
    transaction.on_commit(lambda: published_files_forget(campaign=campaign))
    return version
