"""Hashtag bookkeeping: link a post to its tags and keep each tag's post count exact.

Counts move by atomic `count = count ± 1` updates in the same transaction as the
change, which stays exact when many people post with one tag at the same moment.
"""

from django.db import connection
from django.db.models import F

from square import text
from square.models import Hashtag, Post, PostHashtag


def hashtags_bump(*, hashtag_ids, delta: int) -> None:
    """Add `delta` to the published-post count of each tag."""
    if hashtag_ids:
        Hashtag.objects.filter(pk__in=list(hashtag_ids)).update(post_count=F("post_count") + delta)


def _q(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _pg_attach_new(post: Post, displays: dict[str, str]) -> set[str]:
    """PostgreSQL, a new published post: its tags created (counting it) or counted, and
    linked, in one statement. Returns the keys done; a tag another transaction created
    after this statement began is not seen by its count, and is left to the caller."""
    values = ", ".join(["(%s, %s)"] * len(displays))
    sql = (
        f"WITH input(key, display) AS (VALUES {values}), "
        f"added AS (INSERT INTO {_q(Hashtag)} (key, display, post_count, created_at) "
        "SELECT key, display, 1, %s FROM input ON CONFLICT DO NOTHING RETURNING id, key), "
        f"counted AS (UPDATE {_q(Hashtag)} SET post_count = post_count + 1 "
        "WHERE key IN (SELECT key FROM input) RETURNING id, key), "
        "tags AS (SELECT * FROM added UNION ALL SELECT * FROM counted), "
        f"linked AS (INSERT INTO {_q(PostHashtag)} (post_id, hashtag_id, author_id, created_at) "
        "SELECT %s, id, %s, %s FROM tags) SELECT key FROM tags"
    )
    params = [v for pair in displays.items() for v in pair]
    params += [post.created_at, post.pk, post.author_id, post.created_at]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {key for (key,) in cursor.fetchall()}


def hashtags_attach(*, post: Post, created: bool = False) -> None:
    """Make the post's tag links match its body, in a constant number of queries (a
    `created` post has no links yet: they are not read; on PostgreSQL a new published
    post's tags take one statement)."""
    displays = text.hashtag_displays(post.body)
    fast = created and post.status == Post.Status.PUBLISHED and connection.vendor == "postgresql"
    if fast and displays:
        done = _pg_attach_new(post, displays)
        displays = {key: d for key, d in displays.items() if key not in done}
        if not displays:
            return
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
