"""Comments and one level of replies. `Post.comment_count` counts published comments
and replies, moved by atomic ± 1 in the same transaction as the change."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from square import text
from square.models import Comment, Post, User
from square.models.comment import COMMENT_MAX
from square.permissions import may_moderate
from square.project import hooks
from square.services.accounts import author_may_write
from square.services.notifications import notification_create


def comment_body_clean(body: str) -> str:
    """Validate a comment's text and return it as stored (line endings unified)."""
    body = (body or "").replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in body:
        raise ValidationError(
            {"body": _("The text contains a NUL character, which is not allowed.")}
        )
    if not text.has_visible(body):  # empty, or only spaces and zero-width padding
        raise ValidationError({"body": _("Write something before sending.")})
    if len(body) > COMMENT_MAX:
        message = _("A comment can be at most %(max)d characters; this one has %(n)d.")
        raise ValidationError({"body": message % {"max": COMMENT_MAX, "n": len(body)}})
    return body


def _thread_parent(post: Post, parent: Comment | None) -> tuple[Comment | None, User | None]:
    """Replies stay one level deep: answering a reply joins its thread, addressed to
    the reply's author."""
    if parent is None:
        return None, None
    # Read the parent again under a lock: a delete or hide that just happened wins.
    parent = Comment.objects.select_for_update().select_related("author").filter(pk=parent.pk)
    parent = parent.first()
    if parent is None:
        raise ValidationError({"body": _("That comment is no longer available to reply to.")})
    if parent.post_id != post.pk:
        raise ValidationError({"body": _("That comment belongs to another post.")})
    if not parent.is_published:
        raise ValidationError({"body": _("That comment is no longer available to reply to.")})
    if parent.parent_id is not None:
        return Comment.objects.get(pk=parent.parent_id), parent.author
    return parent, parent.author


def _comment_notify(comment: Comment, post: Post, reply_to: User | None) -> None:
    author = comment.author
    if reply_to is not None:
        notification_create(
            recipient=reply_to, kind="reply", actor=author, post=post, comment=comment
        )
    if reply_to is None or reply_to.pk != post.author_id:
        notification_create(
            recipient=post.author, kind="comment", actor=author, post=post, comment=comment
        )


@transaction.atomic
def comment_create(
    *, author: User, post: Post, body: str, parent: Comment | None = None
) -> Comment:
    """Comment on a published post, or reply to one of its comments. A plain repost
    shows its original's comments, so a comment sent to it goes to the original (kept
    on the repost, it was shown nowhere yet notified the reposter)."""
    author_may_write(author)
    body = comment_body_clean(body)
    post = Post.objects.select_related("author").filter(pk=post.pk).first()
    if post is not None and post.is_published and post.is_plain_repost:
        post = Post.objects.select_related("author").filter(pk=post.repost_of_id).first()
    if post is None or not post.is_published:
        raise ValidationError({"body": _("This post can no longer be commented on.")})
    parent, reply_to = _thread_parent(post, parent)
    comment = Comment.objects.create(
        author=author, post=post, parent=parent, reply_to=reply_to, body=body
    )
    Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1)
    _comment_notify(comment, post, reply_to)
    hooks.interaction_changed(post_id=post.pk, user_id=author.pk)
    return comment


def _comment_status(comment: Comment, source: str, target: str) -> Comment:
    """Move a locked comment from `source` to `target` and keep the post's count exact."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.status != source:
        return comment
    comment.status = target
    comment.save(update_fields=["status"])
    delta = 1 if target == Comment.Status.PUBLISHED else -1
    Post.objects.filter(pk=comment.post_id).update(comment_count=F("comment_count") + delta)
    hooks.interaction_changed(post_id=comment.post_id, user_id=comment.author_id)
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, actor: User) -> Comment:
    """The author takes a comment down; its replies stay, under a "deleted" line."""
    if actor.pk != comment.author_id:
        raise PermissionDenied(_("You can only delete your own comments."))
    return _comment_status(comment, Comment.Status.PUBLISHED, Comment.Status.DELETED)


@transaction.atomic
def comment_hide(*, comment: Comment, staff: User) -> Comment:
    """Staff hide a comment from everyone but its author."""
    if not may_moderate(staff):
        raise PermissionDenied(_("Hiding and restoring comments needs the moderation permission."))
    return _comment_status(comment, Comment.Status.PUBLISHED, Comment.Status.HIDDEN)


@transaction.atomic
def comment_restore(*, comment: Comment, staff: User) -> Comment:
    """Staff undo a hide; a comment its author deleted stays deleted."""
    if not may_moderate(staff):
        raise PermissionDenied(_("Hiding and restoring comments needs the moderation permission."))
    return _comment_status(comment, Comment.Status.HIDDEN, Comment.Status.PUBLISHED)
