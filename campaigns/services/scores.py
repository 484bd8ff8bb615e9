"""The live leaderboard's rows, kept in the same transaction as each change they
depend on (called from `campaigns.hooks`): a like, comment or repost rewrites one
(author, interactor) pair and the author's `Score`; an entry change rewrites all of
the author's pairs; a ban or unban rewrites the person's pairs on both sides.

Each rewrite runs the ranking's own SQL (`campaigns.selectors.ranking`: `valid_sql`,
`acts_sql`, `scored_sql`) narrowed by a `Scope` to indexed lookups, so there is one
definition of the rules; `score_rows_rebuild` runs it unnarrowed, and the
`campaign_leaderboard_rebuild --check` command compares the rows with
`ranking_compute`, the audit the close also runs.

Writers of one author's rows take a transaction-scoped lock on that author first
(PostgreSQL; SQLite has one writer at a time), so two likes of the same author's posts
committing at once cannot each leave a sum that misses the other.
"""

from django.db import connection, transaction
from django.db.models import Q

from campaigns.models import Campaign, Entry, Score, ScorePair
from campaigns.selectors.ranking import (
    FULL,
    PAIRS_FROM_ACTS,
    Scope,
    acts_sql,
    in_transaction,
    ranking_until,
    scored_sql,
    stored_pairs_sql,
    valid_as,
    valid_sql,
    whole_campaign_prepare,
)
from square.models import Comment, Like, Post

LOCK_NAMESPACE = 0x5C0E  # pg_advisory_xact_lock(namespace, author id)
CHUNK = 500  # ids per IN (…) list
PAIR_COLUMNS = "campaign_id, author_id, interactor_id, likes, comments, reposts"
SCORE_COLUMNS = (
    "campaign_id, user_id, posts, likes, comments, reposts, points, score, first_entry_at"
)


def _chunks(ids) -> list[tuple[int, ...]]:
    ids = sorted(set(ids))
    return [tuple(ids[i : i + CHUNK]) for i in range(0, len(ids), CHUNK)]


def _update_set(columns: str, key: tuple[str, ...]) -> str:
    names = [c.strip() for c in columns.split(",") if c.strip() not in key]
    return ", ".join(f"{n} = excluded.{n}" for n in names)


def _authors_lock(author_ids: tuple[int, ...]) -> None:
    """Serialise writers of these authors' rows until the transaction ends (in id
    order, so two writers of several authors cannot deadlock)."""
    if connection.vendor != "postgresql" or not author_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, a) FROM unnest(%s::int[]) a ORDER BY a",
            [LOCK_NAMESPACE, list(author_ids)],
        )


def _pairs_write(campaign: Campaign, scope: Scope, until) -> None:
    """Replace the pair rows in `scope` by what the acts give now."""
    rows = ScorePair.objects.filter(campaign=campaign)
    if scope.authors is not None:
        rows = rows.filter(author_id__in=scope.authors)
    if scope.interactors is not None:
        rows = rows.filter(interactor_id__in=scope.interactors)
    rows._raw_delete(rows.db)  # no signals, no cascades: one DELETE
    valid, v_params = valid_sql(campaign, scope)
    acts, a_params = acts_sql(campaign, scope, until)
    sql = f"""
    INSERT INTO {ScorePair._meta.db_table} ({PAIR_COLUMNS})
    WITH {valid_as()} ({valid}), acts AS ({acts}), pairs AS ({PAIRS_FROM_ACTS})
    SELECT %s, author_id, who, l, c, r FROM pairs WHERE 1 = 1
    ON CONFLICT (campaign_id, author_id, interactor_id)
    DO UPDATE SET {_update_set(PAIR_COLUMNS, ("campaign_id", "author_id", "interactor_id"))}
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, v_params + a_params + [campaign.pk])


def _scores_write(campaign: Campaign, scope: Scope) -> None:
    """Replace the Score rows of `scope.authors` (None: all) from their pair rows."""
    rows = Score.objects.filter(campaign=campaign)
    if scope.authors is not None:
        rows = rows.filter(user_id__in=scope.authors)
    rows._raw_delete(rows.db)
    valid, v_params = valid_sql(campaign, scope)
    pairs, p_params = stored_pairs_sql(campaign, scope)
    scored, s_params = scored_sql(campaign)
    sql = f"""
    INSERT INTO {Score._meta.db_table} ({SCORE_COLUMNS})
    WITH {valid_as()} ({valid}), pairs AS ({pairs}), {scored}
    SELECT %s, author_id, p, l, c, r, i, %s * p + i, first_at FROM scored WHERE 1 = 1
    ON CONFLICT (campaign_id, user_id) DO UPDATE SET
    {_update_set(SCORE_COLUMNS, ("campaign_id", "user_id"))}
    """
    params = v_params + p_params + s_params + [campaign.pk, campaign.w_posts]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def score_rows_update(*, campaign: Campaign, authors, interactors=None) -> None:
    """Recompute these authors' pairs — with every interactor, or only with
    `interactors` — and then their Score rows, as of now."""
    until = ranking_until(campaign)
    who = None if interactors is None else tuple(sorted(set(interactors)))
    with in_transaction():
        for chunk in _chunks(authors):
            _authors_lock(chunk)
            if who != ():  # no interactor named: only P and the first entry can move
                _pairs_write(campaign, Scope(authors=chunk, interactors=who), until)
            _scores_write(campaign, Scope(authors=chunk))


@transaction.atomic
def score_rows_rebuild(*, campaign: Campaign) -> int:
    """Every pair and Score row of the campaign from scratch (after a change of its
    scoring rules, on an empty table, or to repair). Returns the rows on the board."""
    with connection.cursor() as cursor:
        whole_campaign_prepare(cursor)
    _pairs_write(campaign, FULL, ranking_until(campaign))
    _scores_write(campaign, FULL)
    return Score.objects.filter(campaign=campaign).count()


def _live_entries(post_ids) -> list[Entry]:
    """The valid entries of these posts in campaigns still open (their board moves)."""
    entries = Entry.objects.filter(post_id__in=post_ids, valid=True)
    entries = entries.filter(campaign__status=Campaign.Status.SCHEDULED)
    return list(entries.select_related("campaign"))


def score_rows_interaction(*, post_id: int, user_id: int | None) -> None:
    """A like, comment or repost of `post_id` by `user_id` was added or taken back:
    the (author, user) pair in each open campaign the post is a valid entry of. Without
    `user_id`, every pair of the author."""
    for entry in _live_entries([post_id]):
        interactors = None if user_id is None else [user_id]
        score_rows_update(
            campaign=entry.campaign, authors=[entry.author_id], interactors=interactors
        )


def score_rows_entry(*, campaign: Campaign, author_id: int, post_id: int) -> None:
    """One of the author's entries was written or re-judged: only the pairs of those
    who acted on that post can move (none, for a new post), and the author's row."""
    likers = Like.objects.filter(post_id=post_id).values_list("user_id")
    commenters = Comment.objects.filter(post_id=post_id).values_list("author_id")
    reposters = Post.objects.filter(repost_of_id=post_id).values_list("author_id")
    who = {i for (i,) in likers.union(commenters, reposters)} - {author_id}
    score_rows_update(campaign=campaign, authors=[author_id], interactors=who)


def _authors_reached(campaign: Campaign, user_id: int) -> set[int]:
    """Everyone whose entries in the campaign `user_id` liked, commented on or reposted
    (whatever their standing now): a superset of the authors their pair rows name."""
    posts = Like.objects.filter(user_id=user_id).values("post_id")
    comments = Comment.objects.filter(author_id=user_id).values("post_id")
    reposts = Post.objects.filter(author_id=user_id, repost_of__isnull=False)
    reached = Entry.objects.filter(campaign=campaign).filter(
        Q(post_id__in=posts) | Q(post_id__in=comments)
        | Q(post_id__in=reposts.values("repost_of_id"))
    )  # fmt: skip
    return set(reached.values_list("author_id", flat=True).distinct())


@transaction.atomic
def score_rows_person(*, user_id: int) -> None:
    """A person's standing changed (banned, unbanned, deactivated, staff): their own
    row, and what their acts give every author they reached, in each open campaign."""
    for campaign in Campaign.objects.accepting_entries():
        reached = _authors_reached(campaign, user_id) - {user_id}
        _authors_lock(tuple(sorted(reached | {user_id})))  # all at once, in order
        score_rows_update(campaign=campaign, authors=[user_id])
        if reached:
            score_rows_update(campaign=campaign, authors=reached, interactors=[user_id])
