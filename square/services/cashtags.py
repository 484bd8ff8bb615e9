"""Cashtag bookkeeping: a published post's links to the tokens it names, and each
token's count of published posts, kept exact in the post's own transaction (called
from `hooks.post_changed`, which every post write calls)."""

from django.db import transaction
from django.db.models import F

from square import text
from square.models import Cashtag, Post, PostCashtag


def _wanted(post: Post) -> list[str]:
    """The symbols the post should be linked to: its cashtags while it is published."""
    if post.status != Post.Status.PUBLISHED or not post.body:
        return []
    return text.cashtags(post.body)


# Inside the post write it joins that transaction: no savepoint round trips.
@transaction.atomic(savepoint=False)
def cashtags_sync(*, post: Post) -> None:
    """Make the post's cashtag links match its text and status, moving each token's
    count by the links added and removed (one query when nothing changes; none for a
    post whose text never held a cashtag: links only ever come from the text)."""
    if post.edited_at is None and not text.cashtags(post.body or ""):
        return
    symbols = _wanted(post)
    current = dict(
        PostCashtag.objects.filter(post_id=post.pk).values_list("cashtag__symbol", "cashtag_id")
    )
    if not symbols and not current:
        return
    Cashtag.objects.bulk_create(
        [Cashtag(symbol=s, created_at=post.created_at) for s in symbols if s not in current],
        ignore_conflicts=True,
    )
    added = Cashtag.objects.filter(symbol__in=[s for s in symbols if s not in current])
    added_ids = list(added.values_list("pk", flat=True))
    removed_ids = [pk for symbol, pk in current.items() if symbol not in symbols]
    if removed_ids:
        PostCashtag.objects.filter(post_id=post.pk, cashtag_id__in=removed_ids).delete()
        Cashtag.objects.filter(pk__in=removed_ids).update(post_count=F("post_count") - 1)
    if added_ids:
        PostCashtag.objects.bulk_create(
            PostCashtag(post_id=post.pk, cashtag_id=pk, author_id=post.author_id,
                        created_at=post.created_at)
            for pk in added_ids
        )  # fmt: skip
        Cashtag.objects.filter(pk__in=added_ids).update(post_count=F("post_count") + 1)


def cashtags_rebuild() -> int:
    """Relink every post and recount every token (after an import); the links written."""
    with transaction.atomic():
        PostCashtag.objects.all().delete()
        Cashtag.objects.update(post_count=0)
    written = 0
    posts = Post.objects.published().exclude(body="").only("pk", "author", "created_at", "body")
    for post in posts.filter(body__contains="$").iterator(chunk_size=2000):
        if text.cashtags(post.body):
            cashtags_sync(post=post)
            written += 1
    return written
