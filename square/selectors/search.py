"""Search reads: posts by their indexed terms (`square.search`), topics and people by
prefix. Every statement is served by an index (the terms' GIN or FTS5 index, the
tags' and names' prefix indexes), so no search reads the whole posts table."""

import hashlib
import time
from contextlib import contextmanager
from functools import lru_cache

import opencc
from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import Case, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower

from square import search, text
from square.models import Cashtag, Hashtag, Post, User
from square.project.caching import cached_value
from square.selectors.feeds import posts_for_display


def _needle(phrase: str) -> str:
    """What the normalised text must contain for a phrase: a word at either end is
    whole (the text keeps a space around every word), a CJK end may sit in a longer run."""
    start = "" if search.is_cjk(phrase[0]) else " "
    end = "" if search.is_cjk(phrase[-1]) else " "
    return f"{start}{phrase}{end}"


# PostgreSQL: a page is first looked for among the newest WALK rows (on or after the
# cursor), tested row by row — a common term fills it there. Only when it does not is
# the term rare enough to read all its matches through the terms' GIN index and sort
# them. (The planner cannot choose between the two itself: for a term it has no
# statistics about, a term no post holds included, it walked every row: 8 s.)
WALK = 1000
_READABLE = "JOIN square_user u ON u.id = s.author_id AND u.banned_at IS NULL AND u.is_active"


def _ids_sql(query: search.Query, cursor: tuple | None, size: int) -> tuple[str, list]:
    """PostgreSQL: the ids of one page of matches, newest first, in one statement."""
    phrases = [f"%{_needle(phrase)}%" for phrase in query.phrases]
    confirm = "".join(" AND s.norm LIKE %s" for _ in phrases)
    terms = [sorted(query.terms), *phrases]
    after, moment = "", list(cursor) if cursor else []
    if cursor:
        after = " AND (s.created_at, s.post_id) < (%s, %s)"
    newest = (
        "SELECT post_id, created_at, author_id, terms, norm FROM square_postsearch s "
        f"WHERE true{after} ORDER BY created_at DESC, post_id DESC LIMIT {WALK}"
    )
    order = f"ORDER BY s.created_at DESC, s.post_id DESC LIMIT {int(size)}"
    # The expression keeps the sort off the time index, so the fallback reads the GIN.
    sorted_ = f"ORDER BY s.created_at + interval '0 s' DESC, s.post_id DESC LIMIT {int(size)}"
    sql = (
        f"WITH hits AS MATERIALIZED (SELECT s.post_id FROM ({newest}) s {_READABLE} "
        f"WHERE s.terms @> %s::text[]{confirm} {order}) "
        f"(SELECT post_id FROM hits WHERE (SELECT count(*) FROM hits) >= {int(size)}) "
        f"UNION ALL (SELECT s.post_id FROM square_postsearch s {_READABLE} "
        f"WHERE s.terms @> %s::text[]{confirm}{after} "
        f"AND (SELECT count(*) FROM hits) < {int(size)} {sorted_})"
    )
    return sql, moment + terms + terms + moment


def search_posts(*, query: search.Query, cursor: tuple | None = None, size: int = 0) -> QuerySet:
    """Published posts holding every term of the query, each phrase confirmed as
    written, by authors who may be read (not banned, not closed); newest first. On
    PostgreSQL `size` posts after `cursor` ((created_at, id) of the last one shown) are
    picked in one statement (`_ids_sql`); the caller pages the result as usual."""
    if query.kind != "posts" or query.empty:
        return Post.objects.none()
    qs = Post.objects.published()
    if connection.vendor == "postgresql":
        sql, params = _ids_sql(query, cursor, size or settings.SQUARE_FEED_PAGE_SIZE + 1)
        qs = qs.filter(pk__in=RawSQL(sql, params))
    else:
        qs = qs.filter(
            search__terms__all=sorted(query.terms),
            author__banned_at__isnull=True,
            author__is_active=True,
        )
        for phrase in query.phrases:
            qs = qs.filter(search__norm__contains=_needle(phrase))
    return posts_for_display(qs.newest_first())


@lru_cache(maxsize=2)
def _opencc(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def tag_spellings(key: str) -> set[str]:
    """A tag as typed, in Simplified and in Traditional characters."""
    return {key, _opencc("t2s").convert(key), _opencc("s2t").convert(key)}


def search_hashtags_query(*, key: str) -> QuerySet:
    """Topics with posts whose key starts with `key` in any of its spellings (so 新年
    finds 新年快乐 and the Traditional 新年快樂): exactly that name first, then the busiest."""
    spellings = tag_spellings(key)
    prefix = Q()
    for spelling in spellings:
        prefix |= Q(key__startswith=spelling)
    exact = Case(When(key__in=spellings, then=Value(0)), default=Value(1))
    found = Hashtag.objects.filter(prefix, post_count__gt=0).alias(exact=exact)
    return found.order_by("exact", "-post_count", "key")


def search_hashtags(*, query: str, limit: int = 10) -> list[Hashtag]:
    """The topics a search offers (`search_hashtags_query`), at most `limit`."""
    key = _tag_prefix(query)
    return list(search_hashtags_query(key=key)[:limit]) if key else []


def _tag_prefix(query: str) -> str:
    """The tag key a query's text asks topics for (its signs taken off)."""
    return text.tag_key(query.strip().lstrip("#＃").rstrip("#＃"))


def search_people(*, query: str, limit: int = 10) -> QuerySet:
    """Active members whose username or display name starts with the query (case
    folded), most followed first."""
    name = query.strip().lstrip("@＠").casefold()
    if not name:
        return User.objects.none()
    qs = User.objects.alias(u=Lower("username"), d=Lower("display_name")).filter(
        Q(u__startswith=name) | Q(d__startswith=name), is_active=True, banned_at__isnull=True
    )
    return qs.order_by("-follower_count", "username")[:limit]


SUGGESTIONS_SECONDS = 60


def suggestion_queries(*, query: search.Query) -> dict[str, QuerySet]:
    """The statements a search runs beside its posts: "people" by prefix (for @name, or
    a one-word search) and "topics" by prefix (not for @name). The page evaluates them
    (`search_suggestions`); the benchmark times them."""
    found = {}
    if query.kind == "people" or (query.kind == "posts" and " " not in query.text):
        found["people"] = search_people(query=query.text, limit=10 if query.kind == "people" else 5)
    if query.kind in ("posts", "tag"):
        key = _tag_prefix(query.text)
        found["topics"] = search_hashtags_query(key=key)[:10] if key else Hashtag.objects.none()
    return found


def search_suggestions(*, query: search.Query) -> dict:
    """The topics and people a search shows beside its posts (the topic of exactly that
    name first, then the busiest). Kept a minute per query: a popular search costs its
    posts query only."""
    digest = hashlib.blake2b(f"{query.kind}:{query.text}".encode(), digest_size=16).hexdigest()

    def compute() -> dict:
        if query.kind == "cashtag":
            token = Cashtag.objects.filter(symbol=query.text).first()
            return {"tags": [], "people": [], "topic": None, "token": token}
        found = {name: list(qs) for name, qs in suggestion_queries(query=query).items()}
        tags = found.get("topics", [])
        spellings = tag_spellings(text.tag_key(query.text))
        topic = tags[0] if tags and tags[0].key in spellings else None
        return {"tags": tags, "people": found.get("people", []), "topic": topic, "token": None}

    return cached_value(f"square:search:{digest}", compute, fresh=SUGGESTIONS_SECONDS)


# PostgreSQL, for the search's transaction: its time limit; no sequential scans — with a
# LIMIT the planner likes to read a big table from the start until enough rows match,
# which costs seconds when they are rare, and every search statement has an index; and
# no parallel workers, whose start (~90 ms) cost more than the statements themselves.
_SETTINGS = (
    "SELECT set_config('statement_timeout', %s, true), set_config('enable_seqscan', 'off', true),"
    " set_config('max_parallel_workers_per_gather', '0', true)"
)


class SearchTooBroad(Exception):
    """A search statement ran past `SQUARE_SEARCH_TIMEOUT_MS`."""


@contextmanager
def search_time_limit():
    """Every statement inside may run `SQUARE_SEARCH_TIMEOUT_MS` at most, then the
    search is given up (SearchTooBroad) instead of holding the database: PostgreSQL's
    statement_timeout for this transaction (sequential scans priced out: `_SETTINGS`),
    SQLite's progress handler."""
    limit_ms = settings.SQUARE_SEARCH_TIMEOUT_MS
    try:
        if connection.vendor == "postgresql":
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(_SETTINGS, [str(limit_ms)])
                yield
        elif connection.vendor == "sqlite":
            connection.ensure_connection()
            deadline = time.monotonic() + limit_ms / 1000
            raw = connection.connection
            raw.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
            try:
                yield
            finally:
                raw.set_progress_handler(None, 0)
        else:
            yield
    except OperationalError as exc:
        if _cancelled(exc):
            raise SearchTooBroad from exc
        raise


def _cancelled(exc: OperationalError) -> bool:
    """A statement stopped by the limit (PostgreSQL 57014, SQLite "interrupted")."""
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) == "57014" or "interrupted" in str(exc)
