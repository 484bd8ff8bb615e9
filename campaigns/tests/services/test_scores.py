"""The live leaderboard rows (`campaigns.services.scores`): every like, comment,
repost, entry change and ban moves them in its own transaction, under the ranking's
rules, and they always equal the full computation (`ranking_compute`)."""

import contextlib
import random
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from campaigns.models import Score, ScorePair
from campaigns.selectors.ranking import BOARD_ORDER, ranking_compute
from campaigns.services.scores import (
    score_rows_entry,
    score_rows_interaction,
    score_rows_rebuild,
)
from campaigns.tests.factories import CampaignFactory, entry_post, entry_text, member
from square.models import Comment, Like, Post
from square.services.comments import comment_create, comment_delete, comment_hide, comment_restore
from square.services.interactions import like_create, like_delete
from square.services.moderation import user_ban, user_unban
from square.services.posts import post_create, post_delete, post_hide, post_restore, repost_create
from square.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROW = ("user_id", "posts", "likes", "comments", "reposts", "points", "score", "first_entry_at")


def rows(campaign) -> list[tuple]:
    """The Score rows in the board's order, as the ranking's figures."""
    return list(Score.objects.filter(campaign=campaign).order_by(*BOARD_ORDER).values_list(*ROW))


def computed(campaign) -> list[tuple]:
    return [
        (s.user_id, s.posts, s.likes, s.comments, s.reposts, s.points, s.score, s.first_entry_at)
        for s in ranking_compute(campaign)
    ]


def row_of(campaign, user) -> dict | None:
    return Score.objects.filter(campaign=campaign, user=user).values(*ROW).first()


@pytest.fixture
def live():
    return CampaignFactory(live=True, interactor_cap=3, posts_cap=2)


@pytest.fixture
def author():
    return member(username="author")


@pytest.fixture
def post(live, author):
    return entry_post(author, at=timezone.now() - timedelta(minutes=5))


@pytest.fixture
def admin():
    return UserFactory(username="root", is_staff=True, is_superuser=True)


# --- one event at a time ------------------------------------------------------------------


def test_an_entry_makes_a_row_and_a_like_moves_it(live, author, post):
    assert row_of(live, author)["score"] == live.w_posts
    like_create(user=member(), post=post)
    row = row_of(live, author)
    assert (row["likes"], row["points"], row["score"]) == (1, live.w_like, live.w_posts + 1)
    assert rows(live) == computed(live)


def test_a_like_from_a_too_young_account_does_not_count(live, author, post):
    young = member(joined=timezone.now() - timedelta(hours=live.min_interactor_age_hours - 1))
    like_create(user=young, post=post)
    assert row_of(live, author)["likes"] == 0
    assert not ScorePair.objects.exists()
    assert rows(live) == computed(live)


def test_a_self_like_does_not_count(live, author, post):
    like_create(user=author, post=post)
    assert row_of(live, author)["likes"] == 0
    assert rows(live) == computed(live)


def test_one_interactor_gives_at_most_the_cap(live, author, post):
    fan = member()
    others = [entry_post(author, at=timezone.now() - timedelta(minutes=m)) for m in (4, 3, 2)]
    for target in [post, *others]:
        like_create(user=fan, post=target)
        comment_create(author=fan, post=target, body="好")
    row = row_of(live, author)
    assert (row["likes"], row["comments"]) == (4, 4)  # counted, but capped in points
    assert row["points"] == live.interactor_cap == 3
    assert row["posts"] == live.posts_cap == 2  # P is capped too
    assert rows(live) == computed(live)


def test_an_unlike_takes_the_like_back(live, author, post):
    fan = member()
    like_create(user=fan, post=post)
    like_delete(user=fan, post=post)
    assert row_of(live, author)["likes"] == 0
    assert not ScorePair.objects.exists()  # a pair with nothing left is gone


def test_a_ban_removes_both_sides_and_an_unban_restores_them(live, author, post, admin):
    fan = member()
    fans_post = entry_post(fan, at=timezone.now() - timedelta(minutes=3))
    like_create(user=fan, post=post)
    like_create(user=author, post=fans_post)
    before = rows(live)
    user_ban(user=fan, actor=admin, reason="spam")
    assert row_of(live, fan) is None  # as an author
    assert row_of(live, author)["likes"] == 0  # as an interactor
    assert rows(live) == computed(live)
    user_unban(user=fan, actor=admin, reason="appeal")
    assert rows(live) == before == computed(live)


def test_a_hidden_comment_stops_counting_and_a_restored_one_counts_again(live, author, post, admin):
    fan = member()
    comment = comment_create(author=fan, post=post, body="好")
    assert row_of(live, author)["comments"] == 1
    comment_hide(comment=comment, staff=admin)
    assert row_of(live, author)["comments"] == 0
    comment_restore(comment=comment, staff=admin)
    assert row_of(live, author)["comments"] == 1
    comment_delete(comment=comment, actor=fan)
    assert row_of(live, author)["comments"] == 0


def test_a_repost_counts_once_and_its_deletion_takes_it_back(live, author, post):
    fan = member()
    repost, _ = repost_create(author=fan, post=post)
    repost_create(author=fan, post=post, quote="说得好")  # same person, same post: once
    assert row_of(live, author)["reposts"] == 1
    post_delete(post=repost, actor=fan)
    assert row_of(live, author)["reposts"] == 1  # the quote still counts
    assert rows(live) == computed(live)


def test_an_entry_that_stops_being_valid_takes_its_interactions_along(live, author, post, admin):
    second = entry_post(author, at=timezone.now() - timedelta(minutes=1))
    fan = member()
    like_create(user=fan, post=post)
    like_create(user=fan, post=second)
    post_hide(post=post, staff=admin)
    row = row_of(live, author)
    assert (row["posts"], row["likes"]) == (1, 1)
    post_delete(post=second, actor=author)
    assert row_of(live, author) is None  # no valid entry left: off the board
    post_restore(post=post, staff=admin)
    assert row_of(live, author)["likes"] == 1
    assert rows(live) == computed(live)


def test_a_post_outside_every_open_campaign_costs_one_query(live, django_assert_num_queries):
    plain, fan = post_create(author=member(), body="随便说说"), member()
    with django_assert_num_queries(1):
        score_rows_interaction(post_id=plain.pk, user_id=fan.pk)


def test_a_likes_added_work_is_a_fixed_number_of_queries(live, post, django_assert_num_queries):
    """Find the entries, (lock the author,) rewrite the pair, rewrite the author's row —
    whatever the number of likes, entries or people."""
    for _ in range(5):
        like_create(user=member(), post=post)
    fan = member()
    Like.objects.create(user=fan, post=post)
    lock = 1 if connection.vendor == "postgresql" else 0
    with django_assert_num_queries(5 + lock):
        score_rows_interaction(post_id=post.pk, user_id=fan.pk)
    assert rows(live) == computed(live)


def test_a_new_entry_rewrites_only_its_authors_row(live, author, post, django_assert_num_queries):
    """A post nobody has acted on yet moves P and the first entry, never a pair."""
    like_create(user=member(), post=post)
    fresh = entry_post(author, at=timezone.now())
    lock = 1 if connection.vendor == "postgresql" else 0
    with django_assert_num_queries(3 + lock):  # who acted on it, the row out and in
        score_rows_entry(campaign=live, author_id=author.pk, post_id=fresh.pk)
    assert rows(live) == computed(live)


def test_a_closed_campaign_is_left_as_it_was(live, author, post):
    live.status = live.Status.CLOSED
    live.save(update_fields=["status"])
    like_create(user=member(), post=post)
    assert row_of(live, author)["likes"] == 0


def test_the_rebuild_gives_the_same_rows(live, author, post):
    for _ in range(3):
        like_create(user=member(), post=post)
    kept = rows(live)
    pairs = set(ScorePair.objects.values_list("author_id", "interactor_id", "likes"))
    Score.objects.all().delete()
    ScorePair.objects.all().delete()
    assert score_rows_rebuild(campaign=live) == 1
    assert rows(live) == kept == computed(live)
    assert set(ScorePair.objects.values_list("author_id", "interactor_id", "likes")) == pairs


# --- a random history ---------------------------------------------------------------------


# Mostly likes, as on the site; every kind of event still comes up a few hundred times,
# and new entries outnumber those leaving, so the board stays busy.
KINDS = (
    *("like",) * 10, *("unlike", "comment", "post") * 3, "uncomment", "hide_comment",
    "repost", "repost", "unrepost", "unpost", "hide_post", "restore_post", "ban", "unban",
)  # fmt: skip


class History:
    """A seeded random history of events, each through the square's real services."""

    def __init__(self, campaign, rng: random.Random, admin):
        self.rng, self.admin = rng, admin
        now = timezone.now()
        hours = campaign.min_interactor_age_hours
        ages = [hours * 3] * 24 + [hours - 1] * 5 + [hours + 1] * 3  # some too young
        self.people = [member(joined=now - timedelta(hours=h)) for h in ages]
        self.posts = [entry_post(p, at=now - timedelta(hours=2)) for p in self.people[:12]]
        self.likes: list[tuple] = []
        self.comments: list[Comment] = []
        self.reposts: list[Post] = []

    def someone(self):
        return self.rng.choice(self.people)

    def step(self) -> None:
        kind = self.rng.choice(KINDS)
        # A banned person cannot act; a deleted post cannot be liked: refused, as for real.
        with contextlib.suppress(ValidationError, PermissionDenied):
            getattr(self, kind)()

    def like(self):
        who, target = self.someone(), self.rng.choice(self.posts)
        like_create(user=who, post=target)
        self.likes.append((who, target))

    def unlike(self):
        if self.likes:
            who, target = self.likes.pop(self.rng.randrange(len(self.likes)))
            like_delete(user=who, post=target)

    def comment(self):
        target = self.rng.choice(self.posts)
        self.comments.append(comment_create(author=self.someone(), post=target, body="好帖"))

    def uncomment(self):
        if self.comments:
            comment = self.comments.pop(self.rng.randrange(len(self.comments)))
            comment_delete(comment=comment, actor=comment.author)

    def hide_comment(self):
        if self.comments:
            comment_hide(comment=self.rng.choice(self.comments), staff=self.admin)

    def repost(self):
        quote = "转发" if self.rng.random() < 0.3 else ""
        repost, _ = repost_create(
            author=self.someone(), post=self.rng.choice(self.posts), quote=quote
        )
        self.reposts.append(repost)

    def unrepost(self):
        if self.reposts:
            repost = self.reposts.pop(self.rng.randrange(len(self.reposts)))
            post_delete(post=repost, actor=repost.author)

    def post(self):
        self.posts.append(post_create(author=self.someone(), body=entry_text()))

    def unpost(self):
        target = self.rng.choice(self.posts)
        post_delete(post=target, actor=target.author)

    def hide_post(self):
        target = self.rng.choice(self.posts)
        post_hide(post=target, staff=self.admin)
        target.refresh_from_db(fields=["status"])

    def restore_post(self):
        if hidden := [p for p in self.posts if p.status == Post.Status.HIDDEN]:
            target = self.rng.choice(hidden)
            post_restore(post=target, staff=self.admin)
            target.refresh_from_db(fields=["status"])

    def ban(self):
        who = self.someone()
        who.banned_at = user_ban(user=who, actor=self.admin, reason="spam").banned_at

    def unban(self):
        if banned := [p for p in self.people if p.banned_at is not None]:
            who = self.rng.choice(banned)
            who.banned_at = user_unban(user=who, actor=self.admin, reason="appeal").banned_at


def test_after_5000_random_events_the_rows_equal_the_full_ranking(live, admin):
    history = History(live, random.Random(20260101), admin)
    for n in range(1, 5001):
        history.step()
        if n % 1000 == 0:
            assert rows(live) == computed(live), f"after {n} events"
    assert Score.objects.filter(campaign=live).count() > 5
    assert Score.objects.filter(campaign=live, points__gt=0).count() > 5
    kept = rows(live)
    score_rows_rebuild(campaign=live)
    assert rows(live) == kept
