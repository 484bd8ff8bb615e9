"""Reads. Every feed and list of posts is built here, as a ready QuerySet with its joins,
so a page costs the same small number of queries whatever its size."""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import FETCH_PEERS, FETCH_RAISE, Count, Prefetch, Q, QuerySet
from django.utils import timezone

from square import text
from square.models import Hashtag, Post, PostHashtag, PostImage, User

TRENDING_CACHE_SECONDS = 60


def _fetch_mode():
    """Lazy loads batch across a page in production (FETCH_PEERS) and raise in tests
    (FETCH_RAISE), so an N+1 query fails a test instead of slowing a feed."""
    return FETCH_RAISE if settings.SQUARE_FETCH_RAISE else FETCH_PEERS


def posts_for_display(qs: QuerySet) -> QuerySet:
    """Add what a post card shows: author, images, mentioned users (3 queries a page)."""
    mode = _fetch_mode()
    return (
        qs.select_related("author")
        .prefetch_related(
            Prefetch("images", queryset=PostImage.objects.order_by("position").fetch_mode(mode)),
            Prefetch("mentions", queryset=User.objects.only("id", "username").fetch_mode(mode)),
        )
        .fetch_mode(mode)
    )


def feed_latest() -> QuerySet:
    """The home feed: every published post, newest first."""
    return posts_for_display(Post.objects.published().newest_first())


def topic_posts(*, hashtag: Hashtag) -> QuerySet:
    """Published posts carrying a tag, newest first."""
    return posts_for_display(
        Post.objects.published().filter(tag_links__hashtag=hashtag).newest_first()
    )


def topic_stats(*, hashtag: Hashtag) -> dict:
    """Posts and distinct authors of a tag (published posts only).

    The post count is the tag's exact counter; distinct authors need a scan of the
    tag's links, so that number is cached briefly rather than counted on every view.
    """
    key = f"square:topic-authors:{hashtag.pk}"
    authors = cache.get(key)
    if authors is None:
        authors = (
            PostHashtag.objects.filter(hashtag=hashtag, post__status=Post.Status.PUBLISHED)
            .values("author")
            .distinct()
            .count()
        )
        cache.set(key, authors, TRENDING_CACHE_SECONDS)
    return {"posts": hashtag.post_count, "authors": authors}


def user_posts(*, user: User, viewer: User | None) -> QuerySet:
    """A profile's posts; the owner also sees their posts that staff hid."""
    visible = [Post.Status.PUBLISHED]
    if viewer is not None and viewer.pk == user.pk:
        visible.append(Post.Status.HIDDEN)
    return posts_for_display(Post.objects.filter(author=user, status__in=visible).newest_first())


def post_visible_to(*, pk: int, viewer) -> Post | None:
    """One post for its page, or None: others' deleted and hidden posts are not shown,
    except to staff."""
    post = posts_for_display(Post.objects.filter(pk=pk)).first()
    if post is None or post.is_published:
        return post
    is_staff = bool(viewer and viewer.is_authenticated and viewer.is_staff)
    is_author = bool(viewer and viewer.is_authenticated and viewer.pk == post.author_id)
    if is_staff or (is_author and post.status == Post.Status.HIDDEN):
        return post
    return None


def hashtag_by_key(*, key: str) -> Hashtag | None:
    return Hashtag.objects.filter(key=key).first()


def search_posts(*, query: str) -> QuerySet:
    """Published posts whose text contains the query (case-insensitive)."""
    return posts_for_display(Post.objects.published().filter(body__icontains=query).newest_first())


def search_hashtags(*, query: str, limit: int = 10) -> list[Hashtag]:
    """Tags whose key contains the normalised query, busiest first."""
    key = text.tag_key(query.lstrip("#＃"))
    if not key:
        return []
    return list(
        Hashtag.objects.filter(key__contains=key, post_count__gt=0).order_by("-post_count")[:limit]
    )


def trending_tags(*, hours: int, limit: int = 10) -> list[dict]:
    """The tags used by the most distinct authors in the last `hours` (cached briefly)."""
    key = f"square:trending:{hours}:{limit}"
    rows = cache.get(key)
    if rows is None:
        since = timezone.now() - timedelta(hours=hours)
        rows = list(
            PostHashtag.objects.filter(Q(created_at__gte=since), post__status=Post.Status.PUBLISHED)
            .values("hashtag__key", "hashtag__display")
            .annotate(authors=Count("author", distinct=True), posts=Count("post", distinct=True))
            .order_by("-authors", "-posts", "hashtag__key")[:limit]
        )
        cache.set(key, rows, TRENDING_CACHE_SECONDS)
    return rows
