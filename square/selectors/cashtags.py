"""Token pages ($BTC): the token, its posts, its figures, the topics talked about with
it, and the tokens trending (the counts behind them are `square.services.cashtags`)."""

from datetime import timedelta

from django.db.models import Count, QuerySet
from django.utils import timezone

from square.models import Cashtag, Post, PostCashtag, PostHashtag
from square.project.caching import cached_value
from square.selectors.feeds import posts_for_display

FIGURES_SECONDS = 60
RELATED_FROM = 500  # the token's newest posts the related topics are counted over


def cashtag_by_symbol(*, symbol: str) -> Cashtag | None:
    return Cashtag.objects.filter(symbol=symbol).first()


def cashtag_posts(*, cashtag: Cashtag) -> QuerySet:
    """The published posts naming the token, newest first (the links exist only while a
    post is published)."""
    posts = Post.objects.published().filter(cashtag_links__cashtag=cashtag)
    return posts_for_display(posts.newest_first())


def cashtag_figures(*, cashtag: Cashtag) -> dict:
    """Posts and distinct authors, and the topics most used in its newest posts (kept
    a minute)."""

    def compute() -> dict:
        links = PostCashtag.objects.filter(cashtag=cashtag)
        recent = links.order_by("-created_at", "-post").values("post")[:RELATED_FROM]
        related = (
            PostHashtag.objects.filter(post__in=recent)
            .values("hashtag__key", "hashtag__display")
            .annotate(posts=Count("post"))
            .order_by("-posts", "hashtag__key")[:8]
        )
        return {"authors": links.values("author").distinct().count(), "related": list(related)}

    figures = cached_value(f"square:cashtag:{cashtag.pk}", compute, fresh=FIGURES_SECONDS)
    return {"posts": cashtag.post_count, **figures}


def trending_cashtags(*, hours: int = 24 * 7, limit: int = 8) -> list[dict]:
    """The tokens named by the most distinct authors in the last `hours` (kept a minute)."""

    def compute() -> list[dict]:
        since = timezone.now() - timedelta(hours=hours)
        return list(
            PostCashtag.objects.filter(created_at__gte=since)
            .values("cashtag__symbol")
            .annotate(authors=Count("author", distinct=True), posts=Count("post"))
            .order_by("-authors", "-posts", "cashtag__symbol")[:limit]
        )

    return cached_value(f"square:trending-cashtags:{hours}:{limit}", compute, fresh=60)
