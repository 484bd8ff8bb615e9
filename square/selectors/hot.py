"""推荐 Hot, served from a ranking taken at most once a minute.

Ranking the week's posts (`feeds.feed_hot`) reads every post of the window — about
220,000 at a million posts, 150–250 ms — and the tab is the home page. So the ids and
scores of its first HOT_CACHED posts are kept in the cache, stored under the moment they
were taken: a page is the next slice of that list (one query for its posts' card rows,
`square.selectors.cards`), and the cursor, which names the moment, finds the same list
on later pages, so a scroll never shifts. When the current ranking is a minute old,
one request (a cache `add` is the lock) takes a new one while the others serve the old.

A cursor never runs the ranking's SQL: anyone can write one, and cutting a page by SQL
for it cost 150–250 ms at a million posts. A cursor whose ranking has left the cache
(after an hour), or that names a post its ranking does not hold, starts again from the
first page; Hot ends with the cached list (1,000 pages: Latest goes on from there).
"""

from array import array
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.cache import caches
from django.utils import timezone

from square.pagination import Page, score_cursor_decode
from square.project.caching import cache_add, cache_get, cache_set_many
from square.selectors.cards import card_rows_by_id
from square.selectors.feeds import feed_hot

HOT_CACHED = 20_000  # 1,000 pages of 20; stored as two flat arrays (~320 KB)
FRESH_SECONDS = 60
KEEP_SECONDS = 3600  # how long a scroll can go on in one ranking (~20 MB in Redis)
CURRENT_KEY = "square:hot:current"
LOCK_KEY = "square:hot:taking"


@dataclass(frozen=True)
class HotRanking:
    micros: int  # the ranking moment, as in the cursors
    ids: array  # of 'q': pickled as raw bytes, so reading 20,000 costs no object per id
    scores: array  # of 'd'

    @property
    def moment(self) -> datetime:
        return datetime.fromtimestamp(self.micros / 1_000_000, tz=UTC)

    @property
    def complete(self) -> bool:
        """The list holds every post of the window (nothing to fetch beyond it)."""
        return len(self.ids) <= HOT_CACHED

    def cursor_at(self, index: int) -> str:
        return f"{self.micros}_{self.scores[index]!r}_{self.ids[index]}"


def _key(micros: int) -> str:
    return f"square:hot:{micros}"


def hot_ranking_take(now: datetime | None = None) -> HotRanking:
    """Rank the window now and keep the head of it where pages read it."""
    micros = int((now or timezone.now()).timestamp() * 1_000_000)
    moment = datetime.fromtimestamp(micros / 1_000_000, tz=UTC)
    # One more than the head: a page ending on its last post still knows a next exists.
    rows = list(feed_hot(now=moment).values_list("pk", "score")[: HOT_CACHED + 1])
    ids, scores = array("q", (r[0] for r in rows)), array("d", (r[1] for r in rows))
    return hot_ranking_keep(HotRanking(micros, ids, scores))


def hot_ranking_keep(ranking: HotRanking) -> HotRanking:
    """Store a ranking where cursors find it, as the current one (when the cache is
    down, pages are cut by SQL: slower, but served)."""
    cache_set_many({_key(ranking.micros): ranking, CURRENT_KEY: ranking.micros}, KEEP_SECONDS)
    return ranking


def _ranking(micros: int) -> HotRanking | None:
    """The ranking taken at `micros`: it never changes, so each process keeps the ones
    in use (20,000 ids and scores: reading them from Redis on every page cost more
    than the page's queries)."""
    local = caches["template_fragments"]
    ranking = local.get(_key(micros))
    if ranking is None:
        ranking = cache_get(_key(micros))
        if ranking is not None:  # forged cursors' moments are not kept
            local.set(_key(micros), ranking, KEEP_SECONDS)
    return ranking


def hot_ranking_current() -> HotRanking:
    """The ranking a first page shows: the cached one, taken anew by one request once
    it is a minute old (or when there is none)."""
    micros = cache_get(CURRENT_KEY)
    ranking = _ranking(micros) if micros is not None else None
    if ranking is None:
        return hot_ranking_take()
    age = timezone.now().timestamp() - ranking.micros / 1_000_000
    if age >= FRESH_SECONDS and cache_add(LOCK_KEY, True, FRESH_SECONDS):
        return hot_ranking_take()
    return ranking


def _position_after(ranking: HotRanking, pk: int) -> int | None:
    try:
        return ranking.ids.index(pk) + 1
    except ValueError:  # not in this ranking: a forged or foreign cursor
        return None


def hot_page(*, cursor: str | None, size: int) -> Page:
    """One page of Hot after `cursor`, cut from a cached ranking (InvalidCursor if the
    cursor is broken; the first page if its ranking is not cached)."""
    ranking = start = None
    if cursor:
        _moment, _score, pk = score_cursor_decode(cursor)
        ranking = _ranking(int(cursor.split("_")[0]))
        start = _position_after(ranking, pk) if ranking else None
    if ranking is None or start is None:
        ranking, start = hot_ranking_current(), 0
    ids = ranking.ids[start : start + size + 1].tolist()
    next_cursor = ranking.cursor_at(start + size - 1) if len(ids) > size else None
    return Page(items=card_rows_by_id(ids[:size]), next_cursor=next_cursor)
