"""Topic pages and trending tags (search: `square.selectors.search`)."""

import hashlib
from datetime import timedelta

from django.core.cache import caches
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from square.models import Hashtag, Post, PostHashtag
from square.project.caching import cached_value, counter_version_get
from square.project.page_cache import VERSION_KEY as PAGES_VERSION
from square.selectors.feeds import posts_for_display

TRENDING_CACHE_SECONDS = 60
HASHTAG_LOCAL_SECONDS = 60


def topic_posts(*, hashtag: Hashtag) -> QuerySet:
    """Published posts and quotes carrying a tag, newest first."""
    return posts_for_display(
        Post.objects.published().filter(tag_links__hashtag=hashtag).newest_first()
    )


def topic_stats(*, hashtag: Hashtag) -> dict:
    """Posts and distinct authors of a tag (published posts only).

    The post count is the tag's exact counter; distinct authors need a scan of the
    tag's links, so that number is cached briefly rather than counted on every view.
    """

    def count() -> int:
        links = PostHashtag.objects.filter(hashtag=hashtag, post__status=Post.Status.PUBLISHED)
        return links.values("author").distinct().count()

    key = f"square:topic-authors:{hashtag.pk}"
    authors = cached_value(key, count, fresh=TRENDING_CACHE_SECONDS)
    return {"posts": hashtag.post_count, "authors": authors}


def hashtag_by_key(*, key: str) -> Hashtag | None:
    """The tag of a topic page, kept in this process while the site's page version
    holds (every announced write moves it on, a post with the tag included: its
    counter is shown), so a signed-in topic page reads no hashtag row. Unknown keys
    are not kept: anyone can type one."""
    digest = hashlib.blake2b(key.encode(), digest_size=16).hexdigest()
    version = counter_version_get(PAGES_VERSION)
    local_key = f"square:hashtag:{version}:{digest}"
    store = caches["template_fragments"]
    hashtag = store.get(local_key) if version is not None else None
    if hashtag is None:
        hashtag = Hashtag.objects.filter(key=key).first()
        if hashtag is not None and version is not None:
            store.set(local_key, hashtag, HASHTAG_LOCAL_SECONDS)
    return hashtag


def trending_tags(*, hours: int, limit: int = 10) -> list[dict]:
    """The tags used by the most distinct authors in the last `hours` (cached briefly)."""

    def count() -> list[dict]:
        since = timezone.now() - timedelta(hours=hours)
        return list(
            PostHashtag.objects.filter(Q(created_at__gte=since), post__status=Post.Status.PUBLISHED)
            .values("hashtag__key", "hashtag__display")
            .annotate(authors=Count("author", distinct=True), posts=Count("post", distinct=True))
            .order_by("-authors", "-posts", "hashtag__key")[:limit]
        )

    return cached_value(f"square:trending:{hours}:{limit}", count, fresh=TRENDING_CACHE_SECONDS)
