"""Search reads never scan the posts table: with sequential scans priced out, every
statement of a search finds an index path (PostgreSQL's plan says so). The rest of the
search rules are in square/tests/test_search.py (terms) and views/test_search.py."""

import pytest
from django.db import connection

from square import search
from square.selectors.search import (
    search_hashtags,
    search_hashtags_query,
    search_people,
    search_posts,
)
from square.services.posts import post_create
from square.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _plan(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(
    "query", ["新年", "新", "新年快乐", "新年 快乐", "bitcoin", "比特币 bitcoin"]
)
def test_no_post_search_reads_the_posts_table_through(query):
    if connection.vendor != "postgresql":
        pytest.skip("query plans are checked on PostgreSQL")
    for i in range(50):
        post_create(author=UserFactory(), body=f"新年快乐 bitcoin {i}")
    connection.cursor().execute("ANALYZE")
    plan = _plan(search_posts(query=search.parse(query))[:21])
    assert "Seq Scan on square_post " not in plan + " ", plan
    assert "Seq Scan on square_postsearch" not in plan, plan


def test_topic_and_people_prefixes_use_their_indexes():
    if connection.vendor != "postgresql":
        pytest.skip("query plans are checked on PostgreSQL")
    UserFactory(username="lin_xiaoyu")
    tags = search_hashtags_query(key="新年")
    assert "Seq Scan" not in _plan(tags)
    assert "Seq Scan" not in _plan(search_people(query="lin"))


def test_selectors_answer_what_the_page_shows():
    lin = UserFactory(username="lin_xiaoyu", display_name="林小雨")
    post_create(author=lin, body="#新年快樂 到了")
    assert [t.key for t in search_hashtags(query="新年")] == ["新年快樂"]
    assert list(search_people(query="LIN")) == [lin]
    assert list(search_people(query="")) == []
    assert search_hashtags(query="#") == []


@pytest.mark.parametrize("walk", [1000, 3], ids=["found-among-the-newest", "read-through-gin"])
def test_both_ways_of_reading_matches_page_the_same(monkeypatch, walk):
    """PostgreSQL looks among the newest rows first and reads a rare term's matches
    through the GIN index; either way the pages are the newest matches, in order."""
    if connection.vendor != "postgresql":
        pytest.skip("the two plans are PostgreSQL's")
    monkeypatch.setattr("square.selectors.search.WALK", walk)
    author = UserFactory()
    made = [post_create(author=author, body=f"新年快乐 第{i}条") for i in range(23)]
    post_create(author=author, body="没有那两个字")
    expected = [p.pk for p in reversed(made)]
    query = search.parse("新年快乐")
    first = list(search_posts(query=query, size=11)[:11])
    assert [p.pk for p in first] == expected[:11]
    last = first[-1]
    second = search_posts(query=query, cursor=(last.created_at, last.pk), size=21)
    assert [p.pk for p in second] == expected[11:]
