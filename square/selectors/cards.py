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

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from square.models import Post
from square.selectors.feeds import cards_prefetch, posts_for_display

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


def card_rows_by_id(ids: list[int], qs: QuerySet | None = None) -> list:
    """The rows of these posts in this order (a ranking's page), leaving out those
    `qs` (default: published posts) no longer holds."""
    base = Post.objects.published() if qs is None else qs
    found = {row.pk: row for row in card_rows(base.filter(pk__in=ids))}
    return [found[pk] for pk in ids if pk in found]


def posts_for_cards(ids) -> dict[int, Post]:
    """Posts as models, with all a card renders (author, original, images, mentions):
    only for the cards not already rendered, so a warm page loads none."""
    posts = list(posts_for_display(Post.objects.filter(pk__in=list(ids))))
    return {post.pk: post for post in cards_prefetch(posts)}
