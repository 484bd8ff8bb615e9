"""Reads: every query a page makes, each returning a ready QuerySet (or a small value),
so views never build queries and a page costs a bounded number of them."""

from square.selectors.cards import (
    card_rows,
    card_rows_by_id,
    feed_card_page,
    posts_for_cards,
)
from square.selectors.comments import comment_location, comment_thread, post_comments
from square.selectors.feeds import (
    cards_prefetch,
    feed_following,
    feed_hot,
    feed_latest,
    fetch_mode,
    liked_post_ids,
    post_reposts,
    post_visible_to,
    posts_for_display,
    user_posts,
)
from square.selectors.hot import hot_page
from square.selectors.notifications import notification_page
from square.selectors.people import followers_of, following_ids, following_of
from square.selectors.topics import (
    hashtag_by_key,
    topic_posts,
    topic_stats,
    trending_tags,
)

__all__ = [
    "card_rows",
    "card_rows_by_id",
    "cards_prefetch",
    "comment_location",
    "comment_thread",
    "feed_card_page",
    "feed_following",
    "feed_hot",
    "feed_latest",
    "fetch_mode",
    "followers_of",
    "following_ids",
    "following_of",
    "hashtag_by_key",
    "hot_page",
    "liked_post_ids",
    "notification_page",
    "post_comments",
    "post_reposts",
    "post_visible_to",
    "posts_for_cards",
    "posts_for_display",
    "topic_posts",
    "topic_stats",
    "trending_tags",
    "user_posts",
]
