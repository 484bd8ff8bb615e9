"""Likes and follows, and the notices they send. Deactivated and banned accounts cannot
like or follow (`author_may_write`), but may take back what they did.

Counters move by atomic `± 1` updates in the same transaction as the row, and the row
itself is guarded by a unique constraint, so 50 people liking at the same moment leave
exactly 50 — whatever the interleaving."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from square.models import Follow, Like, Post, User
from square.project import hooks
from square.project.page_cache import pages_changed
from square.services.accounts import author_may_write
from square.services.notifications import notification_create, notification_withdraw


def _insert_once(model, **fields) -> bool:
    """Insert a row unless the unique constraint says it exists; True if inserted."""
    try:
        with transaction.atomic():  # a savepoint: the outer transaction survives
            model.objects.create(**fields)
    except IntegrityError:
        return False
    return True


@transaction.atomic
def like_create(*, user: User, post: Post) -> bool:
    """Like a published post; liking twice is a no-op. Returns True if it was new.
    Banned accounts cannot: a like notifies the author."""
    author_may_write(user)
    post = Post.objects.published().select_related("author").filter(pk=post.pk).first()
    if post is None:
        raise ValidationError(_("This post can no longer be liked."))
    created = _insert_once(Like, user=user, post=post)
    if created:
        Post.objects.filter(pk=post.pk).update(like_count=F("like_count") + 1)
        notification_create(recipient=post.author, kind="like", actor=user, post=post)
        hooks.interaction_changed(post_id=post.pk, user_id=user.pk)
    return created


@transaction.atomic
def like_delete(*, user: User, post: Post) -> bool:
    """Take a like back; True if there was one."""
    deleted, _rows = Like.objects.filter(user=user, post=post).delete()
    if deleted:
        Post.objects.filter(pk=post.pk).update(like_count=F("like_count") - 1)
        notification_withdraw(kind="like", actor=user, recipient_id=post.author_id, post=post)
        hooks.interaction_changed(post_id=post.pk, user_id=user.pk)
    return bool(deleted)


@transaction.atomic
def follow_create(*, follower: User, followee: User) -> bool:
    """Follow someone (not oneself); following twice is a no-op."""
    if follower.pk == followee.pk:
        raise ValidationError(_("You cannot follow yourself."))
    author_may_write(follower)  # a follow notifies, and shows on both profiles
    created = _insert_once(Follow, follower=follower, followee=followee)
    if created:
        User.objects.filter(pk=follower.pk).update(following_count=F("following_count") + 1)
        User.objects.filter(pk=followee.pk).update(follower_count=F("follower_count") + 1)
        notification_create(recipient=followee, kind="follow", actor=follower)
        pages_changed()  # both profiles show the counts
    return created


@transaction.atomic
def follow_delete(*, follower: User, followee: User) -> bool:
    """Unfollow; True if there was a follow to remove."""
    deleted, _rows = Follow.objects.filter(follower=follower, followee=followee).delete()
    if deleted:
        User.objects.filter(pk=follower.pk).update(following_count=F("following_count") - 1)
        User.objects.filter(pk=followee.pk).update(follower_count=F("follower_count") - 1)
        notification_withdraw(kind="follow", actor=follower, recipient_id=followee.pk)
        pages_changed()
    return bool(deleted)
