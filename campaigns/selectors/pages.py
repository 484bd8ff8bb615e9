"""Reads for the campaign pages and the panels campaigns add to the square's pages
(each a bounded number of queries; the ones on every home page view are cached)."""

from datetime import timedelta

from django.utils import timezone

from campaigns.models import Campaign
from campaigns.selectors.campaigns import (  # noqa: F401  (campaign_public: the pages' name)
    campaign_public,
    new_voice_entries,
)
from square.models import Post, User
from square.project.caching import cached_value

CURRENT_CACHE_SECONDS = 60
# The home page keeps showing a campaign's New Voices this long after its end.
NEW_VOICES_AFTER_END = timedelta(days=30)
CURRENT_KEY = "campaigns:current"


def current_campaigns() -> list[Campaign]:
    """Public campaigns that have started and ended at most 30 days ago (or not yet),
    in one query cached for a minute: what the home page and the compose box need."""

    def load() -> list[Campaign]:
        now = timezone.now()
        return list(
            Campaign.objects.public()
            .filter(starts_at__lte=now, ends_at__gte=now - NEW_VOICES_AFTER_END)
            .order_by("-starts_at")
        )

    return cached_value(CURRENT_KEY, load, fresh=CURRENT_CACHE_SECONDS)


def live_campaigns(now=None) -> list[Campaign]:
    """The campaigns taking entries right now (from the cached `current_campaigns`)."""
    now = now or timezone.now()
    return [c for c in current_campaigns() if c.phase(now) == "live"]


def new_voices_strip_campaigns(now=None) -> list[Campaign]:
    """Campaigns whose New Voices strip is on the home page: live, or ended within
    30 days (by the clock, whatever staff did with the status since)."""
    now = now or timezone.now()
    return [
        c
        for c in current_campaigns()
        if c.starts_at <= now <= c.ends_at_inclusive + NEW_VOICES_AFTER_END
    ]


def newest_new_voices(*, campaign: Campaign, limit: int = 5) -> list[Post]:
    """The few newest New Voices with their authors (two small queries: no images)."""
    entries = new_voice_entries(campaign=campaign).order_by("-posted_at", "-pk")
    ids = list(entries.values_list("post_id", flat=True)[:limit])
    posts = Post.objects.filter(pk__in=ids).select_related("author").in_bulk()
    return [posts[i] for i in ids if i in posts]


def users_by_id(ids) -> dict[int, User]:
    """The people of a leaderboard, in one query."""
    fields = ("id", "username", "display_name", "avatar")
    return {u.pk: u for u in User.objects.filter(pk__in=list(ids)).only(*fields)}
