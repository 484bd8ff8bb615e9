"""/search/: posts by their terms, topics by prefix in both scripts, people by prefix,
and the limits that keep search from holding the database."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models.expressions import RawSQL

from square.models import Hashtag, Post
from square.services.moderation import user_ban
from square.services.posts import post_create
from square.tests.factories import UserFactory, moderator_user

pytestmark = pytest.mark.django_db


def _ids(response) -> list[int]:
    return [p.pk for p in response.context["page"].items]


@pytest.fixture
def posts():
    lin = UserFactory(username="lin_xiaoyu", display_name="林小雨")
    other = UserFactory(username="chen")
    return {
        "wish": post_create(author=lin, body="祝大家新年快乐！Happy new year"),
        "apart": post_create(author=other, body="新年到了，大家快乐"),
        "trad": post_create(author=other, body="比特幣交易 #新年快樂"),
        "tag": post_create(author=lin, body="我的第一帖 #我的2026第一帖"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("新年", ["tag", "trad", "apart", "wish"][1:]),  # the tag post has no 新年
        ("新年快乐", ["trad", "wish"]),  # the Traditional tag's text counts; "apart" does not
        ("新年 快乐", ["trad", "apart", "wish"]),
        ("比特币", ["trad"]),
        ("比特", ["trad"]),
        ("HAPPY", ["wish"]),
        ("happ", []),
        ("第一帖", ["tag"]),
        ("完全没有", []),
    ],
)
def test_posts_are_found_by_their_words(client, posts, query, expected):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert _ids(response) == [posts[k].pk for k in expected]


def test_the_matched_text_is_marked_safely(client):
    post_create(author=UserFactory(), body="<b>注意</b> 新年快乐")
    html = client.get("/search/", {"q": "新年"}).content.decode()
    assert "<mark>新年</mark>快乐" in html
    assert "&lt;b&gt;注意&lt;/b&gt;" in html


def test_a_banned_authors_posts_are_never_found(client, posts):
    user_ban(user=posts["wish"].author, actor=moderator_user(is_superuser=True), reason="spam")
    assert _ids(client.get("/search/", {"q": "新年快乐"})) == [posts["trad"].pk]


def test_a_tag_query_shows_the_topic_and_its_posts(client, posts):
    response = client.get("/search/", {"q": "#我的2026第一帖"})
    assert response.context["topic"].key == "我的2026第一帖"
    assert _ids(response) == [posts["tag"].pk]


def test_topics_are_found_by_prefix_in_either_script(client, posts):
    keys = {t.key for t in client.get("/search/", {"q": "#新年"}).context["tags"]}
    assert keys == {"新年快樂"}
    keys = {t.key for t in client.get("/search/", {"q": "新年快乐"}).context["tags"]}
    assert keys == {"新年快樂"}
    Hashtag.objects.update(post_count=0)  # topics without posts are not offered
    cache.clear()  # (once the minute the suggestions are kept has passed)
    assert client.get("/search/", {"q": "#新年"}).context["tags"] == []


def test_people_are_found_by_username_or_display_name(client, posts):
    response = client.get("/search/", {"q": "@LIN"})
    assert [u.username for u in response.context["people"]] == ["lin_xiaoyu"]
    assert response.context["page"] is None
    response = client.get("/search/", {"q": "@林小"})
    assert [u.username for u in response.context["people"]] == ["lin_xiaoyu"]
    assert "林小雨" in response.content.decode()


@pytest.mark.parametrize(
    ("lang", "message"),
    [("en", "You are doing that too often"), ("zh-hans", "操作太频繁")],
)
def test_searching_too_often_is_answered_429(client, settings, posts, lang, message):
    settings.SQUARE_RATE_LIMITS = {**settings.SQUARE_RATE_LIMITS, "search_address": (3, 60)}
    for _ in range(3):
        assert client.get("/search/", {"q": "新年"}).status_code == 200
    response = client.get("/search/", {"q": "新年"}, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 429
    assert message in response.content.decode()


def _slow_posts(*, query, cursor=None, size=0):
    """A statement that runs far past the limit, on either database."""
    if connection.vendor == "postgresql":
        slow = "SELECT pg_sleep(2) IS NOT NULL"
    else:
        slow = (
            "SELECT count(*) > 0 FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL "
            "SELECT x + 1 FROM c WHERE x < 50000000) SELECT x FROM c)"
        )
    return (
        Post.objects.alias(slow=RawSQL(slow, [])).filter(slow=True).order_by("-created_at", "-id")
    )


@pytest.mark.parametrize(("lang", "message"), [("en", "too broad"), ("zh-hans", "范围太大")])
def test_a_search_past_the_time_limit_asks_for_another_word(
    client, settings, monkeypatch, posts, lang, message
):
    settings.SQUARE_SEARCH_TIMEOUT_MS = 100
    monkeypatch.setattr("square.selectors.search.search_posts", _slow_posts)
    response = client.get("/search/", {"q": "新年"}, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert client.get("/").status_code == 200  # the connection is usable afterwards


def test_a_search_page_costs_a_bounded_number_of_queries(
    client, posts, django_assert_max_num_queries
):
    for i in range(30):
        post_create(author=UserFactory(), body=f"新年快乐 第{i}次")
    client.get("/search/", {"q": "新年快乐"})  # what every search shares is cached
    # Posts, the badges' entries, images, mentions (the topics and people the query
    # shows are kept a minute); on PostgreSQL also the time limit's savepoint, its
    # setting and the release.
    with django_assert_max_num_queries(7 if connection.vendor == "postgresql" else 4):
        response = client.get("/search/", {"q": "新年快乐"})
    assert len(response.context["page"].items) == 20


def test_load_more_keeps_the_matched_lines(client):
    author = UserFactory()
    for i in range(25):
        post_create(author=author, body=f"新年快乐 第{i}条")
    first = client.get("/search/", {"q": "新年"})
    cursor = first.context["page"].next_cursor
    more = client.get("/search/", {"q": "新年", "cursor": cursor, "partial": "1"})
    html = more.content.decode()
    assert "<!doctype" not in html.lower()  # only the list
    assert html.count('class="search-excerpt') == 5
    assert "<mark>新年</mark>快乐" in html
