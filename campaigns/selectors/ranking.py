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
"""

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection
from django.utils import timezone

from campaigns.models import Campaign, Entry
from square.models import Comment, Like, Post, User
from square.project.caching import cache_get, cache_set_many

LIVE_CACHE_SECONDS = 60


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


def _old_enough(joined: str, acted: str) -> str:
    """SQL: the account was at least %s hours old when it acted, exact to the
    microsecond (PostgreSQL interval math; on SQLite Django's own registered
    `django_timestamp_diff`, which returns whole microseconds — julianday() would round
    to milliseconds)."""
    if connection.vendor == "postgresql":
        return f"{joined} <= {acted} - make_interval(hours => %s)"
    return f"django_timestamp_diff({acted}, {joined}) >= %s * 3600000000"


def _acts_sql(t: dict) -> str:
    """One row per (author, interactor, act) from eligible interactors; the comment and
    repost arms are made distinct per (person, post) first."""
    ok = _old_enough("i.date_joined", "{at}")
    like_ok = ok.format(at="l.created_at")
    comment_ok = ok.format(at="c.created_at")
    repost_ok = ok.format(at="p.created_at")
    return f"""
    SELECT v.author_id, l.user_id AS who, 1 AS l, 0 AS c, 0 AS r
      FROM {t["like"]} l JOIN valid v ON v.post_id = l.post_id
      JOIN {t["user"]} i ON i.id = l.user_id
     WHERE l.user_id <> v.author_id AND i.is_active = %s AND i.banned_at IS NULL
       AND l.created_at <= %s AND {like_ok}
    UNION ALL
    SELECT v.author_id, cm.who, 0, 1, 0 FROM (
        SELECT DISTINCT c.post_id, c.author_id AS who
          FROM {t["comment"]} c JOIN {t["user"]} i ON i.id = c.author_id
         WHERE c.status = %s AND i.is_active = %s AND i.banned_at IS NULL
           AND c.created_at <= %s AND {comment_ok}
    ) cm JOIN valid v ON v.post_id = cm.post_id WHERE cm.who <> v.author_id
    UNION ALL
    SELECT v.author_id, rp.who, 0, 0, 1 FROM (
        SELECT DISTINCT p.repost_of_id AS post_id, p.author_id AS who
          FROM {t["post"]} p JOIN {t["user"]} i ON i.id = p.author_id
         WHERE p.repost_of_id IS NOT NULL AND p.status = %s
           AND i.is_active = %s AND i.banned_at IS NULL
           AND p.created_at <= %s AND {repost_ok}
    ) rp JOIN valid v ON v.post_id = rp.post_id WHERE rp.who <> v.author_id
    """


def _ranking_sql(exclude_staff: bool) -> str:
    t = {
        "entry": Entry._meta.db_table,
        "user": User._meta.db_table,
        "like": Like._meta.db_table,
        "comment": Comment._meta.db_table,
        "post": Post._meta.db_table,
    }
    staff = "AND u.is_staff = %s" if exclude_staff else ""
    return f"""
    WITH valid AS (
        SELECT e.post_id, e.author_id, e.posted_at
          FROM {t["entry"]} e JOIN {t["user"]} u ON u.id = e.author_id
         WHERE e.campaign_id = %s AND e.valid = %s AND u.is_active = %s
           AND u.banned_at IS NULL {staff}
    ),
    acts AS ({_acts_sql(t)}),
    pairs AS (
        SELECT author_id, who, SUM(l) AS l, SUM(c) AS c, SUM(r) AS r,
               %s * SUM(l) + %s * SUM(c) + %s * SUM(r) AS raw
          FROM acts GROUP BY author_id, who
    ),
    per_author AS (
        SELECT author_id, SUM(l) AS l, SUM(c) AS c, SUM(r) AS r,
               SUM(CASE WHEN raw > %s THEN %s ELSE raw END) AS pts
          FROM pairs GROUP BY author_id
    ),
    counted AS (
        SELECT author_id, COUNT(*) AS n, MIN(posted_at) AS first_at FROM valid GROUP BY author_id
    ),
    scored AS (
        SELECT e.author_id, CASE WHEN e.n > %s THEN %s ELSE e.n END AS p,
               COALESCE(a.l, 0) AS l, COALESCE(a.c, 0) AS c, COALESCE(a.r, 0) AS r,
               COALESCE(a.pts, 0) AS i, e.first_at
          FROM counted e LEFT JOIN per_author a ON a.author_id = e.author_id
    )
    SELECT author_id, p, l, c, r, i, %s * p + i AS score, first_at FROM scored
     ORDER BY score DESC, i DESC, first_at ASC, author_id ASC
    """


def _params(campaign: Campaign, until: datetime) -> list:
    hours = campaign.min_interactor_age_hours
    valid = [campaign.pk, True, True] + ([False] if campaign.exclude_staff else [])
    acts = [True, until, hours]  # likes
    acts += [Comment.Status.PUBLISHED, True, until, hours]  # comments
    acts += [Post.Status.PUBLISHED, True, until, hours]  # reposts
    weights = [campaign.w_like, campaign.w_comment, campaign.w_repost]
    caps = [campaign.interactor_cap] * 2 + [campaign.posts_cap] * 2
    return valid + acts + weights + caps + [campaign.w_posts]


def ranking_compute(campaign: Campaign, *, now: datetime | None = None) -> list[Standing]:
    """The full ranking as of `now` (or the end, whichever is earlier), best first."""
    until = min(now or timezone.now(), campaign.ends_at_inclusive)
    # Written as the backend stores datetimes (SQLite compares UTC text, offset-free).
    until = connection.ops.adapt_datetimefield_value(until)
    with connection.cursor() as cursor:
        cursor.execute(_ranking_sql(campaign.exclude_staff), _params(campaign, until))
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
# At a million posts the ranking takes seconds to compute and holds ~100,000 people; the
# pages show the top 100 and one person's rank. So a refresh (the background task, or a
# request finding nothing cached) stores the top, the total and each person's standing
# under their own key, and a request reads two small values — never the whole list.
# A board older than a minute is still served while one request asks for a refresh
# (`campaigns.services.leaderboard`).

TOP_SIZE = 100
FRESH_SECONDS = LIVE_CACHE_SECONDS
KEEP_SECONDS = 24 * 3600
_WRITE_CHUNK = 5000


@dataclass(frozen=True)
class LiveBoard:
    campaign_id: int
    version: int  # monotonic: when it was computed, in nanoseconds
    total: int
    top: tuple[Standing, ...]

    def is_fresh(self) -> bool:
        return time.time_ns() - self.version < FRESH_SECONDS * 1_000_000_000


def _board_key(campaign_id: int) -> str:
    return f"campaigns:board:{campaign_id}"


def _standing_key(campaign_id: int, user_id: int) -> str:
    return f"campaigns:board:{campaign_id}:u:{user_id}"


def board_store(campaign: Campaign, standings: list[Standing]) -> LiveBoard:
    """Put a computed ranking where the pages read it: each person's standing first
    (tagged with the board's version), then the board, so a reader holding a board
    always finds the standings it covers."""
    version = time.time_ns()
    for start in range(0, len(standings), _WRITE_CHUNK):
        chunk = standings[start : start + _WRITE_CHUNK]
        values = {_standing_key(campaign.pk, s.user_id): (version, s) for s in chunk}
        cache_set_many(values, KEEP_SECONDS)
    board = LiveBoard(campaign.pk, version, len(standings), tuple(standings[:TOP_SIZE]))
    cache_set_many({_board_key(campaign.pk): board}, KEEP_SECONDS)
    return board


def ranking_refresh(campaign: Campaign) -> LiveBoard:
    """Recompute the ranking now and store it for the pages."""
    return board_store(campaign, ranking_compute(campaign))


def board_cached(campaign: Campaign) -> LiveBoard:
    """The leaderboard as stored for the pages, computed here only when there is none.
    A board older than a minute is returned as it is (`is_fresh` says so): a read never
    asks for work; the page's service does (`campaigns.services.leaderboard`)."""
    board = cache_get(_board_key(campaign.pk))
    if board is None:
        return ranking_refresh(campaign)
    return board


def live_standing(board: LiveBoard, user_id: int) -> Standing | None:
    """One person's place on this board (one cache read). A standing older than the
    board means the person left the ranking since (banned, entries no longer valid)."""
    for standing in board.top:
        if standing.user_id == user_id:
            return standing
    stored = cache_get(_standing_key(board.campaign_id, user_id))
    if stored is None or stored[0] < board.version:
        return None
    return stored[1]
