"""The popularity ranking, computed by the database in one statement.

Per author, over their valid entries, counting only what happened up to the end:
- P = valid entries, at most `posts_cap`;
- from each other person ("interactor") who is active, not banned, and whose account
  was at least `min_interactor_age_hours` old when they acted: likes on those posts (L), distinct
  (commenter, post) pairs (C) and distinct (reposter, post) pairs (R);
- I = Σ over interactors of min(interactor_cap, w_like·l + w_comment·c + w_repost·r),
  so one friend cannot carry anyone;
- score = w_posts·P + I; ties go to the higher I, then the earlier first valid entry,
  then the lower user id.

`ranking_compute` is the full computation (the close freezes it; the
`campaign_leaderboard_rebuild --check` command audits the live rows against it). Its
SQL pieces (`valid_sql`, `acts_sql`, `scored_sql`) also keep the live Score rows,
narrowed by a `Scope`, so the rules are written once. The pages read those rows
(`board_cached`, `live_standing`).
"""

import contextlib
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from campaigns.models import Campaign, Entry, Score, ScorePair
from square.models import Comment, Like, Post, User
from square.project.caching import cache_get, cache_set_many

BOARD_ORDER = ("-score", "-points", "first_entry_at", "user_id")

LIVE_CACHE_SECONDS = 60
WHOLE_CAMPAIGN_WORK_MEM = "128MB"


@dataclass(frozen=True)
class Standing:
    rank: int
    user_id: int
    posts: int  # P
    likes: int  # L
    comments: int  # C
    reposts: int  # R
    points: int  # I
    score: int
    first_entry_at: datetime


@dataclass(frozen=True)
class Scope:
    """The part of the ranking a statement covers: these authors' entries (None: every
    author's) and the acts of these interactors (None: everyone's). The live rows
    (`campaigns.services.scores`) recompute one like's pair with the same SQL the full
    ranking runs, narrowed to indexed lookups."""

    authors: tuple[int, ...] | None = None
    interactors: tuple[int, ...] | None = None


FULL = Scope()


def _tables() -> dict:
    return {
        "entry": Entry._meta.db_table,
        "user": User._meta.db_table,
        "like": Like._meta.db_table,
        "comment": Comment._meta.db_table,
        "post": Post._meta.db_table,
        "pair": ScorePair._meta.db_table,
    }


def _in(column: str, ids) -> tuple[str, list]:
    """`AND column IN (…)` for a scope's ids, or nothing when unscoped."""
    if ids is None:
        return "", []
    return f"AND {column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def _old_enough(joined: str, acted: str) -> str:
    """SQL: the account was at least %s hours old when it acted, exact to the
    microsecond (PostgreSQL interval math; on SQLite Django's own registered
    `django_timestamp_diff`, which returns whole microseconds — julianday() would round
    to milliseconds)."""
    if connection.vendor == "postgresql":
        return f"{joined} <= {acted} - make_interval(hours => %s)"
    return f"django_timestamp_diff({acted}, {joined}) >= %s * 3600000000"


def valid_sql(campaign: Campaign, scope: Scope) -> tuple[str, list]:
    """The `valid` rows (post, author, posted_at): valid entries of authors who are
    active, not banned and — when the campaign says so — not staff."""
    t = _tables()
    staff = "AND u.is_staff = %s" if campaign.exclude_staff else ""
    authors, ids = _in("e.author_id", scope.authors)
    sql = f"""
        SELECT e.post_id, e.author_id, e.posted_at
          FROM {t["entry"]} e JOIN {t["user"]} u ON u.id = e.author_id
         WHERE e.campaign_id = %s AND e.valid = %s AND u.is_active = %s
           AND u.banned_at IS NULL {staff} {authors}"""
    return sql, [campaign.pk, True, True] + ([False] if campaign.exclude_staff else []) + ids


def acts_sql(campaign: Campaign, scope: Scope, until) -> tuple[str, list]:
    """One row per (author, interactor, act) from eligible interactors on `valid`; the
    comment and repost arms are made distinct per (person, post) first. A scope adds
    indexed filters (who acted; which posts) and changes nothing else."""
    t, hours = _tables(), campaign.min_interactor_age_hours
    ok = _old_enough("i.date_joined", "{at}")
    liker, l_ids = _in("l.user_id", scope.interactors)
    commenter, c_ids = _in("c.author_id", scope.interactors)
    reposter, r_ids = _in("p.author_id", scope.interactors)
    mine = scope.authors is not None
    c_post = "AND c.post_id IN (SELECT post_id FROM valid)" if mine else ""
    r_post = "AND p.repost_of_id IN (SELECT post_id FROM valid)" if mine else ""
    sql = f"""
    SELECT v.author_id, l.user_id AS who, 1 AS l, 0 AS c, 0 AS r
      FROM {t["like"]} l JOIN valid v ON v.post_id = l.post_id
      JOIN {t["user"]} i ON i.id = l.user_id
     WHERE l.user_id <> v.author_id AND i.is_active = %s AND i.banned_at IS NULL
       AND l.created_at <= %s AND {ok.format(at="l.created_at")} {liker}
    UNION ALL
    SELECT v.author_id, cm.who, 0, 1, 0 FROM (
        SELECT DISTINCT c.post_id, c.author_id AS who
          FROM {t["comment"]} c JOIN {t["user"]} i ON i.id = c.author_id
         WHERE c.status = %s AND i.is_active = %s AND i.banned_at IS NULL
           AND c.created_at <= %s AND {ok.format(at="c.created_at")} {commenter} {c_post}
    ) cm JOIN valid v ON v.post_id = cm.post_id WHERE cm.who <> v.author_id
    UNION ALL
    SELECT v.author_id, rp.who, 0, 0, 1 FROM (
        SELECT DISTINCT p.repost_of_id AS post_id, p.author_id AS who
          FROM {t["post"]} p JOIN {t["user"]} i ON i.id = p.author_id
         WHERE p.repost_of_id IS NOT NULL AND p.status = %s
           AND i.is_active = %s AND i.banned_at IS NULL
           AND p.created_at <= %s AND {ok.format(at="p.created_at")} {reposter} {r_post}
    ) rp JOIN valid v ON v.post_id = rp.post_id WHERE rp.who <> v.author_id
    """
    params = [True, until, hours, *l_ids]
    params += [Comment.Status.PUBLISHED, True, until, hours, *c_ids]
    params += [Post.Status.PUBLISHED, True, until, hours, *r_ids]
    return sql, params


def valid_as() -> str:
    """`valid AS`, inlined where it is used on PostgreSQL: a materialised CTE is
    estimated blind, and at 1M posts that drew merge joins over every like sorted by
    post (28 s where the inlined form takes 10 under the same load)."""
    return "valid AS NOT MATERIALIZED" if connection.vendor == "postgresql" else "valid AS"


PAIRS_FROM_ACTS = """
    SELECT author_id, who, SUM(l) AS l, SUM(c) AS c, SUM(r) AS r FROM acts GROUP BY author_id, who
"""


def stored_pairs_sql(campaign: Campaign, scope: Scope) -> tuple[str, list]:
    """The same (author, who, l, c, r) rows, read from the live pair rows."""
    authors, ids = _in("author_id", scope.authors)
    sql = f"""
    SELECT author_id, interactor_id AS who, likes AS l, comments AS c, reposts AS r
      FROM {_tables()["pair"]} WHERE campaign_id = %s {authors}"""
    return sql, [campaign.pk, *ids]


def scored_sql(campaign: Campaign) -> tuple[str, list]:
    """From `valid` and `pairs`: per_author (I = Σ min(cap, weighted acts)), counted
    (P and the first valid entry) and scored — the rules after the acts, in one place."""
    sql = """
    per_author AS (
        SELECT author_id, SUM(l) AS l, SUM(c) AS c, SUM(r) AS r,
               SUM(CASE WHEN raw > %s THEN %s ELSE raw END) AS pts
          FROM (SELECT author_id, l, c, r, %s * l + %s * c + %s * r AS raw FROM pairs) w
         GROUP BY author_id
    ),
    counted AS (
        SELECT author_id, COUNT(*) AS n, MIN(posted_at) AS first_at FROM valid GROUP BY author_id
    ),
    scored AS (
        SELECT e.author_id, CASE WHEN e.n > %s THEN %s ELSE e.n END AS p,
               COALESCE(a.l, 0) AS l, COALESCE(a.c, 0) AS c, COALESCE(a.r, 0) AS r,
               COALESCE(a.pts, 0) AS i, e.first_at
          FROM counted e LEFT JOIN per_author a ON a.author_id = e.author_id
    )"""
    c = campaign
    params = [c.interactor_cap, c.interactor_cap, c.w_like, c.w_comment, c.w_repost]
    return sql, [*params, c.posts_cap, c.posts_cap]


def _ranking_sql(campaign: Campaign, until) -> tuple[str, list]:
    valid, v_params = valid_sql(campaign, FULL)
    acts, a_params = acts_sql(campaign, FULL, until)
    scored, s_params = scored_sql(campaign)
    sql = f"""
    WITH {valid_as()} ({valid}), acts AS ({acts}), pairs AS ({PAIRS_FROM_ACTS}), {scored}
    SELECT author_id, p, l, c, r, i, %s * p + i AS score, first_at FROM scored
     ORDER BY score DESC, i DESC, first_at ASC, author_id ASC
    """
    return sql, v_params + a_params + s_params + [campaign.w_posts]


def ranking_until(campaign: Campaign, now: datetime | None = None):
    """Acts count up to `now` or the end, whichever is earlier, written as the backend
    stores datetimes (SQLite compares UTC text, offset-free)."""
    until = min(now or timezone.now(), campaign.ends_at_inclusive)
    return connection.ops.adapt_datetimefield_value(until)


def in_transaction():
    """The caller's transaction (a hook's: no savepoint each time), or a new one."""
    return contextlib.nullcontext() if connection.in_atomic_block else transaction.atomic()


def whole_campaign_prepare(cursor) -> None:
    """Before a statement over a whole campaign, on PostgreSQL, for the rest of the
    transaction: no JIT (its estimate of millions of rows made it spend 3 s compiling)
    and `WHOLE_CAMPAIGN_WORK_MEM` so the ~1.5M (author, interactor) pairs of the 1m
    benchmark are grouped in memory, not in temporary files."""
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT set_config('jit', 'off', true), set_config('work_mem', %s, true)",
            [WHOLE_CAMPAIGN_WORK_MEM],
        )


def ranking_compute(campaign: Campaign, *, now: datetime | None = None) -> list[Standing]:
    """The full ranking as of `now` (or the end, whichever is earlier), best first."""
    with in_transaction(), connection.cursor() as cursor:
        whole_campaign_prepare(cursor)
        cursor.execute(*_ranking_sql(campaign, ranking_until(campaign, now)))
        rows = cursor.fetchall()
    field = Entry._meta.get_field("posted_at")
    standings = []
    for rank, (user_id, p, lk, cm, rp, pts, score, first_at) in enumerate(rows, start=1):
        first_at = field.to_python(first_at)
        if timezone.is_naive(first_at):
            first_at = timezone.make_aware(first_at, UTC)
        figures = (int(x) for x in (p, lk, cm, rp, pts, score))  # PostgreSQL SUM: numeric
        standings.append(Standing(rank, user_id, *figures, first_at))
    return standings


# --- the live board: what the pages read -------------------------------------------------
#
# The board is read from the live Score rows (`campaigns.services.scores` keeps them in
# each write's transaction): the top through `score_board_idx`, in the ranking's order,
# and the total. That read is kept in the shared cache for
# SQUARE_LEADERBOARD_REFRESH_SECONDS (10 s; 0: not kept), so a burst of visitors reads
# the table once. One person's standing is read live: their row and the count of rows
# ahead of it, both on the same index.

TOP_SIZE = 100
FRESH_SECONDS = LIVE_CACHE_SECONDS


@dataclass(frozen=True)
class LiveBoard:
    campaign_id: int
    version: int  # monotonic: when it was read, in nanoseconds
    total: int
    top: tuple[Standing, ...]

    def is_fresh(self) -> bool:
        return time.time_ns() - self.version < FRESH_SECONDS * 1_000_000_000


def _board_key(campaign_id: int) -> str:
    return f"campaigns:board:{campaign_id}"


def _standing(rank: int, row: Score) -> Standing:
    figures = (row.posts, row.likes, row.comments, row.reposts, row.points, row.score)
    return Standing(rank, row.user_id, *figures, row.first_entry_at)


def board_read(campaign: Campaign) -> LiveBoard:
    """The board as the Score rows hold it now: the top and the total (two indexed
    queries, whatever the number of participants)."""
    rows = Score.objects.filter(campaign=campaign).order_by(*BOARD_ORDER)[:TOP_SIZE]
    top = tuple(_standing(rank, row) for rank, row in enumerate(rows, start=1))
    total = len(top) if len(top) < TOP_SIZE else Score.objects.filter(campaign=campaign).count()
    return LiveBoard(campaign.pk, time.time_ns(), total, top)


def board_cached(campaign: Campaign) -> LiveBoard:
    """The leaderboard as the pages show it: read from the Score rows at most once per
    SQUARE_LEADERBOARD_REFRESH_SECONDS across the app servers."""
    seconds = settings.SQUARE_LEADERBOARD_REFRESH_SECONDS
    if seconds <= 0:
        return board_read(campaign)
    board = cache_get(_board_key(campaign.pk))
    if board is None or time.time_ns() - board.version >= seconds * 1_000_000_000:
        board = board_read(campaign)
        cache_set_many({_board_key(campaign.pk): board}, seconds)
    return board


def _ahead() -> Q:
    """Rows before the outer row in the board's order (the index range starts at its
    score; the rest is checked on the index entries)."""
    score, points = OuterRef("score"), OuterRef("points")
    first_at, tie = OuterRef("first_entry_at"), Q(score=score, points=points)
    return Q(score__gte=score) & (
        Q(score__gt=score)
        | Q(score=score, points__gt=points)
        | (tie & Q(first_entry_at__lt=first_at))
        | (tie & Q(first_entry_at=first_at, user_id__lt=OuterRef("user_id")))
    )


def live_standing(board: LiveBoard, user_id: int) -> Standing | None:
    """One person's place: from the board's top when they are in it, else their Score
    row with its rank — the rows ahead of it, counted on the index — in one query;
    None when unranked."""
    for standing in board.top:
        if standing.user_id == user_id:
            return standing
    same = Score.objects.filter(campaign_id=board.campaign_id).order_by()
    ahead = same.filter(_ahead()).values("campaign_id").annotate(n=Count("pk")).values("n")
    row = same.filter(user_id=user_id).annotate(ahead=Subquery(ahead)).first()
    if row is None:
        return None
    return _standing((row.ahead or 0) + 1, row)


def score_rows_differences(campaign: Campaign, *, limit: int = 20) -> tuple[int, list[str]]:
    """The audit of the live rows: how many people's Score rows differ from the full
    computation (or are missing, or extra), and the first `limit` of them in words."""
    fields = ("posts", "likes", "comments", "reposts", "points", "score", "first_entry_at")
    full = {s.user_id: s for s in ranking_compute(campaign)}
    stored = {row.user_id: row for row in Score.objects.filter(campaign=campaign)}
    differences = []
    for user_id in sorted(full.keys() | stored.keys()):
        want, have = full.get(user_id), stored.get(user_id)
        if want is None or have is None:
            differences.append(f"user {user_id}: {'extra' if want is None else 'missing'} row")
            continue
        wrong = [f"{f} {getattr(have, f)} != {getattr(want, f)}" for f in fields
                 if getattr(have, f) != getattr(want, f)]  # fmt: skip
        if wrong:
            differences.append(f"user {user_id}: " + ", ".join(wrong))
    return len(differences), differences[:limit]
