"""What the results page and results.json are made of, for a viewer or for everyone, and
which stored files hold the published version (`campaigns.services.published` writes
them; the results views serve them)."""

import time

from django.urls import reverse

from campaigns import presentation
from campaigns.models import Award, Campaign, PublishedFile
from campaigns.selectors.exclusions import campaign_exclusions
from campaigns.selectors.results import results_data, results_page
from square.project.caching import cache_get, cache_set_many

FILES_SECONDS = 300  # the lookup is rewritten by every new version anyway


def results_document(*, campaign: Campaign, viewer=None, base_url: str = "") -> dict:
    """results.json: the draw's data and the public disqualification list."""
    data = results_data(campaign=campaign, viewer=viewer, base_url=base_url)
    codes = [code for tier in data["tiers"] for code in tier["revoked_codes"]]
    data["exclusions"] = campaign_exclusions(campaign, revoked_codes=codes).as_json()
    return data


def results_page_context(*, campaign: Campaign, viewer, base_url: str) -> dict:
    """The results page's context; `viewer` None renders it for everyone (the stored
    page), with no one's own pseudonym marked."""
    page = results_page(campaign=campaign, viewer=viewer, base_url=base_url)
    slug = campaign.slug
    json_url = base_url + reverse("campaigns:results_json", args=[slug])
    # Revoked awards are counted only when the winners are shown (loaded by the page).
    codes = [code for t in page.tiers for code in t.data["revoked_codes"]]
    exclusions = campaign_exclusions(campaign, revoked_codes=codes)
    mine = exclusions.person(campaign, viewer) if viewer is not None else None
    return {
        "campaign": campaign,
        "phase": campaign.phase(),
        "page": page,
        "data": page.data,
        "exclusions": exclusions,
        "my_exclusion": mine,
        "exclusion_rows": presentation.exclusion_rows(exclusions=exclusions, mine=mine),
        "json_url": json_url,
        "verify_command": f"python3 campaigns/draw.py {json_url}",
        "script_url": reverse("campaigns:draw_script"),
        "mine_url": reverse("campaigns:results_mine", args=[slug]),
        "stored": viewer is None,
    }


def results_mine_context(*, campaign: Campaign, viewer) -> dict:
    """What the results say about one reader: their pseudonym on the exclusion list and,
    once published, the awards they still hold."""
    if not viewer.is_authenticated:
        return {"my_exclusion": None, "my_awards": []}
    awards = []
    if campaign.status == Campaign.Status.PUBLISHED:
        awards = list(
            Award.objects.filter(tier__campaign=campaign, user=viewer)
            .exclude(status=Award.Status.REVOKED)
            .select_related("tier")
        )
    mine = campaign_exclusions(campaign).person(campaign, viewer)
    return {"my_exclusion": mine, "my_awards": awards}


def files_cache_key(campaign_id: int) -> str:
    return f"campaigns:published-files:{campaign_id}"


def published_files(*, campaign: Campaign) -> dict[str, dict]:
    """The newest version's files, "kind:key" → name, etag, size, content type (empty
    before publication). Cached: a page view costs no query for it."""
    if campaign.status != Campaign.Status.PUBLISHED:
        return {}
    files = cache_get(files_cache_key(campaign.pk))
    if files is None:
        files = published_files_load(campaign_id=campaign.pk)
        cache_set_many({files_cache_key(campaign.pk): files}, FILES_SECONDS)
    return files


def published_files_load(*, campaign_id: int) -> dict[str, dict]:
    """The newest version's files from the database (the cache's source)."""
    newest = PublishedFile.objects.filter(campaign_id=campaign_id).order_by("-version").first()
    if newest is None:
        return {}
    rows = PublishedFile.objects.filter(campaign_id=campaign_id, version=newest.version)
    return {
        f"{f.kind}:{f.key}": {
            "name": f.name, "etag": f.etag, "size": f.size, "type": f.content_type,
            "version": f.version, "base_url": f.base_url,
        }
        for f in rows
    }  # fmt: skip


# --- by address: what the middleware serves before the rest of the stack ----------------
#
# The results of a published campaign are the same bytes for everyone, so the busiest
# page of announcement day needs neither the campaign nor the session: its address (the
# slug) leads to the newest version's files through the shared cache, and each process
# keeps that answer a second (`LOCAL_SECONDS`: within the coherence bound of
# docs/deploy.md). A new version deletes the shared entry (`campaigns.services.published`).

LOCAL_SECONDS = 1.0
_LOCAL_MAX = 512
_local: dict[str, tuple[float, dict]] = {}


def slug_cache_key(slug: str) -> str:
    return f"campaigns:published-files:slug:{slug}"


def published_files_for_slug(*, slug: str) -> dict[str, dict]:
    """The newest version's files of the published campaign at `slug` ({} when there is
    none: not published, or no such campaign), as `published_files`."""
    now = time.monotonic()
    kept = _local.get(slug)
    if kept is not None and kept[0] > now:
        return kept[1]
    files = cache_get(slug_cache_key(slug))
    if files is None:
        campaign = Campaign.objects.public().filter(slug=slug).only("pk", "status", "slug").first()
        files = published_files(campaign=campaign) if campaign is not None else {}
        cache_set_many({slug_cache_key(slug): files}, FILES_SECONDS)
    if len(_local) >= _LOCAL_MAX:
        _local.clear()
    _local[slug] = (now + LOCAL_SECONDS, files)
    return files


def local_forget(slug: str) -> None:
    """Drop this process's copy of the answer for `slug` (the service that writes a new
    version calls it; other processes' copies expire within `LOCAL_SECONDS`)."""
    _local.pop(slug, None)
