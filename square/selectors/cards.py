"""A feed page's posts as plain rows: what a card's cache key needs, in one query and
without a model instance.

A warm feed page serves its cards from `square.cards`, keyed by what each card shows
(status, `edited_at`, counters, author, the original's state). Building 80 model
instances (posts, authors, originals and their authors) only to read those keys was
a third of a signed-in page. So the feeds' QuerySets (`square.selectors.feeds`) are
read here as named tuples of exactly those columns — from the database on every
request, so a change made through another app server shows on the next one — and
model instances are loaded only for the cards that must be rendered
(`posts_for_cards`).
"""

from collections.abc import Callable

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from square.models import Hashtag, Post, User
from square.pagination import Page, cursor_decode, cursor_encode
from square.selectors.feeds import cards_prefetch, feed_following, feed_latest, posts_for_display
from square.selectors.prepared import prepared_rows
from square.selectors.topics import topic_posts

# What a card's key reads of a post, and of its author (`square.cards.card_states`).
POST_STATE = (
    "status", "edited_at", "like_count", "comment_count", "repost_count", "repost_of_id",
    "created_at",
)  # fmt: skip
AUTHOR_STATE = ("username", "display_name", "avatar", "is_staff", "is_official")
CARD_FIELDS = (
    "pk", "author_id", "is_plain_repost", *POST_STATE,
    *(f"author__{f}" for f in AUTHOR_STATE),
    "repost_of__author_id", *(f"repost_of__{f}" for f in POST_STATE),
    *(f"repost_of__author__{f}" for f in AUTHOR_STATE),
)  # fmt: skip
# A plain repost has no text of its own (`Post.is_plain_repost`), asked of the database
# so that the body is not read.
PLAIN_REPOST = ExpressionWrapper(Q(repost_of__isnull=False, body=""), output_field=BooleanField())


def card_rows(qs: QuerySet) -> QuerySet:
    """`qs` (posts, in its order) as rows of `CARD_FIELDS`: attributes named as the
    fields, `pk`, `repost_of_id`, `author_id` and `is_plain_repost` as on a Post, so
    likes and badges are looked up from rows as from posts."""
    return qs.annotate(is_plain_repost=PLAIN_REPOST).values_list(*CARD_FIELDS, named=True)


def _published_rows(ids: list[int]) -> QuerySet:
    return card_rows(Post.objects.published().filter(pk__in=ids))


def card_rows_by_id(ids: list[int]) -> list:
    """The rows of these published posts in this order (a ranking's page), leaving out
    those removed since; the statement is compiled once (`prepared_rows`)."""
    if not ids:
        return []
    found = {row.pk: row for row in prepared_rows("card-rows", _published_rows, ids)}
    return [found[pk] for pk in ids if pk in found]


# The feeds a keyset page of card rows is cut from, by the ids they depend on.
FEEDS: dict[str, Callable[[list[int]], QuerySet]] = {
    "latest": lambda _ids: feed_latest(),
    "following": lambda ids: feed_following(viewer=User(pk=ids[0])),
    "topic": lambda ids: topic_posts(hashtag=Hashtag(pk=ids[0])),
}


def feed_card_page(feed: str, ids: list[int], *, cursor: str | None, size: int) -> Page:
    """One keyset page, newest first, of the feed `FEEDS[feed]` (of the viewer's or the
    tag's id in `ids`) as card rows: as `keyset_page` cuts it, with the statement
    compiled once per feed and page size (`prepared_rows`). (A broken cursor raises
    InvalidCursor.)"""
    build = FEEDS[feed]

    def first(ids: list[int]) -> QuerySet:
        return card_rows(build(ids).order_by("-created_at", "-pk"))[: size + 1]

    def after(ids: list[int], pks: list[int], moments: list) -> QuerySet:
        # The first filter is implied by the second: the index bound (`keyset_page`).
        qs = build(ids).order_by("-created_at", "-pk").filter(created_at__lte=moments[0])
        qs = qs.filter(Q(created_at__lt=moments[0]) | Q(created_at=moments[0], pk__lt=pks[0]))
        return card_rows(qs)[: size + 1]

    if cursor:
        moment, pk = cursor_decode(cursor)
        rows = prepared_rows(f"{feed}:after:{size}", after, ids, [pk], moments=[moment])
    else:
        rows = prepared_rows(f"{feed}:{size}", first, ids)
    items = rows[:size]
    last = items[-1] if len(rows) > size else None
    return Page(items=items, next_cursor=cursor_encode(last.created_at, last.pk) if last else None)


def posts_for_cards(ids) -> dict[int, Post]:
    """Posts as models, with all a card renders (author, original, images, mentions):
    only for the cards not already rendered, so a warm page loads none."""
    posts = list(posts_for_display(Post.objects.filter(pk__in=list(ids))))
    return {post.pk: post for post in cards_prefetch(posts)}
