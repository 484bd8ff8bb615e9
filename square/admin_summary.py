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


def interactions_summary(post: Post) -> str:
    """Three small tables (likes, comments, reposts) for one post, 3 queries."""
    likes = Like.objects.filter(post=post).select_related("user").order_by("-created_at")
    comments = Comment.objects.filter(post=post).select_related("author").order_by("-created_at")
    reposts = Post.objects.filter(repost_of=post).select_related("author").order_by("-created_at")
    context = {
        "post": post,
        "sections": [
            {
                "kind": "likes",
                "count": post.like_count,
                "url": _changelist(Like, post__id__exact=post.pk),
                "rows": [(x.user, x.created_at, "", None) for x in likes[:LATEST]],
            },
            {
                "kind": "comments",
                "count": post.comment_count,
                "url": _changelist(Comment, post__id__exact=post.pk),
                "rows": [
                    (
                        x.author,
                        x.created_at,
                        x.body,
                        reverse("admin:square_comment_change", args=[x.pk]),
                    )
                    for x in comments[:LATEST]
                ],
            },
            {
                "kind": "reposts",
                "count": post.repost_count,
                "url": _changelist(Post, repost_of__id__exact=post.pk),
                "rows": [
                    (
                        x.author,
                        x.created_at,
                        x.body,
                        reverse("admin:square_post_change", args=[x.pk]),
                    )
                    for x in reposts[:LATEST]
                ],
            },
        ],
    }
    return render_to_string("admin/square/interactions.html", context)
