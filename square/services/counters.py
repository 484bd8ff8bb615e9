"""Rebuild every denormalised counter from the rows it counts.

The services keep counters exact as they go; this is the repair tool for when
something went around them (a manual SQL fix, a restored backup). One UPDATE per
counter, touching only the rows that are wrong.
"""

from django.db import transaction
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from square.models import Comment, Follow, Hashtag, Like, Post, PostHashtag, User

PUBLISHED = Post.Status.PUBLISHED


def _count_of(qs, field: str):
    """A correlated subquery counting the rows of `qs` whose `field` is the outer row."""
    counted = (
        qs.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


COUNTERS = [
    (Post, "like_count", Like.objects.all(), "post"),
    (Post, "comment_count", Comment.objects.published(), "post"),
    (Post, "repost_count", Post.objects.published(), "repost_of"),
    (User, "post_count", Post.objects.published(), "author"),
    (User, "follower_count", Follow.objects.all(), "followee"),
    (User, "following_count", Follow.objects.all(), "follower"),
    (Hashtag, "post_count", PostHashtag.objects.filter(post__status=PUBLISHED), "hashtag"),
]


@transaction.atomic
def counters_rebuild() -> dict[str, int]:
    """Recount everything; returns how many rows of each counter were wrong."""
    fixed = {}
    for model, field, rows, link in COUNTERS:
        true_count = _count_of(rows, link)
        wrong = model.objects.annotate(_true=true_count).filter(~Q(**{field: F("_true")}))
        fixed[f"{model._meta.model_name}.{field}"] = wrong.update(**{field: true_count})
    return fixed
