"""Notifications: who hears about what, how events group, and the unread badge."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import timezone, translation

from square import selectors
from square.context_processors import notifications as notifications_context
from square.models import Notification
from square.notifications import describe, url_of
from square.services.comments import comment_create
from square.services.interactions import follow_create, follow_delete, like_create, like_delete
from square.services.notifications import notification_create, notifications_mark_read
from square.services.posts import post_create, post_edit, repost_create
from square.tests.factories import PostFactory, ServicePostFactory, UserFactory

pytestmark = pytest.mark.django_db


def notices(user) -> list[tuple]:
    """(kind, actor id, post id, comment id) of everything `user` was told, oldest first."""
    rows = Notification.objects.filter(recipient=user).order_by("id")
    return list(rows.values_list("kind", "actor_id", "post_id", "comment_id"))


def page(user, cursor=None, size=20):
    return selectors.notification_page(user=user, cursor=cursor, size=size)


# --- who is told what -----------------------------------------------------------------------


def test_a_like_tells_the_author(user, other_user):
    post = PostFactory(author=user)
    like_create(user=other_user, post=post)
    assert notices(user) == [("like", other_user.pk, post.pk, None)]
    assert notices(other_user) == []


def test_nobody_is_told_of_their_own_like(user):
    post = PostFactory(author=user)
    like_create(user=user, post=post)
    assert Notification.objects.count() == 0


def test_nobody_is_told_of_their_own_action_whatever_the_kind(user):
    assert notification_create(recipient=user, kind="follow", actor=user) is None
    assert notification_create(recipient=user, kind="prize") is not None  # no actor: told
    assert [n[0] for n in notices(user)] == ["prize"]


def test_a_comment_tells_the_author(user, other_user):
    post = PostFactory(author=user)
    comment = comment_create(author=other_user, post=post, body="nice")
    assert notices(user) == [("comment", other_user.pk, post.pk, comment.pk)]


def test_commenting_on_ones_own_post_tells_nobody(user):
    comment_create(author=user, post=PostFactory(author=user), body="note to self")
    assert Notification.objects.count() == 0


def test_a_reply_tells_the_replied_to_and_the_post_author(user, other_user):
    carol = UserFactory()
    post = PostFactory(author=user)
    top = comment_create(author=other_user, post=post, body="first")
    reply = comment_create(author=carol, post=post, body="second", parent=top)
    assert notices(other_user) == [("reply", carol.pk, post.pk, reply.pk)]
    assert notices(user) == [
        ("comment", other_user.pk, post.pk, top.pk),
        ("comment", carol.pk, post.pk, reply.pk),
    ]


def test_a_reply_to_the_post_author_tells_them_once(user, other_user):
    post = PostFactory(author=user)
    top = comment_create(author=user, post=post, body="my own first comment")
    reply = comment_create(author=other_user, post=post, body="answer", parent=top)
    assert notices(user) == [("reply", other_user.pk, post.pk, reply.pk)]


def test_a_reply_to_a_reply_tells_whom_it_answers(user, other_user):
    carol, post = UserFactory(), PostFactory()
    top = comment_create(author=user, post=post, body="first")
    second = comment_create(author=other_user, post=post, body="second", parent=top)
    third = comment_create(author=carol, post=post, body="third", parent=second)
    assert ("reply", carol.pk, post.pk, third.pk) in notices(other_user)
    assert ("reply", carol.pk, post.pk, third.pk) not in notices(user)


def test_a_repost_tells_the_original_author_about_the_original(user, other_user):
    original = ServicePostFactory(author=user, body="worth sharing")
    repost_create(author=other_user, post=original)
    repost_create(author=other_user, post=original)  # the second is no news
    assert notices(user) == [("repost", other_user.pk, original.pk, None)]


def test_reposting_a_repost_tells_the_original_author(user, other_user):
    carol = UserFactory()
    original = ServicePostFactory(author=user, body="the source")
    middle, _ = repost_create(author=other_user, post=original)
    repost_create(author=carol, post=middle)
    assert notices(user)[-1] == ("repost", carol.pk, original.pk, None)
    assert notices(other_user) == []


def test_a_quote_tells_the_author_about_the_quote(user, other_user):
    original = ServicePostFactory(author=user, body="worth sharing")
    quote, _ = repost_create(author=other_user, post=original, quote="my take")
    assert notices(user) == [("quote", other_user.pk, quote.pk, None)]


def test_reposting_ones_own_post_tells_nobody(user):
    original = ServicePostFactory(author=user, body="me again")
    repost_create(author=user, post=original)
    repost_create(author=user, post=original, quote="quoting myself")
    assert Notification.objects.count() == 0


def test_a_mention_tells_the_mentioned(user, other_user):
    post = post_create(author=user, body=f"hello @{other_user.username} and @{user.username}")
    assert notices(other_user) == [("mention", user.pk, post.pk, None)]
    assert notices(user) == []  # mentioning oneself is no news


def test_an_edit_tells_only_the_newly_mentioned(user, other_user):
    carol = UserFactory()
    post = post_create(author=user, body=f"hi @{other_user.username}")
    post_edit(post=post, editor=user, body=f"hi @{other_user.username} and @{carol.username}")
    post_edit(post=post, editor=user, body=f"hi @{carol.username} and @{other_user.username}!")
    assert notices(other_user) == [("mention", user.pk, post.pk, None)]
    assert notices(carol) == [("mention", user.pk, post.pk, None)]


def test_a_follow_tells_the_followed(user, other_user):
    follow_create(follower=other_user, followee=user)
    assert notices(user) == [("follow", other_user.pk, None, None)]


def test_an_unlike_withdraws_the_unread_like_notice(user, other_user):
    post = PostFactory(author=user)
    like_create(user=other_user, post=post)
    like_delete(user=other_user, post=post)
    assert Notification.objects.count() == 0


def test_an_unlike_leaves_a_read_notice_and_other_likers_alone(user, other_user):
    carol = UserFactory()
    post = PostFactory(author=user)
    like_create(user=other_user, post=post)
    notifications_mark_read(user=user)
    like_create(user=carol, post=post)
    like_delete(user=other_user, post=post)
    like_delete(user=carol, post=post)
    like_create(user=other_user, post=post)
    # The read notice stays (it was seen); carol's unread one went with her like.
    assert notices(user) == [
        ("like", other_user.pk, post.pk, None),
        ("like", other_user.pk, post.pk, None),
    ]


def test_an_unfollow_withdraws_the_follow_notice(user, other_user):
    carol = UserFactory()
    follow_create(follower=other_user, followee=user)
    follow_create(follower=carol, followee=user)
    follow_delete(follower=other_user, followee=user)
    assert notices(user) == [("follow", carol.pk, None, None)]


# --- grouping, describe() and paging ------------------------------------------------------


def test_thirteen_likes_of_one_post_are_one_line(user):
    post = PostFactory(author=user)
    likers = [UserFactory() for _ in range(12)] + [UserFactory(display_name="Zoë Latest")]
    for liker in likers:
        like_create(user=liker, post=post)

    result = page(user)

    (group,) = result.items
    assert (group.actors, group.others, group.unread) == (13, 12, True)
    assert group.latest.actor_id == likers[-1].pk
    assert url_of(group.latest) == post.get_absolute_url()
    with translation.override("en"):
        text = describe(group)
    assert "Zoë Latest" in text
    assert "and 12 others liked your post" in text
    with translation.override("zh-hans"):
        text_zh = describe(group)
    assert "Zoë Latest" in text_zh and "12" in text_zh


def test_notices_read_in_chinese_by_default(user, other_user):
    """Chinese is the site's language: a notice must not fall back to the English text."""
    post = PostFactory(author=user)
    like_create(user=other_user, post=post)
    like_create(user=UserFactory(display_name="Carol"), post=post)
    (group,) = page(user).items
    with translation.override("en"):
        english = describe(group)
    with translation.override("zh-hans"):
        chinese = describe(group)
    assert "Carol" in chinese and "1" in chinese
    assert chinese != english


def test_describe_in_english_for_one_and_two(user, other_user):
    post = PostFactory(author=user)
    like_create(user=other_user, post=post)
    with translation.override("en"):
        (group,) = page(user).items
        assert describe(group) == f"<b>{other_user.username}</b> liked your post"
        like_create(user=UserFactory(display_name="Carol"), post=post)
        (group,) = page(user).items
        assert describe(group) == "<b>Carol</b> and 1 other liked your post"


def test_the_same_person_twice_counts_once(user, other_user):
    post = PostFactory(author=user)
    like_create(user=other_user, post=post)
    notifications_mark_read(user=user)  # so the unlike leaves the first notice
    like_delete(user=other_user, post=post)
    like_create(user=other_user, post=post)
    (group,) = page(user).items
    assert (group.actors, group.others) == (1, 0)


def test_describe_escapes_display_names(user):
    post = PostFactory(author=user)
    like_create(user=UserFactory(display_name="<script>alert(1)</script>"), post=post)
    (group,) = page(user).items
    with translation.override("en"):
        text = describe(group)
    assert "<script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert text.startswith("<b>")  # the template's own markup is kept


def test_different_posts_and_kinds_are_different_groups_newest_first(user, other_user):
    first, second = PostFactory(author=user), PostFactory(author=user)
    like_create(user=other_user, post=first)
    comment_create(author=other_user, post=first, body="hi")
    like_create(user=other_user, post=second)
    follow_create(follower=other_user, followee=user)
    like_create(user=UserFactory(), post=first)  # brings the first post's likes back on top

    groups = page(user).items

    assert [(g.latest.kind, g.latest.post_id) for g in groups] == [
        ("like", first.pk),
        ("follow", None),
        ("like", second.pk),
        ("comment", first.pk),
    ]
    assert [g.actors for g in groups] == [2, 1, 1, 1]


def test_mentions_and_replies_never_group(user, other_user):
    for i in range(3):
        post_create(author=other_user, body=f"@{user.username} number {i}")
    groups = page(user).items
    assert [g.latest.kind for g in groups] == ["mention"] * 3
    assert all(g.actors == 1 for g in groups)


def make_groups(user, n: int, *, same_moment: bool = False) -> list[int]:
    """`n` notice groups for `user` (one like per post), returning their ids newest first."""
    start = timezone.now() - timedelta(hours=1)
    fan = UserFactory()
    ids = []
    for i in range(n):
        post = PostFactory(author=user)
        moment = start if same_moment else start + timedelta(seconds=i)
        ids.append(
            Notification.objects.create(
                recipient=user,
                kind="like",
                actor=fan,
                post=post,
                group_key=f"like:post:{post.pk}:day",
                created_at=moment,
            ).pk
        )
    if same_moment:
        return sorted(ids, reverse=True)
    return list(reversed(ids))


@pytest.mark.parametrize("same_moment", [False, True], ids=["spread", "one-moment"])
def test_pages_of_groups_have_no_gaps_or_repeats(user, same_moment):
    expected = make_groups(user, 45, same_moment=same_moment)
    seen, cursor, loads = [], None, 0
    while True:
        result = page(user, cursor=cursor, size=20)
        seen += [g.latest.pk for g in result.items]
        loads += 1
        if not result.has_next:
            break
        cursor = result.next_cursor
        assert loads < 10
    assert loads == 3
    assert seen == expected


def test_the_last_full_page_has_no_next(user):
    make_groups(user, 20)
    result = page(user, size=20)
    assert len(result.items) == 20 and result.next_cursor is None


def test_a_page_of_thirty_groups_costs_two_queries(user, django_assert_max_num_queries):
    people = [UserFactory() for _ in range(12)]
    posts = [PostFactory(author=user) for _ in range(20)]
    for i, post in enumerate(posts[:10]):
        like_create(user=people[i], post=post)
        like_create(user=people[i + 1], post=post)
    for i, post in enumerate(posts[10:]):
        comment_create(author=people[i], post=post, body="hello")
    for person in people[:3]:
        follow_create(follower=person, followee=user)
    for i in range(9):
        post_create(author=people[i], body=f"@{user.username} hi {i}")

    with django_assert_max_num_queries(2), translation.override("en"):
        result = page(user, size=30)
        lines = [(describe(g), url_of(g.latest), g.latest.actor.name) for g in result.items]
        posts_shown = [g.latest.post.body for g in result.items if g.latest.post_id]

    assert len(lines) == 30 and result.next_cursor is None
    assert len(posts_shown) == 29
    assert sum(g.actors for g in result.items) == 20 + 10 + 3 + 9


def test_mark_read_reads_everything(user, other_user):
    post = PostFactory(author=user)
    like_create(user=other_user, post=post)
    follow_create(follower=other_user, followee=user)
    other_post = PostFactory(author=other_user)
    like_create(user=user, post=other_post)
    assert all(g.unread for g in page(user).items)

    assert notifications_mark_read(user=user) == 2
    assert [g.unread for g in page(user).items] == [False, False]
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    assert notifications_mark_read(user=user) == 0
    # Someone else's notices are theirs to read.
    assert Notification.objects.filter(recipient=other_user, read_at__isnull=True).count() == 1


def test_a_group_with_one_new_event_is_unread_again(user, other_user):
    post = PostFactory(author=user)
    like_create(user=other_user, post=post)
    notifications_mark_read(user=user)
    like_create(user=UserFactory(), post=post)
    (group,) = page(user).items
    assert group.unread and group.actors == 2


# --- the unread badge ---------------------------------------------------------------------


def badge_for(user) -> dict:
    request = RequestFactory().get("/")
    request.user = user
    return notifications_context(request)


def test_no_badge_for_visitors():
    assert badge_for(AnonymousUser()) == {}


@pytest.mark.parametrize(("unread", "read", "shown"), [(0, 5, ""), (3, 2, "3"), (150, 0, "99+")])
def test_the_unread_badge(user, unread, read, shown):
    now = timezone.now()
    Notification.objects.bulk_create(
        [Notification(recipient=user, kind="prize", group_key=f"p{i}") for i in range(unread)]
        + [
            Notification(recipient=user, kind="prize", group_key=f"r{i}", read_at=now)
            for i in range(read)
        ]
    )
    Notification.objects.create(recipient=UserFactory(), kind="prize", group_key="elsewhere")
    assert str(badge_for(user)["unread_badge"]) == shown


@pytest.mark.parametrize(("unread", "shown"), [(99, "99"), (100, "99+")])
def test_the_badge_around_its_cap(user, unread, shown):
    Notification.objects.bulk_create(
        [Notification(recipient=user, kind="prize", group_key=f"p{i}") for i in range(unread)]
    )
    assert str(badge_for(user)["unread_badge"]) == shown


def test_the_badge_is_counted_only_when_shown(user, django_assert_num_queries):
    with django_assert_num_queries(0):
        context = badge_for(user)
    with django_assert_num_queries(1):
        assert str(context["unread_badge"]) == ""


def test_the_badge_is_kept_until_a_notice_arrives_or_is_read(user, django_assert_num_queries):
    from square.services.notifications import (
        notification_create,
        notification_withdraw,
        notifications_mark_read,
    )

    assert str(badge_for(user)["unread_badge"]) == ""
    with django_assert_num_queries(0):
        assert str(badge_for(user)["unread_badge"]) == ""  # from the cache
    fan, other = UserFactory(), UserFactory()
    notification_create(recipient=user, kind="follow", actor=fan)
    notification_create(recipient=user, kind="follow", actor=other)
    assert str(badge_for(user)["unread_badge"]) == "2"
    notification_withdraw(kind="follow", actor=fan, recipient_id=user.pk)
    assert str(badge_for(user)["unread_badge"]) == "1"
    notifications_mark_read(user=user)
    assert str(badge_for(user)["unread_badge"]) == ""
