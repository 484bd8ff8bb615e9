"""Hot served from a ranking taken at most once a minute (square.selectors.hot): the
pages walk the cached list, in the same order SQL alone gives, and end with it; a scroll
keeps its ranking; removed posts drop out; one request takes a stale ranking anew."""

import dataclasses

import pytest
from django.core.cache import cache

from square import selectors
from square.models import Post
from square.pagination import score_page
from square.project.page_cache import pages_changed
from square.selectors import hot
from square.tests.factories import hot_posts

pytestmark = pytest.mark.django_db


def walk(size: int) -> tuple[list[int], list[int]]:
    seen, sizes, cursor = [], [], None
    while True:
        page = selectors.hot_page(cursor=cursor, size=size)
        seen += [p.pk for p in page.items]
        sizes.append(len(page.items))
        if not page.has_next:
            return seen, sizes
        cursor = page.next_cursor
        assert len(sizes) < 50, "the cursors never end"


def sql_order(ranking: hot.HotRanking) -> list[int]:
    """Every page by SQL alone, as of the same moment (what Hot showed before)."""
    qs, moment = selectors.feed_hot(now=ranking.moment), ranking.moment
    return [p.pk for p in score_page(qs, None, 10_000, now=moment).items]


@pytest.fixture
def small_head(monkeypatch):
    """A cached head of 7 posts (and the one more that says the window has more)."""
    monkeypatch.setattr(hot, "HOT_CACHED", 7)


@pytest.mark.parametrize("size", [3, 5, 7, 20])
def test_pages_walk_the_cached_head_in_the_formula_order_and_end_with_it(small_head, size):
    hot_posts(23)
    seen, sizes = walk(size)
    ranking = cache.get(hot._key(cache.get(hot.CURRENT_KEY)))
    assert len(ranking.ids) == 8 and not ranking.complete  # the head and one more
    assert seen == sql_order(ranking)[:8]  # never cut by SQL for a cursor (issue 15)
    assert len(seen) == len(set(seen)) == 8
    assert sizes[:-1] == [size] * (len(sizes) - 1)


def test_a_page_ending_on_the_heads_last_post_is_served_from_it(
    monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(hot, "HOT_CACHED", 8)
    hot_posts(12)
    first = selectors.hot_page(cursor=None, size=4)
    with django_assert_max_num_queries(1):  # its posts only: no ranking, no SQL walk
        second = selectors.hot_page(cursor=first.next_cursor, size=4)
    assert len(second.items) == 4 and second.has_next
    with django_assert_max_num_queries(1):  # the end of the list: no SQL walk past it
        third = selectors.hot_page(cursor=second.next_cursor, size=4)
    assert len(third.items) == 1 and not third.has_next


def test_a_complete_list_ends_without_sql(django_assert_max_num_queries):
    hot_posts(12)
    first = selectors.hot_page(cursor=None, size=5)
    assert cache.get(hot._key(cache.get(hot.CURRENT_KEY))).complete
    with django_assert_max_num_queries(5):  # the posts and their prefetches, no ranking
        second = selectors.hot_page(cursor=first.next_cursor, size=5)
    third = selectors.hot_page(cursor=second.next_cursor, size=5)
    assert len(third.items) == 2 and not third.has_next


def test_a_scroll_keeps_its_ranking_while_new_ones_are_taken(monkeypatch):
    posts = hot_posts(10)
    first = selectors.hot_page(cursor=None, size=4)
    shown = [p.pk for p in first.items]
    Post.objects.filter(pk=posts[-1].pk).update(like_count=10_000)  # would now lead
    cache.delete(hot.CURRENT_KEY)  # the next first page takes a new ranking
    assert selectors.hot_page(cursor=None, size=4).items[0].pk == posts[-1].pk
    rest = walk_from(first.next_cursor, 4)
    assert posts[-1].pk in rest  # still in its old place
    assert len(shown + rest) == len(set(shown + rest)) == 10


def walk_from(cursor: str, size: int) -> list[int]:
    seen = []
    while cursor:
        page = selectors.hot_page(cursor=cursor, size=size)
        seen += [p.pk for p in page.items]
        cursor = page.next_cursor
    return seen


def test_a_cursor_whose_ranking_left_the_cache_starts_again_from_the_first_page():
    hot_posts(9)
    first = selectors.hot_page(cursor=None, size=4)
    cache.clear()
    again = selectors.hot_page(cursor=first.next_cursor, size=4)  # a new ranking's first
    ranking = cache.get(hot._key(cache.get(hot.CURRENT_KEY)))
    assert [p.pk for p in again.items] == [p.pk for p in first.items]
    assert again.next_cursor == ranking.cursor_at(3)


def test_a_post_removed_after_the_ranking_is_not_shown():
    posts = hot_posts(5)
    selectors.hot_page(cursor=None, size=5)
    Post.objects.filter(pk=posts[0].pk).update(status=Post.Status.HIDDEN)  # hidden by staff
    shown = [p.pk for p in selectors.hot_page(cursor=None, size=5).items]
    assert posts[0].pk not in shown and len(shown) == 4


def test_a_stale_ranking_is_taken_anew_by_one_request():
    posts = hot_posts(3)
    before = [p.pk for p in selectors.hot_page(cursor=None, size=5).items]
    assert before[0] != posts[-1].pk
    micros = cache.get(hot.CURRENT_KEY)
    old = cache.get(hot._key(micros))
    Post.objects.filter(pk=posts[-1].pk).update(like_count=10_000)
    stale = dataclasses.replace(old, micros=old.micros - 61 * 1_000_000)
    cache.set(hot._key(stale.micros), stale)
    cache.set(hot.CURRENT_KEY, stale.micros)

    assert selectors.hot_page(cursor=None, size=5).items[0].pk == posts[-1].pk  # taken anew
    cache.set(hot.CURRENT_KEY, stale.micros)  # as if another server still pointed at it
    assert [p.pk for p in selectors.hot_page(cursor=None, size=5).items] == before  # lock held


def test_the_home_page_serves_hot_from_the_cached_ranking(client):
    posts = hot_posts(3)
    before = [p.pk for p in client.get("/").context["page"].items]
    assert len(before) == 3 and before[0] != posts[-1].pk
    Post.objects.filter(pk=posts[-1].pk).update(like_count=10_000)
    pages_changed()  # as the services' hooks do: the kept visitor page is over
    page = client.get("/").context["page"]
    assert [p.pk for p in page.items] == before  # as ranked a moment ago
