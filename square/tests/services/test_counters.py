"""Rebuilding the denormalised counters from the rows they count."""

import io

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import translation

from square.models import Hashtag, Post, User
from square.services.comments import comment_create, comment_delete, comment_hide
from square.services.counters import counters_rebuild
from square.services.interactions import follow_create, like_create
from square.services.posts import post_delete, post_hide, repost_create
from square.tests.factories import ServicePostFactory, UserFactory

pytestmark = pytest.mark.django_db

COUNTER_NAMES = {
    "post.like_count",
    "post.comment_count",
    "post.repost_count",
    "user.post_count",
    "user.follower_count",
    "user.following_count",
    "hashtag.post_count",
}


def snapshot() -> dict:
    """Every counter of every row."""
    return {
        "posts": {
            p["pk"]: p
            for p in Post.objects.values("pk", "like_count", "comment_count", "repost_count")
        },
        "users": {
            u["pk"]: u
            for u in User.objects.values("pk", "post_count", "follower_count", "following_count")
        },
        "tags": dict(Hashtag.objects.values_list("key", "post_count")),
    }


@pytest.fixture
def community(staff_user):
    """A little of everything, written through the services so every counter is right."""
    alice, bob, carol, dave = (UserFactory() for _ in range(4))
    first = ServicePostFactory(author=alice, body="#python and #django")
    second = ServicePostFactory(author=bob, body="#python again")
    gone = ServicePostFactory(author=carol, body="#django soon deleted")
    hidden = ServicePostFactory(author=carol, body="#hidden by staff")
    ServicePostFactory(author=dave, body="#quiet")
    post_delete(post=gone, actor=carol)
    post_hide(post=hidden, staff=staff_user)

    for fan in (bob, carol, dave):
        like_create(user=fan, post=first)
    like_create(user=alice, post=second)

    top = comment_create(author=bob, post=first, body="hi")
    comment_create(author=carol, post=first, body="hello", parent=top)
    removed = comment_create(author=dave, post=first, body="oops")
    comment_delete(comment=removed, actor=dave)
    rude = comment_create(author=dave, post=second, body="rude")
    comment_hide(comment=rude, staff=staff_user)
    comment_create(author=alice, post=second, body="thanks")

    repost_create(author=bob, post=first)
    repost_create(author=carol, post=first, quote="#python quoted")
    dropped, _ = repost_create(author=dave, post=first)
    post_delete(post=dropped, actor=dave)

    follow_create(follower=bob, followee=alice)
    follow_create(follower=carol, followee=alice)
    follow_create(follower=alice, followee=bob)
    return {"alice": alice, "bob": bob, "first": first, "second": second}


def test_the_community_counters_are_what_the_rows_say(community):
    """The fixture's own counters, checked by hand, so the rebuild has a true target."""
    first, second = community["first"], community["second"]
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.like_count, first.comment_count, first.repost_count) == (3, 2, 2)
    assert (second.like_count, second.comment_count, second.repost_count) == (1, 1, 0)
    alice = User.objects.get(pk=community["alice"].pk)
    bob = User.objects.get(pk=community["bob"].pk)
    assert (alice.post_count, alice.follower_count, alice.following_count) == (1, 2, 1)
    assert (bob.post_count, bob.follower_count, bob.following_count) == (2, 1, 1)
    tags = snapshot()["tags"]
    assert tags == {"python": 3, "django": 1, "hidden": 0, "quiet": 1}


def test_a_clean_database_needs_no_fixing(community):
    before = snapshot()
    fixed = counters_rebuild()
    assert set(fixed) == COUNTER_NAMES
    assert all(n == 0 for n in fixed.values()), fixed
    assert snapshot() == before


def test_every_corrupted_counter_is_rebuilt(community):
    truth = snapshot()
    n_posts, n_users = Post.objects.count(), User.objects.count()

    Post.objects.update(
        like_count=F("like_count") + 7,
        comment_count=F("comment_count") + 3,
        repost_count=F("repost_count") + 11,
    )
    User.objects.update(post_count=F("post_count") + 5, following_count=F("following_count") + 1)
    # Only some rows wrong: the rebuild must say how many, not how many it looked at.
    User.objects.filter(pk=community["alice"].pk).update(follower_count=0)
    User.objects.filter(pk=community["bob"].pk).update(follower_count=42)
    Hashtag.objects.filter(key="python").update(post_count=0)
    Hashtag.objects.filter(key="hidden").update(post_count=9)
    assert snapshot() != truth

    fixed = counters_rebuild()

    assert fixed == {
        "post.like_count": n_posts,
        "post.comment_count": n_posts,
        "post.repost_count": n_posts,
        "user.post_count": n_users,
        "user.follower_count": 2,
        "user.following_count": n_users,
        "hashtag.post_count": 2,
    }
    assert snapshot() == truth
    assert counters_rebuild() == dict.fromkeys(COUNTER_NAMES, 0)


def test_counters_of_rows_with_nothing_to_count_go_back_to_zero(db):
    lonely = ServicePostFactory(body="#alone")
    Post.objects.filter(pk=lonely.pk).update(like_count=4, comment_count=4, repost_count=4)
    User.objects.filter(pk=lonely.author_id).update(follower_count=4, following_count=4)
    counters_rebuild()
    lonely.refresh_from_db()
    assert (lonely.like_count, lonely.comment_count, lonely.repost_count) == (0, 0, 0)
    author = User.objects.get(pk=lonely.author_id)
    assert (author.post_count, author.follower_count, author.following_count) == (1, 0, 0)
    assert Hashtag.objects.get(key="alone").post_count == 1


def test_the_management_command_rebuilds_and_reports(community):
    truth = snapshot()
    Post.objects.filter(pk=community["first"].pk).update(like_count=99)
    Hashtag.objects.update(post_count=F("post_count") + 1)
    out = io.StringIO()

    with translation.override("en"):
        call_command("rebuild_counters", stdout=out)

    lines = out.getvalue().splitlines()
    assert "post.like_count: 1" in lines
    assert "hashtag.post_count: 4" in lines
    assert "user.post_count: 0" in lines
    assert lines[-1].endswith("5 counters corrected.")
    assert snapshot() == truth

    out = io.StringIO()
    with translation.override("en"):
        call_command("rebuild_counters", stdout=out)
    assert out.getvalue().splitlines()[-1].endswith("0 counters corrected.")
