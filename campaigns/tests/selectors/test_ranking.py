"""The ranking, with small hand-computed examples for every clause, and the reads built
on entries: figures, New Voices and one's own standing.

Defaults (the announced rules): score = 5·P + I; I = Σ over other people of
min(10, 1·likes + 2·posts commented + 3·posts reposted); P capped at 30; interactors'
accounts at least 24 h old when they act. The same expectations hold on SQLite and
PostgreSQL: CI runs this file on both."""

import importlib
from datetime import UTC, timedelta

import pytest
from django.core.cache import cache
from django.db import connection

from campaigns.models import Campaign, Entry
from campaigns.selectors import (
    campaign_figures,
    my_standing,
    new_voices,
    new_voices_page,
    ranking_compute,
)
from campaigns.services.leaderboard import leaderboard_serve
from campaigns.tests.factories import (
    AFTER,
    BEFORE,
    DURING,
    SHORT_TEXT,
    CampaignFactory,
    cn,
    comment_at,
    distinct_text,
    entry_post,
    entry_text,
    like_at,
    member,
    repost_at,
)
from square.models import Comment, User
from square.services.accounts import user_deactivate
from square.services.comments import comment_create
from square.services.posts import post_delete

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


def figures(campaign: Campaign, now=AFTER) -> dict[int, tuple]:
    """{user id: (P, L, C, R, I, score)} of the ranking as of `now`."""
    return {
        s.user_id: (s.posts, s.likes, s.comments, s.reposts, s.points, s.score)
        for s in ranking_compute(campaign, now=now)
    }


def order(campaign: Campaign, now=AFTER) -> list[int]:
    return [s.user_id for s in ranking_compute(campaign, now=now)]


def posts_of(author: User, n: int, start=DURING) -> list:
    return [entry_post(author, start + i * HOUR, entry_text(extra=str(i))) for i in range(n)]


# --- the score ---------------------------------------------------------------------------


def test_score_is_weighted_posts_plus_interaction_points(campaign):
    alice, bob, friend, fan = member(), member(), member(), member()
    a1, a2 = posts_of(alice, 2)
    (b1,) = posts_of(bob, 1, DURING + HOUR)
    like_at(friend, a1)
    like_at(friend, a2)
    comment_at(friend, a1)
    comment_at(friend, a1, body="再评一次")
    repost_at(friend, a2)
    like_at(fan, b1)
    # alice: P=2; friend gives 1·2 likes + 2·1 commented post + 3·1 reposted post = 7
    # bob: P=1; fan gives 1 like
    assert figures(campaign) == {alice.pk: (2, 2, 1, 1, 7, 17), bob.pk: (1, 1, 0, 0, 1, 6)}
    rows = ranking_compute(campaign, now=AFTER)
    assert [(s.rank, s.user_id) for s in rows] == [(1, alice.pk), (2, bob.pk)]
    assert rows[0].first_entry_at == DURING
    assert rows[1].first_entry_at == DURING + HOUR


def test_an_author_without_interactions_is_ranked_on_posts(campaign):
    alice = member()
    posts_of(alice, 3)
    assert figures(campaign) == {alice.pk: (3, 0, 0, 0, 0, 15)}


def test_nobody_ranked_without_valid_entries(campaign):
    entry_post(member(), body=SHORT_TEXT)
    assert ranking_compute(campaign, now=AFTER) == []


def test_self_likes_comments_and_reposts_do_not_count(campaign):
    alice = member()
    (a1,) = posts_of(alice, 1)
    like_at(alice, a1)
    comment_at(alice, a1)
    repost_at(alice, a1)
    repost_at(alice, a1, quote="自己转一下")
    assert figures(campaign) == {alice.pk: (1, 0, 0, 0, 0, 5)}


def test_interactor_cap_one_friend_gives_at_most_ten(campaign):
    alice, friend, other = member(), member(), member()
    posts = posts_of(alice, 20)
    for post in posts:
        like_at(friend, post, DURING + 21 * HOUR)
    assert figures(campaign) == {alice.pk: (20, 20, 0, 0, 10, 110)}
    for post in posts[:3]:
        like_at(other, post, DURING + 21 * HOUR)
    assert figures(campaign) == {alice.pk: (20, 23, 0, 0, 13, 113)}


def test_cap_applies_to_the_weighted_sum_of_all_acts(campaign):
    alice, friend = member(), member()
    a1, a2, a3 = posts_of(alice, 3)
    for post in (a1, a2, a3):
        comment_at(friend, post, DURING + 5 * HOUR)  # 3 commented posts: 6
    repost_at(friend, a1, DURING + 5 * HOUR)  # + 3 = 9
    like_at(friend, a2, DURING + 5 * HOUR)  # + 1 = 10
    like_at(friend, a3, DURING + 5 * HOUR)  # + 1 = 11 → 10
    assert figures(campaign) == {alice.pk: (3, 2, 3, 1, 10, 25)}


def test_comments_count_once_per_person_and_post(campaign):
    alice, friend, other = member(), member(), member()
    a1, a2 = posts_of(alice, 2)
    first = comment_at(friend, a1)
    comment_at(friend, a1, body="第二条")
    comment_at(friend, a1, body="第三条")
    comment_at(friend, a2)
    reply = comment_create(author=other, post=a1, body="回复", parent=first)
    Comment.objects.filter(pk=reply.pk).update(created_at=DURING)
    # pairs: (friend, a1), (friend, a2), (other, a1) → C=3; I = 2·2 + 2·1
    assert figures(campaign) == {alice.pk: (2, 0, 3, 0, 6, 16)}


def test_reposts_count_once_per_person_and_post_quotes_included(campaign):
    alice, friend, other = member(), member(), member()
    a1, a2 = posts_of(alice, 2)
    repost_at(friend, a1)
    repost_at(friend, a1, quote="好文")
    repost_at(friend, a2, quote="也好")
    repost_at(other, a1, quote="转发")
    # pairs: (friend, a1), (friend, a2), (other, a1) → R=3; I = 3·2 + 3·1
    assert figures(campaign) == {alice.pk: (2, 0, 0, 3, 9, 19)}


def test_posts_are_capped(campaign):
    campaign.posts_cap = 3
    campaign.save()
    alice, bob = member(), member()
    posts_of(alice, 5)
    posts_of(bob, 3, DURING + 10 * HOUR)
    assert figures(campaign) == {alice.pk: (3, 0, 0, 0, 0, 15), bob.pk: (3, 0, 0, 0, 0, 15)}
    assert order(campaign) == [alice.pk, bob.pk]  # the same, but alice entered first


def test_custom_weights(campaign):
    campaign.w_posts, campaign.w_like, campaign.w_comment, campaign.w_repost = 2, 3, 5, 7
    campaign.interactor_cap = 20
    campaign.save()
    alice, friend, fan = member(), member(), member()
    a1, a2 = posts_of(alice, 2)
    like_at(friend, a1)
    like_at(friend, a2)
    comment_at(friend, a1)
    repost_at(friend, a2)  # friend: 3·2 + 5·1 + 7·1 = 18
    like_at(fan, a1)
    comment_at(fan, a1)
    comment_at(fan, a2)
    repost_at(fan, a1)
    repost_at(fan, a2)  # fan: 3·1 + 5·2 + 7·2 = 27 → 20
    assert figures(campaign) == {alice.pk: (2, 3, 3, 3, 38, 42)}


# --- who may interact --------------------------------------------------------------------

ACT = cn(2026, 1, 7, 13, 37, 41) + timedelta(microseconds=123_456)


def act(kind: str, who: User, post, at):
    {"like": like_at, "comment": comment_at, "repost": repost_at}[kind](who, post, at)


@pytest.mark.parametrize("kind", ["like", "comment", "repost"])
@pytest.mark.parametrize(
    ("joined_before_act", "counted"),
    [
        (timedelta(hours=24, seconds=1), True),
        (timedelta(hours=24), True),  # exactly a day old: old enough
        (timedelta(hours=24, microseconds=-1), False),
        (timedelta(hours=24, seconds=-1), False),
        (timedelta(hours=1), False),
    ],
    ids=["24h+1s", "24h exactly", "24h-1us", "24h-1s", "1h"],
)
def test_interactors_must_be_a_day_old_when_they_act(campaign, kind, joined_before_act, counted):
    alice = member()
    (a1,) = posts_of(alice, 1)
    act(kind, member(joined=ACT - joined_before_act), a1, ACT)
    points = {"like": 1, "comment": 2, "repost": 3}[kind] if counted else 0
    assert figures(campaign)[alice.pk][4] == points


def test_the_account_age_is_taken_when_acting_not_now(campaign):
    alice = member()
    (a1,) = posts_of(alice, 1)
    young_then = member(joined=DURING - 2 * HOUR)  # years old by now
    like_at(young_then, a1, DURING)
    assert figures(campaign)[alice.pk] == (1, 0, 0, 0, 0, 5)


def test_age_boundary_with_a_custom_number_of_hours(campaign):
    campaign.min_interactor_age_hours = 5
    campaign.save()
    alice = member()
    (a1,) = posts_of(alice, 1)
    at = cn(2026, 1, 7, 13, 6, 0)
    like_at(member(joined=at - 5 * HOUR), a1, at)  # exactly 5 h: counted
    like_at(member(joined=at - 5 * HOUR + timedelta(seconds=1)), a1, at)  # not
    assert figures(campaign)[alice.pk] == (1, 1, 0, 0, 1, 6)


def test_no_minimum_age(campaign):
    campaign.min_interactor_age_hours = 0
    campaign.save()
    alice = member()
    (a1,) = posts_of(alice, 1)
    like_at(member(joined=DURING), a1, DURING)
    assert figures(campaign)[alice.pk] == (1, 1, 0, 0, 1, 6)


def test_deactivated_interactors_do_not_count(campaign, staff_user):
    alice, friend, stays = member(), member(), member()
    (a1,) = posts_of(alice, 1)
    like_at(friend, a1)
    comment_at(friend, a1)
    repost_at(friend, a1)
    like_at(stays, a1)
    assert figures(campaign)[alice.pk] == (1, 2, 1, 1, 7, 12)
    user_deactivate(user=friend, staff=staff_user)
    assert figures(campaign)[alice.pk] == (1, 1, 0, 0, 1, 6)


# --- which entries and acts count --------------------------------------------------------


def test_only_interactions_up_to_the_end_count(announced):
    alice, friend, late = member(), member(), member()
    a1, a2 = posts_of(alice, 2)
    last_second = cn(2026, 1, 15, 23, 59, 59) + timedelta(microseconds=500_000)
    like_at(friend, a1, last_second)
    next_day = cn(2026, 1, 16, 0, 0, 0)
    like_at(late, a1, next_day)
    like_at(late, a2, next_day)
    comment_at(late, a1, next_day)
    repost_at(late, a2, next_day)
    assert figures(announced) == {alice.pk: (2, 1, 0, 0, 1, 11)}


def test_now_before_the_end_counts_acts_up_to_now(announced):
    alice, friend = member(), member()
    (a1,) = posts_of(alice, 1)
    like_at(friend, a1, DURING + HOUR)
    comment_at(friend, a1, DURING + 3 * HOUR)
    now = (DURING + 2 * HOUR).astimezone(UTC)
    assert figures(announced, now=now) == {alice.pk: (1, 1, 0, 0, 1, 6)}
    assert figures(announced, now=now + 2 * HOUR) == {alice.pk: (1, 1, 1, 0, 3, 8)}


def test_instants_compare_the_same_whatever_their_time_zone(announced):
    """`now` and the campaign's own datetimes may carry any offset (a form or the factory
    gives Beijing time): the cut-off must be the instant, on every database."""
    alice, friend, late = member(), member(), member()
    (a1,) = posts_of(alice, 1)
    like_at(friend, a1, DURING + HOUR)
    like_at(late, a1, cn(2026, 1, 16, 0, 0, 0))  # after the end, before 08:00 UTC that day
    in_beijing = CampaignFactory.build(pk=announced.pk, slug=announced.slug)
    assert in_beijing.ends_at.utcoffset() == timedelta(hours=8)
    expected = {alice.pk: (1, 1, 0, 0, 1, 6)}
    assert figures(announced) == expected
    assert figures(in_beijing) == expected  # the end in UTC+8
    assert figures(announced, now=DURING + 2 * HOUR) == expected  # now in UTC+8
    assert figures(announced, now=DURING + 30 * 60 * timedelta(seconds=1)) == {
        alice.pk: (1, 0, 0, 0, 0, 5)
    }


def test_staff_authors_are_not_ranked(campaign):
    alice, staff = member(), member(is_staff=True)
    posts_of(alice, 1)
    posts_of(staff, 2)
    assert set(figures(campaign)) == {alice.pk}
    # made staff later, by any means: not ranked either, even with a stored valid entry
    User.objects.filter(pk=alice.pk).update(is_staff=True)
    assert Entry.objects.filter(author=alice, valid=True).exists()
    assert figures(campaign) == {}


def test_staff_authors_are_ranked_when_the_campaign_allows(campaign):
    campaign.exclude_staff = False
    campaign.save()
    staff = member(is_staff=True)
    posts_of(staff, 2)
    assert figures(campaign) == {staff.pk: (2, 0, 0, 0, 0, 10)}


def test_deactivated_authors_are_not_ranked(campaign, staff_user):
    alice, bob = member(), member()
    posts_of(alice, 1)
    posts_of(bob, 1)
    User.objects.filter(pk=bob.pk).update(is_active=False)  # even without the hook
    assert set(figures(campaign)) == {alice.pk}
    user_deactivate(user=alice, staff=staff_user)
    assert figures(campaign) == {}


def test_interactions_on_invalid_entries_and_other_posts_are_ignored(campaign):
    alice, friend = member(), member()
    (valid,) = posts_of(alice, 1)
    short = entry_post(alice, DURING, SHORT_TEXT)
    untagged = entry_post(alice, DURING, distinct_text())
    before = entry_post(alice, BEFORE)  # tagged, outside the window
    deleted = entry_post(alice, DURING)
    for post in (short, untagged, before, deleted):
        like_at(friend, post)
        comment_at(friend, post)
        repost_at(friend, post)
    post_delete(post=deleted, actor=alice)
    assert figures(campaign) == {alice.pk: (1, 0, 0, 0, 0, 5)}
    like_at(friend, valid)
    assert figures(campaign) == {alice.pk: (1, 1, 0, 0, 1, 6)}


# --- ties --------------------------------------------------------------------------------


def test_ties_go_to_the_higher_interaction_points(campaign):
    bob, alice = member(), member()  # bob has the lower id and entered first
    posts_of(bob, 2, DURING - HOUR)  # 10 + 0
    (a1,) = posts_of(alice, 1)  # 5 + 5
    for _ in range(5):
        like_at(member(), a1)
    assert figures(campaign) == {bob.pk: (2, 0, 0, 0, 0, 10), alice.pk: (1, 5, 0, 0, 5, 10)}
    assert order(campaign) == [alice.pk, bob.pk]


def test_ties_then_go_to_the_earlier_first_valid_entry(campaign):
    first, second, third = member(), member(), member()
    entry_post(third, DURING - 2 * HOUR, SHORT_TEXT)  # earliest, but not valid
    entry_post(third, DURING + 2 * HOUR)
    entry_post(second, DURING + HOUR)
    entry_post(first, DURING)
    assert order(campaign) == [first.pk, second.pk, third.pk]
    rows = ranking_compute(campaign, now=AFTER)
    assert [s.first_entry_at for s in rows] == [DURING, DURING + HOUR, DURING + 2 * HOUR]
    assert [s.rank for s in rows] == [1, 2, 3]


def test_ties_then_go_to_the_lower_user_id(campaign):
    lower, higher = member(), member()
    entry_post(higher, DURING)
    entry_post(lower, DURING)
    assert lower.pk < higher.pk
    assert order(campaign) == [lower.pk, higher.pk]


def test_a_full_ranking(campaign):
    """Everything at once; the same list on every database."""
    a, b, c, d = member(), member(), member(), member()
    f1, f2, f3 = member(), member(), member()
    a_posts = posts_of(a, 3)
    b_posts = posts_of(b, 2, DURING + HOUR)
    (c1,) = posts_of(c, 1, DURING - HOUR)
    (d1,) = posts_of(d, 1, DURING + 5 * HOUR)
    for post in a_posts:
        like_at(f1, post)  # f1 → a: 3
    comment_at(f2, b_posts[0])
    repost_at(f2, b_posts[1])  # f2 → b: 2 + 3 = 5
    for who in (f1, f2, f3):
        repost_at(who, c1, quote="好")  # each → c: 3
    like_at(f3, d1)
    like_at(d, d1)  # a self-like: nothing
    assert [
        (s.rank, s.user_id, s.posts, s.likes, s.comments, s.reposts, s.points, s.score)
        for s in ranking_compute(campaign, now=AFTER)
    ] == [
        (1, a.pk, 3, 3, 0, 0, 3, 18),
        (2, b.pk, 2, 0, 1, 1, 5, 15),
        (3, c.pk, 1, 0, 0, 3, 9, 14),
        (4, d.pk, 1, 1, 0, 0, 1, 6),
    ]


# --- cost and cache ----------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 6])
def test_ranking_compute_is_one_query(campaign, django_assert_num_queries, size):
    authors = [member() for _ in range(size)]
    fans = [member() for _ in range(size)]
    for author in authors:
        for post in posts_of(author, size):
            for fan in fans:
                like_at(fan, post)
            comment_at(fans[0], post)
            repost_at(fans[-1], post)
    tuning = 1 if connection.vendor == "postgresql" else 0  # JIT off, work_mem (one query)
    with django_assert_num_queries(1 + tuning):
        rows = ranking_compute(campaign, now=AFTER)
    assert len(rows) == size


def test_the_board_is_kept_for_the_interval_and_ranking_compute_is_not(campaign, settings):
    settings.SQUARE_LEADERBOARD_REFRESH_SECONDS = 10
    alice, friend = member(), member()
    (a1,) = posts_of(alice, 1)
    assert [s.score for s in leaderboard_serve(campaign=campaign).top] == [5]
    like_at(friend, a1)
    assert [s.score for s in leaderboard_serve(campaign=campaign).top] == [5]
    assert [s.score for s in ranking_compute(campaign)] == [6]
    cache.clear()
    assert [s.score for s in leaderboard_serve(campaign=campaign).top] == [6]


# --- figures, New Voices, my standing ----------------------------------------------------


def test_campaign_figures(campaign):
    new1, new2, old = member(), member(), member()
    entry_post(old, BEFORE, "an old post")
    posts_of(new1, 2)
    entry_post(new1, DURING, SHORT_TEXT)
    posts_of(new2, 1)
    posts_of(old, 1)
    entry_post(member(is_staff=True))
    expected = {"posts": 4, "participants": 3, "newcomers": 2}
    assert campaign_figures(campaign=campaign) == expected
    posts_of(member(), 1)
    assert campaign_figures(campaign=campaign) == expected  # cached
    cache.clear()
    assert campaign_figures(campaign=campaign) == {
        "posts": 5,
        "participants": 4,
        "newcomers": 3,
    }


def test_new_voices_are_each_newcomers_first_valid_entry_newest_first(campaign):
    early, mid, late, old = member(), member(), member(), member()
    entry_post(old, BEFORE, "been here before")
    entry_post(old, DURING - 5 * HOUR)
    entry_post(mid, DURING - 4 * HOUR, SHORT_TEXT)  # mid's first entry is not valid
    mid_first = entry_post(mid, DURING)
    entry_post(mid, DURING + 4 * HOUR)
    early_first = entry_post(early, DURING - 3 * HOUR)
    late_first = entry_post(late, DURING + 2 * HOUR)
    entry_post(late, DURING + 3 * HOUR)
    voices = list(new_voices(campaign=campaign))
    assert voices == [late_first, mid_first, early_first]


def test_new_voices_move_to_the_next_valid_entry_when_the_first_goes(campaign):
    newcomer = member()
    first, second = posts_of(newcomer, 2)
    assert list(new_voices(campaign=campaign)) == [first]
    post_delete(post=first, actor=newcomer)
    assert list(new_voices(campaign=campaign)) == [second]


def test_new_voices_leave_out_authors_with_a_deleted_earlier_post(campaign):
    returning = member()
    earlier = entry_post(returning, BEFORE, "long ago")
    post_delete(post=earlier, actor=returning)
    posts_of(returning, 1)
    assert list(new_voices(campaign=campaign)) == []


def test_my_standing(campaign):
    alice, bob, friend = member(), member(), member()
    a1, a2 = posts_of(alice, 2)
    short = entry_post(alice, DURING + 5 * HOUR, SHORT_TEXT)
    posts_of(bob, 3, DURING - HOUR)
    like_at(friend, a1)
    mine = my_standing(campaign=campaign, user=alice)
    assert [e.post_id for e in mine.entries] == [short.pk, a2.pk, a1.pk]  # newest first
    assert mine.valid_posts == 2
    assert mine.is_newcomer is True
    assert mine.total_ranked == 2
    assert (mine.standing.rank, mine.standing.user_id, mine.standing.score) == (2, alice.pk, 11)
    assert my_standing(campaign=campaign, user=bob).standing.rank == 1


def test_my_standing_without_entries_or_when_not_new(campaign):
    nobody, old = member(), member()
    entry_post(old, BEFORE, "been here")
    posts_of(old, 1)
    empty = my_standing(campaign=campaign, user=nobody)
    assert (empty.entries, empty.valid_posts, empty.standing) == ([], 0, None)
    assert empty.is_newcomer is False
    mine = my_standing(campaign=campaign, user=old)
    assert (mine.valid_posts, mine.is_newcomer, mine.standing.rank) == (1, False, 1)


def test_the_migration_flags_the_same_first_entries_as_entry_refresh(campaign):
    from django.apps import apps

    migration = importlib.import_module("campaigns.migrations.0006_entry_first_valid")
    a, b = member(), member()
    entry_post(a, DURING - 4 * HOUR, SHORT_TEXT)
    posts_of(a, 2)
    posts_of(b, 3, DURING - HOUR)
    kept = dict(Entry.objects.values_list("pk", "first_valid"))
    assert sum(kept.values()) == 2  # one first entry per author
    Entry.objects.update(first_valid=False)
    migration.mark_first_valid(apps, None)
    assert dict(Entry.objects.values_list("pk", "first_valid")) == kept


def test_new_voices_pages_walk_the_same_order_as_the_query(campaign, django_assert_max_num_queries):
    newcomers = [member() for _ in range(5)]
    for i, person in enumerate(newcomers):
        entry_post(person, DURING - (i % 3) * HOUR, SHORT_TEXT)  # not valid: not a voice
        posts_of(person, 2, DURING + i * HOUR)
    expected = [p.pk for p in new_voices(campaign=campaign)]
    seen, cursor = [], None
    while True:
        with django_assert_max_num_queries(1):  # the entries with their posts
            page = new_voices_page(campaign=campaign, cursor=cursor, size=2)
        seen += [p.pk for p in page.items]
        if not page.has_next:
            break
        cursor = page.next_cursor
    assert len(expected) == 5 and seen == expected
