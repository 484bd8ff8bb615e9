"""The live board the leaderboard and campaign pages read: the top and the total from
the Score rows (kept for the refresh interval), and one person's standing read live;
a campaign whose rows were never built asks for a rebuild."""

import dataclasses
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Score, ScorePair
from campaigns.selectors import ranking as ranking_module
from campaigns.selectors.ranking import live_standing, ranking_compute
from campaigns.services.leaderboard import leaderboard_serve
from campaigns.tests.factories import CampaignFactory, entry_post, member
from square.models import Post
from square.services.interactions import like_create
from square.services.moderation import user_ban
from square.tests.factories import UserFactory

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
    board = leaderboard_serve(campaign=live)
    assert live_standing(board, ranked[3].pk).rank == 4
    admin = UserFactory(is_staff=True, is_superuser=True)
    user_ban(user=ranked[2], actor=admin, reason="spam")
    assert live_standing(board, ranked[2].pk) is None  # read live, not from the board
    assert live_standing(board, ranked[3].pk).rank == 3


def test_a_cached_board_is_read_without_computing(live, ranked, monkeypatch):
    leaderboard_serve(campaign=live)

    def fail(*args, **kwargs):
        raise AssertionError("the ranking was computed by a page")

    monkeypatch.setattr(ranking_module, "ranking_compute", fail)
    assert leaderboard_serve(campaign=live).total == 4


def test_a_new_like_shows_within_the_refresh_interval(live, ranked, settings):
    settings.SQUARE_LEADERBOARD_REFRESH_SECONDS = 10
    board = leaderboard_serve(campaign=live)
    last = ranked[3]
    like_create(user=member(), post=Post.objects.filter(author=last).first())
    assert leaderboard_serve(campaign=live) == board  # kept for the interval
    aged = dataclasses.replace(board, version=board.version - 10 * 1_000_000_000)
    cache.set(BOARD_KEY.format(live.pk), aged)
    fresh = leaderboard_serve(campaign=live)
    assert fresh.version > board.version
    assert live_standing(fresh, last.pk).likes == 1
    settings.SQUARE_LEADERBOARD_REFRESH_SECONDS = 0  # not kept at all
    like_create(user=member(), post=Post.objects.filter(author=last).first())
    assert live_standing(leaderboard_serve(campaign=live), last.pk).likes == 2


def test_a_board_never_built_asks_for_one_rebuild_a_minute(live, ranked, refreshes):
    Score.objects.all().delete()  # as just after the migration, or a bulk load
    ScorePair.objects.all().delete()
    assert leaderboard_serve(campaign=live).total == 0  # served as it is
    assert len(refreshes) == 1  # and a rebuild asked for (it ran: immediate backend)
    cache.delete(BOARD_KEY.format(live.pk))
    assert leaderboard_serve(campaign=live).total == 4
    Score.objects.all().delete()
    cache.delete(BOARD_KEY.format(live.pk))
    leaderboard_serve(campaign=live)
    assert len(refreshes) == 1  # one request per minute asks, not every request


def test_the_leaderboard_page_shows_the_top_and_my_rank_outside_it(
    client, live, ranked, top_of_two, django_assert_max_num_queries
):
    client.force_login(ranked[3])
    leaderboard_serve(campaign=live)
    url = reverse("campaigns:leaderboard", args=[live.slug])
    # Session, user, unread badge, campaign, the top's people; my row and its rank.
    with django_assert_max_num_queries(7):
        page = client.get(url).content.decode()

    # By their profile links: a bare name as short as "p2" can turn up in a CSRF token.
    def shown(person) -> bool:
        return f'href="{person.get_absolute_url()}"' in page

    assert shown(ranked[0]) and shown(ranked[1])
    assert not shown(ranked[2])  # third: outside a top of two
    mine = page.split('aria-current="true"')[1].split("</tr>")[0]
    assert '<td class="num">4</td>' in mine  # my own row, below the top
