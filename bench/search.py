"""Search at the benchmark's scale (issue 19): the terms a search page is loaded with,
each search's statements timed in-process (their p95), and the index's size beside
the posts'. The pages themselves are loaded with the others (`bench/pages.py`)."""

import statistics
import time
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection

from square import search
from square.models import Post, PostSearch, User
from square.selectors.search import (
    search_posts,
    search_time_limit,
    suggestion_queries,
)

RUNS = 30  # timed runs of each statement, after WARM unrecorded ones
WARM = 3


def terms() -> list[tuple[str, str, str]]:
    """(key, label, query): Chinese of one, two and four characters, common and rare
    in the generated text (`bench/text.py`), an English word, a term no post holds, two
    words, a topic prefix and a people prefix."""
    person = User.objects.filter(is_active=True).order_by("pk").values_list("username", flat=True)
    prefix = (person.first() or "user")[:3]
    return [
        ("search_zh1", "search 的 (1 character, common)", "的"),
        ("search_zh1_rare", "search 紫 (1 character, rare)", "紫"),
        ("search_zh2", "search 比特 (2 characters, common)", "比特"),
        ("search_zh2_rare", "search 质押 (2 characters, rarer)", "质押"),
        ("search_zh4", "search 新年快乐 (4 characters)", "新年快乐"),
        ("search_zh4_rare", "search 去中心化 (4 characters, rarer)", "去中心化"),
        ("search_en", "search bitcoin (English)", "bitcoin"),
        ("search_none", "search 鑫淼 (no post holds it)", "鑫淼"),
        ("search_two", "search 比特币 加油 (two words)", "比特币 加油"),
        ("search_tag", "search #我的 (topic prefix)", "#我的"),
        ("search_people", f"search @{prefix} (people prefix)", "@" + prefix),
    ]


def path(query: str) -> str:
    return "/search/?" + urlencode({"q": query})


def _statements(query: search.Query) -> dict[str, object]:
    """The statements the search page runs for `query` (its suggestions' and the
    first page of its posts), as QuerySets."""
    found = suggestion_queries(query=query)
    if query.kind == "posts":
        found["posts"] = search_posts(query=query)[: settings.SQUARE_FEED_PAGE_SIZE + 1]
    return found


def _p95(qs) -> float:
    """The statement's p95, each run as the page runs it: inside the search's time
    limit and planner settings (`search_time_limit`)."""
    sql, params = qs.query.sql_with_params()
    times = []
    for run in range(WARM + RUNS):
        with search_time_limit(), connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            if run >= WARM:
                times.append((time.perf_counter() - started) * 1000)
    return statistics.quantiles(times, n=20)[-1]


def statement_times() -> dict[str, dict[str, float]]:
    """{term key: {statement: p95 ms}} for every term."""
    return {
        key: {name: _p95(qs) for name, qs in _statements(search.parse(query)).items()}
        for key, _label, query in terms()
    }


def sizes() -> dict[str, int]:
    """Bytes: the search table with its indexes, the posts table with its indexes, and
    the posts' text itself (PostgreSQL; empty elsewhere)."""
    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_total_relation_size(%s), pg_total_relation_size(%s), "
            "(SELECT coalesce(sum(pg_column_size(body)), 0) FROM " + Post._meta.db_table + ")",
            [PostSearch._meta.db_table, Post._meta.db_table],
        )
        index, posts, text = cursor.fetchone()
        cursor.execute("SELECT pg_relation_size('postsearch_terms_gin')")
        gin = cursor.fetchone()[0]
    return {"index": index, "gin": gin, "posts": posts, "text": text}
