"""Requests anyone can make stay cheap (issue 15): a Hot cursor never runs the ranking's
SQL, and the page's own address carried in forms and links is bounded."""

from datetime import timedelta

import pytest
from django.utils import timezone

from square import selectors
from square.models import Post
from square.selectors import hot
from square.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def hot_posts(n: int) -> list[Post]:
    now = timezone.now()
    posts = []
    for i in range(n):
        post = PostFactory(created_at=now - timedelta(minutes=7 * i + 1))
        Post.objects.filter(pk=post.pk).update(like_count=(i * 37) % 23, comment_count=i % 4)
        posts.append(post)
    return posts


@pytest.fixture
def rankings(monkeypatch):
    """Counts the rankings taken by SQL (`feed_hot`) while the test runs."""
    taken = []
    real = hot.feed_hot

    def spy(**kwargs):
        taken.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(hot, "feed_hot", spy)
    return taken


def _forged(first_cursor: str, *, micros_delta: int = 0, score=None, pk=None) -> str:
    micros, real_score, real_pk = first_cursor.split("_")
    return "_".join(
        (
            str(int(micros) + micros_delta),
            real_score if score is None else score,
            real_pk if pk is None else str(pk),
        )
    )


@pytest.mark.parametrize(
    "change",
    [
        {"micros_delta": -1},  # a moment no ranking was taken at
        {"micros_delta": -(10**12)},  # long gone
        {"score": "0.0", "pk": 1},  # beyond the cached list (was: SQL from that point)
        {"pk": 10**9},  # a post the ranking does not hold
    ],
    ids=["uncached-moment", "old-moment", "past-the-list", "unknown-post"],
)
def test_a_forged_hot_cursor_answers_the_first_page_without_ranking(
    rankings, change, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(hot, "HOT_CACHED", 5)  # the window holds more than the list
    hot_posts(12)
    first = selectors.hot_page(cursor=None, size=4)
    assert len(rankings) == 1  # the first page took the ranking
    forged = _forged(first.next_cursor, **change)
    with django_assert_max_num_queries(1):  # the page's posts: no ranking, no SQL walk
        page = selectors.hot_page(cursor=forged, size=4)
    assert len(rankings) == 1
    assert [p.pk for p in page.items] == [p.pk for p in first.items]
    assert page.next_cursor == first.next_cursor


def test_a_forged_cursor_on_the_home_page_shows_the_first_page(client, rankings):
    hot_posts(30)
    first = client.get("/").context["page"]
    forged = _forged(first.next_cursor, micros_delta=-123)
    response = client.get("/", {"tab": "hot", "cursor": forged})
    assert response.status_code == 200 and len(rankings) == 1
    assert [p.pk for p in response.context["page"].items] == [p.pk for p in first.items]


def test_a_genuine_cursor_still_turns_the_page(rankings):
    hot_posts(12)
    first = selectors.hot_page(cursor=None, size=4)
    second = selectors.hot_page(cursor=first.next_cursor, size=4)
    assert not {p.pk for p in first.items} & {p.pk for p in second.items}
    assert len(second.items) == 4 and len(rankings) == 1


def test_a_broken_hot_cursor_is_still_a_400(client):
    hot_posts(2)
    assert client.get("/", {"cursor": "1_nan_3"}).status_code == 400
