"""The near-duplicate check: index a post's text and flag it against earlier posts.

Runs inside the post write (create, edit, quote), before the campaign hook, so an
entry is judged with its flags and a post and its flags commit together. The index is
two tables, so every app server sees every committed post: `PostBand` (the LSH band
keys that find candidates) and `PostShingles` (each post's shingles as sorted 64-bit
hashes, so the candidates are compared without normalising their texts again).
"""

from contextlib import contextmanager
from contextvars import ContextVar

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from square import similarity
from square.models import DuplicateFlag, Post, PostBand, PostShingles
from square.selectors.integrity import (
    Source,
    duplicate_sources,
    duplicate_sources_query,
    pg_array,
)

Kind = DuplicateFlag.Kind
_deferred: ContextVar[bool] = ContextVar("duplicate_checks_deferred", default=False)
# A post gets at most one flag of each kind; when several sources match, the strongest
# (and no rewording flag beside a copy flag: one finding about someone else's post).
_SEVERITY = {similarity.COPY: 2, similarity.SPIN: 1}


def _indexable(post: Post) -> bool:
    return bool(post.body) and post.status != Post.Status.DELETED


def _text_time(post: Post):
    return post.edited_at or post.created_at


def _unit_values(post: Post) -> list[str]:
    return similarity.unit_values(post.body) if _indexable(post) else []


def _stored(post_id: int, body: str, hashes: np.ndarray) -> PostShingles:
    return PostShingles(
        post_id=post_id,
        version=similarity.SIGNATURE_VERSION,
        digest=similarity.text_digest(body),
        hashes=similarity.hashes_to_bytes(hashes),
    )


def _q(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _upsert_sql() -> str:
    return (
        f"INSERT INTO {_q(PostShingles)} (post_id, version, digest, hashes) "
        "VALUES (%s, %s, %s, %s) ON CONFLICT (post_id) DO UPDATE SET "
        "version = excluded.version, digest = excluded.digest, hashes = excluded.hashes"
    )


def _flags_sql() -> str:
    return f"SELECT source_id, id, status FROM {_q(DuplicateFlag)} WHERE post_id = %s"


def _existing_flags(post_id: int) -> dict[int, tuple[int, str]]:
    """{source id: (flag id, status)} of the post's flags."""
    with connection.cursor() as cursor:
        cursor.execute(_flags_sql(), [post_id])
        return {source_id: (pk, status) for source_id, pk, status in cursor.fetchall()}


def _pg_index_writes(post_id: int, keys: list[int], stored: PostShingles) -> tuple[str, list]:
    """PostgreSQL: WITH clauses replacing the post's band keys and stored shingles; the
    statement they start must follow."""
    bands = _q(PostBand)
    sql = (
        f"WITH gone AS (DELETE FROM {bands} WHERE post_id = %s), stored AS ({_upsert_sql()}), "
        f"added AS (INSERT INTO {bands} (post_id, key) SELECT %s, unnest(%s::bigint[])) "
    )
    params = [post_id, post_id, stored.version, stored.digest, stored.hashes, post_id]
    return sql, [*params, pg_array(keys)]


def _index_store(post_id: int, keys: list[int], stored: PostShingles) -> None:
    """Replace the post's band keys and stored shingles."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql, params = _pg_index_writes(post_id, keys, stored)
            cursor.execute(sql + "SELECT 1", params)
            return
        bands = _q(PostBand)
        cursor.execute(f"DELETE FROM {bands} WHERE post_id = %s", [post_id])
        values = ", ".join(["(%s, %s)"] * len(keys))
        pairs = [v for key in keys for v in (post_id, key)]
        cursor.execute(f"INSERT INTO {bands} (post_id, key) VALUES {values}", pairs)
        cursor.execute(_upsert_sql(), [post_id, stored.version, stored.digest, stored.hashes])


def _index_clear(post_id: int) -> dict[int, tuple[int, str]]:
    """Drop the post's index rows (its text is too short, or gone); returns its flags
    as `_existing_flags` — on PostgreSQL in the same statement."""
    bands, shingles = _q(PostBand), _q(PostShingles)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH gone AS (DELETE FROM {bands} WHERE post_id = %s), "
                f"also AS (DELETE FROM {shingles} WHERE post_id = %s) {_flags_sql()}",
                [post_id, post_id, post_id],
            )
            return {source_id: (pk, status) for source_id, pk, status in cursor.fetchall()}
        cursor.execute(f"DELETE FROM {bands} WHERE post_id = %s", [post_id])
        cursor.execute(f"DELETE FROM {shingles} WHERE post_id = %s", [post_id])
    return _existing_flags(post_id)


def _index_and_read(post: Post, keys: list[int], stored: PostShingles) -> tuple[list, dict]:
    """Store the post's index rows, then read the candidates that may be its sources
    and the post's flags (as `_existing_flags`). On PostgreSQL one statement, so one
    round trip inside every post write: its rows are the sources, then the flags
    (marked in a first column). Its reads do not see its writes, and need not: they
    leave the post's own index rows out."""
    read = {
        "keys": keys,
        "post_id": post.pk,
        "written_before": _text_time(post),
        "quoted_id": post.repost_of_id,
    }
    if connection.vendor != "postgresql":
        _index_store(post.pk, keys, stored)
        return duplicate_sources(**read), _existing_flags(post.pk)
    writes, params = _pg_index_writes(post.pk, keys, stored)
    sources, source_params = duplicate_sources_query(**read)
    sql = (
        f"{writes}SELECT 'source', src.* FROM ({sources}) AS src "
        f"UNION ALL SELECT 'flag', f.*, NULL, NULL, NULL FROM ({_flags_sql()}) AS f"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *source_params, post.pk])
        rows = cursor.fetchall()
    found = [Source(*row[1:]) for row in rows if row[0] == "source"]
    flags = {row[1]: (row[2], row[3]) for row in rows if row[0] == "flag"}
    return found, flags


def _source_hashes(source: Source) -> np.ndarray:
    """The source's stored shingles when they belong to its current text at this
    version; otherwise computed from the text (posts indexed before they were stored)."""
    if (
        source.hashes is not None
        and source.version == similarity.SIGNATURE_VERSION
        and source.digest == similarity.text_digest(source.body)
    ):
        return similarity.hashes_from_bytes(source.hashes)
    return similarity.shingle_hashes(similarity.unit_values(source.body))


def _kind(post: Post, author_id: int, level: str) -> str | None:
    if author_id == post.author_id:
        return Kind.SELF_REPEAT if level == similarity.COPY else None
    return Kind.COPY_OF_OTHER if level == similarity.COPY else Kind.SUSPECTED_SPIN


def _best_matches(post: Post, unit_count: int, hashes: np.ndarray, sources: list) -> dict:
    """{kind: (source id, Match)} over the candidates that are earlier, live, and not
    the post this one quotes (a repost or quote of a post is never a copy of it)."""
    best: dict = {}
    for source in sources:
        old = _source_hashes(source)
        shared = similarity.shared_count(hashes, old)
        match = similarity.verdict(unit_count, len(hashes), len(old), shared)
        kind = match.level and _kind(post, source.author_id, match.level)
        if not kind:
            continue
        rank = (_SEVERITY[match.level], max(match.jaccard, match.containment), -source.pk)
        if kind not in best or rank > best[kind][0]:
            best[kind] = (rank, source.pk, match)
    if Kind.COPY_OF_OTHER in best:  # a copy needs no second, weaker finding
        best.pop(Kind.SUSPECTED_SPIN, None)
    return {kind: (source_id, match) for kind, (_rank, source_id, match) in best.items()}


def _settle_flags(post: Post, found: dict, existing: dict) -> list[DuplicateFlag]:
    """Store the new findings; `existing` is {source id: (flag id, status)}. A decision
    staff already made on a source stands; a pending flag that no longer matches (the
    author rewrote the post) goes away."""
    keep = {source_id for source_id, _match in found.values()}
    pending = DuplicateFlag.Status.PENDING
    stale = [pk for s, (pk, status) in existing.items() if s not in keep and status == pending]
    if stale:
        DuplicateFlag.objects.filter(pk__in=stale).delete()
    flags = []
    for kind, (source_id, match) in found.items():
        values = {
            "kind": kind,
            "similarity": round(match.jaccard, 4),
            "containment": round(match.containment, 4),
        }
        if source_id not in existing:
            flags.append(DuplicateFlag.objects.create(post=post, source_id=source_id, **values))
            continue
        pk, status = existing[source_id]
        if status == pending:
            DuplicateFlag.objects.filter(pk=pk).update(**values, created_at=timezone.now())
        flags.append(DuplicateFlag.objects.get(pk=pk))
    return flags


@contextmanager
def duplicate_checks_deferred():
    """For imports (the demo seeder): posts written inside are neither checked nor
    indexed; the importer calls `duplicate_index_rebuild` afterwards, so imported
    history is indexed as the earlier text, not flagged against itself."""
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)


@transaction.atomic(savepoint=False)
def duplicate_check(*, post: Post) -> list[DuplicateFlag]:
    """(Re-)index `post`'s current text and flag it against earlier posts: a copy of
    someone else's, a suspected rewording, or a repeat of the author's own. Part of
    the post write that calls it: no savepoint of its own (two round trips fewer on
    every post), an error undoes the whole write."""
    if _deferred.get():
        return []
    values = _unit_values(post)
    if len(values) < similarity.MIN_UNITS:
        return _settle_flags(post, {}, _index_clear(post.pk))
    keys = sorted(set(similarity.band_keys(similarity.shingles_of(values))))
    hashes = similarity.shingle_hashes(values)
    sources, flags = _index_and_read(post, keys, _stored(post.pk, post.body, hashes))
    return _settle_flags(post, _best_matches(post, len(values), hashes, sources), flags)


@transaction.atomic
def duplicate_index_post(*, post: Post) -> int:
    """Write one post's band keys and stored shingles without flagging. Returns how
    many keys were written."""
    values = _unit_values(post)
    if len(values) < similarity.MIN_UNITS:
        _index_clear(post.pk)
        return 0
    keys = sorted(set(similarity.band_keys(similarity.shingles_of(values))))
    _index_store(post.pk, keys, _stored(post.pk, post.body, similarity.shingle_hashes(values)))
    return len(keys)


def _indexed_posts():
    return Post.objects.exclude(status=Post.Status.DELETED).exclude(body="").order_by("pk")


def _batches(batch_size: int):
    """The indexable posts as lists of (pk, body), by primary key."""
    last_pk = 0
    while True:
        chunk = list(_indexed_posts().filter(pk__gt=last_pk).values_list("pk", "body")[:batch_size])
        if not chunk:
            return
        yield chunk
        last_pk = chunk[-1][0]


def duplicate_index_rebuild(*, batch_size: int = 1000, progress=None) -> dict:
    """Rebuild the whole index — band keys and stored shingles — from the posts (after
    a signature change, or to repair), one transaction per batch so a long rebuild
    holds no long lock. Flags are kept. `progress(n)` is called after each batch with
    the number of posts done."""
    PostBand.objects.all().delete()
    PostShingles.objects.all().delete()
    done, written = 0, 0
    for chunk in _batches(batch_size):
        bands, stored = [], []
        for pk, body in chunk:
            values = similarity.unit_values(body)
            if len(values) >= similarity.MIN_UNITS:
                keys = set(similarity.band_keys(similarity.shingles_of(values)))
                bands += [PostBand(post_id=pk, key=key) for key in keys]
                stored.append(_stored(pk, body, similarity.shingle_hashes(values)))
        with transaction.atomic():
            PostBand.objects.bulk_create(bands, batch_size=5000)
            PostShingles.objects.bulk_create(stored, batch_size=500)
        done, written = done + len(chunk), written + len(bands)
        if progress:
            progress(len(chunk))
    return {"posts": done, "keys": written}


def duplicate_shingles_fill(*, batch_size: int = 1000, progress=None) -> dict:
    """Store the shingles of the posts long enough to be indexed that have none, or
    none for their current text and version, leaving the band keys as they are: after
    an upgrade, much cheaper than a rebuild. `progress(n)` as for the rebuild."""
    done, filled = 0, 0
    for chunk in _batches(batch_size):
        current = dict(
            PostShingles.objects.filter(
                post_id__in=[pk for pk, _body in chunk], version=similarity.SIGNATURE_VERSION
            ).values_list("post_id", "digest")
        )
        stored = []
        for pk, body in chunk:
            if current.get(pk) == similarity.text_digest(body):
                continue
            values = similarity.unit_values(body)
            if len(values) >= similarity.MIN_UNITS:
                stored.append(_stored(pk, body, similarity.shingle_hashes(values)))
        with transaction.atomic():
            PostShingles.objects.bulk_create(
                stored,
                batch_size=500,
                update_conflicts=True,
                unique_fields=["post"],
                update_fields=["version", "digest", "hashes"],
            )
        done, filled = done + len(chunk), filled + len(stored)
        if progress:
            progress(len(chunk))
    return {"posts": done, "filled": filled}
