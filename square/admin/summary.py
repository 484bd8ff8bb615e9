"""The interactions block on a post's admin page: counts that link to the full,
filterable lists, and the latest few of each, so staff see a post's reactions at a
glance without an inline of thousands of rows."""

from django.template.loader import render_to_string
from django.urls import reverse

from square.models import Comment, Like, Post

LATEST = 10


def _changelist(model, **filters) -> str:
    url = reverse(f"admin:square_{model._meta.model_name}_changelist")
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    return f"{url}?{query}"


def _section(kind: str, count: int, url: str, rows: list) -> dict:
    return {"kind": kind, "count": count, "url": url, "rows": rows}


def _written_rows(items, admin_url: str) -> list[tuple]:
    """(author, when, text, change link) for comments and reposts, the latest first."""
    return [
        (x.author, x.created_at, x.body, reverse(admin_url, args=[x.pk])) for x in items[:LATEST]
    ]


def interactions_summary(post: Post) -> str:
    """Three small tables (likes, comments, reposts) for one post, 3 queries."""
    likes = Like.objects.filter(post=post).select_related("user").order_by("-created_at")
    comments = Comment.objects.filter(post=post).select_related("author").order_by("-created_at")
    reposts = Post.objects.filter(repost_of=post).select_related("author").order_by("-created_at")
    sections = [
        _section(
            "likes",
            post.like_count,
            _changelist(Like, post__id__exact=post.pk),
            [(x.user, x.created_at, "", None) for x in likes[:LATEST]],
        ),
        _section(
            "comments",
            post.comment_count,
            _changelist(Comment, post__id__exact=post.pk),
            _written_rows(comments, "admin:square_comment_change"),
        ),
        _section(
            "reposts",
            post.repost_count,
            _changelist(Post, repost_of__id__exact=post.pk),
            _written_rows(reposts, "admin:square_post_change"),
        ),
    ]
    context = {"post": post, "sections": sections}
    return render_to_string("admin/square/interactions.html", context)
