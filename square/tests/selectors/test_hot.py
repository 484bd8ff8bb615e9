"""The Hot tab's ranking and its pages, and which posts the Latest and Following feeds show."""

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings

from square import selectors
from square.models import Post
from square.pagination import InvalidCursor, score_page
from square.services.interactions import follow_create
from square.tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db

# A UTC midnight, and ages in steps of 675 s (1/128 of a day): SQLite measures ages with
# julianday(), whole milliseconds held in a double of about 2.46 million days, and these
# instants are exact in it, so its score matches Python's to the last few bits, as
# PostgreSQL's does anyway. (With arbitrary instants SQLite is off by about 1e-7.)
NOW = datetime(2025, 3, 10, 0, 0, tzinfo=UTC)
STEP = timedelta(seconds=675)


def python_score(likes: int, comments: int, reposts: int, created_at: datetime, now=NOW):
    age_hours = (now - created_at).total_seconds() / 3600
    return (likes + 2 * comments + 3 * reposts + 1) / (age_hours + 2) ** 1.5


def hot_post(steps: int, likes=0, comments=0, reposts=0, **fields) -> Post:
    """A post `steps` × 675 s old at NOW, with these counters."""
    post = PostFactory(created_at=NOW - steps * STEP, **fields)
    Post.objects.filter(pk=post.pk).update(
        like_count=likes, comment_count=comments, repost_count=reposts
    )
    post.like_count, post.comment_count, post.repost_count = likes, comments, reposts
    return post


def expected_order(posts: list[Post]) -> list[int]:
    """The posts by the formula, highest first, ties by newest id; distinct scores are
    checked to be clearly apart, so float noise cannot decide the order."""
    scored = sorted(
        (
            (python_score(p.like_count, p.comment_count, p.repost_count, p.created_at), p.pk)
            for p in posts
        ),
        key=lambda s: (-s[0], -s[1]),
    )
    for (a, _), (b, _) in itertools.pairwise(scored):
        assert a == b or (a - b) / a > 1e-6, "the test data has a near tie"
    return [pk for _, pk in scored]


# (age in steps, likes, comments, reposts): fresh and old, quiet and busy.
SPECS = [
    (0, 0, 0, 0),
    (1, 3, 0, 0),
    (2, 0, 4, 1),
    (4, 40, 2, 0),
    (7, 1, 1, 1),
    (12, 120, 30, 9),
    (19, 5, 0, 0),
    (33, 500, 20, 40),
    (50, 2, 9, 0),
    (96, 1000, 100, 60),
    (128, 7, 0, 3),
    (300, 3000, 10, 0),
    (511, 0, 0, 0),
    (700, 9000, 900, 300),
    (895, 20000, 0, 0),
]


def test_hot_order_is_the_formula():
    posts = [hot_post(*spec) for spec in SPECS]
    ranked = list(selectors.feed_hot(now=NOW))
    assert [p.pk for p in ranked] == expected_order(posts)


def test_the_score_is_the_formula():
    posts = {p.pk: p for p in (hot_post(*spec) for spec in SPECS)}
    for ranked in selectors.feed_hot(now=NOW):
        post = posts[ranked.pk]
        expected = python_score(
            *(ranked.like_count, ranked.comment_count, ranked.repost_count), post.created_at
        )
        assert ranked.score == pytest.approx(expected, rel=1e-9)


def test_the_weights_are_one_two_three():
    """At the same age, 3 likes = 1 comment and 1 like = 1 repost … as the formula says."""
    likes = hot_post(10, likes=6)
    comments = hot_post(10, comments=3)
    reposts = hot_post(10, reposts=2)
    scores = {p.pk: p.score for p in selectors.feed_hot(now=NOW)}
    assert scores[likes.pk] == pytest.approx(scores[comments.pk], rel=1e-12)
    assert scores[likes.pk] == pytest.approx(scores[reposts.pk], rel=1e-12)
    assert scores[likes.pk] == pytest.approx(7 / (10 * 0.1875 + 2) ** 1.5, rel=1e-9)


def test_ties_are_broken_by_newest_id():
    same = [hot_post(5, likes=2, comments=1) for _ in range(4)]
    ranked = [p.pk for p in selectors.feed_hot(now=NOW)]
    assert ranked == sorted((p.pk for p in same), reverse=True)


def test_only_the_window_up_to_now_is_ranked():
    window = timedelta(hours=settings.SQUARE_HOT_WINDOW_HOURS)
    edge = PostFactory(created_at=NOW - window)
    inside = hot_post(1)
    too_old = PostFactory(created_at=NOW - window - timedelta(seconds=1))
    future = PostFactory(created_at=NOW + timedelta(seconds=1))
    Post.objects.filter(pk__in=[too_old.pk, future.pk]).update(like_count=10_000)

    ranked = {p.pk for p in selectors.feed_hot(now=NOW)}

    assert ranked == {edge.pk, inside.pk}


def test_hot_leaves_out_plain_reposts_and_removed_posts_but_keeps_quotes():
    original = hot_post(3, likes=1)
    plain = hot_post(1, likes=50, body="", repost_of=original)
    quote = hot_post(1, likes=50, body="a quote", repost_of=original)
    deleted = hot_post(1, likes=50, status=Post.Status.DELETED)
    hidden = hot_post(1, likes=50, status=Post.Status.HIDDEN)

    ranked = [p.pk for p in selectors.feed_hot(now=NOW)]

    assert ranked == [quote.pk, original.pk]
    assert not {plain.pk, deleted.pk, hidden.pk} & set(ranked)


def test_a_hot_page_costs_a_fixed_number_of_queries(django_assert_max_num_queries):
    for spec in SPECS:
        original = hot_post(*spec)
        hot_post(spec[0], likes=spec[1], body="quoting", repost_of=original)
    with django_assert_max_num_queries(3):  # posts; images and mentions of all levels
        ranked = selectors.cards_prefetch(list(selectors.feed_hot(now=NOW)))
        for post in ranked:
            _ = (post.author.name, list(post.images.all()), list(post.mentions.all()))
            if post.repost_of_id:
                _ = (post.repost_of.author.name, list(post.repost_of.images.all()))
    assert len(ranked) == 2 * len(SPECS)


# --- score_page ------------------------------------------------------------------------------


def walk(qs, size: int) -> tuple[list[int], list[int]]:
    """Every page of `qs` by its cursors: the ids in order and the size of each page."""
    seen, sizes, cursor = [], [], None
    while True:
        page = score_page(qs, cursor, size, now=NOW)
        seen += [p.pk for p in page.items]
        sizes.append(len(page.items))
        if not page.has_next:
            return seen, sizes
        cursor = page.next_cursor
        assert len(sizes) < 20, "the cursors never end"


def test_walking_every_page_shows_each_post_once_in_formula_order():
    # Groups of three identical posts, so ties fall across the page boundaries (20, 40).
    posts = []
    for group in range(15):
        steps = (group * 37) % 800
        likes, comments, reposts = (group * 13) % 41, group % 5, (group * 7) % 4
        posts += [hot_post(steps, likes, comments, reposts) for _ in range(3)]

    seen, sizes = walk(selectors.feed_hot(now=NOW), 20)

    assert sizes == [20, 20, 5]
    assert len(seen) == len(set(seen)) == 45
    assert seen == expected_order(posts)


def test_an_exact_page_has_no_empty_page_after_it():
    for i in range(20):
        hot_post(i, likes=i)
    seen, sizes = walk(selectors.feed_hot(now=NOW), 20)
    assert sizes == [20] and len(seen) == 20


def test_the_cursor_carries_the_ranking_moment():
    for i in range(3):
        hot_post(i)
    page = score_page(selectors.feed_hot(now=NOW), None, 2, now=NOW)
    micros, score, pk = page.next_cursor.split("_")
    assert int(micros) == int(NOW.timestamp() * 1_000_000)
    assert float(score) == page.items[-1].score and int(pk) == page.items[-1].pk


@pytest.mark.parametrize(
    "cursor", ["x", "1_nan_3", "1_2", "1_x_3", "x_1_3", "1_2_-3", "1_2_3_4", "_", "9" * 70]
)
def test_a_bad_cursor_is_refused(cursor):
    hot_post(1)
    with pytest.raises(InvalidCursor):
        score_page(selectors.feed_hot(now=NOW), cursor, 20, now=NOW)


def test_an_empty_cursor_means_the_first_page():
    posts = [hot_post(i, likes=i) for i in range(3)]
    qs = selectors.feed_hot(now=NOW)
    assert [p.pk for p in score_page(qs, "", 20, now=NOW).items] == expected_order(posts)


# --- Latest and Following ------------------------------------------------------------------


def test_latest_shows_posts_and_quotes_but_not_plain_reposts():
    start = NOW - timedelta(hours=2)
    original = PostFactory(created_at=start)
    plain = PostFactory(body="", repost_of=original, created_at=start + timedelta(minutes=1))
    quote = PostFactory(body="quote", repost_of=original, created_at=start + timedelta(minutes=2))
    PostFactory(status=Post.Status.DELETED, created_at=start + timedelta(minutes=3))
    PostFactory(status=Post.Status.HIDDEN, created_at=start + timedelta(minutes=4))

    latest = [p.pk for p in selectors.feed_latest()]

    assert latest == [quote.pk, original.pk]
    assert plain.pk not in latest


def test_following_shows_followed_people_and_oneself_newest_first():
    viewer, alice, stranger = UserFactory(), UserFactory(), UserFactory()
    follow_create(follower=viewer, followee=alice)
    start = NOW - timedelta(hours=3)

    def at(minutes: int, **fields) -> Post:
        return PostFactory(created_at=start + timedelta(minutes=minutes), **fields)

    strangers_post = at(0, author=stranger)
    alices_post = at(1, author=alice)
    alices_repost = at(2, author=alice, body="", repost_of=strangers_post)
    alices_quote = at(3, author=alice, body="look", repost_of=strangers_post)
    own_post = at(4, author=viewer)
    own_repost = at(5, author=viewer, body="", repost_of=alices_post)
    at(6, author=alice, status=Post.Status.DELETED)
    at(7, author=alice, status=Post.Status.HIDDEN)
    gone = at(8, author=stranger, status=Post.Status.DELETED)
    repost_of_gone = at(9, author=alice, body="", repost_of=gone)
    at(10, author=stranger)

    feed = [p.pk for p in selectors.feed_following(viewer=viewer)]

    assert feed == [own_repost.pk, own_post.pk, alices_quote.pk, alices_repost.pk, alices_post.pk]
    assert strangers_post.pk not in feed and repost_of_gone.pk not in feed


def test_following_drops_a_plain_repost_once_its_original_is_hidden():
    viewer, alice = UserFactory(), UserFactory()
    follow_create(follower=viewer, followee=alice)
    original = PostFactory()
    repost = PostFactory(author=alice, body="", repost_of=original)
    assert [p.pk for p in selectors.feed_following(viewer=viewer)] == [repost.pk]
    Post.objects.filter(pk=original.pk).update(status=Post.Status.HIDDEN)
    assert list(selectors.feed_following(viewer=viewer)) == []


def test_following_nobody_shows_only_ones_own_posts():
    viewer = UserFactory()
    PostFactory()
    own = PostFactory(author=viewer)
    assert [p.pk for p in selectors.feed_following(viewer=viewer)] == [own.pk]
