"""Comments and one level of replies: validation, threading, exact counts, the selector."""

from datetime import timedelta

import pytest
from django.core.exceptions import FieldFetchBlocked, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from square import selectors
from square.models import Comment, Notification, Post
from square.models.comment import COMMENT_MAX
from square.selectors.comments import REPLIES_SHOWN
from square.services.comments import (
    comment_create,
    comment_delete,
    comment_hide,
    comment_restore,
)
from square.services.posts import post_delete, post_hide
from square.tests.factories import CommentFactory, PostFactory, ServicePostFactory, UserFactory

pytestmark = pytest.mark.django_db


def comment_count(post: Post) -> int:
    return Post.objects.values_list("comment_count", flat=True).get(pk=post.pk)


# --- comment_create: the text -----------------------------------------------------------


@pytest.mark.parametrize("body", ["x", "好" * COMMENT_MAX, "line one\nline two"])
def test_bodies_within_the_limits_are_accepted(user, body):
    post = PostFactory()
    comment = comment_create(author=user, post=post, body=body)
    comment.refresh_from_db()
    assert comment.body == body
    assert (comment.post_id, comment.parent_id, comment.reply_to_id) == (post.pk, None, None)
    assert comment.status == Comment.Status.PUBLISHED
    assert comment_count(post) == 1


def test_line_endings_are_unified(user):
    comment = comment_create(author=user, post=PostFactory(), body="a\r\nb\rc")
    comment.refresh_from_db()
    assert comment.body == "a\nb\nc"


@pytest.mark.parametrize(
    "body",
    ["x" * (COMMENT_MAX + 1), "", "   ", " \n\t\u3000 ", "a\x00b", None],
    ids=["too-long", "empty", "spaces", "whitespace", "nul", "none"],
)
def test_bad_bodies_are_refused_and_nothing_is_written(user, body):
    post = PostFactory()
    with pytest.raises(ValidationError) as exc:
        comment_create(author=user, post=post, body=body)
    assert "body" in exc.value.message_dict
    assert Comment.objects.count() == 0
    assert Notification.objects.count() == 0
    assert comment_count(post) == 0


def test_the_too_long_message_names_both_lengths(user):
    with pytest.raises(ValidationError) as exc:
        comment_create(author=user, post=PostFactory(), body="x" * (COMMENT_MAX + 1))
    message = " ".join(exc.value.message_dict["body"])
    assert str(COMMENT_MAX) in message and str(COMMENT_MAX + 1) in message


def test_deactivated_members_cannot_comment(user):
    post = PostFactory()
    user.is_active = False
    user.save()
    with pytest.raises(PermissionDenied):
        comment_create(author=user, post=post, body="hello")
    assert Comment.objects.count() == 0


def test_deleted_and_hidden_posts_cannot_be_commented_on(user, staff_user):
    deleted, hidden = ServicePostFactory(), ServicePostFactory()
    post_delete(post=deleted, actor=deleted.author)
    post_hide(post=hidden, staff=staff_user)
    for post in (deleted, hidden):
        with pytest.raises(ValidationError) as exc:
            comment_create(author=user, post=post, body="hello")
        assert "body" in exc.value.message_dict
        assert comment_count(post) == 0
    assert Comment.objects.count() == 0


def test_a_stale_post_object_does_not_let_a_comment_through(user):
    post = ServicePostFactory()
    Post.objects.filter(pk=post.pk).update(status=Post.Status.DELETED)
    assert post.is_published  # the caller's copy is out of date
    with pytest.raises(ValidationError):
        comment_create(author=user, post=post, body="hello")
    assert Comment.objects.count() == 0


# --- threading ------------------------------------------------------------------------------


def test_a_reply_to_a_comment_sets_parent_and_reply_to(user, other_user):
    post = PostFactory()
    top = comment_create(author=user, post=post, body="first")
    reply = comment_create(author=other_user, post=post, body="answer", parent=top)
    reply.refresh_from_db()
    assert reply.parent_id == top.pk
    assert reply.reply_to_id == user.pk
    assert comment_count(post) == 2


def test_a_reply_to_a_reply_joins_the_top_level_thread(user, other_user):
    carol = UserFactory()
    post = PostFactory()
    top = comment_create(author=user, post=post, body="first")
    reply = comment_create(author=other_user, post=post, body="second", parent=top)
    answer = comment_create(author=carol, post=post, body="third", parent=reply)
    answer.refresh_from_db()
    assert answer.parent_id == top.pk  # one level deep, never a reply's reply
    assert answer.reply_to_id == other_user.pk  # addressed to whom it answers
    assert comment_count(post) == 3


def test_a_reply_to_a_comment_of_another_post_is_refused(user, other_user):
    post, elsewhere = PostFactory(), PostFactory()
    foreign = comment_create(author=user, post=elsewhere, body="over there")
    with pytest.raises(ValidationError) as exc:
        comment_create(author=other_user, post=post, body="here", parent=foreign)
    assert "body" in exc.value.message_dict
    assert Comment.objects.count() == 1
    assert (comment_count(post), comment_count(elsewhere)) == (0, 1)


def test_a_reply_to_a_deleted_comment_is_refused(user, other_user):
    post = PostFactory()
    top = comment_create(author=user, post=post, body="first")
    top = comment_delete(comment=top, actor=user)
    with pytest.raises(ValidationError):
        comment_create(author=other_user, post=post, body="too late", parent=top)
    assert Comment.objects.count() == 1


def test_a_stale_parent_object_does_not_let_a_reply_through(user, other_user):
    """The page loaded the comment, then its author deleted it: the reply must be refused
    (as for a stale post), or the deleted comment comes back as a thread placeholder."""
    post = PostFactory()
    top = comment_create(author=user, post=post, body="first")
    comment_delete(comment=Comment.objects.get(pk=top.pk), actor=user)
    assert top.is_published  # the caller's copy is out of date
    with pytest.raises(ValidationError):
        comment_create(author=other_user, post=post, body="too late", parent=top)
    assert Comment.objects.count() == 1
    assert comment_count(post) == 0


# --- exact counts through every status change -------------------------------------------


def test_comment_count_is_exact_through_create_delete_hide_restore(user, other_user, staff_user):
    post = ServicePostFactory(author=UserFactory(), body="a post")
    first = comment_create(author=user, post=post, body="one")
    second = comment_create(author=other_user, post=post, body="two")
    reply = comment_create(author=other_user, post=post, body="three", parent=first)
    assert comment_count(post) == 3

    with pytest.raises(PermissionDenied):
        comment_delete(comment=first, actor=other_user)
    assert comment_count(post) == 3

    assert comment_delete(comment=first, actor=user).status == Comment.Status.DELETED
    assert comment_count(post) == 2
    comment_delete(comment=first, actor=user)  # a second delete changes nothing
    assert comment_count(post) == 2

    with pytest.raises(PermissionDenied):
        comment_hide(comment=second, staff=other_user)
    assert comment_count(post) == 2

    assert comment_hide(comment=second, staff=staff_user).status == Comment.Status.HIDDEN
    assert comment_count(post) == 1
    comment_hide(comment=second, staff=staff_user)
    assert comment_count(post) == 1

    with pytest.raises(PermissionDenied):
        comment_restore(comment=second, staff=other_user)
    assert comment_restore(comment=second, staff=staff_user).status == Comment.Status.PUBLISHED
    assert comment_count(post) == 2
    comment_restore(comment=second, staff=staff_user)
    assert comment_count(post) == 2

    # What the author deleted, staff can neither restore nor hide.
    assert comment_restore(comment=first, staff=staff_user).status == Comment.Status.DELETED
    assert comment_hide(comment=first, staff=staff_user).status == Comment.Status.DELETED
    assert comment_count(post) == 2

    # The reply survived its parent's deletion and still counts.
    reply.refresh_from_db()
    assert reply.status == Comment.Status.PUBLISHED
    assert comment_count(post) == Comment.objects.filter(post=post).published().count()


def test_the_database_refuses_an_empty_comment(user):
    post = PostFactory()
    with transaction.atomic(), pytest.raises(IntegrityError, match="comment_body_length"):
        Comment.objects.create(author=user, post=post, body="")
    assert Comment.objects.count() == 0


def test_the_database_refuses_a_comment_over_the_limit(user):
    post = PostFactory()
    with transaction.atomic(), pytest.raises(IntegrityError, match="comment_body_length"):
        Comment.objects.create(author=user, post=post, body="x" * (COMMENT_MAX + 1))
    Comment.objects.create(author=user, post=post, body="x" * COMMENT_MAX)
    assert Comment.objects.count() == 1


# --- selectors ------------------------------------------------------------------------------


def test_post_comments_lists_top_level_comments_only():
    post = PostFactory()
    tops = [CommentFactory(post=post) for _ in range(3)]
    CommentFactory(parent=tops[0])
    CommentFactory(parent=tops[1])
    CommentFactory()  # another post's
    listed = {c.pk for c in selectors.post_comments(post=post)}
    assert listed == {c.pk for c in tops}


def test_a_removed_comment_stays_only_while_it_has_published_replies():
    post = PostFactory()
    published = CommentFactory(post=post)
    deleted_alone = CommentFactory(post=post, status=Comment.Status.DELETED)
    hidden_alone = CommentFactory(post=post, status=Comment.Status.HIDDEN)
    deleted_answered = CommentFactory(post=post, status=Comment.Status.DELETED)
    hidden_answered = CommentFactory(post=post, status=Comment.Status.HIDDEN)
    deleted_only_gone_replies = CommentFactory(post=post, status=Comment.Status.DELETED)
    CommentFactory(parent=deleted_answered)
    CommentFactory(parent=hidden_answered)
    CommentFactory(parent=deleted_only_gone_replies, status=Comment.Status.DELETED)
    CommentFactory(parent=deleted_only_gone_replies, status=Comment.Status.HIDDEN)

    listed = {c.pk for c in selectors.post_comments(post=post)}

    assert listed == {published.pk, deleted_answered.pk, hidden_answered.pk}
    assert not listed & {deleted_alone.pk, hidden_alone.pk, deleted_only_gone_replies.pk}


def test_reply_count_counts_published_replies_only():
    post = PostFactory()
    busy, quiet = CommentFactory(post=post), CommentFactory(post=post)
    for _ in range(5):
        CommentFactory(parent=busy)
    CommentFactory(parent=busy, status=Comment.Status.DELETED)
    CommentFactory(parent=busy, status=Comment.Status.HIDDEN)
    counts = {c.pk: c.reply_count for c in selectors.post_comments(post=post)}
    assert counts == {busy.pk: 5, quiet.pk: 0}


def test_first_replies_are_the_oldest_published_few():
    post = PostFactory()
    top = CommentFactory(post=post)
    start = timezone.now() - timedelta(hours=1)
    # Created newest first, so id order and time order disagree: time must win.
    replies = [
        CommentFactory(parent=top, created_at=start + timedelta(minutes=10 - i)) for i in range(6)
    ]
    CommentFactory(parent=top, status=Comment.Status.DELETED, created_at=start)
    oldest_first = sorted(replies, key=lambda c: c.created_at)

    (listed,) = selectors.post_comments(post=post)

    assert [r.pk for r in listed.first_replies] == [r.pk for r in oldest_first[:REPLIES_SHOWN]]
    assert listed.reply_count == 6


def test_first_replies_of_a_comment_with_few_replies_are_all_of_them():
    post = PostFactory()
    top, lonely = CommentFactory(post=post), CommentFactory(post=post)
    reply = CommentFactory(parent=top)
    by_pk = {c.pk: c for c in selectors.post_comments(post=post)}
    assert [r.pk for r in by_pk[top.pk].first_replies] == [reply.pk]
    assert by_pk[lonely.pk].first_replies == []


def test_comment_thread_has_every_published_reply_oldest_first():
    post = PostFactory()
    top, other = CommentFactory(post=post), CommentFactory(post=post)
    start = timezone.now() - timedelta(hours=1)
    replies = [
        CommentFactory(parent=top, created_at=start + timedelta(minutes=30 - i)) for i in range(8)
    ]
    CommentFactory(parent=top, status=Comment.Status.DELETED)
    CommentFactory(parent=top, status=Comment.Status.HIDDEN)
    CommentFactory(parent=other)

    thread = list(selectors.comment_thread(comment=top))

    assert [r.pk for r in thread] == [r.pk for r in sorted(replies, key=lambda c: c.created_at)]
    assert len(thread) > REPLIES_SHOWN


def test_a_page_of_comments_costs_two_queries(django_assert_max_num_queries):
    post = PostFactory()
    for _ in range(50):
        top = CommentFactory(post=post)
        first = CommentFactory(parent=top, reply_to=top.author)
        CommentFactory(parent=top, reply_to=first.author)

    with django_assert_max_num_queries(2):
        comments = list(selectors.post_comments(post=post))
        names = []
        for c in comments:
            names.append(c.author.name)
            for r in c.first_replies:
                names.append(r.author.name)
                names.append(r.reply_to.name)

    assert len(comments) == 50
    assert all(len(c.first_replies) == 2 and c.reply_count == 2 for c in comments)
    assert len(names) == 50 * 5


def test_a_lazy_load_outside_the_selector_joins_raises():
    """FETCH_RAISE is on in tests: touching a relation the selector did not load fails."""
    post = PostFactory()
    CommentFactory(post=post)
    (comment,) = selectors.post_comments(post=post)
    with pytest.raises(FieldFetchBlocked):
        _ = comment.post
