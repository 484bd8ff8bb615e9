"""The near-duplicate check: index a post's text and flag it against earlier posts.

Runs inside the post write (create, edit, quote), before the campaign hook, so an
entry is judged with its flags and a post and its flags commit together. The index is
a table (`PostBand`), so every app server sees every committed post.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.utils import timezone

from square import similarity
from square.models import DuplicateFlag, Post, PostBand
from square.selectors.integrity import duplicate_candidates

Kind = DuplicateFlag.Kind
_deferred: ContextVar[bool] = ContextVar("duplicate_checks_deferred", default=False)
# A post gets at most one flag of each kind; when several sources match, the strongest
# (and no rewording flag beside a copy flag: one finding about someone else's post).
_SEVERITY = {similarity.COPY: 2, similarity.SPIN: 1}


def _indexable(post: Post) -> bool:
    return bool(post.body) and post.status != Post.Status.DELETED


def _text_time(post: Post):
    return post.edited_at or post.created_at


def _signature(post: Post) -> tuple[int, set[str]]:
    units = [u.value for u in similarity.units(post.body)]
    return len(units), similarity.shingles_of(units)


def _kind(post: Post, source: Post, level: str) -> str | None:
    if source.author_id == post.author_id:
        return Kind.SELF_REPEAT if level == similarity.COPY else None
    return Kind.COPY_OF_OTHER if level == similarity.COPY else Kind.SUSPECTED_SPIN


def _best_matches(post: Post, unit_count: int, shingle_set: set, keys: list[int]) -> dict:
    """{kind: (source, Match)} over the candidates that are earlier, live, and not the
    post this one quotes (a repost or quote of a post is never a copy of it)."""
    ids = [pk for pk, _shared in duplicate_candidates(keys=keys, exclude_post_id=post.pk)]
    sources = (
        Post.objects.filter(pk__in=ids, created_at__lt=_text_time(post))
        .exclude(status=Post.Status.DELETED)
        .exclude(pk=post.repost_of_id or 0)
        .only("pk", "author_id", "body", "created_at")
    )
    best: dict = {}
    for source in sources:
        match = similarity.compare(unit_count, shingle_set, similarity.shingles(source.body))
        kind = match.level and _kind(post, source, match.level)
        if not kind:
            continue
        rank = (_SEVERITY[match.level], max(match.jaccard, match.containment), -source.pk)
        if kind not in best or rank > best[kind][0]:
            best[kind] = (rank, source, match)
    if Kind.COPY_OF_OTHER in best:  # a copy needs no second, weaker finding
        best.pop(Kind.SUSPECTED_SPIN, None)
    return {kind: (source, match) for kind, (_rank, source, match) in best.items()}


def _settle_flags(post: Post, found: dict) -> list[DuplicateFlag]:
    """Store the new findings. A decision staff already made on a source stands; a
    pending flag that no longer matches (the author rewrote the post) goes away."""
    existing = {f.source_id: f for f in DuplicateFlag.objects.filter(post=post)}
    keep = {source.pk for source, _match in found.values()}
    stale = [f.pk for s, f in existing.items() if s not in keep and f.status == "pending"]
    DuplicateFlag.objects.filter(pk__in=stale).delete()
    flags = []
    for kind, (source, match) in found.items():
        values = {
            "kind": kind,
            "similarity": round(match.jaccard, 4),
            "containment": round(match.containment, 4),
        }
        flag = existing.get(source.pk)
        if flag is None:
            flag = DuplicateFlag.objects.create(post=post, source=source, **values)
        elif flag.status == DuplicateFlag.Status.PENDING:
            DuplicateFlag.objects.filter(pk=flag.pk).update(**values, created_at=timezone.now())
        flags.append(flag)
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


@transaction.atomic
def duplicate_check(*, post: Post) -> list[DuplicateFlag]:
    """(Re-)index `post`'s current text and flag it against earlier posts: a copy of
    someone else's, a suspected rewording, or a repeat of the author's own."""
    if _deferred.get():
        return []
    PostBand.objects.filter(post=post).delete()
    if not _indexable(post):
        return _settle_flags(post, {})
    unit_count, shingle_set = _signature(post)
    if unit_count < similarity.MIN_UNITS:
        return _settle_flags(post, {})
    keys = similarity.band_keys(shingle_set)
    PostBand.objects.bulk_create([PostBand(post=post, key=key) for key in set(keys)])
    return _settle_flags(post, _best_matches(post, unit_count, shingle_set, keys))


def duplicate_index_post(*, post: Post) -> int:
    """Write one post's band keys without flagging (the rebuild command). Returns how
    many keys were written."""
    PostBand.objects.filter(post=post).delete()
    if not _indexable(post):
        return 0
    unit_count, shingle_set = _signature(post)
    if unit_count < similarity.MIN_UNITS:
        return 0
    keys = set(similarity.band_keys(shingle_set))
    PostBand.objects.bulk_create([PostBand(post=post, key=key) for key in keys])
    return len(keys)


def duplicate_index_rebuild(*, batch_size: int = 1000, progress=None) -> dict:
    """Rebuild the whole index from the posts (after a signature change, or to repair),
    one transaction per batch so a long rebuild holds no long lock. Flags are kept.
    `progress(n)` is called after each batch with the number of posts done."""
    PostBand.objects.all().delete()
    posts = Post.objects.exclude(status=Post.Status.DELETED).exclude(body="").order_by("pk")
    last_pk, done, written = 0, 0, 0
    while True:
        chunk = list(posts.filter(pk__gt=last_pk).only("pk", "body", "status")[:batch_size])
        if not chunk:
            break
        rows = []
        for post in chunk:
            unit_count, shingle_set = _signature(post)
            if unit_count >= similarity.MIN_UNITS:
                keys = set(similarity.band_keys(shingle_set))
                rows += [PostBand(post_id=post.pk, key=key) for key in keys]
        with transaction.atomic():
            PostBand.objects.bulk_create(rows, batch_size=5000)
        last_pk, done, written = chunk[-1].pk, done + len(chunk), written + len(rows)
        if progress:
            progress(len(chunk))
    return {"posts": done, "keys": written}
