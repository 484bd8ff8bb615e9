"""Notification writes. Every interaction service calls `notification_create` inside its
own transaction, so a like and its notice are committed (or rolled back) together."""

from django.db import transaction
from django.utils import timezone

from square.models import Comment, Notification, Post, User
from square.project.caching import cache_forget
from square.selectors.notifications import unread_key

STANDALONE_KINDS = {"mention", "reply", "quote"}


def _day() -> str:
    return timezone.localdate().isoformat()  # the UTC+8 day: groups reset at local midnight


def group_key_for(*, kind: str, post: Post | None = None, comment: Comment | None = None) -> str:
    """Events that read well together share a key: likes of one post on one day, etc.

    Mentions and replies stand alone (each says something different); other kinds
    group by what they are about and the day, so one popular post gives one line a day.
    """
    if kind in STANDALONE_KINDS:
        return f"{kind}:{timezone.now().timestamp()}:{comment.pk if comment else post.pk}"
    target = f"post:{post.pk}" if post is not None else "user"
    return f"{kind}:{target}:{_day()}"


def notification_create(
    *,
    recipient: User,
    kind: str,
    actor: User | None = None,
    post: Post | None = None,
    comment: Comment | None = None,
    group_key: str | None = None,
    data: dict | None = None,
) -> Notification | None:
    """Tell `recipient` about an event; nobody is told about their own actions."""
    if actor is not None and actor.pk == recipient.pk:
        return None
    unread_forget(user_id=recipient.pk)
    return Notification.objects.create(
        recipient=recipient,
        kind=kind,
        actor=actor,
        post=post,
        comment=comment,
        group_key=group_key or group_key_for(kind=kind, post=post, comment=comment),
        data=data or {},
    )


def notification_withdraw(
    *, kind: str, actor: User, recipient_id: int, post: Post | None = None
) -> None:
    """Take back the unread notice of an undone action (an unlike, an unfollow), so
    "alice liked your post" does not outlive alice's like."""
    Notification.objects.filter(
        recipient_id=recipient_id, kind=kind, actor=actor, post=post, read_at__isnull=True
    ).delete()
    unread_forget(user_id=recipient_id)


@transaction.atomic
def notifications_mark_read(*, user: User, upto: int | None = None) -> int:
    """Mark the member's unread notices read — those up to id `upto` (the newest their
    page showed: one that arrived since stays new), or all. Only a POST from the member
    calls this: a GET only shows, so no other site can read them with an image tag.
    Returns how many were marked."""
    unread_forget(user_id=user.pk)
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if upto is not None:
        unread = unread.filter(pk__lte=upto)
    return unread.update(read_at=timezone.now())


def unread_forget(*, user_id: int) -> None:
    """The member's unread badge is recounted on their next page: forgotten now, and
    again once this commits (a page counted in between saw the old count)."""
    cache_forget(unread_key(user_id))
