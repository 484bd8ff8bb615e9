"""The pages the benchmark loads, and what each costs in queries.

Query counts are taken in-process with Django's test client and
`CaptureQueriesContext`, signed in as a typical campaign participant (a few entries,
like most people): "cold" right after the cache was emptied, "warm" on the next
request — what a page costs while the load test runs.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bench import search
from campaigns.models import Campaign, Entry
from square.models import Hashtag, Post, User
from square.pagination import cursor_encode
from square.selectors import feed_hot
from square.selectors.hot import hot_ranking_keep, hot_ranking_take

DEEP_PAGE = 1000
RANKING_SQL = "WITH valid AS"  # the leaderboard statement (campaigns.selectors.ranking)


@dataclass
class Page:
    key: str
    label: str
    path: str
    queries_cold: int = 0
    queries_warm: int = 0
    status: int = 0
    computed_ranking_warm: bool = False  # the warm request ran the ranking statement
    anonymous: bool = False  # loaded by a visitor who is not signed in (no session cookie)
    headers: tuple[str, ...] = ()  # sent with every request (e.g. If-None-Match)


def viewer() -> User:
    """A participant with the most common number of entries (at least one)."""
    per_author = Entry.objects.values("author").annotate(n=Count("pk")).order_by("n", "author")
    counts = list(per_author.values_list("author", "n")[:2000])
    if not counts:
        return User.objects.order_by("pk").first()
    middle = counts[len(counts) // 2][0] if len(counts) > 1 else counts[0][0]
    return User.objects.get(pk=middle)


_DEEP_RANKING: list = [None]  # the ranking the deep Hot cursor points into


def _deep_hot(now: datetime, page: int) -> tuple[str, int]:
    """The Hot tab's cursor for `page` (or the deepest page there is), and its number:
    from the ranking the site itself caches (`square.selectors.hot`), as the cursor a
    reader scrolling down from page 1 would hold; by SQL beyond the cached head."""
    size = settings.SQUARE_FEED_PAGE_SIZE
    ranking = _DEEP_RANKING[0] = hot_ranking_take(now)
    ranked = feed_hot(now=ranking.moment).prefetch_related(None).values_list("score", "pk")
    total = ranked.count()
    page = max(2, min(page, total // size))
    index = (page - 1) * size - 1
    if index < len(ranking.ids):
        return f"?cursor={ranking.cursor_at(index)}", page
    score, pk = ranked[index]
    return f"?cursor={ranking.micros}_{score!r}_{pk}", page


def _deep_latest(page: int) -> tuple[str, int]:
    size = settings.SQUARE_FEED_PAGE_SIZE
    qs = Post.objects.published().originals_and_quotes().newest_first()
    total = qs.count()
    page = max(2, min(page, total // size))
    created_at, pk = qs.values_list("created_at", "pk")[(page - 1) * size - 1]
    return f"?tab=latest&cursor={cursor_encode(created_at, pk)}", page


def page_list(campaign: Campaign) -> list[Page]:
    """Every page of the report: the site's, then the two yardsticks."""
    now = timezone.now().astimezone(UTC)
    hot_query, hot_page = _deep_hot(now, DEEP_PAGE)
    latest_query, latest_page = _deep_latest(DEEP_PAGE)
    topic = Hashtag.objects.order_by("-post_count", "pk").first()
    slug = campaign.slug
    c = "campaigns:"
    return [
        Page("home", "home feed (Hot), page 1", "/"),
        Page("home_anon", "home feed (Hot), page 1, not signed in", "/", anonymous=True),
        Page("home_deep", f"home feed (Hot), page {hot_page:,}", "/" + hot_query),
        Page("latest", "home feed (Latest), page 1", "/?tab=latest"),
        Page("latest_anon", "home feed (Latest), page 1, not signed in", "/?tab=latest",
             anonymous=True),
        Page("latest_deep", f"home feed (Latest), page {latest_page:,}", "/" + latest_query),
        Page("topic", f"topic #{topic.display} ({topic.post_count:,} posts)",
             reverse("topic", args=[topic.key])),
        Page("topic_anon", f"topic #{topic.display}, not signed in",
             reverse("topic", args=[topic.key]), anonymous=True),
        Page("campaign", "campaign page", reverse(c + "detail", args=[slug])),
        Page("leaderboard", "leaderboard", reverse(c + "leaderboard", args=[slug])),
        Page("new_voices", "New Voices", reverse(c + "new_voices", args=[slug])),
        Page("results", "results page", reverse(c + "results", args=[slug])),
        *(Page(key, label, search.path(query)) for key, label, query in search.terms()),
        Page("bare", "yardstick: bare view", "/bench/bare/"),
        Page("minimal", "yardstick: minimal list page", "/bench/list/"),
    ]  # fmt: skip


def signed_in_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _count(client: Client, path: str) -> tuple[int, int, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    sql = [q["sql"] for q in ctx.captured_queries]
    return len(sql), response.status_code, sql


@override_settings(ROOT_URLCONF="bench.root_urls")
def count_queries(pages: list[Page], user: User) -> None:
    """Fill in each page's cold and warm query counts and status."""
    for page in pages:
        cache.clear()
        client = Client() if page.anonymous else signed_in_client(user)  # the session too
        extra = dict(h.split(": ", 1) for h in page.headers)
        client.defaults.update({"HTTP_" + k.upper().replace("-", "_"): v for k, v in extra.items()})
        page.queries_cold, _status, _sql = _count(client, page.path)
        page.queries_warm, page.status, sql = _count(client, page.path)
        page.computed_ranking_warm = any(RANKING_SQL in q for q in sql)
    if _DEEP_RANKING[0] is not None:  # emptied with the cache: where the deep cursor points
        hot_ranking_keep(_DEEP_RANKING[0])
