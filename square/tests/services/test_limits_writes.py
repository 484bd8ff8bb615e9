"""Writes that reached the wrong place or the wrong person (issue 15): a comment sent to a
plain repost, and a banned member's likes, follows, reports and profile edits."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from square.models import Appeal, Comment, Follow, Like, Notification, Post, Report, User
from square.services.accounts import profile_update
from square.services.comments import comment_create
from square.services.interactions import follow_create, like_create
from square.services.moderation import appeal_create, report_create
from square.services.posts import post_create, repost_create
from square.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def bob(other_user):
    return other_user  # the conftest's "bob"


@pytest.fixture
def carol(db):
    return UserFactory(username="carol")


@pytest.fixture
def original(bob):
    return post_create(author=bob, body="the original post")


@pytest.fixture
def plain(carol, original):
    repost, _created = repost_create(author=carol, post=original)
    return repost


# --- comments on plain reposts ------------------------------------------------------------


def test_a_comment_posted_to_a_plain_repost_lands_on_the_original(
    auth_client, user, bob, carol, original, plain
):
    response = auth_client.post(f"/posts/{plain.pk}/comments/", {"body": "nice one"})
    comment = Comment.objects.get()
    assert comment.post_id == original.pk
    assert response.status_code == 302
    assert response["Location"] == f"/posts/{original.pk}/#comment-{comment.pk}"
    original.refresh_from_db()
    plain.refresh_from_db()
    assert (original.comment_count, plain.comment_count) == (1, 0)
    # The original's author is told; the reposter is not (no hidden channel to them).
    assert Notification.objects.filter(recipient=bob, kind="comment").count() == 1
    assert not Notification.objects.filter(recipient=carol).exclude(kind="repost").exists()
    # It shows where people read the original's comments, the repost's page included.
    for page in (original, plain):
        assert "nice one" in auth_client.get(page.get_absolute_url()).content.decode()


def test_a_reply_through_a_plain_repost_joins_the_originals_thread(
    user, bob, carol, original, plain
):
    top = comment_create(author=carol, post=original, body="first")
    reply = comment_create(author=user, post=plain, body="a reply", parent=top)
    assert (reply.post_id, reply.parent_id) == (original.pk, top.pk)


def test_a_quote_keeps_its_own_comments(user, bob, carol, original):
    quote, _created = repost_create(author=carol, post=original, quote="my own words")
    comment = comment_create(author=user, post=quote, body="on the quote")
    assert comment.post_id == quote.pk
    assert Notification.objects.filter(recipient=carol, kind="comment").count() == 1


def test_a_deleted_plain_repost_takes_no_comment(auth_client, user, original, plain):
    Post.objects.filter(pk=plain.pk).update(status=Post.Status.DELETED)
    response = auth_client.post(f"/posts/{plain.pk}/comments/", {"body": "hello"}, **JSON)
    assert response.status_code == 400
    assert not Comment.objects.exists()


# --- banned members -------------------------------------------------------------------------


@pytest.fixture
def banned(user):
    User.objects.filter(pk=user.pk).update(banned_at=timezone.now(), ban_reason="spam")
    user.refresh_from_db()
    return user


def test_a_banned_member_cannot_like_and_the_author_hears_nothing(
    auth_client, banned, bob, original
):
    with pytest.raises(PermissionDenied):
        like_create(user=banned, post=original)
    response = auth_client.post(f"/posts/{original.pk}/like/", **JSON)
    assert response.status_code == 400 and "spam" in response.json()["error"]
    response = auth_client.post(f"/posts/{original.pk}/like/", {"next": "/"})
    assert response.status_code == 302  # back, with the reason as a message
    original.refresh_from_db()
    assert original.like_count == 0 and not Like.objects.exists()
    assert not Notification.objects.filter(recipient=bob).exists()


def test_a_banned_member_can_take_a_like_back(auth_client, user, original):
    like_create(user=user, post=original)
    User.objects.filter(pk=user.pk).update(banned_at=timezone.now(), ban_reason="spam")
    response = auth_client.post(f"/posts/{original.pk}/like/", {"undo": "1"}, **JSON)
    assert response.status_code == 200 and response.json()["liked"] is False
    assert not Like.objects.exists()


def test_a_banned_member_cannot_follow(auth_client, banned, bob):
    with pytest.raises(PermissionDenied):
        follow_create(follower=banned, followee=bob)
    response = auth_client.post(f"/u/{bob.username}/follow/", **JSON)
    assert response.status_code == 400
    assert not Follow.objects.exists()
    assert not Notification.objects.filter(recipient=bob).exists()


def test_a_banned_member_can_unfollow(auth_client, user, bob):
    follow_create(follower=user, followee=bob)
    User.objects.filter(pk=user.pk).update(banned_at=timezone.now(), ban_reason="spam")
    response = auth_client.post(f"/u/{bob.username}/follow/", {"undo": "1"}, **JSON)
    assert response.status_code == 200 and not Follow.objects.exists()


def test_a_banned_member_cannot_report(auth_client, banned, original):
    with pytest.raises(PermissionDenied):
        report_create(reporter=banned, post=original, reason=Report.Reason.SPAM)
    for method in (auth_client.get, auth_client.post):
        response = method(f"/posts/{original.pk}/report/", {"reason": "spam"}, follow=True)
        assert response.status_code == 200 and "spam" in response.content.decode()
        assert response.redirect_chain[-1][0] == original.get_absolute_url()
    assert not Report.objects.exists()


def test_a_banned_member_cannot_change_their_profile(auth_client, banned):
    with pytest.raises(PermissionDenied):
        profile_update(user=banned, display_name="Official Square", bio="")
    for method in (auth_client.get, auth_client.post):
        response = method("/accounts/profile/", {"display_name": "New name", "bio": "b"})
        assert response.status_code == 302 and response["Location"] == banned.get_absolute_url()
    banned.refresh_from_db()
    assert (banned.display_name, banned.bio) == ("", "")


def _older_post(author) -> Post:
    """A published post of `author`, written straight to the table (the ban stops the
    service, and this post was written before it)."""
    return Post.objects.create(author=author, body="written before the ban")


def test_a_banned_member_can_still_appeal_and_read(auth_client, banned, bob):
    post = _older_post(banned)
    Post.objects.filter(pk=post.pk).update(status=Post.Status.HIDDEN)
    post.refresh_from_db()
    appeal_create(author=banned, post=post, text="This was not spam.")
    assert Appeal.objects.filter(post=post).exists()
    like_create(user=bob, post=_older_post(banned))
    assert auth_client.get("/notifications/").status_code == 200
    assert auth_client.post("/notifications/read/").status_code == 302
    assert not Notification.objects.filter(recipient=banned, read_at__isnull=True).exists()
