"""The live board the leaderboard and campaign pages read: the top, the total and each
person's standing stored apart, so a page reads two small cached values however many
people are ranked; a stale board is served while one refresh is asked for."""

import dataclasses
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from campaigns.selectors import ranking as ranking_module
from campaigns.selectors.ranking import (
    board_store,
    live_standing,
    ranking_compute,
)
from campaigns.services.leaderboard import leaderboard_serve
from campaigns.tests.factories import CampaignFactory, entry_post, like_at, member
from square.models import Post

pytestmark = pytest.mark.django_db

BOARD_KEY = "campaigns:board:{}"


@pytest.fixture
def live():
    return CampaignFactory(live=True)


@pytest.fixture
def ranked(live):
    """Four people with 4, 3, 2 and 1 entries: ranked in that order."""
    people = [member(username=f"p{n}") for n in range(4)]
    start = timezone.now() - timedelta(hours=10)
    for n, person in enumerate(people):
        for i in range(4 - n):
            entry_post(person, at=start + timedelta(minutes=10 * i + n))
    return people


@pytest.fixture
def top_of_two(monkeypatch):
    monkeypatch.setattr(ranking_module, "TOP_SIZE", 2)


def test_the_board_keeps_the_top_and_everyones_standing_apart(live, ranked, top_of_two):
    board = leaderboard_serve(campaign=live)
    full = ranking_compute(live)
    assert [s.user_id for s in board.top] == [p.pk for p in ranked[:2]]
    assert board.total == 4 == len(full)
    third = live_standing(board, ranked[2].pk)  # outside the top: its own cache key
    assert third == full[2] and third.rank == 3
    assert live_standing(board, member().pk) is None  # not ranked at all


def test_someone_who_left_the_ranking_is_not_shown_an_old_place(live, ranked, top_of_two):
    first = board_store(live, ranking_compute(live))
    assert live_standing(first, ranked[3].pk).rank == 4
    without_last = [s for s in ranking_compute(live) if s.user_id != ranked[3].pk]
    second = board_store(live, without_last)
    assert second.version > first.version
    assert live_standing(second, ranked[3].pk) is None  # their key still holds rank 4
    assert live_standing(second, ranked[2].pk).rank == 3


def test_a_cached_board_is_read_without_computing(live, ranked, monkeypatch):
    leaderboard_serve(campaign=live)

    def fail(*args, **kwargs):
        raise AssertionError("the ranking was computed by a page")

    monkeypatch.setattr(ranking_module, "ranking_compute", fail)
    assert leaderboard_serve(campaign=live).total == 4


def test_a_stale_board_is_served_while_one_refresh_is_asked_for(live, ranked, refreshes):
    board = leaderboard_serve(campaign=live)
    like_at(member(), Post.objects.filter(author=ranked[3]).first())
    old = dataclasses.replace(board, version=board.version - 61 * 1_000_000_000)
    cache.set(BOARD_KEY.format(live.pk), old)
    assert not old.is_fresh()

    assert leaderboard_serve(campaign=live) == old  # served as it is
    assert len(refreshes) == 1  # and a refresh asked for (it ran: immediate backend)
    fresh = leaderboard_serve(campaign=live)
    assert fresh.is_fresh() and fresh.version > old.version
    assert live_standing(fresh, ranked[3].pk).likes == 1

    cache.set(BOARD_KEY.format(live.pk), old)
    leaderboard_serve(campaign=live)
    assert len(refreshes) == 1  # one request per minute asks, not every request


def test_the_leaderboard_page_shows_the_top_and_my_rank_outside_it(
    client, live, ranked, top_of_two, django_assert_max_num_queries
):
    client.force_login(ranked[3])
    leaderboard_serve(campaign=live)
    url = reverse("campaigns:leaderboard", args=[live.slug])
    with django_assert_max_num_queries(6):
        page = client.get(url).content.decode()

    # By their profile links: a bare name as short as "p2" can turn up in a CSRF token.
    def shown(person) -> bool:
        return f'href="{person.get_absolute_url()}"' in page

    assert shown(ranked[0]) and shown(ranked[1])
    assert not shown(ranked[2])  # third: outside a top of two
    mine = page.split('aria-current="true"')[1].split("</tr>")[0]
    assert '<td class="num">4</td>' in mine  # my own row, below the top
