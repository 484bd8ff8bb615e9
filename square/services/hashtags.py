"""Hashtag bookkeeping: link a post to its tags and keep each tag's post count exact.

Counts move by atomic `count = count ± 1` updates in the same transaction as the
change, which stays exact when many people post with one tag at the same moment.
"""

from django.db.models import F

from square import text
from square.models import Hashtag, Post, PostHashtag


def hashtags_bump(*, hashtag_ids, delta: int) -> None:
    """Add `delta` to the published-post count of each tag."""
    if hashtag_ids:
        Hashtag.objects.filter(pk__in=list(hashtag_ids)).update(post_count=F("post_count") + delta)


def hashtags_attach(*, post: Post, created: bool = False) -> None:
    """Make the post's tag links match its body, in a constant number of queries (a
    `created` post has no links yet: they are not read)."""
    displays = text.hashtag_displays(post.body)
    Hashtag.objects.bulk_create(
        [
            Hashtag(key=key, display=display, created_at=post.created_at)
            for key, display in displays.items()
        ],
        ignore_conflicts=True,
    )
    wanted = set(Hashtag.objects.filter(key__in=displays).values_list("pk", flat=True))
    current = set() if created else set(post.tag_links.values_list("hashtag_id", flat=True))
    removed, added = current - wanted, wanted - current
    if removed:
        post.tag_links.filter(hashtag_id__in=removed).delete()
    PostHashtag.objects.bulk_create(
        [
            PostHashtag(
                post=post, hashtag_id=pk, author_id=post.author_id, created_at=post.created_at
            )
            for pk in added
        ]
    )
    if post.status == Post.Status.PUBLISHED:
        hashtags_bump(hashtag_ids=added, delta=1)
        hashtags_bump(hashtag_ids=removed, delta=-1)
