"""Every feed of posts, each a ready QuerySet with its joins, so a page costs the same
small number of queries whatever its size (the Takahē timeline idea)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import (
    FETCH_PEERS,
    FETCH_RAISE,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Power
from django.utils import timezone

from square.models import Appeal, DuplicateFlag, Follow, Like, Post, PostImage, User
from square.permissions import may_moderate
from square.selectors.prepared import prepared_rows

PUBLISHED = Post.Status.PUBLISHED


def fetch_mode():
    """Lazy loads batch across a page in production (FETCH_PEERS) and raise in tests
    (FETCH_RAISE), so an N+1 query fails a test instead of slowing a feed."""
    return FETCH_RAISE if settings.SQUARE_FETCH_RAISE else FETCH_PEERS


def posts_for_display(qs: QuerySet) -> QuerySet:
    """Add what a post card needs in its own query: the author, and the original of a
    repost with its author. Images and mentions come after the page is cut, for the
    page's posts and their originals together (`cards_prefetch`)."""
    return qs.select_related("author", "repost_of", "repost_of__author").fetch_mode(fetch_mode())


def cards_prefetch(posts: list[Post]) -> list[Post]:
    """Images and @mentions of these posts and of the originals they repost or quote:
    two queries for the whole page (four, when each level was prefetched apart)."""
    mode = fetch_mode()
    images = PostImage.objects.order_by("position").fetch_mode(mode)
    mentioned = User.objects.only("id", "username").fetch_mode(mode)
    originals = [p.repost_of for p in posts if p.repost_of_id and p.repost_of is not None]
    prefetch_related_objects(
        [*posts, *originals],
        Prefetch("images", queryset=images),
        Prefetch("mentions", queryset=mentioned),
    )
    return posts


def _published_without_dead_reposts(qs: QuerySet) -> QuerySet:
    """Published posts, leaving out plain reposts of posts that are gone."""
    gone = Q(body="", repost_of__isnull=False) & ~Q(repost_of__status=PUBLISHED)
    return qs.filter(status=PUBLISHED).exclude(gone)


def feed_latest() -> QuerySet:
    """最新 Latest: every published post and quote, newest first (plain reposts would
    only repeat what is already in the feed)."""
    return posts_for_display(Post.objects.published().originals_and_quotes().newest_first())


def feed_following(*, viewer: User) -> QuerySet:
    """关注 Following: posts and reposts by the people `viewer` follows, and their own."""
    followed = Follow.objects.filter(follower=viewer).values("followee")
    qs = _published_without_dead_reposts(
        Post.objects.filter(Q(author__in=followed) | Q(author=viewer))
    )
    return posts_for_display(qs.newest_first())


class HoursBetween(Func):
    """Hours from `start` to `end` as a double, in the database's own date arithmetic."""

    output_field = FloatField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):  # PostgreSQL
        (end_sql, end_params), (start_sql, start_params) = (
            compiler.compile(e) for e in self.get_source_expressions()[::-1]
        )
        sql = f"(EXTRACT(EPOCH FROM ({end_sql} - {start_sql}))::double precision / 3600.0)"
        return sql, (*end_params, *start_params)

    def as_sqlite(self, compiler, connection, **extra):
        (end_sql, end_params), (start_sql, start_params) = (
            compiler.compile(e) for e in self.get_source_expressions()[::-1]
        )
        sql = f"((julianday({end_sql}) - julianday({start_sql})) * 24.0)"
        return sql, (*end_params, *start_params)


def hot_score(now: datetime):
    """The Hot tab's score, computed by the database:

        (likes + 2·comments + 3·reposts + 1) / (age in hours + 2) ^ 1.5

    Comments and reposts weigh more than likes because they cost more effort; the +1
    lets a new post with no reactions yet still rank; the +2 hours keeps a post's first
    minutes from dividing by almost nothing; the power 1.5 makes a day-old post need
    about 10× the reactions of a fresh one to stay level.
    """
    engagement = F("like_count") + 2 * F("comment_count") + 3 * F("repost_count") + 1
    age = HoursBetween(F("created_at"), Value(now))
    return engagement / Power(age + 2.0, Value(1.5), output_field=FloatField())


def feed_hot(*, now: datetime | None = None) -> QuerySet:
    """推荐 Hot: the recent posts by `hot_score` as of `now`, highest first.

    `now` is fixed for a whole scroll (it travels in the cursor), so the ranking does
    not shift between pages. Only the last SQUARE_HOT_WINDOW_HOURS are ranked: older
    posts have decayed below anything new.
    """
    now = now or timezone.now()
    since = now - timedelta(hours=settings.SQUARE_HOT_WINDOW_HOURS)
    qs = Post.objects.published().originals_and_quotes()
    qs = qs.filter(created_at__gte=since, created_at__lte=now).annotate(score=hot_score(now))
    return posts_for_display(qs.order_by("-score", "-id"))


def user_posts(*, user: User, viewer: User | None) -> QuerySet:
    """A profile: the person's posts and reposts; the owner also sees posts staff hid."""
    visible = Q(status=PUBLISHED)
    if viewer is not None and viewer.pk == user.pk:
        visible |= Q(status=Post.Status.HIDDEN)
    gone = Q(body="", repost_of__isnull=False) & ~Q(repost_of__status=PUBLISHED)
    qs = Post.objects.filter(visible, author=user).exclude(gone)
    return posts_for_display(qs.newest_first())


def post_visible_to(*, pk: int, viewer) -> Post | None:
    """One post for its page, or None: others' deleted and hidden posts are not shown,
    except to moderators (`square.moderate`, not every staff account). `has_findings`
    (in the same query) says whether integrity checks left anything the author should
    be told about: a live flag or an appeal."""
    live_flags = DuplicateFlag.objects.filter(post=OuterRef("pk")).exclude(status="cleared")
    findings = Exists(live_flags) | Exists(Appeal.objects.filter(post=OuterRef("pk")))
    post = posts_for_display(Post.objects.filter(pk=pk)).annotate(has_findings=findings).first()
    if post is not None:
        cards_prefetch([post])
    if post is None or post.is_published:
        return post
    is_author = bool(viewer and viewer.is_authenticated and viewer.pk == post.author_id)
    if may_moderate(viewer) or (is_author and post.status == Post.Status.HIDDEN):
        return post
    return None


def post_reposts(*, post: Post, limit: int = 20) -> list[Post]:
    """Who reposted a post, newest first, quotes with their text."""
    qs = Post.objects.published().filter(repost_of=post).select_related("author")
    return list(qs.newest_first().fetch_mode(fetch_mode())[:limit])


def liked_post_ids(*, viewer, posts) -> set[int]:
    """Which of these posts (and the originals of reposts among them) `viewer` liked,
    in one query (compiled once: `prepared_rows`), so each card can show a filled
    heart."""
    if viewer is None or not viewer.is_authenticated:
        return set()
    ids = {p.pk for p in posts} | {p.repost_of_id for p in posts if p.repost_of_id}
    if not ids:
        return set()
    rows = prepared_rows("liked-ids", _liked, [viewer.pk], sorted(ids))
    return {row.post_id for row in rows}


def _liked(viewer_ids: list[int], post_ids: list[int]) -> QuerySet:
    return Like.objects.filter(user_id=viewer_ids[0], post_id__in=post_ids).values_list("post_id")
