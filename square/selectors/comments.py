"""Comments under a post: top-level comments oldest first, each with its first replies."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from square.models import Comment, Post
from square.pagination import cursor_encode
from square.selectors.feeds import fetch_mode

REPLIES_SHOWN = 3


def _replies() -> QuerySet:
    return (
        Comment.objects.published()
        .select_related("author", "reply_to")
        .order_by("created_at", "id")
        .fetch_mode(fetch_mode())
    )


def post_comments(*, post: Post) -> QuerySet:
    """A post's top-level comments with their author, reply count and first replies.

    A deleted or hidden comment stays in the list (as a placeholder) only while it has
    published replies, so a conversation never loses its first line silently.
    The page costs 2 queries whatever its size: comments, then all their shown replies.
    """
    published_replies = Comment.objects.published().filter(parent=OuterRef("pk"))
    reply_count = published_replies.order_by().values("parent").annotate(n=Count("pk")).values("n")
    return (
        Comment.objects.filter(post=post, parent__isnull=True)
        .filter(Q(status=Comment.Status.PUBLISHED) | Exists(published_replies))
        .select_related("author")
        .annotate(reply_count=Coalesce(Subquery(reply_count), 0))
        .prefetch_related(
            Prefetch("replies", queryset=_replies()[:REPLIES_SHOWN], to_attr="first_replies")
        )
        .fetch_mode(fetch_mode())
    )


def comment_thread(*, comment: Comment) -> QuerySet:
    """Every published reply to one top-level comment, oldest first."""
    return _replies().filter(parent=comment)


def comment_location(*, comment: Comment, page_size: int) -> str:
    """Where a comment can be seen: on the post page if it is among the first page of
    comments (and, for a reply, among its thread's first replies), otherwise on a page
    that starts at it: the thread page for a reply, a later comment page for a comment."""
    post_url = reverse("post_detail", kwargs={"pk": comment.post_id})
    anchor = f"#comment-{comment.pk}"
    if comment.parent_id is not None:
        earlier_replies = _replies().filter(parent_id=comment.parent_id, pk__lt=comment.pk)
        if earlier_replies.count() < REPLIES_SHOWN:
            return comment_location(comment=comment.parent, page_size=page_size) + anchor
        return reverse("comment_thread", kwargs={"pk": comment.parent_id}) + anchor
    shown_before = post_comments(post=comment.post).filter(
        Q(created_at__lt=comment.created_at) | Q(created_at=comment.created_at, pk__lt=comment.pk)
    )
    if shown_before.count() < page_size:
        return post_url + anchor
    just_before = cursor_encode(comment.created_at, comment.pk - 1)
    return f"{post_url}?cursor={just_before}{anchor}"
