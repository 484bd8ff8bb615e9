"""Keeping the search index (`square.models.PostSearch`) in step with the posts: every
post write calls `search_index_update` inside its own transaction, so a post is
findable the moment it commits and gone the moment it is deleted or hidden."""

from collections.abc import Callable

from django.db import transaction

from square import search
from square.models import Post, PostSearch

_FIELDS = ["author", "created_at", "terms", "norm"]


def _row(post: Post) -> PostSearch | None:
    """The post's row, or None when search must not find it (not published, a plain
    repost, no letters or digits)."""
    if post.status != Post.Status.PUBLISHED or not post.body:
        return None
    found = search.cut(post.body)
    if not found.terms:
        return None
    return PostSearch(
        post_id=post.pk, author_id=post.author_id, created_at=post.created_at,
        terms=sorted(found.terms), norm=found.norm,
    )  # fmt: skip


def _upsert(rows: list[PostSearch]) -> None:
    PostSearch.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["post"], update_fields=_FIELDS
    )


# Inside the post write it joins that transaction: no savepoint round trips.
@transaction.atomic(savepoint=False)
def search_index_update(*, post: Post) -> None:
    """One statement: the post's row written (or replaced), or taken out."""
    row = _row(post)
    if row is None:
        PostSearch.objects.filter(post_id=post.pk).delete()
    else:
        _upsert([row])


def search_index_rebuild(
    *, batch: int = 2000, progress: Callable[[int], None] | None = None
) -> int:
    """Rewrite the whole index from the posts, in batches of `batch` posts, each batch
    its own transaction; rows of posts search must not find are removed. Returns the
    number of rows written. `progress` is called with each batch's size."""
    written, last = 0, 0
    posts = Post.objects.order_by("pk").only("pk", "author", "created_at", "status", "body")
    while chunk := list(posts.filter(pk__gt=last)[:batch]):
        last = chunk[-1].pk
        rows = [row for post in chunk if (row := _row(post)) is not None]
        with transaction.atomic():
            kept = {row.post_id for row in rows}
            gone = [p.pk for p in chunk if p.pk not in kept]
            PostSearch.objects.filter(post_id__in=gone).delete()
            _upsert(rows)
        written += len(rows)
        if progress is not None:
            progress(len(chunk))
    return written
