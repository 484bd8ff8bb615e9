"""Pages for visitors who are not signed in are kept whole for a few seconds per address
and language (`square.project.page_cache`), publicly cacheable, and a write through the
services ends them at once; signed-in pages are private and never kept."""

import pytest
from django.test import Client

from square.models import Post
from square.services.interactions import like_create
from square.services.posts import post_create
from square.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def author():
    return UserFactory(username="writer")


def test_a_visitor_page_is_kept_and_served_without_a_query(
    client, author, django_assert_num_queries
):
    post_create(author=author, body="第一条 kept")
    first = client.get("/?tab=latest")
    assert first.status_code == 200 and "第一条 kept" in first.text
    with django_assert_num_queries(0):
        again = client.get("/?tab=latest")
    assert again.content == first.content
    assert "public" in again["Cache-Control"] and "max-age=5" in again["Cache-Control"]
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in again["Vary"].split(",")}


def test_each_language_is_kept_apart(client, author):
    zh = client.get("/?tab=latest", HTTP_ACCEPT_LANGUAGE="zh-hans")
    en = client.get("/?tab=latest", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="zh-hans">' in zh.text and '<html lang="en">' in en.text


def test_a_write_through_the_services_ends_every_kept_page(client, author):
    post = post_create(author=author, body="an old post")
    client.get("/?tab=latest")
    client.get(f"/posts/{post.pk}/")
    post_create(author=author, body="a new post right now")
    assert "a new post right now" in client.get("/?tab=latest").text
    like_create(user=UserFactory(), post=post)
    page = client.get(f"/posts/{post.pk}/")
    assert Post.objects.get(pk=post.pk).like_count == 1
    assert page.context is not None  # rendered anew after the like, not the kept copy


def test_a_kept_page_carries_no_csrf_token_and_no_cookie(client, author):
    post_create(author=author, body="visible")
    response = client.get("/?tab=latest")
    assert "csrfmiddlewaretoken" not in response.text
    assert not response.cookies
    assert 'action="/i18n/language/" method="get"' in response.text


def test_signed_in_pages_are_private_and_never_kept(client, author):
    post_create(author=author, body="visible")
    client.get("/?tab=latest")  # kept for visitors
    member = Client()
    member.force_login(author)
    response = member.get("/?tab=latest")
    assert "private" in response["Cache-Control"]
    assert response.context is not None and author.get_absolute_url() in response.text


def test_a_visitor_with_a_message_waiting_gets_the_page_rendered(client, author):
    client.get("/?tab=latest")
    client.cookies["messages"] = "something"
    assert client.get("/?tab=latest").context is not None


def test_the_language_form_is_a_get_that_sets_the_cookie(client):
    response = client.get("/i18n/language/", {"language": "en", "next": "/tags/abc/"})
    assert response.status_code == 302 and response["Location"] == "/tags/abc/"
    assert response.cookies["django_language"].value == "en"
    away = client.get("/i18n/language/", {"language": "en", "next": "https://evil.example/"})
    assert away["Location"] == "/"
    unknown = client.get("/i18n/language/", {"language": "xx", "next": "/"})
    assert "django_language" not in unknown.cookies
